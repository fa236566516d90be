// Zero-allocation check of decode/sip_parser.cpp: once warm, parse() must not touch the heap (STYLE.md §3.2).
// Replaces the global operator new, so it is built as its own executable (decode_alloc_tests).
#include "decode/sip_parser.hpp"

#include "tests/decode/parser_test_util.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* block = std::malloc(size == 0 ? 1 : size)) {
        return block;
    }
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return ::operator new(size, tag); }
// GCC pairs our malloc-based new with its own idea of delete and warns; the pair here is consistent.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* block) noexcept { std::free(block); }
void operator delete[](void* block) noexcept { std::free(block); }
void operator delete(void* block, std::size_t) noexcept { std::free(block); }
void operator delete[](void* block, std::size_t) noexcept { std::free(block); }

namespace sipscope::decode {
namespace {

using namespace test;

TEST(SipParserAllocations, WarmParseAllocatesNothing) {
    const ExactBuffer valid(
        buildMessage(InviteLine,
                     {Via, "v: SIP/2.0/TCP b.example.com;branch=z9hG4bK2", "Max-Forwards: 70", To, From, CallId,
                      CSeqInvite, "Contact: \"A\" <sip:a@a.example.com>;expires=60",
                      "Date: Sat, 13 Nov 2010 23:29:00 GMT", "Subject: folded\r\n  line", "Content-Length: 4"},
                     "v=0\n"));
    const ExactBuffer invalid(buildMessage("SIP/2.0 200 OK", {Via, To, From, "CSeq: x", "l: 9"}, "short"));
    SipParser parser;
    (void)parser.parse(valid.view());  // warms the header vector

    const std::size_t before = g_allocations.load();
    const SipMessageView& first = parser.parse(valid.view());
    EXPECT_TRUE(first.isValid()) << first.error().reason;
    EXPECT_EQ(first.headers().size(), 11u);
    const SipMessageView& second = parser.parse(invalid.view());
    EXPECT_FALSE(second.isValid());
    const SipMessageView& third = parser.parse(valid.view());
    EXPECT_EQ(third.callId(), "a84b4c76e66710@pc33.atlanta.example.com");
    const std::size_t after = g_allocations.load();
    EXPECT_EQ(after - before, 0u) << "allocations during warm parses";
}

TEST(SipParserAllocations, TypedAccessAllocatesNothing) {
    const std::string body = "--b\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n\r\n--b--\r\n";
    const ExactBuffer message(
        buildMessage(InviteLine,
                     {"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;received=192.0.2.9;rport=5070",
                      "Max-Forwards: 70",
                      To,
                      From,
                      CallId,
                      CSeqInvite,
                      "Contact: <sip:a@192.0.2.1>;expires=60, <sip:b@192.0.2.2>",
                      "Route: <sip:p1;lr>, <sip:p2;lr>",
                      "Allow: INVITE,\r\n BYE",
                      "Supported: timer",
                      "Expires: 30",
                      "Reason: Q.850;cause=16",
                      "Event: presence;id=1",
                      "Subscription-State: active;expires=60",
                      "Refer-To: <sip:c@h?Replaces=x%40y%3Bto-tag%3D1>",
                      "Replaces: x@y;to-tag=1;from-tag=2",
                      "P-Asserted-Identity: <sip:a@b>",
                      "Session-Expires: 90;refresher=uas",
                      "Authorization: Digest username=\"a\", realm=\"r\"",
                      "Content-Type: multipart/mixed;boundary=b",
                      "Content-Length: " + std::to_string(body.size())},
                     body));
    SipParser parser;
    const SipMessageView& parsed = parser.parse(message.view());
    ASSERT_TRUE(parsed.isValid()) << parsed.error().reason;

    const std::size_t before = g_allocations.load();
    std::size_t seen = 0;
    seen += parsed.topVia().rport.value_or(0) == 5070;
    seen += parsed.contact().uri.size() > 0;
    parsed.forEachElement("Route", [&](std::string_view route) { seen += parseNameAddr(route).uri.size() > 0; });
    seen += parsed.maxForwards().value_or(0) == 70;
    seen += parsed.expires().value_or(0) == 30;
    seen += parsed.hasToken("Allow", "BYE");
    seen += parsed.hasToken("Supported", "timer");
    seen += parsed.reasonHeader()->cause.value_or(0) == 16;
    seen += parsed.event()->id == "1";
    seen += parsed.subscriptionState()->expires.value_or(0) == 60;
    SipUri target;
    seen += parseUri(parsed.referTo()->uri, target) && target.header("Replaces").has_value();
    seen += parsed.replaces()->fromTag == "2";
    seen += parsed.assertedIdentity()->user == "a";
    seen += parsed.sessionExpires()->refresher == "uas";
    seen += parsed.auth("Authorization")->param("realm") == "r";
    seen += parsed.sdp() == "v=0\r\n";
    EXPECT_EQ(g_allocations.load() - before, 0u) << "allocations during typed access";
    EXPECT_EQ(seen, 17u);
}

TEST(SipParserAllocations, CounterSeesAllocations) {
    static std::unique_ptr<int> kept;  // stored in a static so the allocation cannot be elided
    const std::size_t before = g_allocations.load();
    kept = std::make_unique<int>(7);
    EXPECT_GT(g_allocations.load(), before);  // the replacement really is in use
    EXPECT_EQ(*kept, 7);
}

}  // namespace
}  // namespace sipscope::decode
