// HEP (Homer Encapsulation Protocol) v1, v2 and v3/EEP: SIP copied by Kamailio, OpenSIPS, FreeSWITCH, heplify.
// Used by the PacketDecoder's UDP path (HEP inside captures) and by the HEP listener (HEP from a socket).
#pragma once

#include "capture/packet.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace sipscope::capture {

enum class HepStatus : std::uint8_t {
    NotHep,     // not a HEP datagram at all: treat it as ordinary UDP
    Delivered,  // one SIP payload was handed to the sink
    Skipped,    // valid HEP carrying something else (RTCP, logs, QoS reports, keepalives) or not SIP-looking
    Malformed,  // starts like HEP but its lengths or chunks contradict the datagram
};

using HepPayloadSink = std::function<void(const PayloadView&)>;

// Cheap test: "HEP3", or a HEPv1/v2 header whose version, length, family and protocol are plausible.
bool looksLikeHep(std::string_view datagram);

// Decodes HEP datagrams; owns the buffer that compressed payloads (chunk 0x0010) are inflated into, so reuse one.
// Not thread-safe; one per ingest or listener thread.
class HepDecoder {
public:
    static constexpr std::size_t DefaultMaxInflatedBytes = 256u << 10;

    explicit HepDecoder(std::size_t maxInflatedBytes = DefaultMaxInflatedBytes);

    // Decodes one datagram. On Delivered the sink got one PayloadView with the original (captured) addresses,
    // ports, transport and timestamp (`fallbackTimestampUs` when the HEP carries none); its bytes live during the
    // call only. Never throws on datagram content; never reads past `datagram`.
    HepStatus decode(std::string_view datagram, std::int64_t fallbackTimestampUs, std::uint64_t frameNumber,
                     const HepPayloadSink& sink);

    std::uint32_t lastCaptureId() const { return m_captureId; }  // chunk 0x000c / HEPv2 id, 0 when absent

private:
    HepStatus decodeV3(std::string_view datagram, std::int64_t fallbackTimestampUs, std::uint64_t frameNumber,
                       const HepPayloadSink& sink);
    HepStatus decodeV2(std::string_view datagram, std::int64_t fallbackTimestampUs, std::uint64_t frameNumber,
                       const HepPayloadSink& sink);
    bool inflate(std::string_view compressed);

    std::size_t m_maxInflatedBytes;
    std::string m_inflated;  // reused; sized m_maxInflatedBytes on the first compressed payload, never more
    std::size_t m_inflatedBytes = 0;
    std::uint32_t m_captureId = 0;
};

// One-off convenience over a per-thread HepDecoder with the default limit.
HepStatus decodeHep(std::string_view datagram, std::int64_t fallbackTimestampUs, std::uint64_t frameNumber,
                    const HepPayloadSink& sink);

}  // namespace sipscope::capture
