// The time axis of the calls-per-interval chart, by the span it covers: the interval its bars count (1 s to 1 week,
// at most a few dozen bars) and tick labels at round times of the UTC clock, read as a person would write them:
// 12:00:05 for seconds, 12:05 for minutes and hours (the date, 11-26, where a day begins), 11-26 for days. No ImGui:
// unit-tested on its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sipscope::viewer {

struct TimeTick {
    std::int64_t atUs = 0;  // a multiple of the step, in µs since 1970 (UTC)
    std::string label;
};

// The shortest round interval (1, 2, 5, 10, 15, 30 s; 1, 2, 5, 10, 15, 30 min; 1, 2, 3, 6, 12 h; 1, 7 days) that
// cuts `spanUs` into at most `maxBars` intervals; 7 days for longer spans.
std::int64_t barInterval(std::int64_t spanUs, int maxBars = 60);

// An interval as words: "1 s", "30 s", "5 min", "1 h", "12 h", "1 day", "7 days".
std::string intervalText(std::int64_t intervalUs);

// Ticks at the multiples of the shortest round step (as barInterval, and 14, 30, 91, 182, 365 days) that puts at most
// `maxTicks` of them in [fromUs, toUs] (at least one tick when the span holds a whole second). Labels: HH:MM:SS for a
// step under a minute, HH:MM under a day (MM-DD at midnight), MM-DD from a day up (YYYY-MM-DD when the span is not
// within one year).
std::vector<TimeTick> timeTicks(std::int64_t fromUs, std::int64_t toUs, int maxTicks);

}  // namespace sipscope::viewer
