// WavWriter (export/wav.hpp). RIFF is little-endian: every field is written byte by byte, whatever the host.
#include "export/wav.hpp"

#include <array>
#include <cstddef>
#include <limits>

namespace sipscope::exports {

namespace {

constexpr std::uint32_t HeaderBytes = 44;
constexpr std::uint64_t MaxDataBytes = std::numeric_limits<std::uint32_t>::max() - HeaderBytes;

void put16(std::ostream& out, std::uint16_t value) {
    const std::array<char, 2> bytes{static_cast<char>(value & 0xff), static_cast<char>(value >> 8)};
    out.write(bytes.data(), bytes.size());
}

void put32(std::ostream& out, std::uint32_t value) {
    put16(out, static_cast<std::uint16_t>(value & 0xffff));
    put16(out, static_cast<std::uint16_t>(value >> 16));
}

// RIFF chunk size (all that follows its 8-byte header) and the data chunk's size, for `dataBytes` of samples.
void putSizes(std::ostream& out, std::uint32_t riffSize, std::uint32_t dataSize, std::uint16_t channels,
              std::uint32_t sampleRate) {
    out.write("RIFF", 4);
    put32(out, riffSize);
    out.write("WAVE", 4);
    out.write("fmt ", 4);
    put32(out, 16);  // the PCM format chunk's size
    put16(out, 1);   // PCM
    put16(out, channels);
    put32(out, sampleRate);
    put32(out, sampleRate * channels * 2u);                 // bytes per second
    put16(out, static_cast<std::uint16_t>(channels * 2u));  // bytes per frame
    put16(out, 16);                                         // bits per sample
    out.write("data", 4);
    put32(out, dataSize);
}

}  // namespace

WavWriter::WavWriter(std::ostream& out, std::uint16_t channels, std::uint32_t sampleRate)
    : m_out(out), m_channels(channels == 0 ? 1 : channels), m_sampleRate(sampleRate), m_start(out.tellp()) {
    m_out.clear(m_out.rdstate() & ~std::ios::failbit);  // tellp on a pipe fails; the stream stays usable
    putSizes(m_out, std::numeric_limits<std::uint32_t>::max(), std::numeric_limits<std::uint32_t>::max() - 36,
             m_channels, m_sampleRate);
}

void WavWriter::write(std::span<const std::int16_t> interleaved) {
    for (const std::int16_t sample : interleaved) {
        if ((m_samples + 1) * 2 > MaxDataBytes) {
            ++m_cut;
            continue;
        }
        put16(m_out, static_cast<std::uint16_t>(sample));
        ++m_samples;
    }
}

bool WavWriter::finish() {
    if (m_samples % m_channels) {  // a frame cut in two at the size limit: pad it
        put16(m_out, 0);
        ++m_samples;
    }
    const auto dataBytes = static_cast<std::uint32_t>(m_samples * 2);
    if (m_start != std::streampos(-1)) {
        const std::streampos end = m_out.tellp();
        m_out.seekp(m_start);
        if (m_out) {
            putSizes(m_out, dataBytes + HeaderBytes - 8, dataBytes, m_channels, m_sampleRate);
            m_out.seekp(end);
        }
        m_out.clear(m_out.rdstate() & ~std::ios::failbit);  // a stream that cannot seek keeps the first header
    }
    m_out.flush();
    return static_cast<bool>(m_out);
}

}  // namespace sipscope::exports
