// The figures of `stats` against their definitions: RFC 6076's ratios (§4.6-4.9) on calls of known outcome, and the
// failure counts through a proxy, where one call's response crosses several hops.
#include "store/ingest.hpp"
#include "store/reader.hpp"
#include "tests/tools/pcap_writer.hpp"
#include "tests/tools/run.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace sipscope;
using sipscope::test::sipMessage;

namespace {

constexpr std::uint32_t Caller = 0x0a000001, Proxy = 0x0a000002, Callee = 0x0a000003;

// One INVITE from the caller to the callee, answered `final` (an ACK follows a failure; a 2xx call ends with BYE).
void addCall(test::PcapWriter& pcap, std::int64_t atUs, const std::string& callId, const std::string& final,
             std::int64_t setupUs = 10'000) {
    pcap.add({atUs, Caller, Callee, 5060, 5060, sipMessage("INVITE sip:bob@example.com SIP/2.0", callId, "1 INVITE")});
    pcap.add({atUs + setupUs, Callee, Caller, 5060, 5060, sipMessage("SIP/2.0 " + final, callId, "1 INVITE", "", "t")});
    pcap.add({atUs + setupUs + 1'000, Caller, Callee, 5060, 5060,
              sipMessage("ACK sip:bob@example.com SIP/2.0", callId, "1 ACK", "", "t")});
    if (final.rfind("200", 0) == 0) {
        pcap.add({atUs + 1'000'000, Caller, Callee, 5060, 5060,
                  sipMessage("BYE sip:bob@example.com SIP/2.0", callId, "2 BYE", "", "t")});
        pcap.add(
            {atUs + 1'010'000, Callee, Caller, 5060, 5060, sipMessage("SIP/2.0 200 OK", callId, "2 BYE", "", "t")});
    }
}

store::Stats statsOf(const test::PcapWriter& pcap) {
    test::TempDir dir;
    pcap.write(dir.file("c.pcap"));
    store::importFiles(dir.database(), {dir.file("c.pcap")});
    return store::Reader(dir.database()).stats({});
}

}  // namespace

// RFC 6076 §4.7: a 486 or a 480 is an effective effort (the far end answered: busy, not available), as 200, 600
// and 603 are; only 3xx leave the denominator.
TEST(Metrics, SeerCountsBusyAndUnavailableAsEffectiveAnswers) {
    for (const char* answer : {"486 Busy Here", "480 Temporarily Unavailable"}) {
        SCOPED_TRACE(answer);
        test::PcapWriter pcap;
        addCall(pcap, 1'000'000, "answered", "200 OK");
        addCall(pcap, 3'000'000, "busy", answer);
        const store::Rfc6076 m = statsOf(pcap).rfc6076;
        EXPECT_EQ(m.invites, 2u);
        ASSERT_TRUE(m.seer);
        EXPECT_DOUBLE_EQ(*m.seer, 100.0);
        ASSERT_TRUE(m.ser);
        EXPECT_DOUBLE_EQ(*m.ser, 50.0);
    }
}

// §4.6-4.9 on one call of each kind: answered and completed, busy, unavailable (480), declined (603), redirected
// (302, out of both SER and SEER), a server failure (503, ineffective) and a not-found (404: counted, not effective).
TEST(Metrics, RatiosFollowRfc6076) {
    test::PcapWriter pcap;
    addCall(pcap, 1'000'000, "answered", "200 OK");
    addCall(pcap, 3'000'000, "busy", "486 Busy Here");
    addCall(pcap, 4'000'000, "unavailable", "480 Temporarily Unavailable");
    addCall(pcap, 5'000'000, "declined", "603 Decline");
    addCall(pcap, 6'000'000, "moved", "302 Moved Temporarily");
    addCall(pcap, 7'000'000, "overloaded", "503 Service Unavailable");
    addCall(pcap, 8'000'000, "unknown", "404 Not Found");
    const store::Rfc6076 m = statsOf(pcap).rfc6076;
    ASSERT_EQ(m.invites, 7u);
    ASSERT_TRUE(m.ser && m.seer && m.isa && m.scr);
    EXPECT_DOUBLE_EQ(*m.ser, 100.0 * 1 / 6);   // answered / (INVITEs - redirected)
    EXPECT_DOUBLE_EQ(*m.seer, 100.0 * 4 / 6);  // 200, 486, 480, 603 / (INVITEs - redirected)
    EXPECT_DOUBLE_EQ(*m.isa, 100.0 * 1 / 7);   // 503 / INVITEs
    EXPECT_DOUBLE_EQ(*m.scr, 100.0 * 1 / 7);   // completed / INVITEs
}

// §4.8 with timeouts: an INVITE that got no response for 32 s (Timer B) ends `failed` with no status; it is an
// ineffective attempt as a 408 is, while a call whose capture ended before Timer B stays out of it.
TEST(Metrics, IsaCountsInvitesThatTimedOut) {
    test::PcapWriter pcap;
    addCall(pcap, 1'000'000, "answered", "200 OK");
    addCall(pcap, 2'000'000, "timeout-408", "408 Request Timeout");
    for (std::int64_t retransmit : {0, 500'000, 1'500'000, 3'500'000, 7'500'000, 15'500'000, 31'500'000})
        pcap.add({3'000'000 + retransmit, Caller, Callee, 5060, 5060,
                  sipMessage("INVITE sip:bob@example.com SIP/2.0", "silent", "1 INVITE")});
    addCall(pcap, 36'000'000, "late", "200 OK");  // the capture's clock passes the silent INVITE's Timer B
    const store::Stats stats = statsOf(pcap);
    ASSERT_EQ(stats.rfc6076.invites, 4u);
    ASSERT_TRUE(stats.rfc6076.isa);
    EXPECT_EQ(stats.callStates.at("failed"), 2u);
    EXPECT_DOUBLE_EQ(*stats.rfc6076.isa, 100.0 * 2 / 4);  // the 408 and the timeout
}

// A 486 forwarded back through a proxy crosses two hops: one rejected call, one failure (from the counts the writer
// keeps and from a filtered scan of the messages alike), while each host that sent a copy has sent one failure.
TEST(Metrics, FailureForwardedOverTwoHopsCountsOnce) {
    auto via = [](int hop) {
        std::string vias = "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKc1\r\n";
        return hop == 2 ? "Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKp1\r\n" + vias : vias;
    };
    auto message = [&](const std::string& startLine, int hop, const std::string& cseq, const std::string& toTag) {
        return startLine + "\r\n" + via(hop) + "From: <sip:alice@example.com>;tag=a\r\nTo: <sip:bob@example.com>" +
               (toTag.empty() ? "" : ";tag=" + toTag) + "\r\nCall-ID: busy-1\r\nCSeq: " + cseq +
               "\r\nContent-Length: 0\r\n\r\n";
    };
    test::PcapWriter pcap;
    pcap.add({1'000'000, Caller, Proxy, 5060, 5060, message("INVITE sip:bob@example.com SIP/2.0", 1, "1 INVITE", "")});
    pcap.add({1'002'000, Proxy, Callee, 5060, 5060, message("INVITE sip:bob@example.com SIP/2.0", 2, "1 INVITE", "")});
    pcap.add({1'050'000, Callee, Proxy, 5060, 5060, message("SIP/2.0 486 Busy Here", 2, "1 INVITE", "b")});
    pcap.add({1'051'000, Proxy, Callee, 5060, 5060, message("ACK sip:bob@example.com SIP/2.0", 2, "1 ACK", "b")});
    pcap.add({1'052'000, Proxy, Caller, 5060, 5060, message("SIP/2.0 486 Busy Here", 1, "1 INVITE", "b")});
    pcap.add({1'060'000, Caller, Proxy, 5060, 5060, message("ACK sip:bob@example.com SIP/2.0", 1, "1 ACK", "b")});
    test::TempDir dir;
    pcap.write(dir.file("c.pcap"));
    store::importFiles(dir.database(), {dir.file("c.pcap")});
    store::Reader reader(dir.database());
    store::Filter scan;  // any filter: the figures come from the messages, not from the counts
    scan.kind = "call";
    for (const store::Stats& stats : {reader.stats({}), reader.stats(scan)}) {
        EXPECT_EQ(stats.responses.at(486), 2u);  // two messages on the wire
        ASSERT_EQ(stats.failures.size(), 1u);
        EXPECT_EQ(stats.failures[0].status, 486);
        EXPECT_EQ(stats.failures[0].count, 1u);
        EXPECT_EQ(stats.callOutcomes.at("4xx"), 1u);
        for (const store::HostStats& host : stats.hosts)
            EXPECT_EQ(host.failuresSent, host.host.toString() == "10.0.0.1:5060" ? 0u : 1u) << host.host.toString();
    }
    const auto buckets = reader.intervalStats({}, 60'000'000);
    ASSERT_EQ(buckets.size(), 1u);
    EXPECT_EQ(buckets[0].failures, 1u);
    // The calls' figures alone: the same calls, no message read.
    const auto callsOnly = reader.intervalStats({}, 60'000'000, false);
    ASSERT_EQ(callsOnly.size(), 1u);
    EXPECT_EQ(callsOnly[0].startUs, buckets[0].startUs);
    EXPECT_EQ(callsOnly[0].calls, buckets[0].calls);
    EXPECT_EQ(callsOnly[0].failedCalls, buckets[0].failedCalls);
    EXPECT_EQ(callsOnly[0].answeredCalls, buckets[0].answeredCalls);
    EXPECT_EQ(callsOnly[0].messages, 0u);
}

// Each delay has its median and 95th percentile by nearest rank: setup times of 10, 20, ... 200 ms give p50 = the
// 10th value (100 ms) and p95 = the 19th (190 ms).
TEST(Metrics, DelaysHaveNearestRankPercentiles) {
    test::PcapWriter pcap;
    for (int i = 0; i < 20; ++i)  // setup times shuffled (7 and 20 share no factor), not sorted by the capture
        addCall(pcap, (i + 1) * 2'000'000, "call-" + std::to_string(i), "200 OK", ((i * 7) % 20 + 1) * 10'000);
    const store::DelayStats setup = statsOf(pcap).rfc6076.setupSuccessful;
    EXPECT_EQ(setup.count, 20u);
    EXPECT_DOUBLE_EQ(setup.minMs, 10.0);
    EXPECT_DOUBLE_EQ(setup.maxMs, 200.0);
    EXPECT_DOUBLE_EQ(setup.meanMs, 105.0);
    EXPECT_DOUBLE_EQ(setup.p50Ms, 100.0);
    EXPECT_DOUBLE_EQ(setup.p95Ms, 190.0);
}
