// SIP over WebSocket (RFC 7118): the handshake, masked and unmasked frames, long lengths, fragments, chunk scan.
#include "capture/packet_decoder.hpp"
#include "tests/capture/decoder_harness.hpp"

#include <gtest/gtest.h>

namespace sipscope::capture {
namespace {

using namespace test;

const IpAddress A = ip4(10, 0, 0, 1);
const IpAddress B = ip4(10, 0, 0, 2);

// One WebSocket frame (RFC 6455 §5.2). `lengthBytes` forces the 2-, 4- or 10-byte header form.
std::string frame(int opcode, const std::string& payload, bool isFinal = true, bool isMasked = true,
                  int lengthBytes = 0) {
    std::string out;
    out.push_back(static_cast<char>((isFinal ? 0x80 : 0) | opcode));
    const char mask = isMasked ? static_cast<char>(0x80) : 0;
    if (lengthBytes == 0)
        lengthBytes = payload.size() < 126 ? 1 : payload.size() < 65536 ? 2 : 8;
    if (lengthBytes == 1) {
        out.push_back(static_cast<char>(mask | static_cast<char>(payload.size())));
    } else if (lengthBytes == 2) {
        out.push_back(static_cast<char>(mask | 126));
        out.push_back(static_cast<char>(payload.size() >> 8));
        out.push_back(static_cast<char>(payload.size()));
    } else {
        out.push_back(static_cast<char>(mask | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.push_back(static_cast<char>(static_cast<std::uint64_t>(payload.size()) >> shift));
    }
    const char key[4] = {0x37, static_cast<char>(0xfa), 0x21, 0x3d};
    if (isMasked)
        out.append(key, 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        out.push_back(isMasked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i]);
    return out;
}

const std::string ClientHandshake = "GET / HTTP/1.1\r\n"
                                    "Host: proxy.example.com\r\n"
                                    "Upgrade: websocket\r\n"
                                    "Connection: Upgrade\r\n"
                                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                    "Sec-WebSocket-Protocol: sip\r\n"
                                    "Sec-WebSocket-Version: 13\r\n"
                                    "\r\n";

const std::string ServerHandshake = "HTTP/1.1 101 Switching Protocols\r\n"
                                    "Upgrade: websocket\r\n"
                                    "Connection: Upgrade\r\n"
                                    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                                    "Sec-WebSocket-Protocol: sip\r\n"
                                    "\r\n";

std::string clientStream() {
    std::string body(300, 'x');
    const std::string withBody = "MESSAGE sip:bob@example.com SIP/2.0\r\nContent-Length: 300\r\n\r\n" + body;
    return ClientHandshake + frame(1, InviteText) +                       // text, 16-bit length
           frame(9, "ping") +                                             // control frame
           frame(2, OkText, true, true, 8) +                              // binary, 64-bit length
           frame(1, withBody.substr(0, 10), false) + frame(10, "pong") +  // fragmented, control in between
           frame(0, withBody.substr(10, 100), false) + frame(0, withBody.substr(110));
}

std::vector<std::string> expectedClientMessages() {
    return {InviteText, OkText,
            "MESSAGE sip:bob@example.com SIP/2.0\r\nContent-Length: 300\r\n\r\n" + std::string(300, 'x')};
}

void sendStream(DecoderHarness& harness, const IpAddress& src, std::uint16_t srcPort, const IpAddress& dst,
                std::uint16_t dstPort, const std::string& text, std::size_t size) {
    harness.feed(ethernet(0x0800, ipv4(src, dst, 6, tcp(srcPort, dstPort, 0, Syn, {}))));
    for (std::size_t at = 0; at < text.size(); at += size) {
        const std::string piece = text.substr(at, size);
        harness.feed(ethernet(
            0x0800, ipv4(src, dst, 6, tcp(srcPort, dstPort, 1 + static_cast<std::uint32_t>(at), Ack, bytesOf(piece)))));
    }
}

TEST(WebSocket, ClientFramesAreDelivered) {
    DecoderHarness harness;
    sendStream(harness, A, 40000, B, 80, clientStream(), 1400);
    EXPECT_EQ(harness.messages(), expectedClientMessages());
    for (const Delivered& item : harness.delivered())
        EXPECT_EQ(item.transport, Transport::Ws);
    EXPECT_EQ(harness.stats().webSocketMessages, 3u);
}

TEST(WebSocket, ServerFramesAreUnmasked) {
    DecoderHarness harness;
    const std::string text = ServerHandshake + frame(1, OkText, true, false) + frame(1, InviteText, true, false);
    sendStream(harness, B, 80, A, 40000, text, 1400);
    EXPECT_EQ(harness.messages(), (std::vector<std::string>{OkText, InviteText}));
}

TEST(WebSocket, ChunkScan) {
    const std::string text = clientStream();
    for (std::size_t size = 1; size <= text.size(); size += (size < 64 ? 1 : 7)) {
        SCOPED_TRACE(size);
        DecoderHarness harness;
        sendStream(harness, A, 40000, B, 8080, text, size);
        ASSERT_EQ(harness.messages(), expectedClientMessages());
    }
}

TEST(WebSocket, OtherSubprotocolsAreNotSip) {
    std::string handshake = ClientHandshake;
    handshake.replace(handshake.find("Protocol: sip"), 13, "Protocol: chat");
    DecoderHarness harness;
    sendStream(harness, A, 40000, B, 80, handshake + frame(1, InviteText), 1400);
    EXPECT_TRUE(harness.delivered().empty());
    EXPECT_EQ(harness.stats().tcpNonSipStreams, 1u);
}

TEST(WebSocket, OversizedFrameStopsTheStream) {
    DecoderLimits limits;
    limits.maxSipMessageBytes = 1000;
    DecoderHarness harness(limits);
    sendStream(harness, A, 40000, B, 80, ClientHandshake + frame(1, std::string(2000, 'x')) + frame(1, InviteText),
               1400);
    EXPECT_TRUE(harness.delivered().empty());
    EXPECT_EQ(harness.stats().tcpFramingErrors, 1u);
}

}  // namespace
}  // namespace sipscope::capture
