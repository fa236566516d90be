// RTP and RTCP header parsing (RFC 3550 §5.1, §6.4; RFC 3611 §4.7) and the per-flow RTP heuristic of issue 15.
// Every read is preceded by a check that the bytes are there; nothing is copied but fixed-size fields.
#include "decode/rtp.hpp"

namespace sipscope::decode {

namespace {

std::uint8_t byteAt(std::string_view bytes, std::size_t at) { return static_cast<std::uint8_t>(bytes[at]); }

std::uint16_t read16(std::string_view bytes, std::size_t at) {
    return static_cast<std::uint16_t>((byteAt(bytes, at) << 8) | byteAt(bytes, at + 1));
}

std::uint32_t read32(std::string_view bytes, std::size_t at) {
    return (std::uint32_t{read16(bytes, at)} << 16) | read16(bytes, at + 2);
}

template <typename Error>
void setError(Error* out, Error value) {
    if (out != nullptr) {
        *out = value;
    }
}

constexpr std::uint8_t RtcpSr = 200;
constexpr std::uint8_t RtcpRr = 201;
constexpr std::uint8_t RtcpBye = 203;
constexpr std::uint8_t RtcpXr = 207;
constexpr std::uint8_t XrVoipMetrics = 7;
constexpr std::size_t ReportBlockBytes = 24;
constexpr std::size_t SenderInfoBytes = 20;
constexpr std::size_t VoipMetricsBytes = 36;  // block header included (block length 8)

void bump(std::uint8_t& counter) {
    if (counter < 255) {
        ++counter;
    }
}

RtcpReportBlock readReportBlock(std::string_view bytes, std::size_t at) {
    RtcpReportBlock block;
    block.ssrc = read32(bytes, at);
    block.fractionLost = byteAt(bytes, at + 4);
    // 24-bit two's complement: move it to the top of 32 bits, then shift back with the sign.
    const std::uint32_t raw = read32(bytes, at + 4) & 0xFFFFFFU;
    block.cumulativeLost = static_cast<std::int32_t>(raw << 8) / 256;
    block.extendedHighestSeq = read32(bytes, at + 8);
    block.jitter = read32(bytes, at + 12);
    block.lastSr = read32(bytes, at + 16);
    block.delaySinceLastSr = read32(bytes, at + 20);
    return block;
}

// SR or RR body (after the 4-byte packet header); false when the count does not fit.
bool readReport(std::string_view body, std::uint8_t type, std::uint8_t count, RtcpReport& report) {
    const std::size_t fixed = 4 + (type == RtcpSr ? SenderInfoBytes : 0);
    if (body.size() < fixed + std::size_t{count} * ReportBlockBytes) {
        return false;
    }
    report.packetType = type;
    report.senderSsrc = read32(body, 0);
    report.senderInfo.reset();
    if (type == RtcpSr) {
        report.senderInfo = RtcpSenderInfo{
            .ntpTimestamp = (std::uint64_t{read32(body, 4)} << 32) | read32(body, 8),
            .rtpTimestamp = read32(body, 12),
            .packetCount = read32(body, 16),
            .octetCount = read32(body, 20),
        };
    }
    report.blockCount = count;
    for (std::uint8_t i = 0; i < count; ++i) {
        report.blocks[i] = readReportBlock(body, fixed + std::size_t{i} * ReportBlockBytes);
    }
    return true;
}

RtcpVoipMetrics readVoipMetrics(std::uint32_t reporter, std::string_view block) {
    RtcpVoipMetrics m;
    m.reporterSsrc = reporter;
    m.ssrc = read32(block, 4);
    m.lossRate = byteAt(block, 8);
    m.discardRate = byteAt(block, 9);
    m.burstDensity = byteAt(block, 10);
    m.gapDensity = byteAt(block, 11);
    m.burstDuration = read16(block, 12);
    m.gapDuration = read16(block, 14);
    m.roundTripDelay = read16(block, 16);
    m.endSystemDelay = read16(block, 18);
    m.signalLevel = static_cast<std::int8_t>(block[20]);
    m.noiseLevel = static_cast<std::int8_t>(block[21]);
    m.residualEchoReturnLoss = byteAt(block, 22);
    m.gmin = byteAt(block, 23);
    m.rFactor = byteAt(block, 24);
    m.externalRFactor = byteAt(block, 25);
    m.mosLq = byteAt(block, 26);
    m.mosCq = byteAt(block, 27);
    m.receiverConfig = byteAt(block, 28);
    m.jitterBufferNominal = read16(block, 30);
    m.jitterBufferMaximum = read16(block, 32);
    m.jitterBufferAbsMax = read16(block, 34);
    return m;
}

// XR body (after the packet header): the reporter's SSRC, then report blocks, each "BT, type-specific, length in
// words minus one".
bool readXr(std::string_view body, RtcpCompound& out) {
    if (body.size() < 4) {
        return false;
    }
    const std::uint32_t reporter = read32(body, 0);
    std::size_t at = 4;
    while (at < body.size()) {
        if (body.size() - at < 4) {
            return false;
        }
        const std::uint8_t blockType = byteAt(body, at);
        const std::size_t blockBytes = (std::size_t{read16(body, at + 2)} + 1) * 4;
        if (blockBytes > body.size() - at) {
            return false;
        }
        if (blockType == XrVoipMetrics && blockBytes >= VoipMetricsBytes) {
            if (out.voipMetricsCount < RtcpCompound::MaxVoipMetrics) {
                out.voipMetrics[out.voipMetricsCount++] = readVoipMetrics(reporter, body.substr(at, blockBytes));
            } else {
                bump(out.dropped);
            }
        } else {
            bump(out.skipped);
        }
        at += blockBytes;
    }
    return true;
}

}  // namespace

std::uint32_t RtpHeader::csrc(std::size_t index) const {
    return index < csrcCount && csrcBytes.size() >= (index + 1) * 4 ? read32(csrcBytes, index * 4) : 0;
}

std::optional<RtpHeader> parseRtp(std::string_view udpPayload, RtpError* error) {
    setError(error, RtpError::None);
    if (udpPayload.size() < 12) {
        setError(error, RtpError::TooShort);
        return std::nullopt;
    }
    RtpHeader h;
    const std::uint8_t first = byteAt(udpPayload, 0);
    const std::uint8_t second = byteAt(udpPayload, 1);
    h.version = static_cast<std::uint8_t>(first >> 6);
    h.padding = (first & 0x20U) != 0;
    h.extension = (first & 0x10U) != 0;
    h.csrcCount = static_cast<std::uint8_t>(first & 0x0FU);
    h.marker = (second & 0x80U) != 0;
    h.payloadType = static_cast<std::uint8_t>(second & 0x7FU);
    if (h.version != 2) {
        setError(error, RtpError::BadVersion);
        return std::nullopt;
    }
    if (h.payloadType >= 72 && h.payloadType <= 76) {
        setError(error, RtpError::RtcpPayloadType);
        return std::nullopt;
    }
    h.sequence = read16(udpPayload, 2);
    h.timestamp = read32(udpPayload, 4);
    h.ssrc = read32(udpPayload, 8);
    std::size_t at = 12;
    const std::size_t csrcBytes = std::size_t{h.csrcCount} * 4;
    if (udpPayload.size() - at < csrcBytes) {
        setError(error, RtpError::CsrcTruncated);
        return std::nullopt;
    }
    h.csrcBytes = udpPayload.substr(at, csrcBytes);
    at += csrcBytes;
    if (h.extension) {
        if (udpPayload.size() - at < 4) {
            setError(error, RtpError::ExtensionTruncated);
            return std::nullopt;
        }
        h.extensionProfile = read16(udpPayload, at);
        const std::size_t words = read16(udpPayload, at + 2);
        at += 4;
        if (udpPayload.size() - at < words * 4) {
            setError(error, RtpError::ExtensionTruncated);
            return std::nullopt;
        }
        h.extensionData = udpPayload.substr(at, words * 4);
        at += words * 4;
    }
    std::size_t end = udpPayload.size();
    if (h.padding) {
        const std::uint8_t count = byteAt(udpPayload, end - 1);
        if (count == 0 || count > end - at) {
            setError(error, RtpError::BadPadding);
            return std::nullopt;
        }
        h.paddingLength = count;
        end -= count;
    }
    h.payload = udpPayload.substr(at, end - at);
    return h;
}

bool isPlausibleRtpPayloadType(std::uint8_t payloadType) {
    return payloadType <= 34 || (payloadType >= 96 && payloadType <= 127);
}

RtpFlowDetector::Verdict RtpFlowDetector::feed(std::string_view udpPayload) {
    if (verdict_ != Verdict::Undecided) {
        return verdict_;
    }
    ++seen_;
    const std::optional<RtpHeader> header = parseRtp(udpPayload);
    if (!header || !isPlausibleRtpPayloadType(header->payloadType)) {
        run_ = 0;
    } else {
        const auto ahead = static_cast<std::uint16_t>(header->sequence - sequence_);
        const bool follows = run_ > 0 && header->ssrc == ssrc_ && ahead >= 1 && ahead <= config_.maxGap;
        run_ = follows ? static_cast<std::uint8_t>(run_ + 1) : 1;
        ssrc_ = header->ssrc;
        sequence_ = header->sequence;
    }
    if (run_ >= config_.requiredPackets) {
        verdict_ = Verdict::Rtp;
    } else if (seen_ >= config_.maxUndecided) {
        verdict_ = Verdict::NotRtp;
    }
    return verdict_;
}

std::optional<RtcpCompound> parseRtcp(std::string_view udpPayload, RtcpError* error) {
    setError(error, RtcpError::None);
    if (udpPayload.size() < 8) {
        setError(error, RtcpError::TooShort);
        return std::nullopt;
    }
    RtcpCompound out;
    std::size_t at = 0;
    while (at < udpPayload.size()) {
        if (udpPayload.size() - at < 4) {
            setError(error, RtcpError::TooShort);
            return std::nullopt;
        }
        const std::uint8_t first = byteAt(udpPayload, at);
        const std::uint8_t type = byteAt(udpPayload, at + 1);
        const auto count = static_cast<std::uint8_t>(first & 0x1FU);
        const bool padded = (first & 0x20U) != 0;
        const std::size_t packetBytes = (std::size_t{read16(udpPayload, at + 2)} + 1) * 4;
        if ((first >> 6) != 2) {
            setError(error, RtcpError::BadVersion);
            return std::nullopt;
        }
        if (type < 192 || type > 223) {
            setError(error, RtcpError::BadType);
            return std::nullopt;
        }
        if (at == 0 && type != RtcpSr && type != RtcpRr) {
            setError(error, RtcpError::BadFirstPacket);
            return std::nullopt;
        }
        if (packetBytes > udpPayload.size() - at) {
            setError(error, RtcpError::BadLength);
            return std::nullopt;
        }
        std::string_view body = udpPayload.substr(at + 4, packetBytes - 4);
        if (padded) {
            const bool last = at + packetBytes == udpPayload.size();
            const std::uint8_t padding = byteAt(udpPayload, at + packetBytes - 1);
            if (!last || padding == 0 || padding > body.size()) {
                setError(error, RtcpError::BadPadding);
                return std::nullopt;
            }
            body.remove_suffix(padding);
        }
        bool ok = true;
        if (type == RtcpSr || type == RtcpRr) {
            if (out.reportCount < RtcpCompound::MaxReports) {
                ok = readReport(body, type, count, out.reports[out.reportCount]);
                out.reportCount = static_cast<std::uint8_t>(out.reportCount + (ok ? 1 : 0));
            } else {
                RtcpReport scratch;
                ok = readReport(body, type, count, scratch);
                bump(out.dropped);
            }
        } else if (type == RtcpXr) {
            ok = readXr(body, out);
        } else {
            out.bye = out.bye || type == RtcpBye;
            bump(out.skipped);
        }
        if (!ok) {
            setError(error, RtcpError::BadLength);
            return std::nullopt;
        }
        bump(out.packetCount);
        at += packetBytes;
    }
    return out;
}

std::uint32_t compactNtp(std::int64_t unixUs) {
    constexpr std::int64_t NtpToUnixSeconds = 2'208'988'800;  // 1900-01-01 to 1970-01-01
    const std::int64_t seconds = unixUs / 1'000'000 + NtpToUnixSeconds;
    const std::int64_t micros = unixUs % 1'000'000;
    const auto fraction16 = static_cast<std::uint32_t>((micros * 65536) / 1'000'000);
    return (static_cast<std::uint32_t>(seconds & 0xFFFF) << 16) | (fraction16 & 0xFFFFU);
}

std::optional<double> rtcpRoundTripMs(const RtcpReportBlock& block, std::int64_t arrivalUs) {
    if (block.lastSr == 0) {
        return std::nullopt;
    }
    // Modulo 2^32 of the compact form, as the RFC's arithmetic; a result over half the range is a negative one.
    const std::uint32_t rtt = compactNtp(arrivalUs) - block.lastSr - block.delaySinceLastSr;
    if (rtt >= 0x80000000U) {
        return std::nullopt;
    }
    return static_cast<double>(rtt) * 1000.0 / 65536.0;
}

}  // namespace sipscope::decode
