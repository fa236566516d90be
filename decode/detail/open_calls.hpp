// The table of the correlator's open calls: entries by slot, an open-addressing table from the Call-ID's hash to the
// slot (the Call-ID itself compared on a hit), and the slots in order of activity, least recently active first. What
// an entry holds is the correlator's business; this is only where entries live and how they are found.
#pragma once

#include "decode/detail/call_index.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::decode::detail {

constexpr std::uint32_t NoSlot = 0xffffffffu;

// `Entry` has `summary.callId` (std::string), `callIdHash` and `slot`, which the table sets when it opens one.
template <typename Entry>
class OpenCallTable {
public:
    static std::uint64_t hashOf(std::string_view callId) {
        return mix(0x43616c6c, std::hash<std::string_view>{}(callId));
    }
    // Starts loading the bucket of `hash`, most likely a cache miss, while the caller does other work.
    void prefetch(std::uint64_t hash) const {
        if (!m_table.empty())
            __builtin_prefetch(&m_table[tagOf(hash) & (m_table.size() - 1)]);
    }
    // The slot of the open call with this Call-ID, or NoSlot.
    std::uint32_t find(std::string_view callId, std::uint64_t hash) const {
        if (m_table.empty())
            return NoSlot;
        const std::size_t mask = m_table.size() - 1;
        const std::uint32_t tag = tagOf(hash);
        for (std::size_t i = tag & mask;; i = (i + 1) & mask) {
            const Bucket& bucket = m_table[i];
            if (bucket.slot == NoSlot)
                return NoSlot;
            if (bucket.tag == tag && m_entries[bucket.slot]->summary.callId == callId)
                return bucket.slot;
        }
    }
    std::uint32_t find(std::string_view callId) const { return find(callId, hashOf(callId)); }

    // Opens a call: a fresh entry in a free slot, at the most recent end of the activity list. The Call-ID must not
    // be open already.
    std::uint32_t open(std::string_view callId, std::uint64_t hash) {
        assert(find(callId, hash) == NoSlot && "a Call-ID opened twice: its calls would shadow each other");
        if ((m_count + 1) * 2 > m_table.size()) {
            std::vector<Bucket> old = std::move(m_table);
            m_table.assign(old.empty() ? 1024 : old.size() * 2, Bucket{});
            for (const Bucket& bucket : old)
                if (bucket.slot != NoSlot)
                    placeBucket(bucket.tag, bucket.slot);
        }
        std::uint32_t slot;
        if (!m_freeSlots.empty()) {
            slot = m_freeSlots.back();
            m_freeSlots.pop_back();
        } else {
            assert(m_entries.size() < NoSlot && "open-call slots exhausted");
            slot = static_cast<std::uint32_t>(m_entries.size());
            m_entries.emplace_back();
            m_lruLinks.emplace_back();
        }
        assert(!m_entries[slot] && "a free slot still holds a call");
        m_entries[slot] = std::make_unique<Entry>();
        m_entries[slot]->summary.callId = std::string(callId);
        m_entries[slot]->callIdHash = hash;
        m_entries[slot]->slot = slot;
        placeBucket(tagOf(hash), slot);
        ++m_count;
        lruAppend(slot);
        return slot;
    }
    // Closes a call: its entry handed back, its slot freed.
    std::unique_ptr<Entry> close(std::uint32_t slot) {
        assert(holds(slot) && "closing a slot that holds no call");
        lruUnlink(slot);
        eraseBucket(m_entries[slot]->callIdHash, slot);
        std::unique_ptr<Entry> entry = std::move(m_entries[slot]);
        m_freeSlots.push_back(slot);
        --m_count;
        return entry;
    }
    // Forgets every call at once (after their summaries were moved out).
    void clear() {
        m_entries.clear();
        m_freeSlots.clear();
        m_lruLinks.clear();
        m_lruHead = m_lruTail = NoSlot;
        m_table.clear();
        m_count = 0;
    }

    bool holds(std::uint32_t slot) const { return slot < m_entries.size() && m_entries[slot] != nullptr; }
    Entry& operator[](std::uint32_t slot) const {
        assert(holds(slot) && "no call in this slot");
        return *m_entries[slot];
    }
    std::size_t size() const { return m_count; }

    // The activity list: a message makes its call the most recent.
    void touch(std::uint32_t slot) {
        if (slot == m_lruTail)
            return;
        lruUnlink(slot);
        lruAppend(slot);
    }
    std::uint32_t leastRecent() const { return m_lruHead; }
    std::uint32_t mostRecent() const { return m_lruTail; }
    std::uint32_t moreRecent(std::uint32_t slot) const { return m_lruLinks[slot].next; }
    std::uint32_t lessRecent(std::uint32_t slot) const { return m_lruLinks[slot].prev; }

private:
    // 8 bytes: the upper half of the Call-ID's hash (its low bits place the bucket too) and the slot.
    struct Bucket {
        std::uint32_t tag = 0;
        std::uint32_t slot = NoSlot;  // NoSlot: empty
    };
    static std::uint32_t tagOf(std::uint64_t hash) { return static_cast<std::uint32_t>(hash >> 32); }
    struct LruLink {
        std::uint32_t prev = NoSlot;
        std::uint32_t next = NoSlot;
    };

    void placeBucket(std::uint32_t tag, std::uint32_t slot) {
        assert(m_count < m_table.size() / 2 + 1 && "open-call table over half full: probe chains grow long");
        const std::size_t mask = m_table.size() - 1;
        std::size_t i = tag & mask;
        while (m_table[i].slot != NoSlot)
            i = (i + 1) & mask;
        m_table[i] = {tag, slot};
    }
    // Removes the call's bucket from the table (backward-shift deletion keeps every probe chain unbroken).
    void eraseBucket(std::uint64_t hash, std::uint32_t slot) {
        const std::size_t mask = m_table.size() - 1;
        std::size_t i = tagOf(hash) & mask;
        while (m_table[i].slot != slot)
            i = (i + 1) & mask;
        for (std::size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
            if (m_table[j].slot == NoSlot)
                break;
            const std::size_t home = m_table[j].tag & mask;
            // Move j back into the hole at i unless its home lies cyclically in (i, j].
            const bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!stays) {
                m_table[i] = m_table[j];
                i = j;
            }
        }
        m_table[i] = Bucket{};
    }
    void lruUnlink(std::uint32_t slot) {
        LruLink& link = m_lruLinks[slot];
        (link.prev == NoSlot ? m_lruHead : m_lruLinks[link.prev].next) = link.next;
        (link.next == NoSlot ? m_lruTail : m_lruLinks[link.next].prev) = link.prev;
        link = {};
    }
    void lruAppend(std::uint32_t slot) {
        m_lruLinks[slot] = {m_lruTail, NoSlot};
        (m_lruTail == NoSlot ? m_lruHead : m_lruLinks[m_lruTail].next) = slot;
        m_lruTail = slot;
    }

    std::vector<std::unique_ptr<Entry>> m_entries;  // by slot; null when free
    std::vector<std::uint32_t> m_freeSlots;
    std::vector<LruLink> m_lruLinks;  // by slot
    std::uint32_t m_lruHead = NoSlot;
    std::uint32_t m_lruTail = NoSlot;
    std::vector<Bucket> m_table;  // power-of-two size, at most half full
    std::size_t m_count = 0;
};

}  // namespace sipscope::decode::detail
