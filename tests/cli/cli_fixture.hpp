// The fixture of the CLI's end-to-end tests: a temporary database, the sipscope binary run on it, the samples
// imported into it, and a listing's JSON lines read back. The test target defines SIPSCOPE_BINARY and
// SIPSCOPE_SAMPLES_DIR.
#pragma once

#include "tests/tools/json_lines.hpp"
#include "tests/tools/run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace sipscope::test {

class CliFixture : public testing::Test {
protected:
    // `mergeStderrByDefault`: whether sipscope(arguments) also captures standard error.
    explicit CliFixture(bool mergeStderrByDefault) : m_mergeStderrByDefault(mergeStderrByDefault) {}

    const std::string Binary = SIPSCOPE_BINARY;
    const std::string Samples = SIPSCOPE_SAMPLES_DIR;
    TempDir dir;
    std::string db = dir.file("test.db");

    CommandResult sipscope(const std::string& arguments, bool mergeStderr) {
        return runCommand(Binary + " " + arguments + " --db " + quote(db), mergeStderr);
    }
    CommandResult sipscope(const std::string& arguments) { return sipscope(arguments, m_mergeStderrByDefault); }
    void importSamples() {
        const auto result = sipscope("import --quiet " + Samples + "/call-complete.pcap " + Samples +
                                     "/call-failed.pcap " + Samples + "/register.pcap");
        ASSERT_EQ(result.exitCode, 0) << result.out;
    }
    // One object per line of `arguments --format json` (standard output only); the command must exit 0.
    std::vector<nlohmann::json> jsonLines(const std::string& arguments) {
        const auto result = sipscope(arguments + " --format json", false);
        EXPECT_EQ(result.exitCode, 0) << result.out;
        return parseJsonLines(result.out);
    }

private:
    bool m_mergeStderrByDefault;
};

}  // namespace sipscope::test
