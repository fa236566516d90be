// Every corpus capture with RTP against tshark (issue 15): `sipscope import` then `sipscope streams --format json`
// must give each stream tshark's `-z rtp,streams` lists (matched by source, destination and SSRC) with the same
// packets, lost and max delta, and mean and max jitter within 1%. The truth is tests/corpus/rtp_streams_truth.json,
// written by tests/corpus/make_rtp_truth.py with tshark 4.0. Where sipscope differs on purpose,
// rtp_known_differences.json says which figures and why (with the tshark command that shows it); a listed
// difference that no longer differs fails too, so the list stays true. Streams tshark does not list (flows it
// leaves as plain UDP, legs no SDP names) must be listed there as "extra".
#include "tests/tools/corpus_captures.hpp"
#include "tests/tools/corpus_required.hpp"
#include "tests/tools/run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;
using sipscope::test::quote;
using sipscope::test::runCommand;

namespace {

const fs::path CorpusDir = SIPSCOPE_CORPUS_DIR;

json readJson(const std::string& path) { return json::parse(sipscope::test::readFile(path)); }

const json& truth() {
    static const json all = readJson(SIPSCOPE_SOURCE_DIR "/tests/corpus/rtp_streams_truth.json");
    return all;
}

std::vector<std::string> rtpCaptures() {
    std::vector<std::string> captures;
    for (const auto& [relative, streams] : truth()["captures"].items())
        captures.push_back(relative);
    return captures;
}

std::string keyOf(const json& stream) {
    return stream["src"].get<std::string>() + " " + stream["dst"].get<std::string>() + " " +
           stream["ssrc"].get<std::string>();
}

// tshark prints ms with 3 decimals and sipscope rounds to µs: 1.5 µs either way is the same figure.
constexpr double PrintedMs = 0.0015;

class RtpCorpusTest : public testing::TestWithParam<std::string> {};

TEST_P(RtpCorpusTest, StreamsMatchTshark) {
    const std::string relative = GetParam();
    const fs::path capture = CorpusDir / relative;
    if (!fs::exists(capture)) {
        SIPSCOPE_CORPUS_MISSING() << capture << " not found (the corpus is ../shared/corpus beside the project)";
    }
    sipscope::test::TempDir dir;
    const std::string db = dir.file("rtp.db");
    const auto imported = runCommand(
        std::string(SIPSCOPE_BINARY) + " import --quiet --db " + quote(db) + " " + quote(capture.string()), true);
    ASSERT_EQ(imported.exitCode, 0) << imported.out;
    const auto listed = runCommand(std::string(SIPSCOPE_BINARY) + " streams --format json --db " + quote(db));
    ASSERT_EQ(listed.exitCode, 0) << listed.out;
    std::vector<json> ours;
    std::istringstream lines(listed.out);
    for (std::string line; std::getline(lines, line);)
        ours.push_back(json::parse(line));

    const json known =
        readJson(SIPSCOPE_SOURCE_DIR "/tests/corpus/rtp_known_differences.json").value(relative, json::object());
    const json differs = known.value("differs", json::object());
    const json extra = known.value("extra", json::object());
    std::set<std::string> matched;
    for (const json& theirs : truth()["captures"][relative]) {
        const std::string key = keyOf(theirs);
        SCOPED_TRACE(relative + ": " + key + " (" + theirs["payload"].get<std::string>() + ")");
        const std::set<std::string> allowed =
            differs.contains(key) ? differs[key]["fields"].get<std::set<std::string>>() : std::set<std::string>{};
        std::set<std::string> different;
        std::vector<const json*> same;
        for (const json& stream : ours)
            if (keyOf(stream) == key)
                same.push_back(&stream);
        if (!same.empty())
            matched.insert(key);
        if (same.size() != 1) {
            different.insert("streams");
            EXPECT_TRUE(allowed.count("streams")) << "sipscope has " << same.size() << " streams for it";
        } else {
            const json& mine = *same.front();
            auto check = [&](const std::string& field, bool isSame, const std::string& detail) {
                if (isSame)
                    return;
                different.insert(field);
                EXPECT_TRUE(allowed.count(field)) << field << ": " << detail;
            };
            auto text = [&](const std::string& field) {
                return "sipscope " + mine[field].dump() + ", tshark " + theirs[field].dump();
            };
            check("packets", mine["packets"] == theirs["packets"], text("packets"));
            check("lost", mine["lost"] == theirs["lost"], text("lost"));
            check("max_delta_ms",
                  std::fabs(mine["max_delta_ms"].get<double>() - theirs["max_delta_ms"].get<double>()) <= PrintedMs,
                  text("max_delta_ms"));
            for (const char* field : {"mean_jitter_ms", "max_jitter_ms"}) {
                const double expected = theirs[field].get<double>();
                check(field, std::fabs(mine[field].get<double>() - expected) <= std::max(0.01 * expected, PrintedMs),
                      text(field) + " (1% allowed)");
            }
        }
        for (const std::string& field : allowed)
            EXPECT_TRUE(different.count(field))
                << field << " is listed in rtp_known_differences.json but agrees with tshark now: remove it";
    }
    for (const json& stream : ours) {
        const std::string key = keyOf(stream);
        if (matched.count(key) == 0) {
            EXPECT_TRUE(extra.contains(key)) << relative << ": sipscope lists " << key << " (" << stream["packets"]
                                             << " packets), which tshark does not";
        }
    }
    for (const auto& [key, why] : extra.items())
        EXPECT_TRUE(std::any_of(ours.begin(), ours.end(), [&](const json& s) { return keyOf(s) == key; }))
            << relative << ": " << key << " is listed as extra in rtp_known_differences.json but sipscope has no "
            << "such stream: remove it";
}

INSTANTIATE_TEST_SUITE_P(Captures, RtpCorpusTest, testing::ValuesIn(rtpCaptures()), sipscope::test::captureTestName);

// The truth covers every corpus capture whose tshark truth says it has RTP (make_rtp_truth.py picks them so): a
// capture added to the corpus with RTP needs the truth made again.
TEST(RtpCorpusTruth, CoversEveryCaptureWithRtp) {
    if (!fs::is_directory(CorpusDir / "captures")) {
        SIPSCOPE_CORPUS_MISSING() << "corpus not found at " << CorpusDir;
    }
    std::set<std::string> withRtp;
    for (const auto& entry : fs::recursive_directory_iterator(CorpusDir / "captures")) {
        const std::string path = entry.path().string();
        const std::string suffix = ".truth.json";
        if (path.size() <= suffix.size() || path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        if (readJson(path).value("rtp", json::object()).value("seen", false))
            withRtp.insert(fs::relative(path.substr(0, path.size() - suffix.size()), CorpusDir).string());
    }
    const std::vector<std::string> listed = rtpCaptures();
    EXPECT_EQ(withRtp, std::set<std::string>(listed.begin(), listed.end()))
        << "run tests/corpus/make_rtp_truth.py again";
}

}  // namespace
