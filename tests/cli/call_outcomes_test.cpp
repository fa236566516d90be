// End-to-end: what `calls` says of a call's outcome and timings, through `sipscope import` of captures written here:
// a request that timed out (Timer B), a forked call's talk time, and the setup time of calls not answered.
#include "tests/cli/cli_e2e.hpp"
#include "tests/tools/pcap_writer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using nlohmann::json;
using namespace sipscope::test;

namespace {

constexpr std::uint32_t Alice = 0x0a000001;  // 10.0.0.1
constexpr std::uint32_t Bob = 0x0a000002;
constexpr std::int64_t Ms = 1'000;
constexpr std::int64_t Sec = 1'000'000;

// A SIP message of the call `callId` with this Via branch, CSeq and To tag.
std::string sip(const std::string& startLine, const std::string& callId, const std::string& cseq,
                const std::string& branch, const std::string& toTag = "") {
    return startLine + "\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK" + branch +
           "\r\nFrom: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>" +
           (toTag.empty() ? "" : ";tag=" + toTag) + "\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq +
           "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
}

class CallOutcomes : public testing::Test {
protected:
    TempDir dir;

    // Imports `pcap` into a database of its own; returns `calls --format json` and the extra arguments' rows.
    std::vector<json> calls(const PcapWriter& pcap, const std::string& name, const std::string& arguments = "") {
        const std::string file = dir.file(name + ".pcap");
        const std::string db = dir.file(name + ".db");
        pcap.write(file);
        const auto imported = runCommand(Binary + " import --quiet " + quote(file) + " --db " + quote(db), true);
        EXPECT_EQ(imported.exitCode, 0) << imported.out;
        const auto listed = runCommand(Binary + " calls --format json " + arguments + " --db " + quote(db));
        EXPECT_EQ(listed.exitCode, 0) << listed.out;
        return parseJsonLines(listed.out);
    }
};

// An INVITE retransmitted for 31.5 s with nothing back, in a capture that goes on (here with a datagram that is
// not SIP) past Timer B: the call failed, by timeout. A capture that ends sooner leaves it calling.
TEST_F(CallOutcomes, AnInviteWithoutResponseTimesOutOnTheCapturesClock) {
    PcapWriter lost;
    const std::string invite = sip("INVITE sip:bob@example.com SIP/2.0", "lost", "1 INVITE", "inv");
    for (std::int64_t at : {0LL, 500LL, 1'500LL, 3'500LL, 7'500LL, 15'500LL, 31'500LL})
        lost.add({1'700'000'000 * Sec + at * Ms, Alice, Bob, 5060, 5060, invite});
    PcapWriter shortCapture = lost;
    lost.add({1'700'000'000 * Sec + 33 * Sec, Alice, Bob, 40000, 40002, std::string(172, '\x80')});  // RTP-like

    const auto failed = calls(lost, "lost", "--state failed");
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0]["call_id"], "lost");
    EXPECT_EQ(failed[0]["reason"], "timeout");
    EXPECT_TRUE(failed[0]["status"].is_null());
    EXPECT_EQ(failed[0]["retransmissions"], 6);

    const auto open = calls(shortCapture, "short");
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(open[0]["state"], "calling");
    EXPECT_TRUE(open[0]["reason"].is_null());
}

// Two forks answer; the caller ends fork2's dialog 14 ms after fork1's 200 and talks on fork1 for 2.002 s.
TEST_F(CallOutcomes, AForkedCallsTalkTimeIsThatOfTheDialogKept) {
    PcapWriter pcap;
    const std::int64_t t0 = 1'700'000'000 * Sec;
    auto add = [&](std::int64_t atMs, bool fromAlice, const std::string& text) {
        pcap.add({t0 + atMs * Ms, fromAlice ? Alice : Bob, fromAlice ? Bob : Alice, 5060, 5060, text});
    };
    add(0, true, sip("INVITE sip:bob@example.com SIP/2.0", "fork", "1 INVITE", "inv"));
    add(100, false, sip("SIP/2.0 180 Ringing", "fork", "1 INVITE", "inv", "f1"));
    add(150, false, sip("SIP/2.0 180 Ringing", "fork", "1 INVITE", "inv", "f2"));
    add(1'000, false, sip("SIP/2.0 200 OK", "fork", "1 INVITE", "inv", "f1"));
    add(1'001, true, sip("ACK sip:bob@example.com SIP/2.0", "fork", "1 ACK", "ack1", "f1"));
    add(1'010, false, sip("SIP/2.0 200 OK", "fork", "1 INVITE", "inv", "f2"));
    add(1'011, true, sip("ACK sip:bob@example.com SIP/2.0", "fork", "1 ACK", "ack2", "f2"));
    add(1'014, true, sip("BYE sip:bob@example.com SIP/2.0", "fork", "2 BYE", "bye2", "f2"));
    add(1'020, false, sip("SIP/2.0 200 OK", "fork", "2 BYE", "bye2", "f2"));
    add(3'002, true, sip("BYE sip:bob@example.com SIP/2.0", "fork", "2 BYE", "bye1", "f1"));
    add(3'010, false, sip("SIP/2.0 200 OK", "fork", "2 BYE", "bye1", "f1"));

    const auto rows = calls(pcap, "fork");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0]["state"], "completed");
    EXPECT_EQ(rows[0]["dialogs"], 2);
    EXPECT_DOUBLE_EQ(rows[0]["talk_s"].get<double>(), 2.002);
    EXPECT_DOUBLE_EQ(rows[0]["setup_ms"].get<double>(), 1000.0);
    EXPECT_EQ(rows[0]["ended_by"], "caller");
}

// RFC 6076's setup time is that of answered calls: null for the busy and the cancelled call of the samples.
TEST_F(CallOutcomes, SetupTimeIsNullForCallsNotAnswered) {
    const std::string db = dir.file("samples.db");
    const auto imported = runCommand(Binary + " import --quiet " + Samples + "/call-complete.pcap " + Samples +
                                         "/call-failed.pcap --db " + quote(db),
                                     true);
    ASSERT_EQ(imported.exitCode, 0) << imported.out;
    const auto listed = runCommand(Binary + " calls --format json --db " + quote(db));
    ASSERT_EQ(listed.exitCode, 0) << listed.out;
    int answered = 0;
    for (const json& call : parseJsonLines(listed.out)) {
        SCOPED_TRACE(call.dump());
        if (call["state"] == "completed") {
            ++answered;
            EXPECT_GT(call["setup_ms"].get<double>(), 0.0);
        } else {
            EXPECT_TRUE(call["state"] == "cancelled" || call["state"] == "rejected");
            EXPECT_TRUE(call["setup_ms"].is_null());
            EXPECT_FALSE(call["srd_ms"].is_null());  // the delay to the first 18x or the failure stays
        }
    }
    EXPECT_EQ(answered, 3);
}

}  // namespace
