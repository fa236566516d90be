// HEPv3 over TCP (heplify, OpenSIPS' proto_hep, captagent): packets cut from a byte stream by the 16-bit total
// length that follows "HEP3" (HEP3 §2). HEPv1/v2 have no length field and cannot be framed from a stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace sipscope::capture::detail {

// One connection's framer. Its buffer is bounded: at most one incomplete packet (< 65,535 bytes) plus one read.
// Not thread-safe.
class HepStreamFramer {
public:
    static constexpr std::size_t BufferBytes = 2 * 65536;

    enum class Result : std::uint8_t {
        Packet,    // `packet` holds one whole HEPv3 packet
        NeedMore,  // the bytes so far end within a packet (or none are left)
        NotHep,    // the stream cannot be HEPv3 (no "HEP3" magic, or a length below 6): close the connection
    };

    // Where the next read goes (allocated on first use; never empty); the views next() gave are void after it.
    std::span<char> space();
    // `bytes` (at most space().size()) were read into space().
    void commit(std::size_t bytes);
    // The next packet, a view into the buffer valid until space(). Once NotHep, always NotHep.
    Result next(std::string_view& packet);
    // Bytes of an incomplete packet held: at the stream's end, a packet cut short.
    std::size_t pending() const { return m_end - m_begin; }

private:
    std::unique_ptr<char[]> m_buffer;
    std::size_t m_begin = 0;  // first byte not yet handed out
    std::size_t m_end = 0;    // one past the last byte read
    bool m_isBroken = false;
};

}  // namespace sipscope::capture::detail
