// SipHash-2-4 (Aumasson and Bernstein, 2012): the keyed hash behind `--redact-key`, so a pseudonym cannot be turned
// back into its input without the key, yet is the same in every export made with it.
#pragma once

#include <cstdint>
#include <string_view>

namespace sipscope::decode::detail {

inline std::uint64_t rotateLeft(std::uint64_t value, int bits) { return (value << bits) | (value >> (64 - bits)); }

inline std::uint64_t sipHash24(std::uint64_t k0, std::uint64_t k1, std::string_view data) {
    std::uint64_t v0 = k0 ^ 0x736f6d6570736575u;
    std::uint64_t v1 = k1 ^ 0x646f72616e646f6du;
    std::uint64_t v2 = k0 ^ 0x6c7967656e657261u;
    std::uint64_t v3 = k1 ^ 0x7465646279746573u;
    auto round = [&] {
        v0 += v1;
        v1 = rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = rotateLeft(v0, 32);
        v2 += v3;
        v3 = rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = rotateLeft(v2, 32);
    };
    auto word = [&](std::size_t at, std::size_t count) {
        std::uint64_t m = 0;
        for (std::size_t i = 0; i < count; ++i)
            m |= static_cast<std::uint64_t>(static_cast<unsigned char>(data[at + i])) << (8 * i);
        return m;
    };
    const std::size_t whole = data.size() / 8 * 8;
    for (std::size_t at = 0; at < whole; at += 8) {
        const std::uint64_t m = word(at, 8);
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }
    const std::uint64_t last = word(whole, data.size() - whole) | (static_cast<std::uint64_t>(data.size()) << 56);
    v3 ^= last;
    round();
    round();
    v0 ^= last;
    v2 ^= 0xff;
    for (int i = 0; i < 4; ++i)
        round();
    return v0 ^ v1 ^ v2 ^ v3;
}

}  // namespace sipscope::decode::detail
