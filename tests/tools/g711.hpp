// G.711 encoders for tests (the project decodes only): written from G.711's segment rules, the inverse of
// decode/audio.hpp's decoders, so a test can make the audio it then reads back.
#pragma once

#include <cstdint>
#include <cstdlib>

namespace sipscope::test {

inline int highestBit(unsigned value) {
    int bit = -1;
    while (value) {
        value >>= 1;
        ++bit;
    }
    return bit;
}

inline std::uint8_t encodePcmu(std::int16_t sample) {
    const bool isNegative = sample < 0;
    int magnitude = std::abs(static_cast<int>(sample));
    magnitude = (magnitude > 32635 ? 32635 : magnitude) + 132;
    const int segment = highestBit(static_cast<unsigned>(magnitude)) - 7;
    const int step = (magnitude >> (segment + 3)) & 0x0f;
    return static_cast<std::uint8_t>(~((isNegative ? 0x80 : 0) | (segment << 4) | step) & 0xff);
}

inline std::uint8_t encodePcma(std::int16_t sample) {
    const bool isNegative = sample < 0;
    const int magnitude = (sample == -32768 ? 32767 : std::abs(static_cast<int>(sample))) >> 3;  // 13-bit scale
    int segment = 0;
    int step = magnitude >> 1;
    if (magnitude >= 32) {
        segment = highestBit(static_cast<unsigned>(magnitude)) - 4;
        step = (magnitude >> segment) & 0x0f;
    }
    return static_cast<std::uint8_t>(((isNegative ? 0 : 0x80) | (segment << 4) | step) ^ 0x55);
}

}  // namespace sipscope::test
