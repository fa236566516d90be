// One call captured at several points of its path (issue 16's multi-point import): the same message seen in two
// capture files (same Call-ID, CSeq, top Via branch, tags, method or status, and hop) is one message, not a
// retransmission; and the clock offset between two files is the median of the time differences of such pairs.
#pragma once

#include "decode/sip_message.hpp"

#include "capture/packet.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace sipscope::decode {

// The identity of a message on its hop, the one retransmission detection uses (RFC 3261 §17): a retransmission and a
// copy of the message captured elsewhere on the same hop share it.
std::uint64_t hopSignature(const SipMessageView& message, const capture::Endpoint& src, const capture::Endpoint& dst);

// Tells the copies of a message seen at another capture point from its retransmissions: the n-th time a capture has a
// signature matches the n-th time another capture had it. Bounded: signatures not seen for a minute are forgotten
// once `maxTracked` are held, and beyond that new ones are not tracked (counted). Not thread-safe.
class CapturePointCopies {
public:
    explicit CapturePointCopies(std::size_t maxTracked = 1u << 20) : m_maxTracked(maxTracked) {}

    // Whether the message with this signature, from capture `captureId` at `timestampUs`, is a copy of one another
    // capture already gave (keep it once); false for its first sighting and for retransmissions.
    bool isCopy(std::uint64_t signature, std::int64_t captureId, std::int64_t timestampUs);
    std::uint64_t copies() const { return m_copies; }
    std::uint64_t untracked() const { return m_untracked; }

private:
    struct Seen {
        std::int64_t lastUs = 0;
        std::vector<std::pair<std::int64_t, std::uint32_t>> counts;  // capture id, times seen there
    };
    void forgetOld(std::int64_t nowUs);

    std::size_t m_maxTracked;
    std::unordered_map<std::uint64_t, Seen> m_seen;
    std::uint64_t m_copies = 0, m_untracked = 0;
};

// The clock offset of one capture against a reference capture: what to subtract from its times.
struct ClockOffset {
    std::int64_t offsetUs = 0;  // median of (its time - the reference's time) over the messages both have
    std::size_t pairs = 0;      // messages seen in both
};

// Collects each capture's first sighting of each signature (up to `maxPerCapture`), then estimates offsets.
class ClockOffsetEstimator {
public:
    explicit ClockOffsetEstimator(std::size_t maxPerCapture = 200'000) : m_maxPerCapture(maxPerCapture) {}

    void add(std::size_t capture, std::uint64_t signature, std::int64_t timestampUs);
    // The offset of `capture` against `reference`; nullopt when they have no message in common.
    std::optional<ClockOffset> offset(std::size_t capture, std::size_t reference) const;

private:
    std::size_t m_maxPerCapture;
    std::vector<std::unordered_map<std::uint64_t, std::int64_t>> m_firstSeen;  // per capture
};

}  // namespace sipscope::decode
