// The send times of `export hep`.
#include "cli/hep_replay.hpp"

#include <algorithm>

namespace sipscope::cli {

HepReplaySchedule::HepReplaySchedule(bool isOriginalPace, std::uint32_t ratePerSecond)
    : m_isOriginalPace(isOriginalPace),
      m_gapUs(ratePerSecond == 0 ? 0 : (std::int64_t{1'000'000} + ratePerSecond - 1) / ratePerSecond) {}

std::chrono::microseconds HepReplaySchedule::next(std::int64_t timestampUs) {
    std::int64_t atUs = 0;
    if (m_isOriginalPace) {
        if (!m_firstUs)
            m_firstUs = timestampUs;
        atUs = std::max<std::int64_t>(0, timestampUs - *m_firstUs);
    }
    if (m_lastUs)
        atUs = std::max(atUs, *m_lastUs + m_gapUs);
    m_lastUs = atUs;
    return std::chrono::microseconds(atUs);
}

}  // namespace sipscope::cli
