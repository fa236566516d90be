// Per-stream RTP statistics: sequence accounting after RFC 3550 A.1/A.3, interarrival jitter after A.8, the
// late-packet count of the fixed jitter-buffer assumption, RFC 4733 telephone-event digits. Fixed-size state only.
#include "decode/rtp.hpp"
#include "decode/sdp.hpp"

#include <algorithm>
#include <cmath>

namespace sipscope::decode {

namespace {

constexpr int MaxDropout = 3000;  // A.1: a jump further ahead than this is suspect
constexpr int MaxMisorder = 100;  // A.1: a packet further behind than this is suspect
constexpr int WindowBits = 64;    // duplicates are told from reordering within the last 64 sequence numbers

// a - b for 16-bit sequence numbers, as the shortest signed distance.
int sequenceDistance(std::uint16_t a, std::uint16_t b) {
    const int raw = static_cast<int>(static_cast<std::uint16_t>(a - b));
    return raw >= 32768 ? raw - 65536 : raw;
}

// a - b for 32-bit RTP timestamps, as the shortest signed distance.
std::int64_t timestampDistance(std::uint32_t a, std::uint32_t b) {
    const std::int64_t raw = static_cast<std::uint32_t>(a - b);
    return raw >= (std::int64_t{1} << 31) ? raw - (std::int64_t{1} << 32) : raw;
}

char digitOf(std::uint8_t event) {
    constexpr std::string_view Digits = "0123456789*#ABCD";
    if (event < Digits.size()) {
        return Digits[event];
    }
    return event == 16 ? '!' : '?';
}

}  // namespace

std::uint32_t staticClockRate(std::uint8_t payloadType) {
    const std::optional<SdpRtpMap> format = staticPayloadFormat(payloadType);
    return format ? format->clockRate : 0;
}

std::uint32_t RtpStreamConfig::clockRate(std::uint8_t payloadType) const {
    if (payloadType < dynamicClockRates.size() && dynamicClockRates[payloadType] != 0) {
        return dynamicClockRates[payloadType];
    }
    return staticClockRate(payloadType);
}

double RtpStreamStats::lostPercent() const {
    return expected == 0 ? 0.0 : static_cast<double>(lost) * 100.0 / static_cast<double>(expected);
}

void RtpStream::add(const RtpHeader& header, std::size_t udpPayloadBytes, std::int64_t arrivalUs) {
    if (stats_.packets == 0) {
        stats_.firstUs = arrivalUs;
        stats_.ssrc = header.ssrc;
        startSequence(header.sequence);
    } else {
        stats_.maxDeltaMs = std::max(stats_.maxDeltaMs, static_cast<double>(arrivalUs - stats_.lastUs) / 1000.0);
        if (header.ssrc != stats_.ssrc) {
            ++stats_.ssrcChanges;
            stats_.ssrc = header.ssrc;
            priorExpected_ += maxExtended_ - baseExtended_ + 1;
            priorReceived_ += segmentReceived_;
            startSequence(header.sequence);
            haveTransit_ = false;
            haveEvent_ = false;
        } else {
            addSequence(header);
        }
    }
    ++stats_.packets;
    stats_.bytes += udpPayloadBytes;
    stats_.lastUs = arrivalUs;
    stats_.markers += header.marker ? 1U : 0U;
    if (config_.telephoneEventPayloadType && header.payloadType == *config_.telephoneEventPayloadType) {
        addDtmf(header, arrivalUs);
    } else {
        stats_.payloadType = header.payloadType;
        addJitter(header, arrivalUs);
    }
    stats_.expected = priorExpected_ + (maxExtended_ - baseExtended_ + 1);
    stats_.received = priorReceived_ + segmentReceived_;
    stats_.lost = static_cast<std::int64_t>(stats_.expected) - static_cast<std::int64_t>(stats_.received);
}

void RtpStream::startSequence(std::uint16_t sequence) {
    // One cycle up, so packets older than the first one still have an extended number.
    baseExtended_ = maxExtended_ = (std::uint64_t{1} << 16) + sequence;
    seenWindow_ = 1;
    segmentReceived_ = 1;
    badSequence_.reset();
}

void RtpStream::addSequence(const RtpHeader& header) {
    const int delta = sequenceDistance(header.sequence, static_cast<std::uint16_t>(maxExtended_));
    if (delta > 0 && delta <= MaxDropout) {
        const std::uint64_t next = maxExtended_ + static_cast<std::uint64_t>(delta);
        if ((next >> 16) != (maxExtended_ >> 16)) {
            ++stats_.wraps;
        }
        seenWindow_ = delta >= WindowBits ? 0 : seenWindow_ << delta;
        seenWindow_ |= 1U;
        maxExtended_ = next;
    } else if (delta <= 0 && delta >= -MaxMisorder) {
        const bool inWindow = -delta < WindowBits;
        const std::uint64_t bit = inWindow ? std::uint64_t{1} << -delta : 0;
        if ((seenWindow_ & bit) != 0) {
            ++stats_.duplicates;
        } else {
            ++stats_.outOfOrder;
            seenWindow_ |= bit;
        }
    } else if (badSequence_ && header.sequence == *badSequence_) {
        // Two packets in sequence after a jump: the source restarted its numbering (A.1). Count from here.
        ++stats_.restarts;
        priorExpected_ += maxExtended_ - baseExtended_ + 1;
        priorReceived_ += segmentReceived_;
        startSequence(header.sequence);
        return;
    } else {
        badSequence_ = static_cast<std::uint16_t>(header.sequence + 1);
        return;  // not counted until the next packet confirms the jump
    }
    badSequence_.reset();
    ++segmentReceived_;
}

void RtpStream::addJitter(const RtpHeader& header, std::int64_t arrivalUs) {
    const std::uint32_t clock = config_.clockRate(header.payloadType);
    if (clock == 0) {
        return;
    }
    const double arrivalUnits = static_cast<double>(arrivalUs - stats_.firstUs) * clock / 1e6;
    if (!haveTransit_ || header.payloadType != transitPayloadType_) {
        haveTransit_ = true;
        transitPayloadType_ = header.payloadType;
        lastTimestamp_ = header.timestamp;
        unwrappedTimestamp_ = 0;
        lastTransit_ = arrivalUnits;
        minTransitMs_ = arrivalUnits * 1000.0 / clock;
        return;
    }
    unwrappedTimestamp_ += timestampDistance(header.timestamp, lastTimestamp_);
    lastTimestamp_ = header.timestamp;
    const double transit = arrivalUnits - static_cast<double>(unwrappedTimestamp_);
    const double d = std::fabs(transit - lastTransit_);
    lastTransit_ = transit;
    jitter_ += (d - jitter_) / 16.0;
    stats_.jitterMs = jitter_ * 1000.0 / clock;
    stats_.jitterMaxMs = std::max(stats_.jitterMaxMs, stats_.jitterMs);
    jitterSumMs_ += stats_.jitterMs;
    ++jitterSamples_;
    stats_.jitterMeanMs = jitterSumMs_ / static_cast<double>(jitterSamples_);

    const double transitMs = transit * 1000.0 / clock;
    if (transitMs < minTransitMs_) {
        minTransitMs_ = transitMs;
    } else if (transitMs - minTransitMs_ > config_.jitterBufferMs) {
        ++stats_.latePackets;
    }
}

void RtpStream::addDtmf(const RtpHeader& header, std::int64_t arrivalUs) {
    // RFC 4733 §2.3: event (8 bits), E, R, volume (6 bits), duration (16 bits). Every packet of one event carries
    // the event's start timestamp; the end packet is usually sent three times.
    if (header.payload.size() < 4) {
        return;
    }
    const auto event = static_cast<std::uint8_t>(header.payload[0]);
    const bool end = (static_cast<std::uint8_t>(header.payload[1]) & 0x80U) != 0;
    const auto duration = static_cast<std::uint16_t>((static_cast<std::uint8_t>(header.payload[2]) << 8) |
                                                     static_cast<std::uint8_t>(header.payload[3]));
    if (!haveEvent_ || header.timestamp != eventTimestamp_) {
        haveEvent_ = true;
        eventTimestamp_ = header.timestamp;
        if (stats_.digitCount < RtpStreamStats::MaxDigits) {
            stats_.digits[stats_.digitCount] = DtmfDigit{digitOf(event), event, arrivalUs, duration, end};
        }
        ++stats_.digitCount;
        return;
    }
    if (stats_.digitCount <= RtpStreamStats::MaxDigits) {
        DtmfDigit& digit = stats_.digits[stats_.digitCount - 1];
        digit.durationUnits = std::max(digit.durationUnits, duration);
        digit.ended = digit.ended || end;
    }
}

}  // namespace sipscope::decode
