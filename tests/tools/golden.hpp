// Golden files for the end-to-end tests: a command's output compared with the file kept beside the test, or written
// to it when SIPSCOPE_UPDATE_GOLDEN=1 (review the diff before committing it).
#pragma once

#include "tests/tools/run.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sipscope::test {

inline bool isUpdatingGolden() {
    const char* update = std::getenv("SIPSCOPE_UPDATE_GOLDEN");
    return update && std::string(update) == "1";
}

// First differing line, for a readable failure.
inline std::string firstDifference(const std::string& expected, const std::string& actual) {
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

// The samples folder of this checkout as "samples", so outputs that name a capture file (calls: `capture`) are the
// same in every clone.
inline std::string withoutSamplesDir(std::string text) {
    const std::string dir = SIPSCOPE_SAMPLES_DIR;
    for (std::size_t at = text.find(dir); at != std::string::npos; at = text.find(dir, at))
        text.replace(at, dir.size(), "samples");
    return text;
}

inline void expectGolden(const std::filesystem::path& file, std::string actual) {
    actual = withoutSamplesDir(std::move(actual));
    if (isUpdatingGolden()) {
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << actual;
        return;
    }
    ASSERT_TRUE(std::filesystem::exists(file))
        << file << " is missing; create it with SIPSCOPE_UPDATE_GOLDEN=1 and review it";
    const std::string expected = readFile(file.string());
    EXPECT_EQ(expected, actual) << file << " differs at " << firstDifference(expected, actual)
                                << "\n(if the change is intended: SIPSCOPE_UPDATE_GOLDEN=1, then review the diff)";
}

}  // namespace sipscope::test
