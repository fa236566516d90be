// Typed header access (decode/sip_headers.hpp and SipMessageView's typed readers): Via, Contact, Route lists,
// Max-Forwards, Expires, option tags, Reason, auth headers, Event, Subscription-State, Refer-To/Replaces, P-Asserted-
// Identity, Session-Expires, folding, URIs with escapes, multipart bodies.
#include "decode/sip_headers.hpp"
#include "decode/sip_parser.hpp"

#include "tests/decode/parser_test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sipscope::decode {
namespace {

using namespace test;

std::vector<std::string> elements(const SipMessageView& message, std::string_view name) {
    std::vector<std::string> out;
    message.forEachElement(name, [&](std::string_view element) { out.emplace_back(element); });
    return out;
}

TEST_F(ParserTest, ViaHopsWithReceivedRportAndSentBy) {
    const SipMessageView& message = parse(buildMessage(
        InviteLine, {"Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bKabc;received=198.51.100.7;rport=40112, "
                     "SIP/2.0/TCP [2001:db8::9]:5070;branch=z9hG4bKdef;rport",
                     "v: SIP / 2.0 / TLS proxy.example.com;maddr=239.255.255.1;ttl=16;branch=z9hG4bK3", To, From,
                     CallId, CSeqInvite, "Content-Length: 0"}));
    ASSERT_TRUE(message.isValid()) << message.error().reason;
    const ViaHop top = message.topVia();
    EXPECT_EQ(top.transport, "UDP");
    EXPECT_EQ(top.sentBy, "192.0.2.10:5062");
    EXPECT_EQ(top.host, "192.0.2.10");
    EXPECT_EQ(top.port, 5062);
    EXPECT_EQ(top.branch, "z9hG4bKabc");
    EXPECT_EQ(top.received, "198.51.100.7");
    EXPECT_TRUE(top.hasRport);
    EXPECT_EQ(top.rport, 40112);
    EXPECT_EQ(message.viaHopCount(), 3u);

    const auto hops = elements(message, "Via");
    ASSERT_EQ(hops.size(), 3u);
    ViaHop second;
    ASSERT_TRUE(parseViaHop(hops[1], second));
    EXPECT_EQ(second.transport, "TCP");
    EXPECT_EQ(second.host, "[2001:db8::9]");
    EXPECT_EQ(second.port, 5070);
    EXPECT_TRUE(second.hasRport);
    EXPECT_FALSE(second.rport.has_value());  // asked for, not filled in
    ViaHop third;
    ASSERT_TRUE(parseViaHop(hops[2], third));
    EXPECT_EQ(third.transport, "TLS");
    EXPECT_EQ(third.host, "proxy.example.com");
    EXPECT_FALSE(third.port.has_value());
    EXPECT_EQ(third.maddr, "239.255.255.1");
    EXPECT_EQ(third.ttl, 16);
}

TEST_F(ParserTest, ContactRouteAndRecordRouteLists) {
    const SipMessageView& message = parse(buildMessage(
        InviteLine,
        {Via, To, From, CallId, CSeqInvite,
         "m: \"Alice, at home\" <sip:alice@192.0.2.4;transport=tcp>;expires=3600;q=0.7, <sip:alice@mobile.example.com>",
         "Route: <sip:p1.example.com;lr>,<sip:p2.example.com;lr>", "Route: <sip:p3.example.com;lr>",
         "Record-Route: <sip:rr.example.com;lr;ftag=abc>", "Content-Length: 0"}));
    ASSERT_TRUE(message.isValid()) << message.error().reason;
    const NameAddr contact = message.contact();
    EXPECT_EQ(contact.displayName, "Alice, at home");
    EXPECT_EQ(contact.uri, "sip:alice@192.0.2.4;transport=tcp");
    EXPECT_EQ(findParam(contact.params, "expires"), "3600");
    EXPECT_EQ(findParam(contact.params, "q"), "0.7");
    EXPECT_EQ(elements(message, "Contact").size(), 2u);  // the comma inside quotes does not split

    const auto routes = elements(message, "Route");
    ASSERT_EQ(routes.size(), 3u);  // two headers, three hops, in order
    EXPECT_EQ(parseNameAddr(routes[0]).uri, "sip:p1.example.com;lr");
    EXPECT_EQ(parseNameAddr(routes[2]).uri, "sip:p3.example.com;lr");
    const auto recordRoutes = elements(message, "Record-Route");
    ASSERT_EQ(recordRoutes.size(), 1u);
    SipUri recordRoute;
    ASSERT_TRUE(parseUri(parseNameAddr(recordRoutes[0]).uri, recordRoute));
    EXPECT_EQ(recordRoute.host, "rr.example.com");
    EXPECT_TRUE(recordRoute.param("lr").has_value());
    EXPECT_EQ(recordRoute.param("ftag"), "abc");
}

TEST_F(ParserTest, WildcardContact) {
    const SipMessageView& message =
        parse(buildMessage("REGISTER sip:example.com SIP/2.0", {Via, To, From, CallId, "CSeq: 2 REGISTER", "Contact: *",
                                                                "Expires: 0", "Content-Length: 0"}));
    ASSERT_TRUE(message.isValid()) << message.error().reason;
    EXPECT_EQ(message.contact().uri, "*");
    EXPECT_EQ(message.expires(), 0u);
}

TEST_F(ParserTest, NumbersOptionTagsAndFoldedValues) {
    const SipMessageView& message = parse(
        buildMessage(InviteLine, {Via, "Max-Forwards: 69", To, From, CallId, CSeqInvite, "Expires: 120",
                                  "Allow: INVITE, ACK, CANCEL,\r\n BYE, UPDATE", "k: timer, 100rel",
                                  "Supported: replaces", "Require: 100rel", "Session-Expires: 1800;refresher=uac",
                                  "User-Agent: softphone/1.2", "Subject: a folded\r\n\tsubject", "Content-Length: 0"}));
    ASSERT_TRUE(message.isValid()) << message.error().reason;
    EXPECT_EQ(message.maxForwards(), 69u);
    EXPECT_EQ(message.expires(), 120u);
    EXPECT_TRUE(message.hasToken("Allow", "BYE"));  // after the fold
    EXPECT_TRUE(message.hasToken("Allow", "update"));
    EXPECT_FALSE(message.hasToken("Allow", "REFER"));
    EXPECT_TRUE(message.hasToken("Supported", "100rel"));  // compact k:, and a second Supported line
    EXPECT_TRUE(message.hasToken("Supported", "replaces"));
    EXPECT_TRUE(message.hasToken("Require", "100rel"));
    const auto sessionExpires = message.sessionExpires();
    ASSERT_TRUE(sessionExpires);
    EXPECT_EQ(sessionExpires->seconds, 1800u);
    EXPECT_EQ(sessionExpires->refresher, "uac");
    EXPECT_EQ(message.userAgent(), "softphone/1.2");
    EXPECT_EQ(elements(message, "Allow").size(), 5u);
}

TEST_F(ParserTest, ReasonHeaders) {
    const SipMessageView& message = parse(
        buildMessage("BYE sip:bob@biloxi.example.com SIP/2.0",
                     {Via, To, From, CallId, "CSeq: 2 BYE",
                      "Reason: Q.850;cause=16;text=\"Normal call clearing\", SIP;cause=200", "Content-Length: 0"}));
    ASSERT_TRUE(message.isValid()) << message.error().reason;
    const auto reason = message.reasonHeader();
    ASSERT_TRUE(reason);
    EXPECT_EQ(reason->protocol, "Q.850");
    EXPECT_EQ(reason->cause, 16);
    EXPECT_EQ(reason->text, "Normal call clearing");
    const auto all = elements(message, "Reason");
    ASSERT_EQ(all.size(), 2u);
    ReasonValue second;
    ASSERT_TRUE(parseReason(all[1], second));
    EXPECT_EQ(second.protocol, "SIP");
    EXPECT_EQ(second.cause, 200);
}

TEST_F(ParserTest, AuthorizationAndChallenge) {
    const SipMessageView& request = parse(buildMessage(
        "REGISTER sip:example.com SIP/2.0",
        {Via, To, From, CallId, "CSeq: 2 REGISTER",
         "Authorization: Digest username=\"alice\", realm=\"example.com\",\r\n "
         "nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\","
         " uri=\"sip:example.com\", response=\"dfe56131d1958046689d83306477ecc\", algorithm=MD5, qop=auth, nc=00000001",
         "Content-Length: 0"}));
    ASSERT_TRUE(request.isValid()) << request.error().reason;
    const auto credentials = request.auth("Authorization");
    ASSERT_TRUE(credentials);
    EXPECT_EQ(credentials->scheme, "Digest");
    EXPECT_EQ(credentials->param("username"), "alice");
    EXPECT_EQ(credentials->param("realm"), "example.com");
    EXPECT_EQ(credentials->param("nonce"), "ea9c8e88df84f1cec4341ae6cbe5a359");  // after a fold
    EXPECT_EQ(credentials->param("algorithm"), "MD5");
    EXPECT_EQ(credentials->param("nc"), "00000001");
    EXPECT_FALSE(credentials->param("opaque"));

    const SipMessageView& challenge = parse(
        buildMessage("SIP/2.0 407 Proxy Authentication Required",
                     {Via, To, From, CallId, CSeqInvite,
                      "Proxy-Authenticate: Digest realm=\"atlanta.example.com\", qop=\"auth,auth-int\", stale=FALSE, "
                      "nonce=\"wf84f1cczx41ae6cbeaea9ce88d359\"",
                      "Content-Length: 0"}));
    ASSERT_TRUE(challenge.isValid()) << challenge.error().reason;
    const auto proxy = challenge.auth("Proxy-Authenticate");
    ASSERT_TRUE(proxy);
    EXPECT_EQ(proxy->param("qop"), "auth,auth-int");  // a comma inside quotes stays in the value
    EXPECT_EQ(proxy->param("stale"), "FALSE");
    EXPECT_FALSE(challenge.auth("WWW-Authenticate"));
}

TEST_F(ParserTest, EventAndSubscriptionState) {
    const SipMessageView& notify = parse(buildMessage(
        "NOTIFY sip:alice@192.0.2.4 SIP/2.0",
        {Via, "To: <sip:alice@atlanta.example.com>;tag=1928301774", "From: <sip:bob@biloxi.example.com>;tag=x7", CallId,
         "CSeq: 5 NOTIFY", "o: dialog;id=42;call-id=abc",
         "Subscription-State: terminated;reason=timeout;retry-after=30", "Content-Length: 0"}));
    ASSERT_TRUE(notify.isValid()) << notify.error().reason;
    const auto event = notify.event();
    ASSERT_TRUE(event);
    EXPECT_EQ(event->package, "dialog");
    EXPECT_EQ(event->id, "42");
    const auto state = notify.subscriptionState();
    ASSERT_TRUE(state);
    EXPECT_EQ(state->state, "terminated");
    EXPECT_EQ(state->reason, "timeout");
    EXPECT_EQ(state->retryAfter, 30u);
    EXPECT_FALSE(state->expires);

    SubscriptionStateValue active;
    ASSERT_TRUE(parseSubscriptionState("active ; expires = 599", active));
    EXPECT_EQ(active.state, "active");
    EXPECT_EQ(active.expires, 599u);
}

TEST_F(ParserTest, ReferToWithEscapedReplacesAndReplacesHeader) {
    const SipMessageView& refer = parse(buildMessage(
        "REFER sip:bob@biloxi.example.com SIP/2.0",
        {Via, To, From, CallId, "CSeq: 3 REFER",
         "r: <sip:carol@cleveland.example.org?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>",
         "Referred-By: <sip:alice@atlanta.example.com>", "Content-Length: 0"}));
    ASSERT_TRUE(refer.isValid()) << refer.error().reason;
    const auto referTo = refer.referTo();
    ASSERT_TRUE(referTo);
    SipUri target;
    ASSERT_TRUE(parseUri(referTo->uri, target));
    EXPECT_EQ(target.user, "carol");
    EXPECT_EQ(target.host, "cleveland.example.org");
    const auto escaped = target.header("Replaces");
    ASSERT_TRUE(escaped);
    std::string text;
    EXPECT_TRUE(unescape(*escaped, text));
    EXPECT_EQ(text, "12345@192.168.118.3;to-tag=12345;from-tag=5FFE-3994");
    ReplacesValue replaces;
    ASSERT_TRUE(parseReplaces(text, replaces));
    EXPECT_EQ(replaces.callId, "12345@192.168.118.3");
    EXPECT_EQ(replaces.toTag, "12345");
    EXPECT_EQ(replaces.fromTag, "5FFE-3994");
    EXPECT_EQ(refer.referredBy()->uri, "sip:alice@atlanta.example.com");

    const SipMessageView& invite = parse(buildMessage(
        InviteLine, {Via, To, From, CallId, CSeqInvite,
                     "Replaces: 98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff;early-only",
                     "P-Asserted-Identity: \"Cullen Jennings\" <sip:fluffy@cisco.example.com>, <tel:+1-408-902-3341>",
                     "Content-Length: 0"}));
    ASSERT_TRUE(invite.isValid()) << invite.error().reason;
    const auto header = invite.replaces();
    ASSERT_TRUE(header);
    EXPECT_EQ(header->callId, "98732@sip.example.com");
    EXPECT_EQ(header->fromTag, "r33th4x0r");
    EXPECT_EQ(header->toTag, "ff87ff");
    EXPECT_TRUE(header->isEarlyOnly);
    const auto identity = invite.assertedIdentity();
    ASSERT_TRUE(identity);
    EXPECT_EQ(identity->displayName, "Cullen Jennings");
    EXPECT_EQ(identity->uri, "sip:fluffy@cisco.example.com");
    const auto identities = elements(invite, "P-Asserted-Identity");
    ASSERT_EQ(identities.size(), 2u);
    EXPECT_EQ(parseNameAddr(identities[1]).user, "+1-408-902-3341");
}

TEST(SipUriTest, SchemesPartsAndEscapes) {
    SipUri uri;
    ASSERT_TRUE(parseUri("sips:j%40s0n:secret@[2001:db8::1]:5061;transport=tls;lr?Subject=hi&Priority=urgent", uri));
    EXPECT_EQ(uri.scheme, "sips");
    EXPECT_TRUE(uri.isSip());
    EXPECT_EQ(uri.user, "j%40s0n");
    EXPECT_EQ(uri.password, "secret");
    EXPECT_EQ(uri.host, "[2001:db8::1]");
    EXPECT_EQ(uri.port, 5061);
    EXPECT_EQ(uri.param("transport"), "tls");
    EXPECT_EQ(uri.header("priority"), "urgent");
    std::string user;
    EXPECT_TRUE(unescape(uri.user, user));
    EXPECT_EQ(user, "j@s0n");

    ASSERT_TRUE(parseUri("tel:+1-201-555-0123;phone-context=example.com", uri));
    EXPECT_TRUE(uri.isTel());
    EXPECT_EQ(uri.user, "+1-201-555-0123");
    EXPECT_EQ(uri.param("phone-context"), "example.com");
    EXPECT_TRUE(uri.host.empty());

    ASSERT_TRUE(parseUri("<sip:bob@biloxi.example.com>", uri));  // brackets are tolerated
    EXPECT_EQ(uri.host, "biloxi.example.com");
    EXPECT_FALSE(uri.port);
    EXPECT_FALSE(parseUri("biloxi.example.com", uri));  // no scheme
    EXPECT_FALSE(parseUri("sip:", uri));                // no host

    std::string bad;
    EXPECT_FALSE(unescape("100%zz", bad));
    EXPECT_EQ(bad, "100%zz");  // copied as it was
}

// One URI grammar for the parser (From, To, Contact) and the typed reader: the userinfo ends at the first '@',
// since a user may hold '?' and ';' (RFC 3261 §25.1 user-unreserved) but never an unescaped '@'.
TEST_F(ParserTest, UriUserWithQuestionMarkSplitsAlikeInParserAndReader) {
    const SipMessageView& message =
        parse(buildMessage(InviteLine, {Via, "To: <sip:a?b;c@biloxi.example.com:5070;transport=tcp?Subject=x>", From,
                                        CallId, CSeqInvite, "Content-Length: 0"}));
    ASSERT_TRUE(message.isValid()) << message.error().reason;
    EXPECT_EQ(message.to().user, "a?b;c");
    EXPECT_EQ(message.to().host, "biloxi.example.com:5070");
    SipUri uri;
    ASSERT_TRUE(parseUri(message.to().uri, uri));
    EXPECT_EQ(uri.user, "a?b;c");
    EXPECT_EQ(uri.hostPort, "biloxi.example.com:5070");
    EXPECT_EQ(uri.host, "biloxi.example.com");
    EXPECT_EQ(uri.port, 5070);
    EXPECT_EQ(uri.param("transport"), "tcp");
    EXPECT_EQ(uri.header("Subject"), "x");
}

// One Via grammar for the parser and parseViaHop: what makes the parser call a Via malformed makes the typed
// reader fail too, and a well-formed hop reads the same through both.
TEST_F(ParserTest, ViaReadsAlikeInParserAndReader) {
    const SipMessageView& good =
        parse(buildMessage(InviteLine, {"Via: SIP/2.0/UDP 192.0.2.10:5062 ; branch = z9hG4bKabc ;rport", To, From,
                                        CallId, CSeqInvite, "Content-Length: 0"}));
    ASSERT_TRUE(good.isValid()) << good.error().reason;
    const ViaHop top = good.topVia();
    EXPECT_EQ(top.branch, good.topViaBranch());
    EXPECT_EQ(top.sentBy, good.topViaSentBy());
    EXPECT_EQ(top.params, "; branch = z9hG4bKabc ;rport");

    for (const std::string_view bad : {"SIP/2.0/UDP host;;branch=z9hG4bKx", "SIP/2.0/UDP host;branch=",
                                       "SIP/2.0/UDP host;branch=\"z9", "SIP/2.0/UDP host branch"}) {
        const std::string line = "Via: " + std::string(bad);
        const SipMessageView& message =
            parse(buildMessage(InviteLine, {line, To, From, CallId, CSeqInvite, "Content-Length: 0"}));
        EXPECT_EQ(message.error().code, ParseErrorCode::BadHeaderValue) << bad;
        ViaHop hop;
        EXPECT_FALSE(parseViaHop(bad, hop)) << bad;
        EXPECT_EQ(hop.host, "host") << bad;  // what came before the fault is read
    }
    ViaHop hop;  // another protocol version is the parser's error, not the reader's
    EXPECT_TRUE(parseViaHop("SIP/7.0/UDP host;branch=z9hG4bKy", hop));
    EXPECT_EQ(hop.version, "7.0");
    EXPECT_EQ(hop.branch, "z9hG4bKy");
}

TEST(SipUriTest, SameAddressComparesUnescapedUserAndHostCase) {
    EXPECT_TRUE(sameAddress("sip:%61lice@Atlanta.Example.COM", "sip:alice@atlanta.example.com;transport=udp"));
    EXPECT_TRUE(sameAddress("sip:carol@cleveland.example.org?Replaces=x", "sips:carol@cleveland.example.org"));
    EXPECT_FALSE(
        sameAddress("sip:Alice@atlanta.example.com", "sip:alice@atlanta.example.com"));  // user is case-sensitive
    EXPECT_FALSE(sameAddress("sip:alice@a.example.com:5060", "sip:alice@a.example.com:5070"));
    EXPECT_TRUE(sameAddress("tel:+1-201-555-0123", "tel:+12015550123"));
    EXPECT_FALSE(sameAddress("tel:+12015550123", "tel:+12015550124"));
}

TEST(ListReaderTest, SplitsOutsideQuotesAndAngles) {
    ListReader reader(" a ,, \"x, y\" <sip:u@h;p=1,2>;q=1 ,\r\n b ");
    std::vector<std::string> out;
    std::string_view element;
    while (reader.next(element))
        out.emplace_back(element);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0], "a");
    EXPECT_EQ(out[1], "\"x, y\" <sip:u@h;p=1,2>;q=1");
    EXPECT_EQ(out[2], "b");
}

constexpr std::string_view Sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                                 "m=audio 4000 RTP/AVP 0\r\n";

TEST_F(ParserTest, SdpInsideMultipartBodies) {
    // RFC 2046 §5.1: SIP-I style multipart/mixed with ISUP, and a nested multipart/alternative.
    const std::string mixed = std::string("--unique-boundary-1\r\nContent-Type: application/sdp\r\n\r\n") +
                              std::string(Sdp) +
                              "\r\n--unique-boundary-1\r\nContent-Type: application/isup; version=itu-t92+\r\n"
                              "Content-Disposition: signal; handling=optional\r\n\r\n\x01\x00\x49\x00\x00\r\n"
                              "--unique-boundary-1--\r\n";
    const SipMessageView& message = parse(
        buildMessage(InviteLine,
                     {Via, To, From, CallId, CSeqInvite, "Content-Type: multipart/mixed ;boundary=unique-boundary-1",
                      "Content-Length: " + std::to_string(mixed.size())},
                     mixed));
    ASSERT_TRUE(message.isValid()) << message.error().reason;
    EXPECT_EQ(message.sdp(), Sdp);

    const std::string nested =
        "preamble\r\n--outer\r\nContent-Type: multipart/alternative; boundary=\"in ner\"\r\n\r\n"
        "--in ner\r\nContent-Type: text/plain\r\n\r\nno sdp here\r\n--in ner\r\nContent-Type: Application/SDP\r\n\r\n" +
        std::string(Sdp) + "\r\n--in ner--\r\n\r\n--outer--\r\n";
    EXPECT_EQ(findBodyPart("multipart/mixed; boundary=outer", nested, "application/sdp"), Sdp);
    EXPECT_EQ(findBodyPart("application/sdp", Sdp, "application/sdp"), Sdp);
    EXPECT_EQ(findBodyPart("multipart/mixed", nested, "application/sdp"), "");  // no boundary
    EXPECT_EQ(findBodyPart("multipart/mixed; boundary=outer",
                           "--outer\r\nContent-Type: application/sdp\r\n\r\n"
                           "v=0 but never closed",
                           "application/sdp"),
              "");  // an unterminated part is not trusted
    EXPECT_EQ(findBodyPart("text/plain", Sdp, "application/sdp"), "");
}

}  // namespace
}  // namespace sipscope::decode
