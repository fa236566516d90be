// Unit tests of decode/sdp.cpp: table-driven, every input in an exact-size heap copy so ASan sees
// over-reads.
//
// Index
// [SECTION] Fixture and builders
// [SECTION] Session and media fields
// [SECTION] Typed attributes
// [SECTION] Helpers: effective connection and direction, codecs, hold
// [SECTION] Line endings, malformed input, limits
// [SECTION] RFC 4475 bodies
#include "decode/sdp.hpp"
#include "decode/sip_parser.hpp"

#include "tests/decode/parser_test_util.hpp"
#include "tests/tools/corpus_required.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace sipscope::decode {
namespace {

namespace fs = std::filesystem;
using test::ExactBuffer;

//--------------------------------------------------------------------------------------------------
// [SECTION] Fixture and builders
//--------------------------------------------------------------------------------------------------

// Parses from exact-size copies that live as long as the fixture, as the views require.
class SdpTest : public ::testing::Test {
protected:
    const SessionDescriptionView& parse(std::string_view body) { return parseWith(m_parser, body); }
    const SessionDescriptionView& parseWith(SdpParser& parser, std::string_view body) {
        m_buffers.push_back(std::make_unique<ExactBuffer>(body));
        m_last = m_buffers.back()->view();
        return parser.parse(m_last);
    }
    // Offset of `needle` in the last parsed body, to state where an error is expected.
    std::uint32_t offsetOf(std::string_view needle) const { return static_cast<std::uint32_t>(m_last.find(needle)); }
    SdpParser m_parser;

private:
    std::vector<std::unique_ptr<ExactBuffer>> m_buffers;
    std::string_view m_last;
};

// Joins lines with CRLF, the last one included.
std::string sdp(std::initializer_list<std::string_view> lines, std::string_view eol = "\r\n") {
    std::string out;
    for (std::string_view line : lines) {
        out += line;
        out += eol;
    }
    return out;
}

constexpr std::string_view SessionHead = "v=0\r\no=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\r\n"
                                         "s=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n";

// A session head with c= at session level, then `rest` (media lines).
std::string withHead(std::string_view rest) { return std::string(SessionHead) + std::string(rest); }

void expectValid(const SessionDescriptionView& session) {
    EXPECT_TRUE(session.isValid()) << "error " << static_cast<int>(session.error().code) << " '"
                                   << session.error().reason << "' at " << session.error().offset;
}

void expectError(const SessionDescriptionView& session, SdpErrorCode code) {
    EXPECT_FALSE(session.isValid());
    EXPECT_EQ(session.error().code, code) << "reason: " << session.error().reason;
    EXPECT_FALSE(session.error().reason.empty());
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Session and media fields
//--------------------------------------------------------------------------------------------------

// RFC 3264 §10.1's first offer, with bandwidth and a session attribute added.
TEST_F(SdpTest, OfferWithSeveralMedia) {
    const SessionDescriptionView& session = parse(sdp({
        "v=0",
        "o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com",
        "s= ",
        "c=IN IP4 host.atlanta.example.com",
        "b=AS:256",
        "t=0 0",
        "a=tool:sipscope",
        "m=audio 49170 RTP/AVP 0 8 97",
        "b=TIAS:64000",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:97 iLBC/8000",
        "m=video 51372 RTP/AVP 31 32",
        "a=rtpmap:31 H261/90000",
        "a=rtpmap:32 MPV/90000",
    }));
    expectValid(session);
    EXPECT_EQ(session.version(), 0U);
    EXPECT_EQ(session.origin().username, "alice");
    EXPECT_EQ(session.origin().sessionId, "2890844526");
    EXPECT_EQ(session.origin().sessionVersion, "2890844526");
    EXPECT_EQ(session.origin().netType, "IN");
    EXPECT_EQ(session.origin().addrType, "IP4");
    EXPECT_EQ(session.origin().address, "host.atlanta.example.com");
    EXPECT_EQ(session.sessionName(), "");
    ASSERT_TRUE(session.connection());
    EXPECT_EQ(session.connection()->address, "host.atlanta.example.com");
    ASSERT_TRUE(session.timing());
    EXPECT_EQ(session.timing()->startTime, 0U);
    ASSERT_EQ(session.bandwidths().size(), 1U);
    EXPECT_EQ(session.bandwidths()[0].type, "AS");
    EXPECT_EQ(session.bandwidths()[0].bandwidth, 256U);
    ASSERT_EQ(session.attributes().size(), 1U);
    EXPECT_EQ(session.attributes()[0].name, "tool");
    EXPECT_EQ(session.attributes()[0].value, "sipscope");

    ASSERT_EQ(session.media().size(), 2U);
    const MediaDescriptionView& audio = session.media()[0];
    EXPECT_EQ(audio.type, MediaType::Audio);
    EXPECT_EQ(audio.port, 49170);
    EXPECT_EQ(audio.portCount, 1U);
    EXPECT_EQ(audio.protocol, "RTP/AVP");
    ASSERT_EQ(audio.formats.size(), 3U);
    EXPECT_EQ(audio.formats[2], "97");
    ASSERT_EQ(audio.bandwidths.size(), 1U);
    EXPECT_EQ(audio.bandwidths[0].bandwidth, 64000U);
    EXPECT_EQ(audio.attributes.size(), 3U);
    ASSERT_EQ(audio.rtpmaps.size(), 3U);
    EXPECT_EQ(audio.codecName(97), "iLBC");
    EXPECT_FALSE(audio.connection);
    EXPECT_EQ(audio.offset, offsetOf("m=audio"));

    const MediaDescriptionView& video = session.media()[1];
    EXPECT_EQ(video.type, MediaType::Video);
    EXPECT_EQ(video.port, 51372);
    ASSERT_EQ(video.formats.size(), 2U);
    ASSERT_EQ(video.rtpmaps.size(), 2U);
    EXPECT_EQ(video.rtpmaps[1].encodingName, "MPV");
    EXPECT_EQ(video.rtpmaps[1].clockRate, 90000U);
    EXPECT_TRUE(video.bandwidths.empty());
    EXPECT_EQ(session.effectiveConnection(video)->address, "host.atlanta.example.com");
}

struct MediaLineCase {
    std::string_view line;
    SdpErrorCode code;
    MediaType type;
    std::uint16_t port;
    std::uint32_t portCount;
    std::string_view protocol;
    std::size_t formats;
};

TEST_F(SdpTest, MediaLines) {
    const MediaLineCase cases[] = {
        {"m=audio 49170 RTP/AVP 0", SdpErrorCode::None, MediaType::Audio, 49170, 1, "RTP/AVP", 1},
        {"m=audio 49170/2 RTP/AVP 0 8", SdpErrorCode::None, MediaType::Audio, 49170, 2, "RTP/AVP", 2},
        {"m=video 0 RTP/AVP 31", SdpErrorCode::None, MediaType::Video, 0, 1, "RTP/AVP", 1},
        {"m=audio 5004 RTP/SAVP 0", SdpErrorCode::None, MediaType::Audio, 5004, 1, "RTP/SAVP", 1},
        {"m=audio 5004 RTP/AVPF 96", SdpErrorCode::None, MediaType::Audio, 5004, 1, "RTP/AVPF", 1},
        {"m=audio 9 UDP/TLS/RTP/SAVPF 111 103 9 0 8", SdpErrorCode::None, MediaType::Audio, 9, 1, "UDP/TLS/RTP/SAVPF",
         5},
        {"m=image 49172 udptl t38", SdpErrorCode::None, MediaType::Image, 49172, 1, "udptl", 1},
        {"m=application 9 UDP/DTLS/SCTP webrtc-datachannel", SdpErrorCode::None, MediaType::Application, 9, 1,
         "UDP/DTLS/SCTP", 1},
        {"m=text 11000 RTP/AVP 98 100", SdpErrorCode::None, MediaType::Text, 11000, 1, "RTP/AVP", 2},
        {"m=message 7394 TCP/MSRP *", SdpErrorCode::None, MediaType::Message, 7394, 1, "TCP/MSRP", 1},
        {"m=x-custom 1000 RTP/AVP 0", SdpErrorCode::None, MediaType::Other, 1000, 1, "RTP/AVP", 1},
        {"m=audio  49170   RTP/AVP  0 ", SdpErrorCode::None, MediaType::Audio, 49170, 1, "RTP/AVP", 1},
        {"m=audio abc RTP/AVP 0", SdpErrorCode::BadMedia, MediaType::Audio, 0, 1, "RTP/AVP", 1},
        {"m=audio 70000 RTP/AVP 0", SdpErrorCode::BadMedia, MediaType::Audio, 0, 1, "RTP/AVP", 1},
        {"m=audio -1 RTP/AVP 0", SdpErrorCode::BadMedia, MediaType::Audio, 0, 1, "RTP/AVP", 1},
        {"m=audio 49170/x RTP/AVP 0", SdpErrorCode::BadMedia, MediaType::Audio, 49170, 1, "RTP/AVP", 1},
        {"m=audio 49170 RTP/AVP", SdpErrorCode::BadMedia, MediaType::Audio, 49170, 1, "RTP/AVP", 0},
        {"m=audio 49170", SdpErrorCode::BadMedia, MediaType::Audio, 49170, 1, "", 0},
        {"m=", SdpErrorCode::BadMedia, MediaType::Other, 0, 1, "", 0},
    };
    for (const MediaLineCase& c : cases) {
        SCOPED_TRACE(c.line);
        const SessionDescriptionView& session = parse(withHead(sdp({c.line, "a=sendonly"})));
        if (c.code == SdpErrorCode::None) {
            expectValid(session);
        } else {
            expectError(session, c.code);
            EXPECT_EQ(session.error().offset, offsetOf(c.line) + 2);
        }
        ASSERT_EQ(session.media().size(), 1U);
        const MediaDescriptionView& media = session.media()[0];
        EXPECT_EQ(media.type, c.type);
        EXPECT_EQ(media.port, c.port);
        EXPECT_EQ(media.portCount, c.portCount);
        EXPECT_EQ(media.protocol, c.protocol);
        EXPECT_EQ(media.formats.size(), c.formats);
        // The a= line after even a bad m= line belongs to that media, not to the session.
        EXPECT_EQ(media.direction, MediaDirection::SendOnly);
        EXPECT_TRUE(session.attributes().empty());
    }
}

struct ConnectionCase {
    std::string_view line;
    SdpErrorCode code;
    std::string_view addrType;
    std::string_view address;
    std::uint8_t ttl;
    std::uint32_t addressCount;
};

TEST_F(SdpTest, ConnectionLines) {
    const ConnectionCase cases[] = {
        {"c=IN IP4 192.0.2.1", SdpErrorCode::None, "IP4", "192.0.2.1", 0, 1},
        {"c=IN IP6 2001:db8::1", SdpErrorCode::None, "IP6", "2001:db8::1", 0, 1},
        {"c=IN IP6 ::", SdpErrorCode::None, "IP6", "::", 0, 1},
        {"c=IN IP4 233.252.0.1/127", SdpErrorCode::None, "IP4", "233.252.0.1", 127, 1},
        {"c=IN IP4 233.252.0.1/127/3", SdpErrorCode::None, "IP4", "233.252.0.1", 127, 3},
        {"c=IN IP6 ff1e:db8::1/3", SdpErrorCode::None, "IP6", "ff1e:db8::1", 0, 3},
        {"c=IN IP4 host.example.com", SdpErrorCode::None, "IP4", "host.example.com", 0, 1},
        {"c=IN IP4 233.252.0.1/300", SdpErrorCode::BadConnection, "IP4", "233.252.0.1", 0, 1},
        {"c=IN IP6 ff1e:db8::1/3/2", SdpErrorCode::BadConnection, "IP6", "ff1e:db8::1", 0, 3},
        {"c=IN IP4 192.0.2.1 extra", SdpErrorCode::BadConnection, "IP4", "192.0.2.1", 0, 1},
        {"c=IN IP4", SdpErrorCode::BadConnection, "", "", 0, 1},
    };
    for (const ConnectionCase& c : cases) {
        SCOPED_TRACE(c.line);
        const SessionDescriptionView& session =
            parse(sdp({"v=0", "o=- 1 1 IN IP4 192.0.2.9", "s=-", "t=0 0", "m=audio 4000 RTP/AVP 0", c.line}));
        ASSERT_EQ(session.media().size(), 1U);
        const MediaDescriptionView& media = session.media()[0];
        if (c.code == SdpErrorCode::None) {
            expectValid(session);
        } else {
            expectError(session, c.code);
        }
        if (c.address.empty()) {
            EXPECT_FALSE(media.connection);
            continue;
        }
        ASSERT_TRUE(media.connection);
        EXPECT_EQ(media.connection->netType, "IN");
        EXPECT_EQ(media.connection->addrType, c.addrType);
        EXPECT_EQ(media.connection->address, c.address);
        EXPECT_EQ(media.connection->ttl, c.ttl);
        EXPECT_EQ(media.connection->addressCount, c.addressCount);
    }
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Typed attributes
//--------------------------------------------------------------------------------------------------

struct RtpMapCase {
    std::string_view line;
    SdpErrorCode code;
    std::size_t count;
    std::uint8_t payloadType;
    std::string_view name;
    std::uint32_t clockRate;
    std::uint16_t channels;
};

TEST_F(SdpTest, RtpMaps) {
    const RtpMapCase cases[] = {
        {"a=rtpmap:0 PCMU/8000", SdpErrorCode::None, 1, 0, "PCMU", 8000, 1},
        {"a=rtpmap:111 opus/48000/2", SdpErrorCode::None, 1, 111, "opus", 48000, 2},
        {"a=rtpmap:101 telephone-event/8000", SdpErrorCode::None, 1, 101, "telephone-event", 8000, 1},
        {"a=rtpmap:96 H264/90000", SdpErrorCode::None, 1, 96, "H264", 90000, 1},
        {"a=RTPMAP:96 H264/90000", SdpErrorCode::None, 1, 96, "H264", 90000, 1},
        {"a=rtpmap:10 L16/44100/2", SdpErrorCode::None, 1, 10, "L16", 44100, 2},
        {"a=rtpmap:31 LPC", SdpErrorCode::BadAttribute, 1, 31, "LPC", 0, 1},
        {"a=rtpmap:128 PCMU/8000", SdpErrorCode::BadAttribute, 0, 0, "", 0, 0},
        {"a=rtpmap:x PCMU/8000", SdpErrorCode::BadAttribute, 0, 0, "", 0, 0},
        {"a=rtpmap:0", SdpErrorCode::BadAttribute, 0, 0, "", 0, 0},
        {"a=rtpmap:0 PCMU/8k", SdpErrorCode::BadAttribute, 1, 0, "PCMU", 0, 1},
        {"a=rtpmap:0 PCMU/8000/x", SdpErrorCode::BadAttribute, 1, 0, "PCMU", 8000, 1},
        {"a=rtpmap", SdpErrorCode::BadAttribute, 0, 0, "", 0, 0},
    };
    for (const RtpMapCase& c : cases) {
        SCOPED_TRACE(c.line);
        const SessionDescriptionView& session = parse(withHead(sdp({"m=audio 4000 RTP/AVP 0", c.line})));
        if (c.code == SdpErrorCode::None) {
            expectValid(session);
        } else {
            expectError(session, c.code);
        }
        ASSERT_EQ(session.media().size(), 1U);
        const MediaDescriptionView& media = session.media()[0];
        EXPECT_EQ(media.attributes.size(), 1U);  // the raw line is kept either way
        ASSERT_EQ(media.rtpmaps.size(), c.count);
        if (c.count == 1) {
            EXPECT_EQ(media.rtpmaps[0].payloadType, c.payloadType);
            EXPECT_EQ(media.rtpmaps[0].encodingName, c.name);
            EXPECT_EQ(media.rtpmaps[0].clockRate, c.clockRate);
            EXPECT_EQ(media.rtpmaps[0].channels, c.channels);
        }
    }
}

TEST_F(SdpTest, FmtpPtimeAndFriends) {
    const SessionDescriptionView& session = parse(withHead(sdp({
        "m=audio 49170 RTP/AVP 0 101 96",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=rtpmap:96 AMR-WB/16000",
        "a=fmtp:96  octet-align=1; mode-set=0,1,2 ",
        "a=ptime:20",
        "a=maxptime:40",
        "a=rtcp:53020 IN IP4 192.0.2.11",
        "a=rtcp-mux",
        "a=mid:audio0",
        "a=label:main",
        "a=x-unknown",
        "m=image 49172 udptl t38",
        "a=fmtp:t38 whatever",
        "a=ptime:20.0",
        "a=rtcp:9",
    })));
    expectValid(session);
    ASSERT_EQ(session.media().size(), 2U);
    const MediaDescriptionView& audio = session.media()[0];
    ASSERT_EQ(audio.fmtps.size(), 2U);
    EXPECT_EQ(audio.fmtps[0].format, "101");
    EXPECT_EQ(audio.fmtps[0].payloadType, 101);
    EXPECT_EQ(audio.fmtps[0].parameters, "0-16");
    ASSERT_NE(audio.fmtp(96), nullptr);
    EXPECT_EQ(audio.fmtp(96)->parameters, "octet-align=1; mode-set=0,1,2");
    EXPECT_EQ(audio.fmtp(0), nullptr);
    EXPECT_EQ(audio.ptimeMs, 20U);
    EXPECT_EQ(audio.maxptimeMs, 40U);
    ASSERT_TRUE(audio.rtcp);
    EXPECT_EQ(audio.rtcp->port, 53020);
    EXPECT_EQ(audio.rtcp->address, "192.0.2.11");
    EXPECT_TRUE(audio.isRtcpMux);
    EXPECT_EQ(audio.mid, "audio0");
    EXPECT_EQ(audio.label, "main");
    ASSERT_NE(audio.attribute("x-unknown"), nullptr);
    EXPECT_FALSE(audio.attribute("x-unknown")->hasValue);
    EXPECT_EQ(audio.attribute("x-absent"), nullptr);

    const MediaDescriptionView& image = session.media()[1];
    ASSERT_EQ(image.fmtps.size(), 1U);
    EXPECT_EQ(image.fmtps[0].format, "t38");
    EXPECT_FALSE(image.fmtps[0].payloadType);
    EXPECT_EQ(image.ptimeMs, 20U);
    ASSERT_TRUE(image.rtcp);
    EXPECT_EQ(image.rtcp->port, 9);
    EXPECT_TRUE(image.rtcp->address.empty());
    EXPECT_FALSE(image.isRtcpMux);
    EXPECT_TRUE(image.mid.empty());
}

struct BadAttributeCase {
    std::string_view line;
};

TEST_F(SdpTest, MalformedTypedAttributes) {
    const BadAttributeCase cases[] = {
        {"a=ptime:abc"},
        {"a=ptime:"},
        {"a=ptime:20.x"},
        {"a=maxptime:-1"},
        {"a=fmtp:"},
        {"a=rtcp:port"},
        {"a=rtcp:9 IN IP4"},
        {"a=rtcp:70000"},
        {"a=setup:sideways"},
        {"a=fingerprint:sha-256"},
        {"a=crypto:1 AES_CM_128_HMAC_SHA1_80"},
        {"a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:abc"},
        {"a=candidate:1 1 UDP"},
        {"a=bad name:1"},
        {"a=:value"},
    };
    for (const BadAttributeCase& c : cases) {
        SCOPED_TRACE(c.line);
        const SessionDescriptionView& session = parse(withHead(sdp({"m=audio 4000 RTP/AVP 0", c.line, "a=rtcp-mux"})));
        expectError(session, SdpErrorCode::BadAttribute);
        EXPECT_GE(session.error().offset, offsetOf(c.line));
        EXPECT_LE(session.error().offset, offsetOf(c.line) + c.line.size());
        ASSERT_EQ(session.media().size(), 1U);
        const MediaDescriptionView& media = session.media()[0];
        EXPECT_EQ(media.attributes.size(), 2U);
        EXPECT_TRUE(media.isRtcpMux);  // parsing went on after the bad line
        EXPECT_FALSE(media.ptimeMs);
        EXPECT_FALSE(media.rtcp);
        EXPECT_FALSE(media.setup);
        EXPECT_FALSE(media.fingerprint);
        EXPECT_TRUE(media.cryptos.empty());
        EXPECT_TRUE(media.candidates.empty());
        EXPECT_TRUE(media.fmtps.empty());
    }
}

struct CandidateCase {
    std::string_view line;
    std::string_view foundation;
    std::uint16_t component;
    std::string_view transport;
    std::uint32_t priority;
    std::string_view address;
    std::uint16_t port;
    IceCandidateType type;
    std::string_view relatedAddress;
    std::optional<std::uint16_t> relatedPort;
};

TEST_F(SdpTest, IceCandidates) {
    const CandidateCase cases[] = {
        {"a=candidate:1 1 UDP 2130706431 10.0.1.1 8998 typ host", "1", 1, "UDP", 2130706431, "10.0.1.1", 8998,
         IceCandidateType::Host, "", std::nullopt},
        {"a=candidate:2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr 10.0.1.1 rport 8998", "2", 1, "UDP",
         1694498815, "192.0.2.3", 45664, IceCandidateType::ServerReflexive, "10.0.1.1", 8998},
        {"a=candidate:842163049 2 udp 1677729535 198.51.100.7 54400 typ relay raddr 0.0.0.0 rport "
         "0 generation 0 "
         "network-cost 999",
         "842163049", 2, "udp", 1677729535, "198.51.100.7", 54400, IceCandidateType::Relayed, "0.0.0.0", 0},
        {"a=candidate:a+b/c 1 TCP 1518280447 2001:db8::5 9 typ prflx tcptype active", "a+b/c", 1, "TCP", 1518280447,
         "2001:db8::5", 9, IceCandidateType::PeerReflexive, "", std::nullopt},
        {"a=candidate:4 1 UDP 1 192.0.2.3 1 typ x-new", "4", 1, "UDP", 1, "192.0.2.3", 1, IceCandidateType::Other, "",
         std::nullopt},
    };
    for (const CandidateCase& c : cases) {
        SCOPED_TRACE(c.line);
        const SessionDescriptionView& session = parse(withHead(sdp({
            "m=audio 45664 RTP/AVP 0",
            "a=ice-ufrag:8hhY",
            "a=ice-pwd:asd88fgpdd777uzjYhagZg",
            c.line,
        })));
        expectValid(session);
        ASSERT_EQ(session.media().size(), 1U);
        const MediaDescriptionView& media = session.media()[0];
        EXPECT_EQ(media.iceUfrag, "8hhY");
        EXPECT_EQ(media.icePwd, "asd88fgpdd777uzjYhagZg");
        ASSERT_EQ(media.candidates.size(), 1U);
        const SdpCandidate& candidate = media.candidates[0];
        EXPECT_EQ(candidate.foundation, c.foundation);
        EXPECT_EQ(candidate.component, c.component);
        EXPECT_EQ(candidate.transport, c.transport);
        EXPECT_EQ(candidate.priority, c.priority);
        EXPECT_EQ(candidate.address, c.address);
        EXPECT_EQ(candidate.port, c.port);
        EXPECT_EQ(candidate.type, c.type);
        EXPECT_EQ(candidate.relatedAddress, c.relatedAddress);
        EXPECT_EQ(candidate.relatedPort, c.relatedPort);
    }
}

TEST_F(SdpTest, MalformedIceCandidates) {
    const std::string_view cases[] = {
        "a=candidate:",
        "a=candidate:1 1 UDP 2130706431 10.0.1.1 8998 host",
        "a=candidate:1 1 UDP 2130706431 10.0.1.1 8998 typ",
        "a=candidate:1 x UDP 2130706431 10.0.1.1 8998 typ host",
        "a=candidate:1 1 UDP 99999999999 10.0.1.1 8998 typ host",
        "a=candidate:1 1 UDP 2130706431 10.0.1.1 89980 typ host",
        "a=candidate:f=o 1 UDP 2130706431 10.0.1.1 8998 typ host",
        "a=candidate:123456789012345678901234567890123 1 UDP 1 10.0.1.1 8998 typ host",
        "a=candidate:1 1 UDP 2130706431 10.0.1.1 8998 typ srflx raddr",
        "a=candidate:1 1 UDP 2130706431 10.0.1.1 8998 typ srflx raddr 10.0.0.1 rport x",
    };
    for (std::string_view line : cases) {
        SCOPED_TRACE(line);
        const SessionDescriptionView& session = parse(withHead(sdp({"m=audio 8998 RTP/AVP 0", line})));
        expectError(session, SdpErrorCode::BadAttribute);
        ASSERT_EQ(session.media().size(), 1U);
        EXPECT_TRUE(session.media()[0].candidates.empty());
        EXPECT_EQ(session.media()[0].attributes.size(), 1U);
    }
}

// A WebRTC-style answer: session-level fingerprint and ICE credentials, media-level overrides, SRTP
// crypto.
TEST_F(SdpTest, SecurityAndSessionLevelIce) {
    const SessionDescriptionView& session = parse(sdp({
        "v=0",
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=ice-lite",
        "a=ice-ufrag:sess",
        "a=ice-pwd:sessionpassword0123456789",
        "a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB",
        "a=setup:actpass",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111",
        "c=IN IP4 0.0.0.0",
        "a=ice-ufrag:media",
        "a=setup:active",
        "a=sendrecv",
        "m=audio 5004 RTP/SAVP 0",
        "c=IN IP4 192.0.2.20",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
        "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32",
        "a=crypto:2 AES_CM_128_HMAC_SHA1_32 "
        "inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32 KDR=1",
        "a=fingerprint:sha-1 4A:AD",
        "a=setup:holdconn",
    }));
    expectValid(session);
    EXPECT_TRUE(session.isIceLite());
    EXPECT_EQ(session.iceUfrag(), "sess");
    EXPECT_EQ(session.icePwd(), "sessionpassword0123456789");
    ASSERT_TRUE(session.fingerprint());
    EXPECT_EQ(session.fingerprint()->hashFunction, "sha-256");
    EXPECT_EQ(session.fingerprint()->fingerprint.substr(0, 5), "4A:AD");
    EXPECT_EQ(session.setup(), SetupRole::ActPass);
    ASSERT_EQ(session.media().size(), 2U);
    const MediaDescriptionView& webrtc = session.media()[0];
    EXPECT_EQ(webrtc.iceUfrag, "media");
    EXPECT_TRUE(webrtc.icePwd.empty());
    EXPECT_EQ(webrtc.setup, SetupRole::Active);
    EXPECT_FALSE(webrtc.fingerprint);
    EXPECT_EQ(webrtc.codecName(111), "");  // dynamic without rtpmap: unknown
    const MediaDescriptionView& srtp = session.media()[1];
    ASSERT_EQ(srtp.cryptos.size(), 2U);
    EXPECT_EQ(srtp.cryptos[0].tag, 1U);
    EXPECT_EQ(srtp.cryptos[0].suite, "AES_CM_128_HMAC_SHA1_80");
    EXPECT_EQ(srtp.cryptos[0].keyParams, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32");
    EXPECT_TRUE(srtp.cryptos[0].sessionParams.empty());
    EXPECT_EQ(srtp.cryptos[1].sessionParams, "KDR=1");
    ASSERT_TRUE(srtp.fingerprint);
    EXPECT_EQ(srtp.fingerprint->hashFunction, "sha-1");
    EXPECT_EQ(srtp.setup, SetupRole::HoldConn);
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Helpers: effective connection and direction, codecs, hold
//--------------------------------------------------------------------------------------------------

struct LevelCase {
    std::string_view name;
    std::string_view sessionLines;  // after t=
    std::string_view mediaLines;    // after m=
    std::string_view address;       // effective connection address; empty for none
    MediaDirection direction;
    bool isHold;
};

TEST_F(SdpTest, EffectiveConnectionDirectionAndHold) {
    const LevelCase cases[] = {
        {"defaults", "c=IN IP4 192.0.2.1\r\n", "", "192.0.2.1", MediaDirection::SendRecv, false},
        {"media c= overrides", "c=IN IP4 192.0.2.1\r\n", "c=IN IP4 192.0.2.2\r\n", "192.0.2.2",
         MediaDirection::SendRecv, false},
        {"media c= only", "", "c=IN IP6 2001:db8::2\r\n", "2001:db8::2", MediaDirection::SendRecv, false},
        {"sendonly", "c=IN IP4 192.0.2.1\r\n", "a=sendonly\r\n", "192.0.2.1", MediaDirection::SendOnly, true},
        {"inactive", "c=IN IP4 192.0.2.1\r\n", "a=inactive\r\n", "192.0.2.1", MediaDirection::Inactive, true},
        {"recvonly is not hold", "c=IN IP4 192.0.2.1\r\n", "a=recvonly\r\n", "192.0.2.1", MediaDirection::RecvOnly,
         false},
        {"session sendonly", "c=IN IP4 192.0.2.1\r\na=sendonly\r\n", "", "192.0.2.1", MediaDirection::SendOnly, true},
        {"media sendrecv overrides session sendonly", "c=IN IP4 192.0.2.1\r\na=sendonly\r\n", "a=sendrecv\r\n",
         "192.0.2.1", MediaDirection::SendRecv, false},
        {"media inactive overrides session recvonly", "c=IN IP4 192.0.2.1\r\na=recvonly\r\n", "a=inactive\r\n",
         "192.0.2.1", MediaDirection::Inactive, true},
        {"RFC 2543 hold, session c=0.0.0.0", "c=IN IP4 0.0.0.0\r\n", "", "0.0.0.0", MediaDirection::SendRecv, true},
        {"RFC 2543 hold, media c=0.0.0.0", "c=IN IP4 192.0.2.1\r\n", "c=IN IP4 0.0.0.0\r\n", "0.0.0.0",
         MediaDirection::SendRecv, true},
        {"media c= resumes a session 0.0.0.0", "c=IN IP4 0.0.0.0\r\n", "c=IN IP4 192.0.2.3\r\n", "192.0.2.3",
         MediaDirection::SendRecv, false},
        {"case-insensitive direction", "c=IN IP4 192.0.2.1\r\n", "a=SendOnly\r\n", "192.0.2.1",
         MediaDirection::SendOnly, true},
    };
    for (const LevelCase& c : cases) {
        SCOPED_TRACE(c.name);
        const std::string body = "v=0\r\no=- 1 1 IN IP4 192.0.2.9\r\ns=-\r\nt=0 0\r\n" + std::string(c.sessionLines) +
                                 "m=audio 4000 RTP/AVP 0\r\n" + std::string(c.mediaLines);
        const SessionDescriptionView& session = parse(body);
        expectValid(session);
        ASSERT_EQ(session.media().size(), 1U);
        const MediaDescriptionView& media = session.media()[0];
        const std::optional<SdpConnection> connection = session.effectiveConnection(media);
        ASSERT_TRUE(connection);
        EXPECT_EQ(connection->address, c.address);
        EXPECT_EQ(session.effectiveDirection(media), c.direction);
        EXPECT_EQ(session.isHold(media), c.isHold);
    }
}

TEST_F(SdpTest, StaticPayloadTypesWithoutRtpMap) {
    const SessionDescriptionView& session =
        parse(withHead(sdp({"m=audio 4000 RTP/AVP 0 3 4 8 9 13 18 96 97 2", "a=rtpmap:97 speex/16000"})));
    expectValid(session);
    ASSERT_EQ(session.media().size(), 1U);
    const MediaDescriptionView& media = session.media()[0];
    const std::pair<std::uint8_t, std::string_view> expected[] = {
        {0, "PCMU"},  {3, "GSM"}, {4, "G723"},   {8, "PCMA"}, {9, "G722"},  {13, "CN"},
        {18, "G729"}, {96, ""},   {97, "speex"}, {2, ""},     {34, "H263"}, {127, ""},
    };
    for (const auto& [payloadType, name] : expected) {
        SCOPED_TRACE(static_cast<int>(payloadType));
        EXPECT_EQ(media.codecName(payloadType), name);
    }
    // RFC 3551 §6: G722's RTP clock is 8000 though it samples at 16 kHz; L16 stereo is payload
    // type 10.
    EXPECT_EQ(staticPayloadFormat(9)->clockRate, 8000U);
    EXPECT_EQ(staticPayloadFormat(10)->channels, 2);
    EXPECT_EQ(media.payloadFormat(97)->clockRate, 16000U);
    EXPECT_FALSE(media.payloadFormat(96));
}

TEST_F(SdpTest, RtpMapOverridesStaticAssignment) {
    const SessionDescriptionView& session =
        parse(withHead(sdp({"m=audio 4000 RTP/AVP 3", "a=rtpmap:3 x-gsm-variant/8000"})));
    EXPECT_EQ(session.media()[0].codecName(3), "x-gsm-variant");
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Line endings, malformed input, limits
//--------------------------------------------------------------------------------------------------

struct LineEndingCase {
    std::string_view name;
    std::string_view body;
};

TEST_F(SdpTest, LineEndings) {
    const LineEndingCase cases[] = {
        {"CRLF", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=x\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio "
                 "4000 RTP/AVP 0\r\n"
                 "a=sendonly\r\n"},
        {"bare LF", "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=x\nc=IN IP4 192.0.2.1\nt=0 0\nm=audio 4000 RTP/AVP 0\n"
                    "a=sendonly\n"},
        {"mixed", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\ns=x\r\nc=IN IP4 192.0.2.1\nt=0 0\r\nm=audio "
                  "4000 RTP/AVP 0\n"
                  "a=sendonly\r\n"},
        {"no final newline", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=x\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                             "m=audio 4000 RTP/AVP 0\r\na=sendonly"},
        {"final CR only", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=x\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                          "m=audio 4000 RTP/AVP 0\r\na=sendonly\r"},
        {"trailing blank lines and spaces", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=x\r\nc=IN IP4 192.0.2.1 \r\n"
                                            "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly \r\n\r\n\r\n"},
        {"unknown and optional lines", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=x\r\ni=info\r\nu=http://x\r\n"
                                       "e=a@b\r\np=+1\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nr=7d 1h 0 25h\r\n"
                                       "z=2882844526 -1h\r\nk=clear:x\r\nx=future\r\nm=audio 4000 RTP/AVP 0\r\n"
                                       "i=media info\r\na=sendonly\r\n"},
    };
    for (const LineEndingCase& c : cases) {
        SCOPED_TRACE(c.name);
        const SessionDescriptionView& session = parse(c.body);
        expectValid(session);
        EXPECT_EQ(session.sessionName(), "x");
        EXPECT_EQ(session.connection()->address, "192.0.2.1");
        ASSERT_EQ(session.media().size(), 1U);
        EXPECT_EQ(session.media()[0].formats.size(), 1U);
        EXPECT_EQ(session.media()[0].formats[0], "0");
        EXPECT_EQ(session.media()[0].direction, MediaDirection::SendOnly);
        EXPECT_EQ(session.media()[0].attributes.size(), 1U);
        EXPECT_EQ(session.media()[0].attributes[0].name, "sendonly");
    }
}

struct MalformedCase {
    std::string_view name;
    std::string_view body;
    SdpErrorCode code;
    std::string_view errorAt;  // the error offset is where this text starts in the body
    std::size_t media;         // media still read
};

TEST_F(SdpTest, MalformedLines) {
    const MalformedCase cases[] = {
        {"empty", "", SdpErrorCode::Empty, "", 0},
        {"whitespace", " \r\n\r\n", SdpErrorCode::Empty, "", 0},
        {"missing '='", "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\nm audio 4 RTP/AVP 0\r\n",
         SdpErrorCode::BadLine, "m audio", 0},
        {"space before '='",
         "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\nm=audio 4 RTP/AVP 0\r\n"
         "m =video 6 RTP/AVP 31\r\n",
         SdpErrorCode::BadLine, "m =video", 1},
        {"digit type", "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\n1=x\r\nc=IN IP4 h\r\nt=0 0\r\n", SdpErrorCode::BadLine, "1=x",
         0},
        {"single letter", "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\na\r\n", SdpErrorCode::BadLine,
         "a\r\n", 0},
        {"no v= first", "o=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\n", SdpErrorCode::BadVersion, "o=-", 0},
        {"v=1", "v=1\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\n", SdpErrorCode::BadVersion, "1\r\n", 0},
        {"short o=", "v=0\r\no=- 1 1 IN IP4\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\n", SdpErrorCode::BadOrigin, "- 1 1", 0},
        {"non-numeric sess-id", "v=0\r\no=- abc 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\n", SdpErrorCode::BadOrigin,
         "- abc", 0},
        {"bad t=", "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=now\r\n", SdpErrorCode::BadTiming, "now", 0},
        {"bad b=", "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nb=AS\r\nt=0 0\r\n", SdpErrorCode::BadBandwidth,
         "AS\r\n", 0},
        {"bad b= value", "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nb=AS:lots\r\nt=0 0\r\n",
         SdpErrorCode::BadBandwidth, "AS:lots", 0},
        {"no o=", "v=0\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\n", SdpErrorCode::MissingField, "", 0},
        {"no s= nor t= (RFC 4475 mismatch02)", "v=0\r\no=- 1 1 IN IP4 h\r\nc=IN IP4 h\r\nm=audio 4 RTP/AVP 0\r\n",
         SdpErrorCode::MissingField, "", 1},
        {"media without c=", "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\nm=audio 4 RTP/AVP 0\r\n",
         SdpErrorCode::MissingField, "m=audio", 1},
        {"non-numeric port",
         "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\nm=audio port RTP/AVP 0\r\n"
         "m=video 6 RTP/AVP 31\r\n",
         SdpErrorCode::BadMedia, "audio port", 2},
        {"binary", std::string_view("v=0\r\n\0\x01\x02=\xff\r\n", 12), SdpErrorCode::BadLine, std::string_view("\0", 1),
         0},
    };
    for (const MalformedCase& c : cases) {
        SCOPED_TRACE(c.name);
        const SessionDescriptionView& session = parse(c.body);
        expectError(session, c.code);
        const std::uint32_t expectedOffset =
            c.errorAt.empty() ? static_cast<std::uint32_t>(c.body.size()) : offsetOf(c.errorAt);
        if (c.code != SdpErrorCode::Empty) {
            EXPECT_EQ(session.error().offset, expectedOffset);
        }
        EXPECT_LE(session.error().offset, c.body.size());
        EXPECT_EQ(session.media().size(), c.media);
    }
}

// Fields on either side of a malformed line are still read.
TEST_F(SdpTest, MalformedKeepsWhatCouldBeRead) {
    const SessionDescriptionView& session = parse(sdp({
        "v=0",
        "o=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com",
        "s=call",
        "garbage",
        "c=IN IP4 host.biloxi.example.com",
        "t=0 0",
        "m=audio 49172 RTP/AVP 0",
        "a=rtpmap:0",
        "a=sendonly",
        "m=video 0 RTP/AVP 31",
    }));
    expectError(session, SdpErrorCode::BadLine);
    EXPECT_EQ(session.error().offset, offsetOf("garbage"));
    EXPECT_EQ(session.origin().username, "bob");
    EXPECT_EQ(session.sessionName(), "call");
    EXPECT_EQ(session.connection()->address, "host.biloxi.example.com");
    ASSERT_EQ(session.media().size(), 2U);
    EXPECT_TRUE(session.isHold(session.media()[0]));
    EXPECT_EQ(session.media()[1].port, 0);
}

TEST_F(SdpTest, Limits) {
    const std::string body = withHead(sdp({
        "m=audio 4000 RTP/AVP 0 8",
        "a=sendrecv",
        "a=ptime:20",
        "m=video 4002 RTP/AVP 31",
        "a=recvonly",
        "m=audio 4004 RTP/AVP 18",
        "a=inactive",
    }));
    {
        SCOPED_TRACE("maxMedia");
        SdpParser parser(SdpLimits{.maxMedia = 2});
        const SessionDescriptionView& session = parseWith(parser, body);
        expectError(session, SdpErrorCode::TooManyMedia);
        EXPECT_EQ(session.error().offset, offsetOf("m=audio 4004"));
        ASSERT_EQ(session.media().size(), 2U);
        EXPECT_EQ(session.media()[1].direction, MediaDirection::RecvOnly);
    }
    {
        SCOPED_TRACE("maxAttributes");
        SdpParser parser(SdpLimits{.maxAttributes = 2});
        const SessionDescriptionView& session = parseWith(parser, body);
        expectError(session, SdpErrorCode::TooManyAttributes);
        EXPECT_EQ(session.error().offset, offsetOf("recvonly"));
        ASSERT_EQ(session.media().size(), 2U);
        EXPECT_EQ(session.media()[0].attributes.size(), 2U);
        EXPECT_EQ(session.media()[0].ptimeMs, 20U);
        EXPECT_TRUE(session.media()[1].attributes.empty());
        EXPECT_EQ(session.media()[1].formats.size(), 1U);
    }
    {
        SCOPED_TRACE("maxFormats");
        SdpParser parser(SdpLimits{.maxFormats = 2});
        const SessionDescriptionView& session = parseWith(parser, body);
        expectError(session, SdpErrorCode::TooManyFormats);
        EXPECT_EQ(session.error().offset, offsetOf("31\r\n"));
        ASSERT_EQ(session.media().size(), 2U);
        EXPECT_EQ(session.media()[0].formats.size(), 2U);
        EXPECT_TRUE(session.media()[1].formats.empty());
    }
    {
        SCOPED_TRACE("maxLineLength");
        SdpParser parser(SdpLimits{.maxLineLength = 24});
        const SessionDescriptionView& session = parseWith(parser, body);
        expectError(session, SdpErrorCode::LineTooLong);
        EXPECT_EQ(session.error().offset, offsetOf("o=alice"));
        EXPECT_EQ(session.version(), 0U);
        EXPECT_TRUE(session.media().empty());
    }
    {
        SCOPED_TRACE("default line limit");
        const std::string longLine = "a=fmtp:96 " + std::string(5000, 'x');
        const SessionDescriptionView& session = parse(withHead(sdp({"m=video 4000 RTP/AVP 96", longLine})));
        expectError(session, SdpErrorCode::LineTooLong);
        ASSERT_EQ(session.media().size(), 1U);
        EXPECT_TRUE(session.media()[0].fmtps.empty());
    }
    {
        SCOPED_TRACE("b= counts against maxAttributes");
        SdpParser parser(SdpLimits{.maxAttributes = 1});
        const SessionDescriptionView& session =
            parseWith(parser, withHead(sdp({"m=audio 4000 RTP/AVP 0", "b=AS:64", "b=TIAS:64000"})));
        expectError(session, SdpErrorCode::TooManyAttributes);
        EXPECT_EQ(session.media()[0].bandwidths.size(), 1U);
    }
}

// Parsing a small description after a large one leaves nothing of the large one behind.
TEST_F(SdpTest, ParserStateResetsBetweenBodies) {
    const SessionDescriptionView& first = parse(sdp({
        "v=0",
        "o=- 1 1 IN IP4 h",
        "s=-",
        "c=IN IP4 192.0.2.1",
        "b=AS:1",
        "t=0 0",
        "a=sendonly",
        "a=ice-lite",
        "a=ice-ufrag:u",
        "a=setup:active",
        "a=fingerprint:sha-1 00",
        "m=audio 4000 RTP/AVP 0 96",
        "a=rtpmap:96 opus/48000/2",
        "a=fmtp:96 x",
        "a=candidate:1 1 UDP 1 h 1 typ host",
        "a=crypto:1 S inline:k",
        "m=video 4002 RTP/AVP 31",
    }));
    expectValid(first);
    ASSERT_EQ(first.media().size(), 2U);
    const SessionDescriptionView& second = parse("v=0\nm=audio 5000 RTP/AVP 8\n");
    expectError(second, SdpErrorCode::MissingField);
    EXPECT_FALSE(second.connection());
    EXPECT_FALSE(second.timing());
    EXPECT_TRUE(second.bandwidths().empty());
    EXPECT_TRUE(second.attributes().empty());
    EXPECT_FALSE(second.direction());
    EXPECT_FALSE(second.isIceLite());
    EXPECT_TRUE(second.iceUfrag().empty());
    EXPECT_FALSE(second.setup());
    EXPECT_FALSE(second.fingerprint());
    EXPECT_TRUE(second.origin().username.empty());
    ASSERT_EQ(second.media().size(), 1U);
    const MediaDescriptionView& media = second.media()[0];
    EXPECT_EQ(media.port, 5000);
    ASSERT_EQ(media.formats.size(), 1U);
    EXPECT_EQ(media.formats[0], "8");
    EXPECT_TRUE(media.rtpmaps.empty());
    EXPECT_TRUE(media.fmtps.empty());
    EXPECT_TRUE(media.candidates.empty());
    EXPECT_TRUE(media.cryptos.empty());
    EXPECT_EQ(media.codecName(8), "PCMA");
}

//--------------------------------------------------------------------------------------------------
// [SECTION] RFC 4475 bodies
//--------------------------------------------------------------------------------------------------

fs::path rfc4475Dir() { return fs::path(SIPSCOPE_CORPUS_DIR) / "rfc4475"; }

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

struct CorpusBodyCase {
    std::string_view file;
    SdpErrorCode code;
    std::string_view errorAt;  // where the error is, in the body
    std::string_view connection;
    std::size_t media;
};

// The torture messages' SDP bodies. Most name payload type 31 "LPC" without the clock rate RFC 8866
// §6.6 requires, so the rtpmap is kept and flagged.
TEST_F(SdpTest, Rfc4475Bodies) {
    if (!fs::is_directory(rfc4475Dir())) {
        SIPSCOPE_CORPUS_MISSING() << "RFC 4475 corpus not found at " << rfc4475Dir()
                                  << " (expected ../shared/corpus beside the checkout); these checks did not run";
    }
    const CorpusBodyCase cases[] = {
        {"sdp01.dat", SdpErrorCode::BadAttribute, "31 LPC", "192.0.2.5", 2},
        {"inv2543.dat", SdpErrorCode::None, "", "192.0.2.5", 1},
        {"wsinv.dat", SdpErrorCode::BadAttribute, "31 LPC", "192.0.2.4", 2},
        {"ltgtruri.dat", SdpErrorCode::BadAttribute, "31 LPC", "192.0.2.5", 2},
        {"mismatch02.dat", SdpErrorCode::BadAttribute, "31 LPC", "192.0.2.1", 2},
    };
    SipParser sipParser;
    for (const CorpusBodyCase& c : cases) {
        SCOPED_TRACE(c.file);
        const std::string bytes = readFile(rfc4475Dir() / c.file);
        ASSERT_FALSE(bytes.empty());
        const SipMessageView& message = sipParser.parse(bytes);
        ASSERT_FALSE(message.body().empty());
        const SessionDescriptionView& session = parse(message.body());
        if (c.code == SdpErrorCode::None) {
            expectValid(session);
        } else {
            expectError(session, c.code);
            EXPECT_EQ(session.error().offset, offsetOf(c.errorAt));
        }
        EXPECT_EQ(session.origin().username, "mhandley");
        EXPECT_EQ(session.origin().sessionId, "29739");
        ASSERT_TRUE(session.connection());
        EXPECT_EQ(session.connection()->address, c.connection);
        ASSERT_EQ(session.media().size(), c.media);
        const MediaDescriptionView& audio = session.media()[0];
        EXPECT_EQ(audio.type, MediaType::Audio);
        EXPECT_EQ(audio.port, 49217);
        EXPECT_EQ(audio.codecName(0), "PCMU");
        EXPECT_FALSE(session.isHold(audio));
        if (c.media == 2) {
            EXPECT_EQ(audio.codecName(12), "QCELP");  // static, no rtpmap
            const MediaDescriptionView& video = session.media()[1];
            EXPECT_EQ(video.type, MediaType::Video);
            EXPECT_EQ(video.port, 3227);
            EXPECT_EQ(video.codecName(31), "LPC");  // the body's rtpmap wins over the static H261
        }
    }
}

// Every body in the folder parses without a crash and with its views inside the body.
TEST_F(SdpTest, Rfc4475EveryBodyStaysInBounds) {
    if (!fs::is_directory(rfc4475Dir())) {
        SIPSCOPE_CORPUS_MISSING() << "RFC 4475 corpus not found at " << rfc4475Dir() << "; these checks did not run";
    }
    SipParser sipParser;
    std::size_t bodies = 0;
    for (const fs::directory_entry& entry : fs::directory_iterator(rfc4475Dir())) {
        if (entry.path().extension() != ".dat") {
            continue;
        }
        SCOPED_TRACE(entry.path().filename().string());
        const std::string bytes = readFile(entry.path());
        const std::string_view body = sipParser.parse(bytes).body();
        if (body.find("v=0") == std::string_view::npos) {
            continue;
        }
        ++bodies;
        const SessionDescriptionView& session = parse(body);
        EXPECT_LE(session.error().offset, body.size());
    }
    EXPECT_GE(bodies, 15U);
}

}  // namespace
}  // namespace sipscope::decode
