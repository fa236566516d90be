// What the correlator's parts (decode/correlator.cpp, detail/subscriptions.cpp, detail/registrations.cpp) share:
// the layout of the keys of a call's records, the hashing of the identities they are looked up by, and the
// per-call index from such a hash to a record.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace sipscope::decode::detail {

// [SECTION] Record keys

// A transaction, dialog or subscription is keyed (call key << 16) | index, its index in the call counted from 1
// (index 0: none). Keys are unique in the database as long as call keys stay below 2^48.
constexpr std::size_t MaxIndexPerCall = 0xffff;
constexpr std::uint64_t MaxCallKey = (std::uint64_t{1} << 48) - 1;

inline std::uint64_t recordKey(std::uint64_t callKey, std::uint32_t index) {
    assert(index >= 1 && index <= MaxIndexPerCall && "record index outside 1..0xffff: keys of a call would collide");
    assert(callKey >= 1 && callKey <= MaxCallKey && "call key does not fit the 48 bits of a record key");
    return (callKey << 16) | index;
}
// The index in its call of a record key (0 for key 0).
inline std::uint32_t recordIndex(std::uint64_t key) { return static_cast<std::uint32_t>(key & 0xffff); }

// [SECTION] Hashing

inline std::uint64_t mix(std::uint64_t seed, std::uint64_t value) {
    std::uint64_t x = seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    return x;
}

inline std::uint64_t hashText(std::uint64_t seed, std::string_view text) {
    return mix(seed, std::hash<std::string_view>{}(text));
}

// [SECTION] HashIndex

// A map from a 64-bit hash to a 32-bit value, open addressing with linear probing: the per-call indexes of
// transactions, dialogs and subscriptions, which only ever grow. One allocation, no node per entry.
class HashIndex {
public:
    const std::uint32_t* find(std::uint64_t key) const {
        // Most calls hold a few transactions and one dialog: those stay inline, in the entry's own cache lines.
        for (std::size_t i = 0; i < m_inlineCount; ++i)
            if (m_inlineKeys[i] == key)
                return &m_inlineValues[i];
        if (m_slots.empty())
            return nullptr;
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = key & mask;; i = (i + 1) & mask) {
            const Slot& slot = m_slots[i];
            if (!slot.used)
                return nullptr;
            if (slot.key == key)
                return &slot.value;
        }
    }
    // Like emplace: a key already present keeps its value.
    void insert(std::uint64_t key, std::uint32_t value) {
        if (find(key))
            return;
        if (m_inlineCount < InlineCapacity) {
            m_inlineKeys[m_inlineCount] = key;
            m_inlineValues[m_inlineCount++] = value;
            return;
        }
        if ((m_size + 1) * 4 > m_slots.size() * 3)
            grow();
        if (place(key, value))
            ++m_size;
        assert(m_size * 4 <= m_slots.size() * 3 && "HashIndex over 3/4 full: probes may never end");
    }
    std::size_t size() const { return m_inlineCount + m_size; }

private:
    static constexpr std::size_t InlineCapacity = 4;
    struct Slot {
        std::uint64_t key = 0;
        std::uint32_t value = 0;
        bool used = false;
    };
    bool place(std::uint64_t key, std::uint32_t value) {
        assert(!m_slots.empty() && (m_slots.size() & (m_slots.size() - 1)) == 0 &&
               "HashIndex size must be a power of two (the mask)");
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = key & mask;; i = (i + 1) & mask) {
            Slot& slot = m_slots[i];
            if (!slot.used) {
                slot = {key, value, true};
                return true;
            }
            if (slot.key == key)
                return false;
        }
    }
    void grow() {
        std::vector<Slot> old = std::move(m_slots);
        m_slots.assign(old.empty() ? 8 : old.size() * 2, Slot{});
        for (const Slot& slot : old)
            if (slot.used)
                place(slot.key, slot.value);
    }
    std::uint64_t m_inlineKeys[InlineCapacity] = {};
    std::uint32_t m_inlineValues[InlineCapacity] = {};
    std::uint32_t m_inlineCount = 0;
    std::vector<Slot> m_slots;  // the rest
    std::size_t m_size = 0;
};

}  // namespace sipscope::decode::detail
