// Reading back the WAV files sipscope writes and measuring their audio: a canonical PCM WAV parsed with every fixed
// field checked, one channel of it, the strongest frequency by the Goertzel recurrence, and G.711 tones to make it.
#pragma once

#include "tests/tools/g711.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

namespace sipscope::test {

struct Wav {
    std::uint16_t channels = 0;
    std::uint32_t sampleRate = 0;
    std::uint32_t riffSize = 0;
    std::uint32_t dataSize = 0;
    std::vector<std::int16_t> samples;  // interleaved
};

inline std::uint32_t littleEndian(const std::string& bytes, std::size_t at, int width) {
    std::uint32_t value = 0;
    for (int i = width - 1; i >= 0; --i)
        value = value << 8 | static_cast<unsigned char>(bytes.at(at + static_cast<std::size_t>(i)));
    return value;
}

// Reads a canonical PCM WAV, checking every fixed field.
inline Wav readWav(const std::string& bytes) {
    Wav wav;
    if (bytes.size() < 44) {
        ADD_FAILURE() << "a WAV of " << bytes.size() << " bytes: shorter than its header";
        return wav;
    }
    EXPECT_EQ(bytes.substr(0, 4), "RIFF");
    EXPECT_EQ(bytes.substr(8, 8), "WAVEfmt ");
    EXPECT_EQ(littleEndian(bytes, 16, 4), 16u);
    EXPECT_EQ(littleEndian(bytes, 20, 2), 1u);  // PCM
    wav.channels = static_cast<std::uint16_t>(littleEndian(bytes, 22, 2));
    wav.sampleRate = littleEndian(bytes, 24, 4);
    EXPECT_EQ(littleEndian(bytes, 28, 4), wav.sampleRate * wav.channels * 2);
    EXPECT_EQ(littleEndian(bytes, 32, 2), wav.channels * 2u);
    EXPECT_EQ(littleEndian(bytes, 34, 2), 16u);
    EXPECT_EQ(bytes.substr(36, 4), "data");
    wav.riffSize = littleEndian(bytes, 4, 4);
    wav.dataSize = littleEndian(bytes, 40, 4);
    for (std::size_t at = 44; at + 1 < bytes.size(); at += 2)
        wav.samples.push_back(static_cast<std::int16_t>(littleEndian(bytes, at, 2)));
    return wav;
}

// One channel of the interleaved samples.
inline std::vector<double> channel(const Wav& wav, int which) {
    std::vector<double> out;
    for (std::size_t i = static_cast<std::size_t>(which); i < wav.samples.size(); i += wav.channels)
        out.push_back(wav.samples[i]);
    return out;
}

// The frequency (1 Hz steps, 200-3400 Hz) with the most power in `samples`, by the Goertzel recurrence.
inline int strongestFrequency(const std::vector<double>& samples, double rate) {
    int best = 0;
    double bestPower = -1;
    for (int f = 200; f <= 3400; ++f) {
        const double coefficient = 2 * std::cos(2 * std::numbers::pi * f / rate);
        double s1 = 0, s2 = 0;
        for (const double x : samples) {
            const double s0 = x + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        const double power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
        if (power > bestPower) {
            bestPower = power;
            best = f;
        }
    }
    return best;
}

// `count` samples of a sine of `hz` at 8 kHz from sample `first` on, amplitude 12000, G.711 encoded (µ-law when
// `isMuLaw`, else A-law): the payload of an RTP packet of a tone.
inline std::string g711Tone(bool isMuLaw, double hz, std::int64_t first, int count) {
    std::string payload;
    for (int i = 0; i < count; ++i) {
        const double t = static_cast<double>(first + i) / 8000.0;
        const auto sample = static_cast<std::int16_t>(std::lround(12000 * std::sin(2 * std::numbers::pi * hz * t)));
        payload.push_back(static_cast<char>(isMuLaw ? encodePcmu(sample) : encodePcma(sample)));
    }
    return payload;
}

}  // namespace sipscope::test
