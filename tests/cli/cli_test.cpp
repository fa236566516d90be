// End-to-end: runs the `sipscope` binary on the project's samples and on captures made here, and checks what it
// prints, its JSON fields, its exit codes and the escaping of packet text.
#include "tests/cli/cli_fixture.hpp"
#include "tests/tools/pcap_writer.hpp"
#include "tests/tools/run.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <sstream>

using nlohmann::json;
using sipscope::test::quote;
using sipscope::test::runCommand;

namespace {

class Cli : public sipscope::test::CliFixture {
protected:
    Cli() : CliFixture(false) {}
};

TEST_F(Cli, ImportReportsWhatItStored) {
    const auto result = sipscope("import --quiet " + Samples + "/call-complete.pcap");
    ASSERT_EQ(result.exitCode, 0) << result.out;
    EXPECT_NE(result.out.find("21 SIP messages"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("3 calls"), std::string::npos) << result.out;
}

// --timing splits the time between the reading and the writing thread (for benchmarks, and for a slow disk).
TEST_F(Cli, ImportTimingNamesBothThreads) {
    const auto result = sipscope("import --quiet --timing " + Samples + "/call-complete.pcap");
    ASSERT_EQ(result.exitCode, 0) << result.out;
    const auto line = result.out.find("timing: ");
    ASSERT_NE(line, std::string::npos) << result.out;
    double wall = -1, read = -1, write = -1, waited = -1;
    ASSERT_EQ(std::sscanf(result.out.c_str() + line,
                          "timing: %lf s wall; reading and decoding %lf s CPU; writing %lf s CPU; the reader waited "
                          "%lf s for the writer",
                          &wall, &read, &write, &waited),
              4)
        << result.out;
    EXPECT_GT(wall, 0);
    EXPECT_GE(read, 0);
    EXPECT_GE(write, 0);
    EXPECT_GE(waited, 0);
    EXPECT_EQ(sipscope("import --quiet " + Samples + "/call-complete.pcap --force").out.find("timing:"),
              std::string::npos);
}

TEST_F(Cli, SipPortsNarrowTheImport) {
    // The samples run SIPp on ports 15060 (UAS) and 15070 (UAC).
    auto none = sipscope("import --quiet --sip-ports 5060,6000-6010 " + Samples + "/call-complete.pcap");
    ASSERT_EQ(none.exitCode, 0) << none.out;
    EXPECT_NE(none.out.find("stored 0 SIP messages"), std::string::npos) << none.out;
    EXPECT_NE(none.out.find("packets skipped by --sip-ports"), std::string::npos) << none.out;
    db = dir.file("second.db");  // the same file again into the first would be skipped as a duplicate
    auto all = sipscope("import --quiet --sip-ports 15060 " + Samples + "/call-complete.pcap");
    ASSERT_EQ(all.exitCode, 0) << all.out;
    EXPECT_NE(all.out.find("stored 21 SIP messages"), std::string::npos) << all.out;
    for (const char* bad : {"50x60", "70000", "6010-6000", ","}) {
        auto refused =
            sipscope(std::string("import --quiet --sip-ports ") + bad + " " + Samples + "/register.pcap", true);
        EXPECT_EQ(refused.exitCode, 1) << bad << ": " << refused.out;
        EXPECT_NE(refused.out.find("--sip-ports"), std::string::npos) << refused.out;
    }
}

TEST_F(Cli, CallsOfTheSamplesHaveTheirStatesAndPromisedFields) {
    importSamples();
    const auto calls = jsonLines("calls");
    ASSERT_EQ(calls.size(), 7u);  // samples/EXPECTED.md: 3 + 2 + 2 Call-IDs
    std::multiset<std::string> outcomes;
    for (const json& call : calls) {
        for (const char* field : {"call_id", "start", "end", "from", "to", "method", "state", "status", "messages",
                                  "dialogs", "src", "dst"})
            EXPECT_TRUE(call.contains(field)) << field << " missing in " << call.dump();
        outcomes.insert(call["method"].get<std::string>() + " " + call["state"].get<std::string>() + " " +
                        (call["status"].is_null() ? "-" : std::to_string(call["status"].get<int>())) + " " +
                        std::to_string(call["messages"].get<int>()));
        EXPECT_EQ(call["start"].get<std::string>().size(), 27u) << call["start"];  // 2024-01-01T00:00:00.000000Z
    }
    const std::multiset<std::string> expected = {
        "INVITE completed 200 7", "INVITE completed 200 7", "INVITE completed 200 7", "INVITE rejected 486 4",
        "INVITE cancelled 487 7", "REGISTER done 200 4",    "OPTIONS done 200 2"};
    EXPECT_EQ(outcomes, expected);
    EXPECT_EQ(jsonLines("calls --state cancelled").size(), 1u);
    EXPECT_EQ(jsonLines("calls --status 486").size(), 1u);
    EXPECT_EQ(jsonLines("calls --method register").size(), 1u);
}

TEST_F(Cli, MessagesCarryThePromisedFields) {
    importSamples();
    const auto messages = jsonLines("messages");
    ASSERT_EQ(messages.size(), 38u);  // 21 + 11 + 6
    for (const json& message : messages) {
        for (const char* field :
             {"ts", "src", "dst", "transport", "call_id", "cseq", "cseq_method", "valid", "error", "retransmission"})
            EXPECT_TRUE(message.contains(field)) << field << " missing in " << message.dump();
        EXPECT_TRUE(message.contains("method") != message.contains("status")) << message.dump();
        EXPECT_EQ(message["transport"], "udp");
        EXPECT_EQ(message["valid"], true);
    }
    const auto one = jsonLines("messages --call " + quote(messages[0]["call_id"].get<std::string>()));
    EXPECT_EQ(one.size(), 7u);
}

TEST_F(Cli, ShowDrawsOneArrowPerMessageBetweenHostColumns) {
    importSamples();
    const auto calls = jsonLines("calls --state cancelled");
    ASSERT_EQ(calls.size(), 1u);
    const auto result = sipscope("show " + quote(calls[0]["call_id"].get<std::string>()));
    ASSERT_EQ(result.exitCode, 0) << result.out;
    // INVITE 100 180 CANCEL 200 487 ACK: four arrows to the right, three to the left.
    std::size_t right = 0, left = 0;
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);) {
        right += line.find("->|") != std::string::npos;
        left += line.find("|<-") != std::string::npos;
    }
    EXPECT_EQ(right, 3u) << result.out;  // INVITE, CANCEL, ACK
    EXPECT_EQ(left, 4u) << result.out;   // 100, 180, 200, 487
    for (const char* label : {"INVITE (SDP offer: PCMU)", "100 Trying", "180 Ringing", "CANCEL", "487", "ACK"})
        EXPECT_NE(result.out.find(label), std::string::npos) << label << "\n" << result.out;
    EXPECT_NE(result.out.find("127.0.0.1:"), std::string::npos) << result.out;

    const auto raw = sipscope("show --raw " + quote(calls[0]["call_id"].get<std::string>()));
    EXPECT_NE(raw.out.find("CSeq: 1 CANCEL"), std::string::npos) << raw.out;
}

// Issue 11: on a terminal the ladder fits its width; to a pipe it keeps its full width. The terminal is a pty made
// by script(1) (util-linux), sized with stty.
TEST_F(Cli, ShowFitsTheTerminalAndNotAPipe) {
    if (std::system("command -v script >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "script (util-linux) not installed";
    importSamples();
    const std::string show = Binary + " show 1-5781@127.0.0.1 --color never --db " + quote(db);
    auto widest = [](const std::string& text) {
        std::size_t maxCells = 0;
        std::istringstream lines(text);
        for (std::string line; std::getline(lines, line);) {
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            std::size_t cells = 0;
            for (const unsigned char c : line)
                cells += (c & 0xc0) != 0x80;
            maxCells = std::max(maxCells, cells);
        }
        return maxCells;
    };
    const auto piped = runCommand(show);
    ASSERT_EQ(piped.exitCode, 0) << piped.out;
    ASSERT_GT(widest(piped.out), 80u) << piped.out;
    EXPECT_EQ(piped.out.find("…"), std::string::npos);

    const auto onTerminal = runCommand("script -qec " + quote("stty cols 80 rows 50; " + show) + " /dev/null");
    ASSERT_EQ(onTerminal.exitCode, 0) << onTerminal.out;
    EXPECT_LE(widest(onTerminal.out), 80u) << onTerminal.out;
    EXPECT_NE(onTerminal.out.find("…"), std::string::npos) << onTerminal.out;
    EXPECT_NE(onTerminal.out.find("|<----"), std::string::npos) << onTerminal.out;  // the arrows are still drawn
}

TEST_F(Cli, StatsCountRequestsAndResponses) {
    importSamples();
    const auto stats = jsonLines("stats");
    ASSERT_EQ(stats.size(), 1u);
    EXPECT_EQ(stats[0]["messages"], 38);
    EXPECT_EQ(stats[0]["calls"], 7);
    EXPECT_EQ(stats[0]["requests"]["INVITE"], 5);
    EXPECT_EQ(stats[0]["requests"]["REGISTER"], 2);
    EXPECT_EQ(stats[0]["responses"]["487"], 1);
    EXPECT_EQ(stats[0]["responses"]["401"], 1);
    const auto table = sipscope("stats");
    EXPECT_NE(table.out.find("INVITE"), std::string::npos) << table.out;
}

TEST_F(Cli, PacketTextIsEscapedBeforeItReachesTheTerminal) {
    sipscope::test::PcapWriter pcap;
    const std::string evil = "\x1b[2J\x1b]0;owned\x07";
    std::string invite = sipscope::test::sipMessage("INVITE sip:bob@example.com SIP/2.0", "evil-call", "1 INVITE",
                                                    "User-Agent: phone" + evil + "\r\n");
    const auto at = invite.find("<sip:alice");
    invite.insert(at + 5, evil);  // From URI user part
    pcap.add({1'000'000, 0x0a000001, 0x0a000002, 5060, 5060, invite});
    pcap.write(dir.file("evil.pcap"));
    ASSERT_EQ(sipscope("import --quiet " + quote(dir.file("evil.pcap"))).exitCode, 0);
    for (const std::string command : {"calls", "calls --format csv", "messages", "messages --raw",
                                      "show --raw evil-call", "messages --format json"}) {
        SCOPED_TRACE(command);
        const auto result = sipscope(command);
        EXPECT_EQ(result.exitCode, 0) << result.out;
        EXPECT_EQ(result.out.find('\x1b'), std::string::npos) << result.out;
        EXPECT_EQ(result.out.find('\x07'), std::string::npos) << result.out;
    }
    EXPECT_NE(sipscope("show --raw evil-call").out.find("phone\\x1b[2J"), std::string::npos);
}

TEST_F(Cli, DamagedCaptureExitsTwoNamingFileAndOffsetAndKeepsEarlierPackets) {
    const std::string bytes = sipscope::test::readFile(Samples + "/call-complete.pcap");
    std::ofstream(dir.file("cut.pcap"), std::ios::binary) << bytes.substr(0, bytes.size() - 100);
    const auto result = sipscope("import --quiet " + quote(dir.file("cut.pcap")), true);
    EXPECT_EQ(result.exitCode, 2) << result.out;
    EXPECT_NE(result.out.find("cut.pcap"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("byte"), std::string::npos) << result.out;
    EXPECT_EQ(jsonLines("messages").size(), 20u);  // all but the cut last packet
}

TEST_F(Cli, ExitCodesForUsageAndInputErrors) {
    EXPECT_EQ(runCommand(Binary + " --help").exitCode, 0);
    EXPECT_EQ(runCommand(Binary + " calls --help").exitCode, 0);
    EXPECT_EQ(runCommand(Binary + " no-such-command", true).exitCode, 1);
    EXPECT_EQ(runCommand(Binary + " calls --format xml", true).exitCode, 1);
    EXPECT_EQ(runCommand(Binary + " calls --since yesterday-ish --db " + quote(db), true).exitCode, 1);
    const auto missing = runCommand(Binary + " calls --db " + quote(dir.file("none.db")), true);
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_NE(missing.out.find("none.db"), std::string::npos) << missing.out;
    const auto notCapture =
        runCommand(Binary + " import --quiet " + quote(SIPSCOPE_SOURCE_DIR "/README.md") + " --db " + quote(db), true);
    EXPECT_EQ(notCapture.exitCode, 2);
    EXPECT_NE(notCapture.out.find("README.md"), std::string::npos) << notCapture.out;
    importSamples();
    EXPECT_EQ(sipscope("show no-such-call", true).exitCode, 2);
}

}  // namespace
