// HEPv3 framing of a TCP stream.
#include "capture/detail/hep_stream.hpp"

#include <algorithm>
#include <cstring>

namespace sipscope::capture::detail {

namespace {

constexpr std::string_view Magic = "HEP3";
constexpr std::size_t HeaderBytes = 6;  // "HEP3", total length (the header included)

}  // namespace

std::span<char> HepStreamFramer::space() {
    if (!m_buffer)
        m_buffer = std::make_unique<char[]>(BufferBytes);
    // What is left is less than one packet, so moving it to the front leaves room for a whole packet.
    if (m_begin == m_end) {
        m_begin = m_end = 0;
    } else if (BufferBytes - m_end < BufferBytes / 2) {
        std::memmove(m_buffer.get(), m_buffer.get() + m_begin, m_end - m_begin);
        m_end -= m_begin;
        m_begin = 0;
    }
    return {m_buffer.get() + m_end, BufferBytes - m_end};
}

void HepStreamFramer::commit(std::size_t bytes) { m_end += std::min(bytes, BufferBytes - m_end); }

HepStreamFramer::Result HepStreamFramer::next(std::string_view& packet) {
    if (m_isBroken)
        return Result::NotHep;
    const std::string_view held(m_buffer.get() + m_begin, m_end - m_begin);
    // The magic is checked as far as it has arrived, so garbage is found whatever the reads' sizes.
    const std::size_t magicHeld = std::min(held.size(), Magic.size());
    if (held.substr(0, magicHeld) != Magic.substr(0, magicHeld)) {
        m_isBroken = true;
        return Result::NotHep;
    }
    if (held.size() < HeaderBytes)
        return Result::NeedMore;
    const std::size_t length =
        static_cast<std::size_t>(static_cast<unsigned char>(held[4]) << 8 | static_cast<unsigned char>(held[5]));
    if (length < HeaderBytes) {
        m_isBroken = true;
        return Result::NotHep;
    }
    if (held.size() < length)
        return Result::NeedMore;
    packet = held.substr(0, length);
    m_begin += length;
    return Result::Packet;
}

}  // namespace sipscope::capture::detail
