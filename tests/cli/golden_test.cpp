// Golden outputs: every listing command on the project's samples in table, CSV and JSON, and the calls (state,
// final status, messages, dialogs) of every corpus capture. SIPSCOPE_UPDATE_GOLDEN=1 rewrites the files; review
// the diff before committing it.
#include "tests/tools/run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;
using sipscope::test::quote;
using sipscope::test::runCommand;

namespace {

const std::string Binary = SIPSCOPE_BINARY;
const fs::path GoldenDir = SIPSCOPE_SOURCE_DIR "/tests/cli/golden";
const fs::path CorpusGoldenDir = SIPSCOPE_SOURCE_DIR "/tests/corpus/golden";
const fs::path CorpusDir = SIPSCOPE_CORPUS_DIR;

bool isUpdating() {
    const char* update = std::getenv("SIPSCOPE_UPDATE_GOLDEN");
    return update && std::string(update) == "1";
}

// First differing line, for a readable failure.
std::string firstDifference(const std::string& expected, const std::string& actual) {
    std::istringstream a(expected), b(actual);
    std::string left, right;
    for (int line = 1;; ++line) {
        const bool hasLeft = static_cast<bool>(std::getline(a, left));
        const bool hasRight = static_cast<bool>(std::getline(b, right));
        if (!hasLeft && !hasRight)
            return "no difference";
        if (!hasLeft || !hasRight || left != right)
            return "line " + std::to_string(line) + ":\n  expected: " + (hasLeft ? left : "<end>") +
                   "\n  actual:   " + (hasRight ? right : "<end>");
    }
}

void expectGolden(const fs::path& file, const std::string& actual) {
    if (isUpdating()) {
        fs::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << actual;
        return;
    }
    ASSERT_TRUE(fs::exists(file)) << file << " is missing; create it with SIPSCOPE_UPDATE_GOLDEN=1 and review it";
    const std::string expected = sipscope::test::readFile(file.string());
    EXPECT_EQ(expected, actual) << file << " differs at " << firstDifference(expected, actual)
                                << "\n(if the change is intended: SIPSCOPE_UPDATE_GOLDEN=1, then review the diff)";
}

class SamplesGolden : public testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new sipscope::test::TempDir();
        s_db = s_dir->file("samples.db");
        const std::string samples = SIPSCOPE_SAMPLES_DIR;
        const auto result = runCommand(Binary + " import --quiet --db " + quote(s_db) + " " + samples +
                                       "/call-complete.pcap " + samples + "/call-failed.pcap " + samples +
                                       "/register.pcap");
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

std::vector<std::string> corpusCaptures() {
    std::vector<std::string> files;
    if (!fs::is_directory(CorpusDir / "captures"))
        return files;
    for (const auto& entry : fs::recursive_directory_iterator(CorpusDir / "captures")) {
        const std::string path = entry.path().string();
        if (entry.is_regular_file() && fs::exists(path + ".truth.json"))
            files.push_back(fs::relative(entry.path(), CorpusDir).string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

TEST(CorpusGolden, CallStatesAndOutcomes) {
    const auto captures = corpusCaptures();
    if (captures.empty())
        GTEST_SKIP() << "corpus not found at " << CorpusDir << " (clone with ../shared beside the project)";
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
            auto text = [](const nlohmann::json& value) { return value.is_null() ? std::string("-") : value.is_string() ? value.get<std::string>() : value.dump(); };
            summary += text(call["call_id"]) + " " + text(call["method"]) + " " + text(call["state"]) + " " +
                       text(call["status"]) + " " + text(call["messages"]) + " " + text(call["dialogs"]) + "\n";
        }
        expectGolden(CorpusGoldenDir / (relative + ".calls"), summary);
    }
}

} // namespace
