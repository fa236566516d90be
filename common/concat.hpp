// A string made of parts in one allocation: concat("#", std::to_string(n), " ", name) for what an operator+ chain
// writes. The chain copies through temporaries, and its first step, a literal prepended to a temporary string
// (operator+(const char*, std::string&&), an insert at 0), is what GCC 12 misreads as an overlapping memcpy
// (-Wrestrict) once inlined.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sipscope {

// Each part is anything a std::string_view is made from: a literal, a std::string (temporaries too: they live until
// the call returns), a std::string_view.
template <typename... Parts>
std::string concat(const Parts&... parts) {
    const std::string_view views[] = {std::string_view(parts)...};
    std::size_t size = 0;
    for (const std::string_view view : views)
        size += view.size();
    std::string out;
    out.reserve(size);
    for (const std::string_view view : views)
        out.append(view);
    return out;
}

}  // namespace sipscope
