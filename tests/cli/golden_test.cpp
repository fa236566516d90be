// Golden outputs: every listing command on the project's samples in table, CSV and JSON, and the calls (state,
// final status, messages, dialogs) of every corpus capture. SIPSCOPE_UPDATE_GOLDEN=1 rewrites the files; review
// the diff before committing it.
#include "tests/tools/corpus_captures.hpp"
#include "tests/tools/corpus_required.hpp"
#include "tests/tools/golden.hpp"
#include "tests/tools/pcap_writer.hpp"
#include "tests/tools/run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;
using sipscope::test::expectGolden;
using sipscope::test::quote;
using sipscope::test::runCommand;

namespace {

const std::string Binary = SIPSCOPE_BINARY;
const fs::path GoldenDir = SIPSCOPE_SOURCE_DIR "/tests/cli/golden";
const fs::path CorpusGoldenDir = SIPSCOPE_SOURCE_DIR "/tests/corpus/golden";
const fs::path CorpusDir = SIPSCOPE_CORPUS_DIR;

class SamplesGolden : public testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new sipscope::test::TempDir();
        s_db = s_dir->file("samples.db");
        const std::string samples = SIPSCOPE_SAMPLES_DIR;
        const auto result =
            runCommand(Binary + " import --quiet --db " + quote(s_db) + " " + samples + "/call-complete.pcap " +
                       samples + "/call-failed.pcap " + samples + "/register.pcap");
        ASSERT_EQ(result.exitCode, 0) << result.out;
    }
    static void TearDownTestSuite() { delete s_dir; }

    static std::string run(const std::string& arguments) {
        const auto result = runCommand(Binary + " " + arguments + " --db " + quote(s_db));
        EXPECT_EQ(result.exitCode, 0) << arguments << "\n" << result.out;
        return result.out;
    }

    static sipscope::test::TempDir* s_dir;
    static std::string s_db;
};
sipscope::test::TempDir* SamplesGolden::s_dir = nullptr;
std::string SamplesGolden::s_db;

TEST_F(SamplesGolden, EveryListingInEveryFormat) {
    const std::pair<const char*, const char*> cases[] = {
        {"calls.txt", "calls"},
        {"calls.csv", "calls --format csv"},
        {"calls.json", "calls --format json"},
        {"messages.txt", "messages"},
        {"messages.csv", "messages --format csv"},
        {"messages.json", "messages --format json"},
        {"stats.txt", "stats"},
        {"stats.csv", "stats --format csv"},
        {"stats.json", "stats --format json"},
        {"registrations.txt", "registrations"},
        {"registrations.json", "registrations --format json"},
        {"show-cancelled.txt", "show 1-5807@127.0.0.1"},
        {"show-answered-raw.txt", "show --raw 1-5781@127.0.0.1"},
        {"ladder-cancelled.mmd", "export ladder 1-5807@127.0.0.1 --format mermaid -o -"},
        {"ladder-cancelled.puml", "export ladder 1-5807@127.0.0.1 --format plantuml -o -"},
    };
    for (const auto& [file, arguments] : cases) {
        SCOPED_TRACE(arguments);
        expectGolden(GoldenDir / "samples" / file, run(arguments));
    }
}

// The listing options: sorted calls, messages found by --grep, the stats breakdowns per host and per interval, and a
// ladder with host aliases and colours (the escape sequences are sipscope's own).
TEST_F(SamplesGolden, SortGrepStatsBreakdownsAndShowOptions) {
    const std::string aliases = quote((GoldenDir / "samples" / "lab.aliases").string());
    const std::pair<std::string, std::string> cases[] = {
        {"calls-sorted.txt", "calls --sort setup_ms --reverse"},
        {"messages-grep.txt", "messages --grep 'CSeq: [0-9]+ (BYE|CANCEL)'"},
        {"messages-grep.json", "messages --grep 'sipp@' -i --sort status --limit 4 --format json"},
        {"stats-by-host.txt", "stats --by-host"},
        {"stats-by-host.csv", "stats --by-host --format csv"},
        {"stats-by-host.json", "stats --by-host --format json"},
        {"stats-interval.txt", "stats --interval 1s"},
        {"stats-interval.csv", "stats --interval 1s --format csv"},
        {"stats-interval.json", "stats --interval 1m --format json"},
        {"show-cancelled-aliases-color.txt", "show 1-5807@127.0.0.1 --color always --aliases " + aliases},
        {"ladder-cancelled-aliases.puml", "export ladder 1-5807@127.0.0.1 --format plantuml -o - --aliases " + aliases},
    };
    for (const auto& [file, arguments] : cases) {
        SCOPED_TRACE(arguments);
        expectGolden(GoldenDir / "samples" / file, run(arguments));
    }
}

// samples/subscribe.pcap: a presence subscription from SUBSCRIBE to NOTIFY terminated, and a PUBLISH with its
// SIP-ETag refresh. The subscriptions listing in each format and with filters, and the calls' kinds.
TEST(SubscriptionsGolden, EveryFormatAndFilter) {
    sipscope::test::TempDir dir;
    const std::string db = dir.file("s.db");
    const auto imported =
        runCommand(Binary + " import --quiet --db " + quote(db) + " " SIPSCOPE_SAMPLES_DIR "/subscribe.pcap");
    ASSERT_EQ(imported.exitCode, 0) << imported.out;
    const std::pair<const char*, const char*> cases[] = {
        {"subscriptions.txt", "subscriptions"},
        {"subscriptions.csv", "subscriptions --format csv"},
        {"subscriptions.json", "subscriptions --format json"},
        {"subscriptions-terminated.json", "subscriptions --format json --event presence --state terminated"},
        {"subscriptions-publish.json", "subscriptions --format json --method publish"},
        {"calls-subscribe.json", "calls --format json"},
    };
    for (const auto& [file, arguments] : cases) {
        SCOPED_TRACE(arguments);
        const auto result = runCommand(Binary + " " + arguments + " --db " + quote(db));
        EXPECT_EQ(result.exitCode, 0) << result.out;
        expectGolden(GoldenDir / "samples" / file, result.out);
    }
    // The same facts, asserted: one subscription ended by its notifier, one publication with its ETag chain.
    const auto json = runCommand(Binary + " subscriptions --format json --db " + quote(db));
    std::istringstream lines(json.out);
    std::string first, second;
    std::getline(lines, first);
    std::getline(lines, second);
    const auto subscription = nlohmann::json::parse(first);
    EXPECT_EQ(subscription["method"], "SUBSCRIBE");
    EXPECT_EQ(subscription["state"], "terminated");
    EXPECT_EQ(subscription["reason"], "timeout");
    EXPECT_EQ(subscription["notifies"], 2);
    EXPECT_EQ(subscription["requests"], 2);
    const auto publication = nlohmann::json::parse(second);
    EXPECT_EQ(publication["method"], "PUBLISH");
    EXPECT_EQ(publication["etag"], "et2x1");
    EXPECT_EQ(publication["if_match"], "et1x1");
    const auto calls = runCommand(Binary + " calls --format json --kind publish --db " + quote(db));
    EXPECT_EQ(std::count(calls.out.begin(), calls.out.end(), '\n'), 1) << calls.out;
    EXPECT_NE(calls.out.find("\"kind\":\"publish\""), std::string::npos) << calls.out;
}

// Two legs of one call through an SBC, tied by a header the user names with --link-header: both show legs 2, and
// show lists the other leg.
TEST(LinkedCallsCli, LinkHeaderOptionLinksLegs) {
    sipscope::test::TempDir dir;
    sipscope::test::PcapWriter pcap;
    pcap.add({1'000'000, 0x0a000001, 0x0a000003, 5060, 5060,
              sipscope::test::sipMessage("INVITE sip:bob@example.com SIP/2.0", "leg-a", "1 INVITE")});
    pcap.add(
        {1'010'000, 0x0a000003, 0x0a000002, 5060, 5060,
         sipscope::test::sipMessage("INVITE sip:bob@example.com SIP/2.0", "leg-b", "1 INVITE", "P-Leg-Of: leg-a\r\n")});
    pcap.write(dir.file("legs.pcap"));
    const std::string db = dir.file("l.db");
    const auto imported = runCommand(Binary + " import --quiet --link-header P-Leg-Of --db " + quote(db) + " " +
                                     quote(dir.file("legs.pcap")));
    ASSERT_EQ(imported.exitCode, 0) << imported.out;
    const auto calls = runCommand(Binary + " calls --format json --db " + quote(db));
    std::istringstream lines(calls.out);
    int seen = 0;
    for (std::string line; std::getline(lines, line); ++seen) {
        const auto call = nlohmann::json::parse(line);
        EXPECT_EQ(call["legs"], 2) << line;
        EXPECT_EQ(call["kind"], "call") << line;
    }
    EXPECT_EQ(seen, 2);
    const auto shown = runCommand(Binary + " show leg-a --color never --db " + quote(db));
    EXPECT_NE(shown.out.find("Linked:  leg-b  header (P-Leg-Of: leg-a)"), std::string::npos) << shown.out;

    // Without the option the legs stay apart.
    const std::string apart = dir.file("apart.db");
    runCommand(Binary + " import --quiet --db " + quote(apart) + " " + quote(dir.file("legs.pcap")));
    EXPECT_EQ(runCommand(Binary + " calls --format json --db " + quote(apart)).out.find("\"legs\":2"),
              std::string::npos);
}

// Findings (issue 16) on a generated capture: a call answered after a slow post-dial delay whose 200 OK is never
// ACKed, and a BYE answered 481. `show` lists the call's findings under its ladder; the listing in every format and
// with --severity / --kind; bad --kind and --t1 values are usage errors.
TEST(FindingsGolden, ListingAndShow) {
    using sipscope::test::sipMessage;
    sipscope::test::TempDir dir;
    sipscope::test::PcapWriter pcap;
    const std::uint32_t alice = 0x0a000001, bob = 0x0a000002;
    const std::string contact = "Contact: <sip:alice@10.0.0.1:5060>\r\n";
    const std::string ok = sipMessage("SIP/2.0 200 OK", "unacked", "1 INVITE", contact, "b1");
    pcap.add({1'000'000, alice, bob, 5060, 5060,
              sipMessage("INVITE sip:bob@example.com SIP/2.0", "unacked", "1 INVITE", contact)});
    pcap.add({5'500'000, bob, alice, 5060, 5060, sipMessage("SIP/2.0 180 Ringing", "unacked", "1 INVITE", "", "b1")});
    pcap.add({6'000'000, bob, alice, 5060, 5060, ok});
    pcap.add({6'500'000, bob, alice, 5060, 5060, ok});
    pcap.add({7'500'000, bob, alice, 5060, 5060, ok});
    pcap.add({9'500'000, bob, alice, 5060, 5060,
              sipMessage("BYE sip:alice@10.0.0.1 SIP/2.0", "unacked", "1 BYE", "", "b1")});
    pcap.add({9'600'000, alice, bob, 5060, 5060,
              sipMessage("SIP/2.0 481 Call/Transaction Does Not Exist", "unacked", "1 BYE", "", "b1")});
    pcap.write(dir.file("findings.pcap"));
    const std::string db = dir.file("f.db");
    const auto imported =
        runCommand(Binary + " import --quiet --db " + quote(db) + " " + quote(dir.file("findings.pcap")));
    ASSERT_EQ(imported.exitCode, 0) << imported.out;
    const std::pair<const char*, const char*> cases[] = {
        {"show-findings.txt", "show unacked --color never"},
        {"findings.txt", "findings"},
        {"findings.csv", "findings --format csv"},
        {"findings.json", "findings --format json"},
        {"findings-errors.txt", "findings --severity error"},
        {"findings-kinds.json", "findings --kind 481,slow-srd --format json"},
    };
    for (const auto& [file, arguments] : cases) {
        SCOPED_TRACE(arguments);
        const auto result = runCommand(Binary + " " + arguments + " --db " + quote(db));
        EXPECT_EQ(result.exitCode, 0) << result.out;
        expectGolden(GoldenDir / "findings" / file, result.out);
    }
    // export findings writes the listing's rows, with the same options.
    EXPECT_EQ(runCommand(Binary + " export findings --format json --severity error -o - --db " + quote(db)).out,
              runCommand(Binary + " findings --format json --severity error --db " + quote(db)).out);
    const auto badKind = runCommand(Binary + " findings --kind nonsense --db " + quote(db), true);
    EXPECT_EQ(badKind.exitCode, 1) << badKind.out;
    EXPECT_NE(badKind.out.find("unacked-2xx"), std::string::npos) << "the error lists the kinds: " << badKind.out;
    const auto badT1 = runCommand(
        Binary + " import --t1 soon --db " + quote(dir.file("t.db")) + " " + quote(dir.file("findings.pcap")), true);
    EXPECT_EQ(badT1.exitCode, 1) << badT1.out;
}

TEST(CorpusGolden, CallStatesAndOutcomes) {
    const auto captures = sipscope::test::corpusCaptures(CorpusDir, CorpusDir, sipscope::test::Truth::Required);
    if (captures.empty()) {
        SIPSCOPE_CORPUS_MISSING() << "corpus not found at " << CorpusDir
                                  << " (clone with ../shared beside the project)";
    }
    for (const std::string& relative : captures) {
        SCOPED_TRACE(relative);
        sipscope::test::TempDir dir;
        const std::string db = dir.file("c.db");
        runCommand(Binary + " import --quiet --db " + quote(db) + " " + quote((CorpusDir / relative).string()));
        const auto calls = runCommand(Binary + " calls --format json --db " + quote(db));
        ASSERT_EQ(calls.exitCode, 0);
        // One line per call: Call-ID, first method, state, final status, messages, dialogs.
        std::string summary;
        std::istringstream lines(calls.out);
        for (std::string line; std::getline(lines, line);) {
            const auto call = nlohmann::json::parse(line);
            auto text = [](const nlohmann::json& value) {
                return value.is_null() ? std::string("-") : value.is_string() ? value.get<std::string>() : value.dump();
            };
            summary += text(call["call_id"]) + " " + text(call["method"]) + " " + text(call["state"]) + " " +
                       text(call["status"]) + " " + text(call["messages"]) + " " + text(call["dialogs"]) + "\n";
        }
        expectGolden(CorpusGoldenDir / (relative + ".calls"), summary);
    }
}

}  // namespace
