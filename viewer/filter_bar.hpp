// The filter bar: the CLI's filter words (from:alice state:rejected status:5xx ...) typed in one line, applied as
// they are typed when every word is understood; a word that is not is shown in red with what was expected, and the
// list keeps its last good filter. The words are parsed by the parser the CLI uses, handed in as a function.
#pragma once

#include "store/reader.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::viewer {

struct FilterProblem {
    std::string word;      // as typed
    std::string expected;  // what would have been understood there
};

struct ParsedFilter {
    store::Filter filter;
    std::vector<FilterProblem> problems;  // empty when every word was understood
};

using FilterParser = std::function<ParsedFilter(std::string_view text)>;

class FilterBar {
public:
    explicit FilterBar(FilterParser parser);

    // GUI thread. Draws the bar and the count of matching calls on one line. Returns true when the filter to apply
    // changed (then read filter()).
    bool draw(std::optional<std::uint64_t> matching);
    // Sets the text as if typed (the --filter option); true when it parsed without problems.
    bool setText(std::string text);
    // Puts the keyboard in the bar on the next frame (`/`).
    void focus() { m_wantsFocus = true; }
    // True once after Enter was pressed in the bar: the list takes the keyboard.
    bool takeSubmitted();
    bool isActive() const { return m_isActive; }

    const std::string& text() const { return m_text; }
    const store::Filter& filter() const { return m_applied; }
    const std::vector<FilterProblem>& problems() const { return m_problems; }

private:
    bool parse();

    FilterParser m_parser;
    std::string m_text;
    store::Filter m_applied;  // the last filter without problems
    std::vector<FilterProblem> m_problems;
    bool m_wantsFocus = false;
    bool m_isSubmitted = false;
    bool m_isActive = false;
};

}  // namespace sipscope::viewer
