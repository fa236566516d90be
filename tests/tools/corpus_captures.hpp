// The captures of ../shared/corpus that the corpus tests run on, and the test names made of their paths.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace sipscope::test {

enum class Truth { Any, Required };

// The capture files below `corpusDir`/captures (every file but the JSON and Markdown beside them; with
// Truth::Required only those that have their tshark truth, <capture>.truth.json), sorted, as paths relative to
// `base`. Empty when the folder is missing.
inline std::vector<std::string> corpusCaptures(const std::filesystem::path& corpusDir,
                                               const std::filesystem::path& base, Truth truth) {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    std::error_code ignored;
    if (!fs::is_directory(corpusDir / "captures", ignored))
        return files;
    for (const auto& entry : fs::recursive_directory_iterator(corpusDir / "captures")) {
        const fs::path& path = entry.path();
        const bool isCapture = entry.is_regular_file() && path.extension() != ".json" && path.extension() != ".md";
        if (isCapture && (truth == Truth::Any || fs::exists(path.string() + ".truth.json")))
            files.push_back(fs::relative(path, base).string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// A test name for a capture path: letters and digits kept, every other character '_'.
inline std::string captureTestName(const testing::TestParamInfo<std::string>& info) {
    std::string name;
    for (char c : info.param)
        name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return name;
}

}  // namespace sipscope::test
