// Copies of a message seen at two capture points, and the clock offset between captures from them.
#include "decode/capture_points.hpp"

#include "decode/detail/retransmissions.hpp"

#include <algorithm>

namespace sipscope::decode {

namespace {

// A signature unseen this long is done with: Timer B/F (64×T1) has long ended every transaction it belongs to.
constexpr std::int64_t ForgetAfterUs = 60'000'000;

}  // namespace

std::uint64_t hopSignature(const SipMessageView& message, const capture::Endpoint& src, const capture::Endpoint& dst) {
    return detail::Retransmissions::signature(message, MessageMeta{0, src, dst, capture::Transport::Udp});
}

bool CapturePointCopies::isCopy(std::uint64_t signature, std::int64_t captureId, std::int64_t timestampUs) {
    auto found = m_seen.find(signature);
    if (found == m_seen.end()) {
        if (m_seen.size() >= m_maxTracked)
            forgetOld(timestampUs);
        if (m_seen.size() >= m_maxTracked) {
            ++m_untracked;
            return false;
        }
        found = m_seen.emplace(signature, Seen{}).first;
    }
    Seen& seen = found->second;
    seen.lastUs = std::max(seen.lastUs, timestampUs);
    std::uint32_t mostElsewhere = 0;
    std::uint32_t* own = nullptr;
    for (auto& [capture, count] : seen.counts) {
        if (capture == captureId)
            own = &count;
        else
            mostElsewhere = std::max(mostElsewhere, count);
    }
    if (own == nullptr)
        own = &seen.counts.emplace_back(captureId, 0).second;
    // The n-th sighting in this capture is the n-th of another one: the same packet seen twice. Beyond what any other
    // capture saw, it is a new sending (the first one, or a retransmission).
    const bool isCopy = *own < mostElsewhere;
    ++*own;
    m_copies += isCopy ? 1 : 0;
    return isCopy;
}

void CapturePointCopies::forgetOld(std::int64_t nowUs) {
    std::erase_if(m_seen, [nowUs](const auto& entry) { return entry.second.lastUs < nowUs - ForgetAfterUs; });
}

void ClockOffsetEstimator::add(std::size_t capture, std::uint64_t signature, std::int64_t timestampUs) {
    if (m_firstSeen.size() <= capture)
        m_firstSeen.resize(capture + 1);
    auto& seen = m_firstSeen[capture];
    if (seen.size() < m_maxPerCapture)
        seen.emplace(signature, timestampUs);  // the first sighting stays
}

std::optional<ClockOffset> ClockOffsetEstimator::offset(std::size_t capture, std::size_t reference) const {
    if (capture >= m_firstSeen.size() || reference >= m_firstSeen.size())
        return std::nullopt;
    std::vector<std::int64_t> differences;
    for (const auto& [signature, timestampUs] : m_firstSeen[capture]) {
        const auto other = m_firstSeen[reference].find(signature);
        if (other != m_firstSeen[reference].end())
            differences.push_back(timestampUs - other->second);
    }
    if (differences.empty())
        return std::nullopt;
    // The median: a few pairs far off (a message resent much later, a signature that happens to repeat) move it not.
    const auto middle = differences.begin() + static_cast<std::ptrdiff_t>(differences.size() / 2);
    std::nth_element(differences.begin(), middle, differences.end());
    return ClockOffset{*middle, differences.size()};
}

}  // namespace sipscope::decode
