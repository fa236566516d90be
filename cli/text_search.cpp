// POSIX regcomp/regexec with REG_STARTEND, so the text is not copied and may hold NUL bytes.
#include "cli/text_search.hpp"

#include <algorithm>
#include <stdexcept>

namespace sipscope::cli {

TextSearch::TextSearch(const std::string& pattern, bool ignoreCase) {
    if (pattern.size() > MaxPatternBytes)
        throw std::invalid_argument("the pattern is longer than " + std::to_string(MaxPatternBytes) + " bytes");
    if (pattern.find('\0') != std::string::npos)
        throw std::invalid_argument("the pattern holds a NUL byte");
    for (std::size_t i = 0; i + 1 < pattern.size(); ++i) {
        if (pattern[i] == '\\') {
            if (pattern[i + 1] >= '1' && pattern[i + 1] <= '9')
                throw std::invalid_argument("back-references (\\1..\\9) are not supported: their matching time "
                                            "grows without bound");
            ++i;
        }
    }
    const int rc = regcomp(&m_regex, pattern.c_str(), REG_EXTENDED | REG_NOSUB | (ignoreCase ? REG_ICASE : 0));
    if (rc != 0) {
        char message[256];
        regerror(rc, &m_regex, message, sizeof message);
        throw std::invalid_argument(std::string("not a valid extended regular expression: ") + message);
    }
}

TextSearch::~TextSearch() { regfree(&m_regex); }

bool TextSearch::matches(std::string_view text) const {
    regmatch_t range[1];
    range[0].rm_so = 0;
    range[0].rm_eo = static_cast<regoff_t>(std::min(text.size(), MaxTextBytes));
    // REG_STARTEND: search [rm_so, rm_eo) of the buffer, without needing a terminating NUL.
    static const char empty[1] = {'\0'};
    return regexec(&m_regex, text.empty() ? empty : text.data(), 1, range, REG_STARTEND) == 0;
}

}  // namespace sipscope::cli
