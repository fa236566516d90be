// Reading back a listing's `--format json` output: one JSON object per line.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace sipscope::test {

// Every line of `text` parsed as JSON; a line that is not JSON is a test failure (and left out).
inline std::vector<nlohmann::json> parseJsonLines(const std::string& text) {
    std::vector<nlohmann::json> rows;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        try {
            rows.push_back(nlohmann::json::parse(line));
        } catch (const nlohmann::json::exception& error) {
            ADD_FAILURE() << "not JSON: " << line << " (" << error.what() << ")";
        }
    }
    return rows;
}

}  // namespace sipscope::test
