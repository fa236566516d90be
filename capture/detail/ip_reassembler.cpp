// Fragment reassembly (RFC 791 §3.2, RFC 8200 §4.5), tolerant of overlaps and duplicates, bounded everywhere.
#include "capture/detail/ip_reassembler.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace sipscope::capture::detail {
namespace {

// A hostile sender can make every fragment leave a hole; past this many holes the datagram is abandoned.
constexpr std::size_t MaxRangesPerDatagram = 256;

}  // namespace

std::size_t FragmentKeyHash::operator()(const FragmentKey& key) const {
    std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a
    auto mix = [&hash](std::uint8_t byte) {
        hash ^= byte;
        hash *= 1099511628211ULL;
    };
    for (std::uint8_t byte : key.src.bytes)
        mix(byte);
    for (std::uint8_t byte : key.dst.bytes)
        mix(byte);
    for (int shift = 0; shift < 32; shift += 8)
        mix(static_cast<std::uint8_t>(key.id >> shift));
    mix(key.protocol);
    mix(key.src.version);
    return static_cast<std::size_t>(hash);
}

IpReassembler::IpReassembler(const DecoderLimits& limits, DecoderStats& stats) : m_limits(limits), m_stats(stats) {}

std::optional<ReassembledDatagram> IpReassembler::add(const FragmentKey& key, std::uint32_t offset,
                                                      bool hasMoreFragments, ByteSpan payload, std::uint8_t protocol,
                                                      std::int64_t nowUs) {
    ++m_stats.fragments;
    expire(nowUs);

    const std::uint64_t end = std::uint64_t{offset} + payload.size();
    auto it = m_datagrams.find(key);
    if (end > m_limits.maxDatagramBytes) {
        // Larger than any datagram we accept: the whole datagram is lost, not just this fragment.
        if (it != m_datagrams.end())
            abandon(it, false);
        else
            ++m_stats.fragmentsIncomplete;
        return std::nullopt;
    }

    if (it == m_datagrams.end()) {
        while (m_datagrams.size() >= m_limits.maxFragmentedDatagrams && evictOldest()) {}
        if (m_datagrams.size() >= m_limits.maxFragmentedDatagrams) {
            ++m_stats.fragmentsIncomplete;
            ++m_stats.fragmentsEvicted;
            return std::nullopt;
        }
        Datagram datagram;
        datagram.firstSeenUs = nowUs;
        datagram.generation = m_nextGeneration++;
        it = m_datagrams.emplace(key, std::move(datagram)).first;
        assert(m_datagrams.size() <= m_limits.maxFragmentedDatagrams && "IpReassembler: datagram table over its cap");
        m_ages.push_back({nowUs, key, it->second.generation});
        if (m_ages.size() > 4 * m_limits.maxFragmentedDatagrams + 64)
            compactAges();
    }

    Datagram& datagram = it->second;
    if (!hasMoreFragments) {
        // RFC 791: the fragment without MF fixes the length; a second, different "last" one is contradictory.
        if (datagram.hasLastFragment && datagram.totalLength != end) {
            abandon(it, false);
            return std::nullopt;
        }
        datagram.hasLastFragment = true;
        datagram.totalLength = static_cast<std::uint32_t>(end);
    }
    if (offset == 0) {
        datagram.hasFirstFragment = true;
        datagram.protocol = protocol;
    }

    if (end > datagram.bytes.size()) {
        const std::size_t growth = end - datagram.bytes.size();
        while (m_totalBytes + growth > m_limits.maxFragmentBytesTotal && m_datagrams.size() > 1) {
            if (!evictOldest())
                break;
            it = m_datagrams.find(key);
            if (it == m_datagrams.end())
                return std::nullopt;  // this datagram was itself the oldest
        }
        if (m_totalBytes + growth > m_limits.maxFragmentBytesTotal) {
            abandon(m_datagrams.find(key), true);
            return std::nullopt;
        }
        m_totalBytes += growth;
        assert(m_totalBytes <= m_limits.maxFragmentBytesTotal && "IpReassembler: held fragment bytes over their cap");
        it->second.bytes.resize(end);
    }
    Datagram& target = it->second;
    // Overlapping fragments: the newest bytes win (what Linux does since it stopped accepting overlaps
    // matters less here than never reading outside the buffer).
    assert(end <= target.bytes.size() && "IpReassembler: fragment past its datagram's buffer");
    if (!payload.empty())
        std::memcpy(target.bytes.data() + offset, payload.data(), payload.size());

    // Insert [offset, end) into the sorted, merged range list.
    auto& ranges = target.ranges;
    std::uint32_t begin = offset;
    std::uint32_t finish = static_cast<std::uint32_t>(end);
    auto first = std::lower_bound(ranges.begin(), ranges.end(), begin,
                                  [](const auto& range, std::uint32_t value) { return range.second < value; });
    auto last = first;
    while (last != ranges.end() && last->first <= finish) {
        begin = std::min(begin, last->first);
        finish = std::max(finish, last->second);
        ++last;
    }
    first = ranges.erase(first, last);
    ranges.insert(first, {begin, finish});
    if (ranges.size() > MaxRangesPerDatagram) {
        abandon(it, false);
        return std::nullopt;
    }

    const bool isComplete = target.hasLastFragment && target.hasFirstFragment && ranges.size() == 1 &&
                            ranges[0].first == 0 && ranges[0].second == target.totalLength;
    if (!isComplete)
        return std::nullopt;

    assert(target.bytes.size() == target.totalLength && "IpReassembler: a complete datagram's buffer is its length");
    assert(m_totalBytes >= target.bytes.size() && "IpReassembler: held bytes counted short");
    m_totalBytes -= std::min(m_totalBytes, target.bytes.size());
    ReassembledDatagram completed{std::move(target.bytes), target.protocol};
    completed.payload.resize(target.totalLength);
    m_datagrams.erase(it);
    ++m_stats.datagramsReassembled;
    return completed;
}

void IpReassembler::abandon(Table::iterator it, bool isEviction) {
    if (it == m_datagrams.end())
        return;
    assert(m_totalBytes >= it->second.bytes.size() && "IpReassembler: held bytes counted short");
    m_totalBytes -= std::min(m_totalBytes, it->second.bytes.size());
    m_datagrams.erase(it);
    ++m_stats.fragmentsIncomplete;
    if (isEviction)
        ++m_stats.fragmentsEvicted;
}

bool IpReassembler::evictOldest() {
    while (!m_ages.empty()) {
        AgeEntry entry = m_ages.front();
        m_ages.pop_front();
        auto it = m_datagrams.find(entry.key);
        if (it != m_datagrams.end() && it->second.generation == entry.generation) {
            abandon(it, true);
            return true;
        }
    }
    return false;
}

void IpReassembler::expire(std::int64_t nowUs) {
    while (!m_ages.empty()) {
        const AgeEntry& entry = m_ages.front();
        auto it = m_datagrams.find(entry.key);
        const bool isLive = it != m_datagrams.end() && it->second.generation == entry.generation;
        if (isLive && nowUs - entry.firstSeenUs <= m_limits.fragmentTimeoutUs)
            break;
        m_ages.pop_front();
        if (isLive)
            abandon(it, false);
    }
}

void IpReassembler::compactAges() {
    std::deque<AgeEntry> live;
    for (const AgeEntry& entry : m_ages) {
        auto it = m_datagrams.find(entry.key);
        if (it != m_datagrams.end() && it->second.generation == entry.generation)
            live.push_back(entry);
    }
    m_ages.swap(live);
}

void IpReassembler::finish() {
    m_stats.fragmentsIncomplete += m_datagrams.size();
    m_datagrams.clear();
    m_ages.clear();
    m_totalBytes = 0;
}

}  // namespace sipscope::capture::detail
