// RTP and RTCP packets built byte by byte for the media tests (issue 15): the tracker's unit tests and the pcaps of
// the end-to-end tests. Plain RFC 3550 layouts, no library involved.
#pragma once

#include <cstdint>
#include <string>

namespace sipscope::test {

inline void put16(std::string& out, std::uint32_t value) {
    out.push_back(static_cast<char>((value >> 8) & 0xFF));
    out.push_back(static_cast<char>(value & 0xFF));
}

inline void put32(std::string& out, std::uint32_t value) {
    put16(out, value >> 16);
    put16(out, value & 0xFFFF);
}

// An RTP packet (RFC 3550 §5.1) with a 12-byte header and `payload` after it.
inline std::string rtpPacket(std::uint8_t payloadType, std::uint16_t sequence, std::uint32_t timestamp,
                             std::uint32_t ssrc, const std::string& payload = std::string(160, '\xFF'),
                             bool marker = false) {
    std::string out;
    out.push_back(static_cast<char>(0x80));
    out.push_back(static_cast<char>((marker ? 0x80 : 0) | (payloadType & 0x7F)));
    put16(out, sequence);
    put32(out, timestamp);
    put32(out, ssrc);
    return out + payload;
}

// An RFC 4733 telephone-event payload: event, end bit, volume 10, duration in timestamp units.
inline std::string dtmfPayload(std::uint8_t event, bool end, std::uint16_t duration) {
    std::string out;
    out.push_back(static_cast<char>(event));
    out.push_back(static_cast<char>((end ? 0x80 : 0) | 10));
    put16(out, duration);
    return out;
}

// An RTCP receiver report (RFC 3550 §6.4.2) from `sender` with one report block about `source`.
inline std::string rtcpReceiverReport(std::uint32_t sender, std::uint32_t source, std::uint8_t fractionLost,
                                      std::uint32_t cumulativeLost, std::uint32_t highestSequence,
                                      std::uint32_t jitter) {
    std::string out;
    out.push_back(static_cast<char>(0x81));  // version 2, one block
    out.push_back(static_cast<char>(201));
    put16(out, 7);  // length in 32-bit words minus one: 1 + 6
    put32(out, sender);
    put32(out, source);
    put32(out, (std::uint32_t{fractionLost} << 24) | (cumulativeLost & 0xFFFFFF));
    put32(out, highestSequence);
    put32(out, jitter);
    put32(out, 0);  // LSR
    put32(out, 0);  // DLSR
    return out;
}

}  // namespace sipscope::test
