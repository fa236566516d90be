// WavWriter (export/wav.hpp) fed by decode's AudioTrack: a generated G.711 tone, with packets lost and reordered,
// written as WAV, read back and measured: the tone's frequency, silence where packets were lost, stereo lined up.
#include "decode/audio.hpp"
#include "export/wav.hpp"
#include "tests/tools/wav_check.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace sipscope;
using test::channel;
using test::readWav;
using test::strongestFrequency;
using test::Wav;

constexpr std::int64_t Origin = 1'700'000'000'000'000;
constexpr int PacketSamples = 160;  // 20 ms

// A tone of `hz` as G.711 RTP packets, 20 ms each.
struct ToneStream {
    decode::AudioCodec codec;
    double hz;
    std::vector<std::string> payloads;

    decode::RtpHeader packet(int number) {
        if (payloads.size() <= static_cast<std::size_t>(number))
            payloads.resize(static_cast<std::size_t>(number) + 1);
        std::string& payload = payloads[static_cast<std::size_t>(number)];
        payload = test::g711Tone(codec == decode::AudioCodec::Pcmu, hz, number * PacketSamples, PacketSamples);
        decode::RtpHeader header;
        header.version = 2;
        header.payloadType = codec == decode::AudioCodec::Pcmu ? 0 : 8;
        header.sequence = static_cast<std::uint16_t>(60000 + number);  // wraps on the way
        header.timestamp = 123456u + static_cast<std::uint32_t>(number * PacketSamples);
        header.ssrc = 0x1234;
        header.payload = payload;
        return header;
    }
};

std::int64_t arrival(int number) { return Origin + 20'000 * number + (number % 7) * 1'500; }  // some jitter

TEST(Wav, AG711ToneWithLossAndReorderingDecodesBackToTheTone) {
    for (const decode::AudioCodec codec : {decode::AudioCodec::Pcmu, decode::AudioCodec::Pcma}) {
        SCOPED_TRACE(std::string(decode::audioCodecName(codec)));
        ToneStream tone{codec, 697.0, {}};
        decode::AudioTrack track(codec, codec == decode::AudioCodec::Pcmu ? 0 : 8, Origin);
        std::ostringstream file;
        exports::WavWriter wav(file, 1, decode::AudioTrack::SampleRate);
        std::vector<std::int16_t> out;
        constexpr int Packets = 150;  // 3 s
        for (int n = 0; n < Packets; ++n) {
            if (n % 20 == 10)
                continue;                                                    // 5% lost
            const int sent = n % 10 == 3 ? n + 1 : n % 10 == 4 ? n - 1 : n;  // 3 and 4 of every ten swapped
            track.feed(arrival(n), tone.packet(sent), out);
            wav.write(out);
            out.clear();
        }
        track.finish(track.endSample(), out);
        wav.write(out);
        ASSERT_TRUE(wav.finish());

        const Wav read = readWav(file.str());
        EXPECT_EQ(read.channels, 1);
        EXPECT_EQ(read.sampleRate, 8000u);
        EXPECT_EQ(read.dataSize, read.samples.size() * 2);
        EXPECT_EQ(read.riffSize, read.dataSize + 36);
        ASSERT_EQ(read.samples.size(), static_cast<std::size_t>(Packets * PacketSamples));
        const std::vector<double> samples = channel(read, 0);
        EXPECT_EQ(strongestFrequency(samples, 8000), 697);
        for (int n = 0; n < Packets; ++n) {
            for (int i = 0; i < PacketSamples; ++i) {
                const auto at = static_cast<std::size_t>(n * PacketSamples + i);
                if (n % 20 == 10) {
                    ASSERT_EQ(samples[at], 0) << "packet " << n << " was lost: silence";
                } else {
                    const double expected =
                        12000 * std::sin(2 * std::numbers::pi * 697.0 * static_cast<double>(at) / 8000);
                    ASSERT_NEAR(samples[at], expected, 12000 * 0.07) << "sample " << at;  // G.711's quantisation
                }
            }
        }
    }
}

TEST(Wav, BothDirectionsOfACallAreTheTwoChannelsOfAStereoFile) {
    // The caller says 697 Hz from the start; the answer, 1209 Hz, starts 500 ms later.
    ToneStream caller{decode::AudioCodec::Pcmu, 697.0, {}};
    ToneStream callee{decode::AudioCodec::Pcma, 1209.0, {}};
    decode::AudioTrack left(decode::AudioCodec::Pcmu, 0, Origin);
    decode::AudioTrack right(decode::AudioCodec::Pcma, 8, Origin);
    std::ostringstream file;
    exports::WavWriter wav(file, 2, 8000);
    std::vector<std::int16_t> l, r, frames;
    auto writeFrames = [&] {
        ASSERT_EQ(l.size(), r.size());
        for (std::size_t i = 0; i < l.size(); ++i) {
            frames.push_back(l[i]);
            frames.push_back(r[i]);
        }
        wav.write(frames);
        frames.clear();
        l.clear();
        r.clear();
    };
    for (int n = 0; n < 100; ++n) {
        left.feed(Origin + 20'000 * n, caller.packet(n), l);
        right.flushUntil(Origin + 20'000 * n, r);
        writeFrames();
        if (n >= 25) {
            right.feed(Origin + 20'000 * n + 3'000, callee.packet(n - 25), r);
            left.flushUntil(Origin + 20'000 * n + 3'000, l);
            writeFrames();
        }
    }
    const std::int64_t end = std::max(left.endSample(), right.endSample());
    left.finish(end, l);
    right.finish(end, r);
    writeFrames();
    ASSERT_TRUE(wav.finish());

    const Wav read = readWav(file.str());
    EXPECT_EQ(read.channels, 2);
    const std::vector<double> leftSide = channel(read, 0);
    const std::vector<double> rightSide = channel(read, 1);
    ASSERT_EQ(leftSide.size(), rightSide.size());
    EXPECT_EQ(strongestFrequency(leftSide, 8000), 697);
    EXPECT_EQ(strongestFrequency(rightSide, 8000), 1209);
    // The answer's first sample is where it arrived: 25 packets and 3 ms (24 samples) in.
    const std::size_t answerStart = 25 * PacketSamples + 24;
    for (std::size_t i = 0; i < answerStart; ++i)
        ASSERT_EQ(rightSide[i], 0) << i;
    EXPECT_NE(leftSide[answerStart - 1], 0);
}

TEST(Wav, AStreamThatCannotSeekKeepsTheUnknownSizes) {
    // A pipe: tellp fails, the header's sizes stay at their maximum and the samples still follow it.
    struct NoSeek : std::streambuf {
        std::string bytes;
        int_type overflow(int_type c) override {
            if (c != traits_type::eof())
                bytes.push_back(static_cast<char>(c));
            return c;
        }
    } pipe;
    std::ostream out(&pipe);
    exports::WavWriter wav(out, 1, 8000);
    const std::vector<std::int16_t> samples{1, -2, 3};
    wav.write(samples);
    EXPECT_TRUE(wav.finish());
    const Wav read = readWav(pipe.bytes);
    EXPECT_EQ(read.dataSize, 0xffffffffu - 36);
    EXPECT_EQ(read.samples, samples);
}

}  // namespace
