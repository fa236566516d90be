// TCP reassembly and SIP framing: segmentation, order, duplicates, mid-stream, gaps, TLS, and the chunk scan.
#include "capture/packet_decoder.hpp"
#include "tests/capture/decoder_harness.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace sipscope::capture {
namespace {

using namespace test;

const IpAddress A = ip4(10, 0, 0, 1);
const IpAddress B = ip4(10, 0, 0, 2);

// One direction of a TCP connection A:40000 → B:port, segments built from stream offsets.
class Stream {
public:
    explicit Stream(DecoderHarness& harness, std::uint16_t port = 5060, std::uint32_t isn = 1000)
        : m_harness(harness), m_port(port), m_isn(isn) {}
    void syn() { send(m_isn, Syn, {}); }
    // Sends bytes [from, from + size) of `stream` as one segment.
    void data(const std::string& stream, std::size_t from, std::size_t size, std::uint8_t flags = Ack | Psh) {
        const std::string piece = stream.substr(from, size);
        send(m_isn + 1 + static_cast<std::uint32_t>(from), flags, bytesOf(piece));
    }
    void fin(std::size_t at) { send(m_isn + 1 + static_cast<std::uint32_t>(at), Fin | Ack, {}); }
    void send(std::uint32_t sequence, std::uint8_t flags, const Bytes& payload) {
        m_harness.feed(ethernet(0x0800, ipv4(A, B, 6, tcp(40000, m_port, sequence, flags, payload))));
    }

private:
    DecoderHarness& m_harness;
    std::uint16_t m_port;
    std::uint32_t m_isn;
};

const std::string Register = "REGISTER sip:example.com SIP/2.0\r\n"
                             "Via: SIP/2.0/TCP 10.0.0.1:40000;branch=z9hG4bKnashds7\r\n"
                             "CONTENT-LENGTH: 0\r\n"
                             "\r\n";

const std::string Message = "MESSAGE sip:bob@example.com SIP/2.0\r\n"
                            "Call-ID: m1\r\n"
                            "l : 5\r\n"
                            "\r\n"
                            "hello";

std::string sampleStream() { return "\r\n\r\n" + InviteText + OkText + "\r\n\r\n" + Register + Message; }

const std::vector<std::string> SampleMessages = {InviteText, OkText, Register, Message};

TEST(TcpStream, OneMessageOverManySegments) {
    DecoderHarness harness;
    Stream stream(harness);
    stream.syn();
    const std::string text = InviteText;
    for (std::size_t at = 0; at < text.size(); at += 50)
        stream.data(text, at, 50);
    ASSERT_EQ(harness.messages(), std::vector<std::string>{InviteText});
    const Delivered& item = harness.delivered()[0];
    EXPECT_EQ(item.transport, Transport::Tcp);
    EXPECT_EQ(item.src, (Endpoint{A, 40000}));
    EXPECT_EQ(item.dst, (Endpoint{B, 5060}));
    EXPECT_EQ(item.frameNumber, harness.stats().packets);  // the segment with the last byte
}

TEST(TcpStream, SeveralMessagesInOneSegmentWithKeepalives) {
    DecoderHarness harness;
    Stream stream(harness);
    stream.syn();
    const std::string text = sampleStream();
    stream.data(text, 0, text.size());
    EXPECT_EQ(harness.messages(), SampleMessages);
    for (const Delivered& item : harness.delivered())
        EXPECT_EQ(item.frameNumber, 2u);
}

TEST(TcpStream, ChunkScan) {
    // llparse's scan: every segment size from 1 to the whole stream gives the same messages.
    const std::string text = sampleStream();
    for (std::size_t size = 1; size <= text.size(); ++size) {
        SCOPED_TRACE(size);
        DecoderHarness harness;
        Stream stream(harness);
        stream.syn();
        for (std::size_t at = 0; at < text.size(); at += size)
            stream.data(text, at, size);
        stream.fin(text.size());
        ASSERT_EQ(harness.messages(), SampleMessages);
        EXPECT_EQ(harness.stats().tcpMessagesIncomplete, 0u);
        EXPECT_EQ(harness.stats().tcpFramingErrors, 0u);
    }
}

TEST(TcpStream, ReorderedSegments) {
    const std::string text = sampleStream();
    DecoderHarness harness;
    Stream stream(harness);
    stream.syn();
    std::vector<std::size_t> starts;
    for (std::size_t at = 0; at < text.size(); at += 37)
        starts.push_back(at);
    // Swap neighbours pairwise, and send the very first segment last.
    for (std::size_t i = 1; i + 1 < starts.size(); i += 2)
        std::swap(starts[i], starts[i + 1]);
    std::rotate(starts.begin(), starts.begin() + 1, starts.end());
    for (std::size_t at : starts)
        stream.data(text, at, 37);
    EXPECT_EQ(harness.messages(), SampleMessages);
    EXPECT_GT(harness.stats().tcpOutOfOrderSegments, 0u);
    EXPECT_EQ(harness.stats().tcpGaps, 0u);
}

TEST(TcpStream, RetransmissionsAndOverlapsAreDeduplicated) {
    const std::string text = sampleStream();
    DecoderHarness harness;
    Stream stream(harness);
    stream.syn();
    stream.syn();  // retransmitted SYN
    stream.data(text, 0, 100);
    stream.data(text, 0, 100);    // duplicate
    stream.data(text, 50, 150);   // overlaps [50,100), brings [100,200)
    stream.data(text, 300, 100);  // out of order
    stream.data(text, 300, 100);  // duplicate of a held segment
    stream.data(text, 180, 160);  // overlaps both sides of the hole
    stream.data(text, 250, text.size() - 250);
    EXPECT_EQ(harness.messages(), SampleMessages);
    EXPECT_GE(harness.stats().tcpRetransmittedSegments, 4u);
    EXPECT_EQ(harness.stats().tcpFlows, 1u);
}

TEST(TcpStream, RandomSegmentsOrderAndDuplicates) {
    // Whatever the cut, order and duplication, if every byte arrives once the messages are the same.
    const std::string text = sampleStream();
    for (unsigned seed = 1; seed <= 200; ++seed) {
        SCOPED_TRACE(seed);
        std::mt19937 random(seed);
        std::vector<std::pair<std::size_t, std::size_t>> pieces;
        for (std::size_t at = 0; at < text.size();) {
            const std::size_t size = std::min<std::size_t>(1 + random() % 90, text.size() - at);
            pieces.push_back({at, size});
            at += size;
        }
        const std::size_t duplicates = random() % 5;
        for (std::size_t i = 0; i < duplicates; ++i)
            pieces.push_back(pieces[random() % pieces.size()]);
        std::shuffle(pieces.begin(), pieces.end(), random);
        DecoderHarness harness;
        Stream stream(harness, 5060, static_cast<std::uint32_t>(random()));
        stream.syn();
        for (const auto& [at, size] : pieces)
            stream.data(text, at, size);
        ASSERT_EQ(harness.messages(), SampleMessages);
    }
}

TEST(TcpStream, SequenceNumbersWrapAround) {
    const std::string text = sampleStream();
    DecoderHarness harness;
    Stream stream(harness, 5060, 0xffffff00u);
    stream.syn();
    for (std::size_t at = 0; at < text.size(); at += 64)
        stream.data(text, at, 64);
    EXPECT_EQ(harness.messages(), SampleMessages);
}

TEST(TcpStream, MidstreamStartResynchronisesOnAStartLine) {
    const std::string text = sampleStream();
    const std::size_t cut = 4 + 100;  // inside the INVITE
    DecoderHarness harness;
    Stream stream(harness);
    for (std::size_t at = cut; at < text.size(); at += 80)
        stream.data(text, at, 80);  // no SYN: capture started mid-connection
    EXPECT_EQ(harness.messages(), (std::vector<std::string>{OkText, Register, Message}));

    DecoderHarness atBoundary;
    Stream second(atBoundary);
    const std::size_t okStart = 4 + InviteText.size();
    second.data(text, okStart, text.size() - okStart);
    EXPECT_EQ(atBoundary.messages(), (std::vector<std::string>{OkText, Register, Message}));
}

// A NOTIFY whose PIDF body ends without a line break, as many presence servers send it, then an OPTIONS.
const std::string Notify = "NOTIFY sip:alice@10.0.0.1 SIP/2.0\r\n"
                           "Via: SIP/2.0/TCP 10.0.0.2:5060;branch=z9hG4bKn1\r\n"
                           "Call-ID: n1\r\n"
                           "CSeq: 7 NOTIFY\r\n"
                           "Content-Type: application/pidf+xml\r\n"
                           "Content-Length: 60\r\n"
                           "\r\n"
                           "<presence entity=\"sip:bob@example.com\"><tuple/></presence>\r\n";
const std::string Options = "OPTIONS sip:bob@10.0.0.2 SIP/2.0\r\n"
                            "Via: SIP/2.0/TCP 10.0.0.1:40000;branch=z9hG4bKo1\r\n"
                            "Call-ID: o1\r\n"
                            "CSeq: 1 OPTIONS\r\n"
                            "Content-Length: 0\r\n"
                            "\r\n";

TEST(TcpStream, MidstreamStartInsideAMessageKeepsTheNextOne) {
    // The capture starts inside a message whose body does not end in a line break, so the next start line follows
    // its last byte on the same line: "...</presence>OPTIONS sip:...". Only the partial message is skipped.
    std::string notify = Notify;
    notify.resize(notify.size() - 2);  // "</presence>" is the body's last byte: Content-Length 58
    notify.replace(notify.find("Content-Length: 60"), 18, "Content-Length: 58");
    const std::string glued[] = {
        notify + Options + Register,
        // A text body ending in letters: the method is the RFC method name the run of letters ends with.
        Message + Options + Register,
        // A response glued to the body.
        Message + OkText + Register,
    };
    const std::vector<std::string> expected[] = {
        {Options, Register},
        {Options, Register},
        {OkText, Register},
    };
    for (std::size_t i = 0; i < std::size(glued); ++i) {
        const std::string& text = glued[i];
        const std::size_t cut = 20;  // inside the first message's start line
        const std::size_t partial = text.find(expected[i][0]) - cut;
        for (std::size_t segment = 1; segment <= text.size() - cut; ++segment) {
            SCOPED_TRACE(testing::Message() << "stream " << i << ", segments of " << segment);
            DecoderHarness harness;
            Stream stream(harness);
            for (std::size_t at = cut; at < text.size(); at += segment)
                stream.data(text, at, std::min(segment, text.size() - at));  // no SYN: captured mid-connection
            stream.fin(text.size());
            ASSERT_EQ(harness.messages(), expected[i]);
            ASSERT_EQ(harness.stats().tcpBytesSkipped, partial);
        }
    }
}

TEST(TcpStream, StartLineInsideABodyIsNotTakenForAMessage) {
    // A message/sipfrag body holds a status line; resynchronising inside its NOTIFY must not frame a message from
    // it (the line after it is the next request's start line, not a header), or the OPTIONS after it is lost.
    const std::string sipfrag = "NOTIFY sip:alice@10.0.0.1 SIP/2.0\r\n"
                                "Via: SIP/2.0/TCP 10.0.0.2:5060;branch=z9hG4bKn2\r\n"
                                "Call-ID: n2\r\n"
                                "CSeq: 8 NOTIFY\r\n"
                                "Event: refer\r\n"
                                "Content-Type: message/sipfrag\r\n"
                                "Content-Length: 16\r\n"
                                "\r\n"
                                "SIP/2.0 200 OK\r\n";
    const std::string text = sipfrag + Options;
    DecoderHarness harness;
    Stream stream(harness);
    stream.data(text, 40, text.size() - 40);
    EXPECT_EQ(harness.messages(), (std::vector<std::string>{Options}));
    EXPECT_EQ(harness.stats().tcpBytesSkipped, sipfrag.size() - 40);
}

TEST(TcpStream, GapBeforeAGluedStartLineKeepsTheMessage) {
    const std::string text = Message + Options;
    DecoderHarness harness;
    Stream stream(harness);
    stream.syn();
    stream.data(text, 0, 50);                 // the start line and Call-ID of the MESSAGE
    stream.data(text, 55, text.size() - 55);  // [50, 55) lost: "l : 5"
    stream.fin(text.size());
    EXPECT_EQ(harness.messages(), (std::vector<std::string>{Options}));
    EXPECT_EQ(harness.stats().tcpGaps, 1u);
    EXPECT_EQ(harness.stats().tcpMessagesIncomplete, 1u);
}

TEST(TcpStream, BrokenStartLineWithSipHeadersIsFramed) {
    // RFC 4475 badvers and lwsstart over TCP, between two good messages: framed by their Content-Length and
    // delivered for the decoder to store as malformed, in every segment size.
    const std::string badVersion =
        "OPTIONS sip:t.watson@example.org SIP/7.0\r\nVia: SIP/2.0/TCP c.example.com;branch=z9hG4bKkdjuw\r\n"
        "Call-ID: badvers@c.example.com\r\nCSeq: 1 OPTIONS\r\nl: 4\r\n\r\nbody";
    const std::string extraSpaces =
        "INVITE  sip:user@example.com  SIP/2.0\r\nCall-ID: lwsstart@example.com\r\nCSeq: 1 INVITE\r\n"
        "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bKkdjuw3923\r\nContent-Length: 0\r\n\r\n";
    const std::string text = Register + badVersion + extraSpaces + Options;
    for (std::size_t segment = 1; segment <= text.size(); ++segment) {
        SCOPED_TRACE(segment);
        DecoderHarness harness;
        Stream stream(harness, 5070);  // not a SIP port: the core headers decide
        stream.syn();
        for (std::size_t at = 0; at < text.size(); at += segment)
            stream.data(text, at, std::min(segment, text.size() - at));
        stream.fin(text.size());
        ASSERT_EQ(harness.messages(), (std::vector<std::string>{Register, badVersion, extraSpaces, Options}));
        ASSERT_EQ(harness.stats().tcpFramingErrors, 0u);
        ASSERT_EQ(harness.stats().tcpBytesSkipped, 0u);
    }
    // The shape without the headers is not SIP: skipped as before, and the stream goes on.
    const std::string notSip = "SIP/7.0 200 OK\r\nX: y\r\n\r\n";
    DecoderHarness harness;
    Stream stream(harness, 5070);
    stream.syn();
    const std::string mixed = Register + notSip + Options;
    stream.data(mixed, 0, mixed.size());
    EXPECT_EQ(harness.messages(), (std::vector<std::string>{Register, Options}));
    EXPECT_EQ(harness.stats().tcpFramingErrors, 1u);
    EXPECT_EQ(harness.stats().tcpBytesSkipped, notSip.size());
}

TEST(TcpStream, GapSkipsToTheNextStartLine) {
    const std::string text = sampleStream();
    DecoderHarness harness;
    Stream stream(harness);
    stream.syn();
    const std::size_t okStart = 4 + InviteText.size();
    stream.data(text, 0, okStart + 10);  // the INVITE and the start of the 200 OK
    // [okStart + 10, okStart + 40) is never captured.
    stream.data(text, okStart + 40, text.size() - okStart - 40);
    stream.fin(text.size());
    EXPECT_EQ(harness.messages(), (std::vector<std::string>{InviteText, Register, Message}));
    EXPECT_EQ(harness.stats().tcpGaps, 1u);
    EXPECT_EQ(harness.stats().tcpMessagesIncomplete, 1u);
}

TEST(TcpStream, LongHoleIsSkippedAfterTheGapTimeout) {
    const std::string text = sampleStream();
    DecoderHarness harness;
    Stream stream(harness);
    stream.syn();
    stream.data(text, 0, 20);
    harness.advance(1'000);
    stream.data(text, 40, text.size() - 40);  // held behind the hole [20, 40)
    EXPECT_TRUE(harness.delivered().empty());
    harness.advance(11'000'000);
    stream.send(5, Ack, {});  // any later packet lets the timeout act
    EXPECT_EQ(harness.messages(), (std::vector<std::string>{OkText, Register, Message}));
    EXPECT_EQ(harness.stats().tcpGaps, 1u);
}

TEST(TcpStream, BufferLimitForcesTheGap) {
    DecoderLimits limits;
    limits.maxTcpBufferedBytes = 200;
    const std::string text = sampleStream();
    DecoderHarness harness(limits);
    Stream stream(harness);
    stream.syn();
    stream.data(text, 0, 20);
    for (std::size_t at = 40; at < text.size(); at += 60)
        stream.data(text, at, 60);
    EXPECT_EQ(harness.messages(), (std::vector<std::string>{OkText, Register, Message}));
    EXPECT_EQ(harness.stats().tcpGaps, 1u);
}

TEST(TcpStream, HttpOnTheSipPortIsNotDelivered) {
    const std::string http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n" + InviteText;
    DecoderHarness harness;
    Stream stream(harness);
    stream.syn();
    stream.data(http, 0, http.size());
    EXPECT_TRUE(harness.delivered().empty());
    EXPECT_EQ(harness.stats().tcpNonSipStreams, 1u);
}

TEST(TcpStream, TlsIsCountedNotDelivered) {
    const std::string record("\x16\x03\x01\x00\x05hello", 10);
    DecoderHarness onTlsPort;
    Stream secure(onTlsPort, 5061);
    secure.syn();
    secure.data(InviteText, 0, 100);
    secure.data(InviteText, 100, InviteText.size() - 100);
    EXPECT_TRUE(onTlsPort.delivered().empty());
    EXPECT_EQ(onTlsPort.stats().tlsSegments, 2u);

    DecoderHarness onSipPort;
    Stream plain(onSipPort, 5080);
    plain.syn();
    plain.data(record, 0, 2);
    plain.data(record, 2, 8);
    EXPECT_TRUE(onSipPort.delivered().empty());
    EXPECT_EQ(onSipPort.stats().tlsSegments, 2u);
}

TEST(TcpStream, BadContentLengthDeliversTheHeadersAndResynchronises) {
    const std::string bad = "OPTIONS sip:x@y SIP/2.0\r\nContent-Length: 12abc\r\n\r\n";
    const std::string text = bad + "junk\r\n" + Register;
    DecoderHarness harness;
    Stream stream(harness);
    stream.syn();
    stream.data(text, 0, text.size());
    EXPECT_EQ(harness.messages(), (std::vector<std::string>{bad, Register}));
    EXPECT_EQ(harness.stats().tcpFramingErrors, 1u);
}

TEST(TcpStream, FlowTableIsBounded) {
    DecoderLimits limits;
    limits.maxTcpFlows = 2;
    DecoderHarness harness(limits);
    for (std::uint16_t port = 1; port <= 5; ++port)
        harness.feed(ethernet(0x0800, ipv4(A, B, 6, tcp(port, 5060, 1, Ack, bytesOf(Register)))));
    EXPECT_EQ(harness.delivered().size(), 5u);
    EXPECT_EQ(harness.stats().tcpFlows, 5u);
    EXPECT_EQ(harness.stats().tcpFlowsEvicted, 3u);
}

TEST(TcpStream, IdleFlowsTimeOut) {
    DecoderHarness harness;
    Stream stream(harness);
    stream.syn();
    stream.data(InviteText, 0, 100);
    harness.advance(301'000'000);
    harness.feed(ethernet(0x0806, Bytes(28, 0)));
    EXPECT_EQ(harness.stats().tcpFlowsTimedOut, 1u);
    EXPECT_EQ(harness.stats().tcpMessagesIncomplete, 1u);
}

TEST(TcpStream, ResetClosesBothDirections) {
    DecoderHarness harness;
    Stream stream(harness);
    stream.syn();
    stream.data(InviteText, 0, 100);
    // B answers with a reset: A's half message is abandoned at once, not at the idle timeout.
    harness.feed(ethernet(0x0800, ipv4(B, A, 6, tcp(5060, 40000, 1, Rst | Ack, {}))));
    EXPECT_EQ(harness.stats().tcpMessagesIncomplete, 1u);
}

TEST(TcpStream, HalfMessageAtTheEndIsCounted) {
    DecoderHarness harness;
    Stream stream(harness);
    stream.syn();
    stream.data(InviteText, 0, InviteText.size() - 3);
    harness.finish();
    EXPECT_TRUE(harness.delivered().empty());
    EXPECT_EQ(harness.stats().tcpMessagesIncomplete, 1u);
}

}  // namespace
}  // namespace sipscope::capture
