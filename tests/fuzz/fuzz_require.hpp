// The checks every libFuzzer target makes: a failed condition traps (so libFuzzer reports the input), and a view a
// parser returns must lie inside the input it was given.
#pragma once

#include <string_view>

namespace sipscope::fuzz {

inline void require(bool condition) {
    if (!condition) {
        __builtin_trap();
    }
}

inline void requireInside(std::string_view view, std::string_view input) {
    if (view.empty()) {
        return;
    }
    require(view.data() >= input.data() && view.data() + view.size() <= input.data() + input.size());
}

}  // namespace sipscope::fuzz
