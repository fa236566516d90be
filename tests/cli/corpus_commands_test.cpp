// Acceptance: every command on every corpus capture. Each capture is imported into its own database; then calls,
// messages, show (first call), stats (summary, per host, per interval), registrations and every export format run
// and must exit 0 with sane output (JSON lines that parse, CSV records of equal length, SVG/PNG/PlantUML/Mermaid
// documents). The exported pcap of all calls is imported again and must give the same messages.
#include "tests/cli/cli_e2e.hpp"
#include "tests/tools/corpus_captures.hpp"
#include "tests/tools/corpus_required.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace fs = std::filesystem;
using nlohmann::json;
using namespace sipscope::test;

namespace {

const fs::path CorpusDir = SIPSCOPE_CORPUS_DIR;

std::vector<std::string> corpusCaptures() {
    return sipscope::test::corpusCaptures(CorpusDir, CorpusDir / "captures", Truth::Any);
}

// Records of a CSV text, counting quoted CR/LF as part of their field; every record as long as the header.
std::size_t csvRecords(const std::string& text) {
    std::size_t records = 0, fields = 1, headerFields = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && c == ',')
            ++fields;
        else if (!quoted && c == '\n') {
            EXPECT_TRUE(i > 0 && text[i - 1] == '\r') << "record " << records << " not ended by CRLF";
            if (records == 0)
                headerFields = fields;
            else
                EXPECT_EQ(fields, headerFields) << "record " << records;
            ++records;
            fields = 1;
        }
    }
    EXPECT_FALSE(quoted) << "unterminated quote";
    return records;
}

// Messages without what a re-import numbers anew (frame) — the rest must survive the trip through a pcap, except
// the WebSocket framing, which the store does not keep: WS messages come back as TCP (and WSS as TLS-less TCP).
std::vector<json> comparable(std::vector<json> rows) {
    for (json& row : rows) {
        row.erase("frame");
        if (row["transport"] == "ws" || row["transport"] == "wss")
            row["transport"] = "tcp";
    }
    return rows;
}

class CorpusCommands : public testing::TestWithParam<std::string> {
protected:
    TempDir dir;
    std::string db = dir.file("c.db");

    std::string run(const std::string& arguments, const std::string& database = "") {
        const auto result = runCommand(Binary + " " + arguments + " --db " + quote(database.empty() ? db : database) +
                                       " 2>" + quote(dir.file("stderr")));
        EXPECT_EQ(result.exitCode, 0) << arguments << "\n" << readFile(dir.file("stderr"));
        return result.out;
    }
};

TEST_P(CorpusCommands, EveryCommandRunsWithSaneOutput) {
    const std::string capture = (CorpusDir / "captures" / GetParam()).string();
    const auto imported = runCommand(Binary + " import --quiet --db " + quote(db) + " " + quote(capture) + " 2>&1");
    // 2 is a damaged file, reported with what was kept before the damage; anything else is a failure.
    ASSERT_TRUE(imported.exitCode == 0 || imported.exitCode == 2) << imported.out;

    const auto calls = parseJsonLines(run("calls --format json"));
    const auto messages = parseJsonLines(run("messages --format json"));
    EXPECT_EQ(csvRecords(run("calls --format csv")), calls.size() + 1);
    EXPECT_EQ(csvRecords(run("messages --format csv --raw")), messages.size() + 1);
    EXPECT_FALSE(run("calls").empty());
    EXPECT_FALSE(run("messages").empty());
    const auto stats = parseJsonLines(run("stats --format json"));
    ASSERT_EQ(stats.size(), 1u);
    EXPECT_EQ(stats[0]["messages"].get<std::size_t>(), messages.size());
    EXPECT_EQ(stats[0]["calls"].get<std::size_t>(), calls.size());
    EXPECT_GE(csvRecords(run("stats --format csv")), 5u);
    EXPECT_NE(run("stats").find("rfc6076"), std::string::npos);
    const auto hosts = parseJsonLines(run("stats --by-host --format json"));
    std::size_t sent = 0;
    for (const json& host : hosts)
        sent += host["sent"].get<std::size_t>();
    EXPECT_EQ(sent, messages.size());
    std::size_t bucketed = 0;
    for (const json& bucket : parseJsonLines(run("stats --interval 1m --format json")))
        bucketed += bucket["messages"].get<std::size_t>();
    EXPECT_EQ(bucketed, messages.size());
    run("registrations");
    parseJsonLines(run("registrations --format json"));

    for (const char* listing : {"calls", "messages", "stats"})
        for (const char* format : {"csv", "json"}) {
            const std::string file = dir.file(std::string(listing) + "." + format);
            run(std::string("export ") + listing + " --format " + format + " -o " + quote(file));
            EXPECT_TRUE(fs::exists(file)) << file;
        }

    if (calls.empty())
        return;
    const std::string first = std::to_string(calls[0]["key"].get<std::int64_t>());
    const std::string shown = run("show " + first);
    EXPECT_NE(shown.find("Call-ID:"), std::string::npos);
    EXPECT_NE(shown.find("|"), std::string::npos) << shown;
    EXPECT_GT(run("show --raw --by-ip " + first).size(), shown.size() / 2);
    const std::string svg = run("export ladder " + first + " --format svg -o -");
    EXPECT_EQ(svg.rfind("<?xml", 0), 0u) << svg.substr(0, 80);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    EXPECT_EQ(run("export ladder " + first + " --format plantuml -o -").rfind("@startuml", 0), 0u);
    EXPECT_NE(run("export ladder " + first + " --format mermaid -o -").find("sequenceDiagram"), std::string::npos);
    EXPECT_FALSE(run("export ladder " + first + " --format text -o -").empty());
    if (runCommand("command -v rsvg-convert >/dev/null").exitCode == 0) {
        const std::string png = run("export ladder " + first + " --format png -o -");
        EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    }

    // Every call out as a pcap and in again: the same messages (those of calls; malformed ones without a Call-ID
    // belong to none).
    const std::string pcap = dir.file("calls.pcap");
    run("export pcap -o " + quote(pcap));
    const std::string copy = dir.file("copy.db");
    const auto reimported = runCommand(Binary + " import --quiet --db " + quote(copy) + " " + quote(pcap) + " 2>&1");
    ASSERT_EQ(reimported.exitCode, 0) << reimported.out;
    std::vector<json> ofCalls;
    for (const json& message : parseJsonLines(run("messages --format json --raw")))
        if (!message["call_id"].is_null())
            ofCalls.push_back(message);
    // tshark reads the frames made for TCP, SCTP and IPv6 without a malformed packet, an error or a TCP
    // sequence problem.
    bool unusual = false;
    for (const json& message : ofCalls)
        unusual = unusual || message["transport"] != "udp" || message["src"].get<std::string>().front() == '[';
    if (unusual && runCommand("command -v tshark >/dev/null").exitCode == 0) {
        const auto tshark = runCommand("tshark -r " + quote(pcap) +
                                       " -Y '_ws.malformed || _ws.expert.severity >= error || tcp.analysis.flags' "
                                       "2>/dev/null");
        EXPECT_EQ(tshark.exitCode, 0);
        EXPECT_EQ(tshark.out, "") << "tshark finds fault with the exported frames";
    }
    const auto again = parseJsonLines(run("messages --format json --raw", copy));
    ASSERT_EQ(again.size(), ofCalls.size());
    const auto expected = comparable(ofCalls);
    const auto actual = comparable(again);
    for (std::size_t i = 0; i < expected.size(); ++i)
        EXPECT_EQ(actual[i], expected[i]) << "message " << i;
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusCommands, testing::ValuesIn(corpusCaptures()), captureTestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CorpusCommands);

TEST(CorpusCommandsPresence, CorpusIsThere) {
    if (corpusCaptures().empty()) {
        SIPSCOPE_CORPUS_MISSING() << "corpus not found at " << CorpusDir
                                  << " (clone with ../shared beside the project)";
    }
    SUCCEED();
}

}  // namespace
