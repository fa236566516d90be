// IPv4 and IPv6 fragment reassembly with hard limits: datagrams in flight, bytes per datagram, total bytes, age.
#pragma once

#include "capture/detail/bytes.hpp"
#include "capture/packet.hpp"
#include "capture/packet_decoder.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sipscope::capture::detail {

struct FragmentKey {
    IpAddress src;
    IpAddress dst;
    std::uint32_t id = 0;
    std::uint8_t protocol = 0;  // IPv4's protocol; 0 for IPv6, whose fragments carry it only in the first
    bool operator==(const FragmentKey&) const = default;
};

struct FragmentKeyHash {
    std::size_t operator()(const FragmentKey& key) const;
};

struct ReassembledDatagram {
    std::vector<std::uint8_t> payload;  // the IP payload, now owned by the caller
    std::uint8_t protocol = 0;          // the first fragment's (next) header value
};

class IpReassembler {
public:
    IpReassembler(const DecoderLimits& limits, DecoderStats& stats);

    // Adds one fragment: `payload` starts at byte `offset` of the datagram's payload. `protocol` is the
    // next-header value when this is the first fragment. Returns the whole datagram when this one completes it.
    std::optional<ReassembledDatagram> add(const FragmentKey& key, std::uint32_t offset, bool hasMoreFragments,
                                           ByteSpan payload, std::uint8_t protocol, std::int64_t nowUs);
    // Abandons the datagrams older than the timeout at capture time `nowUs` (counted as incomplete).
    void expire(std::int64_t nowUs);
    // Abandons everything still waiting (end of input).
    void finish();
    std::size_t datagramsInFlight() const { return m_datagrams.size(); }

private:
    struct Datagram {
        std::vector<std::uint8_t> bytes;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;  // received [begin, end), sorted, merged
        std::uint32_t totalLength = 0;
        bool hasLastFragment = false;
        bool hasFirstFragment = false;
        std::uint8_t protocol = 0;
        std::int64_t firstSeenUs = 0;
        std::uint64_t generation = 0;
    };
    struct AgeEntry {
        std::int64_t firstSeenUs;
        FragmentKey key;
        std::uint64_t generation;
    };
    using Table = std::unordered_map<FragmentKey, Datagram, FragmentKeyHash>;

    void abandon(Table::iterator it, bool isEviction);
    bool evictOldest();
    void compactAges();

    DecoderLimits m_limits;
    DecoderStats& m_stats;
    Table m_datagrams;
    std::deque<AgeEntry> m_ages;  // insertion order, which is capture order; stale entries skipped lazily
    std::uint64_t m_nextGeneration = 1;
    std::size_t m_totalBytes = 0;
};

}  // namespace sipscope::capture::detail
