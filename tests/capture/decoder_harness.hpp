// Feeds built frames to a PacketDecoder from exactly sized heap copies and records what it delivers.
#pragma once

#include "capture/packet_decoder.hpp"
#include "tests/capture/packet_builder.hpp"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace sipscope::capture::test {

struct Delivered {
    std::string bytes;
    Endpoint src;
    Endpoint dst;
    Transport transport;
    std::uint64_t frameNumber;
    std::int64_t timestampUs;
};

class DecoderHarness {
public:
    explicit DecoderHarness(DecoderLimits limits = {})
        : m_decoder(
              [this](const PayloadView& view) {
                  m_delivered.push_back({std::string(view.bytes), view.src, view.dst, view.transport, view.frameNumber,
                                         view.timestampUs});
              },
              limits) {}

    // `capturedLength` < frame size simulates a snap length; the original length stays the frame's size.
    void feed(const Bytes& frame, std::uint32_t linkType = 1, std::size_t capturedLength = SIZE_MAX) {
        const std::size_t size = std::min(capturedLength, frame.size());
        // Exactly sized heap copy: ASan reports any read past the captured bytes.
        std::unique_ptr<char[]> copy(new char[size == 0 ? 1 : size]);
        if (size > 0)
            std::memcpy(copy.get(), frame.data(), size);
        RawPacket packet;
        packet.timestampUs = m_nowUs;
        packet.linkType = linkType;
        packet.bytes = std::string_view(copy.get(), size);
        packet.originalLength = static_cast<std::uint32_t>(frame.size());
        packet.frameNumber = ++m_frameNumber;
        m_decoder.decode(packet);
    }

    void advance(std::int64_t us) { m_nowUs += us; }
    void finish() { m_decoder.finish(); }
    const DecoderStats& stats() const { return m_decoder.stats(); }
    PacketDecoder& decoder() { return m_decoder; }
    const std::vector<Delivered>& delivered() const { return m_delivered; }
    std::vector<std::string> messages() const {
        std::vector<std::string> texts;
        for (const Delivered& item : m_delivered)
            texts.push_back(item.bytes);
        return texts;
    }

private:
    std::vector<Delivered> m_delivered;
    PacketDecoder m_decoder;
    std::int64_t m_nowUs = 1'700'000'000'000'000;
    std::uint64_t m_frameNumber = 0;
};

inline const std::string InviteText = "INVITE sip:bob@example.com SIP/2.0\r\n"
                                      "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds\r\n"
                                      "Max-Forwards: 70\r\n"
                                      "To: Bob <sip:bob@example.com>\r\n"
                                      "From: Alice <sip:alice@example.com>;tag=1928301774\r\n"
                                      "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
                                      "CSeq: 314159 INVITE\r\n"
                                      "Contact: <sip:alice@10.0.0.1>\r\n"
                                      "Content-Type: application/sdp\r\n"
                                      "Content-Length: 30\r\n"
                                      "\r\n"
                                      "v=0\r\n"
                                      "o=- 0 0 IN IP4 10.0.0.1\r\n";

inline const std::string OkText = "SIP/2.0 200 OK\r\n"
                                  "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds\r\n"
                                  "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
                                  "CSeq: 314159 INVITE\r\n"
                                  "l: 0\r\n"
                                  "\r\n";

}  // namespace sipscope::capture::test
