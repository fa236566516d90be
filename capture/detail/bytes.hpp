// Bounds-checked big-endian reads over captured bytes: the only way the decoder touches packet memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace sipscope::capture::detail {

using ByteSpan = std::span<const std::uint8_t>;

inline ByteSpan asBytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

inline std::string_view asText(ByteSpan bytes) { return {reinterpret_cast<const char*>(bytes.data()), bytes.size()}; }

// Callers check the size first; these only assemble bytes in network order.
inline std::uint16_t load16(ByteSpan bytes, std::size_t at) {
    return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

inline std::uint32_t load32(ByteSpan bytes, std::size_t at) {
    return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) |
           (std::uint32_t{bytes[at + 2]} << 8) | std::uint32_t{bytes[at + 3]};
}

inline std::uint32_t load32Le(ByteSpan bytes, std::size_t at) {
    return (std::uint32_t{bytes[at + 3]} << 24) | (std::uint32_t{bytes[at + 2]} << 16) |
           (std::uint32_t{bytes[at + 1]} << 8) | std::uint32_t{bytes[at]};
}

}  // namespace sipscope::capture::detail
