// `messages --grep`: a POSIX extended regular expression over each message's raw text, with bounded cost.
#pragma once

#include <regex.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace sipscope::cli {

class TextSearch {
public:
    static constexpr std::size_t MaxPatternBytes = 1024;
    // Only this much of each message is searched (a SIP message over UDP fits in 64 KiB).
    static constexpr std::size_t MaxTextBytes = 65536;

    // Throws std::invalid_argument saying what is wrong with the pattern: too long, a back-reference (whose
    // matching can take exponential time), or not a valid extended regular expression.
    TextSearch(const std::string& pattern, bool ignoreCase);
    ~TextSearch();
    TextSearch(const TextSearch&) = delete;
    TextSearch& operator=(const TextSearch&) = delete;

    // True when the pattern matches somewhere in the first MaxTextBytes of `text` (NUL bytes included).
    bool matches(std::string_view text) const;

private:
    regex_t m_regex{};
};

}  // namespace sipscope::cli
