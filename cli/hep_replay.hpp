// When `export hep` sends each message: --pace original keeps the gaps between the messages as captured, --rate N
// spaces them at least 1/N s apart, and both together take whichever is later. Pure arithmetic on the messages'
// times, so tests check the schedule without waiting for it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace sipscope::cli {

class HepReplaySchedule {
public:
    // `ratePerSecond` 0: no limit.
    HepReplaySchedule(bool isOriginalPace, std::uint32_t ratePerSecond);

    // How long after the replay's start the next message (captured at `timestampUs`, given in time order) leaves:
    // never before the one ahead of it, and with --rate never less than 1/N s after it.
    std::chrono::microseconds next(std::int64_t timestampUs);

private:
    bool m_isOriginalPace;
    std::int64_t m_gapUs;  // 1/N s, rounded up so that N messages never fit in less than a second; 0: no limit
    std::optional<std::int64_t> m_firstUs;
    std::optional<std::int64_t> m_lastUs;  // when the message ahead left
};

}  // namespace sipscope::cli
