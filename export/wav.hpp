// WAV files (RIFF, 16-bit linear PCM) written as the samples come, for `sipscope export audio` (issue 15).
#pragma once

#include <cstdint>
#include <ostream>
#include <span>

namespace sipscope::exports {

// Writes a canonical 44-byte header, then the samples (interleaved when there are two channels). The header's sizes
// are patched by finish() when the stream can seek back (a file); on a pipe they stay at their "unknown" maximum,
// which players read as "to the end of the data". A WAV holds at most 4 GiB of samples: what would go past that is
// not written and is counted in samplesCut.
class WavWriter {
public:
    WavWriter(std::ostream& out, std::uint16_t channels, std::uint32_t sampleRate);

    void write(std::span<const std::int16_t> interleaved);
    // Patches the sizes; call once, after the last write. Returns false when the stream failed.
    bool finish();

    std::uint64_t framesWritten() const { return m_samples / m_channels; }
    std::uint64_t samplesCut() const { return m_cut; }

private:
    std::ostream& m_out;
    std::uint16_t m_channels;
    std::uint32_t m_sampleRate = 0;
    std::streampos m_start;
    std::uint64_t m_samples = 0;
    std::uint64_t m_cut = 0;
};

}  // namespace sipscope::exports
