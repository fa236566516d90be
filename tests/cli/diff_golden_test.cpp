// `sipscope diff` (issue 16) end to end: two alike calls of the samples, an answered call against a rejected one, and
// generated calls that differ by codec and by a 401 challenge step. Text and JSON against golden files, and the facts
// the goldens show asserted from the JSON. SIPSCOPE_UPDATE_GOLDEN=1 rewrites the files; review the diff.
#include "tests/tools/golden.hpp"
#include "tests/tools/media_calls.hpp"
#include "tests/tools/run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using sipscope::test::expectGolden;
using sipscope::test::quote;
using sipscope::test::runCommand;

const std::string Binary = SIPSCOPE_BINARY;
const fs::path GoldenDir = SIPSCOPE_SOURCE_DIR "/tests/cli/golden/diff";

constexpr std::uint32_t Caller = 0x0a000001;  // 10.0.0.1
constexpr std::uint32_t Callee = 0x0a000002;

// An SDP offering one codec as payload type `payloadType` on `port`.
std::string sdpWith(const std::string& codec, int payloadType, std::uint16_t port) {
    return "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio " + std::to_string(port) +
           " RTP/AVP " + std::to_string(payloadType) + "\r\na=rtpmap:" + std::to_string(payloadType) + " " + codec +
           "/8000\r\n";
}

// A call answered with SDP; `challenged`: the first INVITE is answered 401 and sent again with credentials.
void addCall(sipscope::test::TimedPcap& pcap, const std::string& callId, std::int64_t atUs, const std::string& sdp,
             bool challenged) {
    using sipscope::test::sipMessage;
    using sipscope::test::sipWithSdp;
    const std::string invite = "INVITE sip:bob@example.com SIP/2.0";
    auto toCallee = [&](std::int64_t us, std::string text) { pcap.add({atUs + us, Caller, Callee, 5060, 5060, text}); };
    auto toCaller = [&](std::int64_t us, std::string text) { pcap.add({atUs + us, Callee, Caller, 5060, 5060, text}); };
    std::string cseq = "1";
    std::string credentials;
    if (challenged) {
        toCallee(0, sipWithSdp(invite, callId, "1 INVITE", "", sdp));
        toCaller(2'000,
                 sipMessage("SIP/2.0 401 Unauthorized", callId, "1 INVITE",
                            "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"" + callId + "\"\r\n", "c1"));
        toCallee(3'000, sipMessage("ACK sip:bob@example.com SIP/2.0", callId, "1 ACK", "", "c1"));
        atUs += 10'000;
        cseq = "2";
        credentials = "Authorization: Digest username=\"alice\", realm=\"example.com\", nonce=\"" + callId +
                      "\", uri=\"sip:bob@example.com\", response=\"0123456789abcdef0123456789abcdef\"\r\n";
    }
    std::string offer = sipWithSdp(invite, callId, cseq + " INVITE", "", sdp);
    offer.insert(offer.find("Content-Type"), credentials);
    toCallee(0, offer);
    toCaller(1'000, sipMessage("SIP/2.0 100 Trying", callId, cseq + " INVITE"));
    toCaller(50'000, sipWithSdp("SIP/2.0 200 OK", callId, cseq + " INVITE", "t", sdp));
    toCallee(51'000, sipMessage("ACK sip:bob@example.com SIP/2.0", callId, cseq + " ACK", "", "t"));
    toCallee(2'000'000, sipMessage("BYE sip:bob@example.com SIP/2.0", callId, "9 BYE", "", "t"));
    toCaller(2'001'000, sipMessage("SIP/2.0 200 OK", callId, "9 BYE", "", "t"));
}

class DiffGolden : public testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new sipscope::test::TempDir();
        s_db = s_dir->file("diff.db");
        sipscope::test::TimedPcap pcap;
        addCall(pcap, "plain", 1'000'000, sdpWith("PCMU", 0, 40000), false);
        addCall(pcap, "pcma", 5'000'000, sdpWith("PCMA", 8, 40002), false);
        addCall(pcap, "challenged", 9'000'000, sdpWith("PCMU", 0, 40000), true);
        pcap.write(s_dir->file("generated.pcap"));
        const std::string samples = SIPSCOPE_SAMPLES_DIR;
        const auto result =
            runCommand(Binary + " import --quiet --db " + quote(s_db) + " " + samples + "/call-complete.pcap " +
                       samples + "/call-failed.pcap " + quote(s_dir->file("generated.pcap")));
        ASSERT_EQ(result.exitCode, 0) << result.out;
    }
    static void TearDownTestSuite() { delete s_dir; }

    static std::string run(const std::string& arguments) {
        const auto result = runCommand(Binary + " diff " + arguments + " --db " + quote(s_db));
        EXPECT_EQ(result.exitCode, 0) << arguments << "\n" << result.out;
        return result.out;
    }
    static nlohmann::json json(const std::string& arguments) {
        return nlohmann::json::parse(run(arguments + " --format json"));
    }

    static sipscope::test::TempDir* s_dir;
    static std::string s_db;
};
sipscope::test::TempDir* DiffGolden::s_dir = nullptr;
std::string DiffGolden::s_db;

TEST_F(DiffGolden, TextAndJson) {
    const std::pair<const char*, const char*> cases[] = {
        {"identical.txt", "1-5781@127.0.0.1 2-5781@127.0.0.1"},
        {"identical.json", "1-5781@127.0.0.1 2-5781@127.0.0.1 --format json"},
        {"answered-vs-busy.txt", "1-5781@127.0.0.1 1-5802@127.0.0.1"},
        {"answered-vs-busy.json", "1-5781@127.0.0.1 1-5802@127.0.0.1 --format json"},
        {"codecs.txt", "plain pcma"},
        {"challenge.txt", "plain challenged"},
        {"challenge.json", "plain challenged --format json"},
    };
    for (const auto& [file, arguments] : cases) {
        SCOPED_TRACE(arguments);
        expectGolden(GoldenDir / file, run(arguments));
    }
}

// Two calls of one SIPp run differ only in what always differs: alike by default, not with --all-headers.
TEST_F(DiffGolden, IdenticalCallsAreAlikeUnlessAllHeaders) {
    const auto alike = json("1-5781@127.0.0.1 2-5781@127.0.0.1");
    EXPECT_TRUE(alike["identical"]);
    EXPECT_TRUE(alike["first_difference"].is_null());
    EXPECT_EQ(alike["steps"].size(), 7u);
    const auto all = json("1-5781@127.0.0.1 2-5781@127.0.0.1 --all-headers");
    EXPECT_FALSE(all["identical"]);
    bool sawCallId = false;
    for (const auto& header : all["steps"][0]["headers"])
        sawCallId = sawCallId || header["name"] == "Call-ID";
    EXPECT_TRUE(sawCallId) << all["steps"][0].dump();
}

// The answered call and the rejected one part where the 180 is missing; the 486 aligns with the 200.
TEST_F(DiffGolden, AnsweredAgainstBusy) {
    const auto diff = json("1-5781@127.0.0.1 1-5802@127.0.0.1");
    EXPECT_FALSE(diff["identical"]);
    EXPECT_EQ(diff["first_difference"], 3);
    const auto& steps = diff["steps"];
    ASSERT_EQ(steps.size(), 7u);
    EXPECT_EQ(steps[2]["kind"], "only_a");
    EXPECT_EQ(steps[2]["a"]["label"], "180 Ringing (INVITE)");
    EXPECT_EQ(steps[3]["kind"], "changed");
    EXPECT_EQ(steps[3]["a"]["label"], "200 OK (INVITE)");
    EXPECT_EQ(steps[3]["b"]["label"], "486 Busy Here (INVITE)");
    EXPECT_EQ(steps[4]["kind"], "same");  // the ACKs
    EXPECT_EQ(steps[5]["kind"], "only_a");
    EXPECT_EQ(steps[6]["kind"], "only_a");
}

// The same steps, the codecs (and port) of the offer and the answer differ.
TEST_F(DiffGolden, DifferingCodecs) {
    const auto diff = json("plain pcma");
    EXPECT_TRUE(diff["first_difference"].is_null());
    EXPECT_FALSE(diff["identical"]);
    const auto& invite = diff["steps"][0];
    EXPECT_EQ(invite["a"]["label"], "INVITE");
    ASSERT_EQ(invite["sdp"].size(), 2u) << invite.dump();
    EXPECT_EQ(invite["sdp"][0]["field"], "port");
    EXPECT_EQ(invite["sdp"][1]["field"], "codecs");
    EXPECT_EQ(invite["sdp"][1]["a"], "PCMU/8000");
    EXPECT_EQ(invite["sdp"][1]["b"], "PCMA/8000");
    EXPECT_TRUE(invite["headers"].empty()) << invite.dump();
}

// The challenged call has an extra INVITE / 401 / ACK before the INVITE that aligns, which carries credentials.
TEST_F(DiffGolden, ExtraChallengeStep) {
    const auto diff = json("plain challenged");
    EXPECT_EQ(diff["first_difference"], 1);
    const auto& steps = diff["steps"];
    ASSERT_EQ(steps.size(), 9u);
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(steps[i]["kind"], "only_b") << steps[i].dump();
    EXPECT_EQ(steps[1]["b"]["label"], "401 Unauthorized (INVITE)");
    EXPECT_EQ(steps[3]["kind"], "same");
    ASSERT_EQ(steps[3]["headers"].size(), 1u) << steps[3].dump();
    EXPECT_EQ(steps[3]["headers"][0]["name"], "Authorization");
    EXPECT_TRUE(steps[3]["headers"][0]["a"].empty());
    for (std::size_t i = 4; i < steps.size(); ++i)
        EXPECT_EQ(steps[i]["kind"], "same") << steps[i].dump();
}

TEST_F(DiffGolden, UnknownCallIsAnInputError) {
    const auto result = runCommand(Binary + " diff plain no-such-call --db " + quote(s_db), true);
    EXPECT_EQ(result.exitCode, 2) << result.out;
    EXPECT_NE(result.out.find("no call 'no-such-call'"), std::string::npos) << result.out;
}

}  // namespace
