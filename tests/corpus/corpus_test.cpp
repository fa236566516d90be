// Every capture of ../shared/corpus against tshark's truth: `sipscope import` then `sipscope messages --format
// json` must give the same number of SIP messages, the same Call-IDs and the same messages per Call-ID.
#include "tests/tools/corpus_captures.hpp"
#include "tests/tools/corpus_required.hpp"
#include "tests/tools/run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>

namespace fs = std::filesystem;
using nlohmann::json;
using sipscope::test::quote;
using sipscope::test::runCommand;

namespace {

const fs::path CorpusDir = SIPSCOPE_CORPUS_DIR;

// Paths relative to the corpus folder ("captures/..."), of the captures tshark's truth is known for.
std::vector<std::string> corpusCaptures() {
    return sipscope::test::corpusCaptures(CorpusDir, CorpusDir, sipscope::test::Truth::Required);
}

// Why a capture cannot be checked yet, or empty when it can. Only transports not built yet are a reason.
std::string missingTransport(const json& truth, const json& options) {
    (void)options;  // HEP ("hep_ports") is unwrapped by capture on any UDP port
    const json transports = truth.value("messages_by_transport", json::object());
    for (const auto& [transport, count] : transports.items())
        if (transport != "udp" && transport != "tcp" && transport != "ws" && transport != "sctp" &&
            count.get<int>() > 0)
            return "its truth needs SIP over " + transport + ", which is not built yet";
    return {};
}

class CorpusTest : public testing::TestWithParam<std::string> {};

TEST_P(CorpusTest, MessagesAndCallIdsMatchTshark) {
    const std::string relative = GetParam();
    const fs::path capture = CorpusDir / relative;
    const json truth = json::parse(sipscope::test::readFile(capture.string() + ".truth.json"));
    json options = json::object();
    if (fs::exists(CorpusDir / "truth-options.json")) {
        const json all = json::parse(sipscope::test::readFile((CorpusDir / "truth-options.json").string()));
        if (all.contains(relative))
            options = all[relative];
    }
    if (const std::string why = missingTransport(truth, options); !why.empty())
        GTEST_SKIP() << relative << ": " << why;

    sipscope::test::TempDir dir;
    const std::string db = dir.file("corpus.db");
    const auto imported = runCommand(
        std::string(SIPSCOPE_BINARY) + " import --quiet --db " + quote(db) + " " + quote(capture.string()), true);
    ASSERT_EQ(imported.exitCode, 0) << imported.out;
    const auto listed = runCommand(std::string(SIPSCOPE_BINARY) + " messages --format json --db " + quote(db));
    ASSERT_EQ(listed.exitCode, 0);

    std::size_t messages = 0;
    std::map<std::string, int> perCallId;
    std::istringstream lines(listed.out);
    for (std::string line; std::getline(lines, line);) {
        const json message = json::parse(line);
        ++messages;
        if (!message["call_id"].is_null())
            ++perCallId[message["call_id"].get<std::string>()];
    }
    std::map<std::string, int> expected;
    for (const auto& call : truth["call_ids"])
        expected[call["call_id"].get<std::string>()] = call["messages"].get<int>();
    std::size_t expectedMessages = truth["sip_messages"].get<std::size_t>();
    // Where tshark's truth is known to be off (known_differences.json says why and how to check with tshark itself:
    // SIP on a port tshark gives to another protocol, a TCP retransmission dissected twice), the difference is
    // applied to what we expect, Call-ID by Call-ID. Nothing else may differ.
    const json differences =
        json::parse(sipscope::test::readFile(SIPSCOPE_SOURCE_DIR "/tests/corpus/known_differences.json"));
    if (differences.contains(relative)) {
        for (const auto& [callId, count] : differences[relative]["extra_call_ids"].items()) {
            expected[callId] += count.get<int>();
            expectedMessages = static_cast<std::size_t>(static_cast<long>(expectedMessages) + count.get<long>());
        }
    }

    EXPECT_EQ(messages, expectedMessages) << relative;
    EXPECT_EQ(perCallId, expected) << relative;
}

INSTANTIATE_TEST_SUITE_P(Captures, CorpusTest, testing::ValuesIn(corpusCaptures()), sipscope::test::captureTestName);

TEST(CorpusPresence, CorpusFolderIsThere) {
    if (!fs::is_directory(CorpusDir / "captures")) {
        SIPSCOPE_CORPUS_MISSING() << "corpus not found at " << CorpusDir
                                  << " (clone with ../shared beside the project)";
    }
    EXPECT_FALSE(corpusCaptures().empty());
}

}  // namespace
