// The checks every libFuzzer target makes: a failed condition names its line and traps (so libFuzzer reports the
// input), and a view a parser returns must lie inside the input it was given.
#pragma once

#include <cstdio>
#include <string_view>

namespace sipscope::fuzz {

// (clang 14 has no std::source_location; its builtins give the caller's line as a default argument.)
inline void require(bool condition, const char* file = __builtin_FILE(), unsigned line = __builtin_LINE()) {
    if (!condition) {
        std::fprintf(stderr, "fuzz check failed at %s:%u\n", file, line);
        __builtin_trap();
    }
}

inline void requireInside(std::string_view view, std::string_view input, const char* file = __builtin_FILE(),
                          unsigned line = __builtin_LINE()) {
    if (view.empty()) {
        return;
    }
    require(view.data() >= input.data() && view.data() + view.size() <= input.data() + input.size(), file, line);
}

}  // namespace sipscope::fuzz
