// viewer/time_axis.cpp: the calls-per-interval chart's bar interval and clock ticks, by span.
#include "viewer/time_axis.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sipscope::viewer {
namespace {

constexpr std::int64_t Second = 1'000'000;
constexpr std::int64_t Hour = 3600 * Second;
constexpr std::int64_t Day = 24 * Hour;
constexpr std::int64_t Nov25At100627 = 1795601187 * Second;  // 2026-11-25T10:06:27Z
constexpr std::int64_t Nov25At2230 = 1795645800 * Second;    // 2026-11-25T22:30:00Z
constexpr std::int64_t Dec01At205643 = 1796158603 * Second;  // 2026-12-01T20:56:43Z
constexpr std::int64_t Dec31At1200 = 1798718400 * Second;    // 2026-12-31T12:00:00Z

std::vector<std::string> labels(const std::vector<TimeTick>& ticks) {
    std::vector<std::string> out;
    for (const TimeTick& tick : ticks)
        out.push_back(tick.label);
    return out;
}

TEST(TimeAxis, SecondsSpanTicksTheClockInSeconds) {
    const std::int64_t from = Nov25At100627 + 300'000;  // 10:06:27.3
    const std::vector<TimeTick> ticks = timeTicks(from, from + 8 * Second, 6);
    EXPECT_EQ(labels(ticks), (std::vector<std::string>{"10:06:28", "10:06:30", "10:06:32", "10:06:34"}));
    for (const TimeTick& tick : ticks) {
        EXPECT_EQ(tick.atUs % (2 * Second), 0);
        EXPECT_GE(tick.atUs, from);
    }
}

TEST(TimeAxis, HoursSpanTicksInHoursAndNamesTheNewDay) {
    const std::vector<TimeTick> ticks = timeTicks(Nov25At2230, Nov25At2230 + 4 * Hour, 5);
    EXPECT_EQ(labels(ticks), (std::vector<std::string>{"23:00", "11-26", "01:00", "02:00"}));
    EXPECT_EQ(ticks[1].atUs % Day, 0);
}

TEST(TimeAxis, DaysSpanTicksDates) {
    // The samples' span: six days and a half.
    EXPECT_EQ(labels(timeTicks(Nov25At100627, Dec01At205643, 8)),
              (std::vector<std::string>{"11-26", "11-27", "11-28", "11-29", "11-30", "12-01"}));
    // Across a new year the dates carry the year.
    EXPECT_EQ(labels(timeTicks(Dec31At1200, Dec31At1200 + 3 * Day, 4)),
              (std::vector<std::string>{"2027-01-01", "2027-01-02", "2027-01-03"}));
}

TEST(TimeAxis, TicksNeverExceedTheRoomGiven) {
    for (const std::int64_t span : {Second, 90 * Second, 2 * Hour, 3 * Day, 40 * Day, 800 * Day})
        for (const int room : {1, 2, 5, 12}) {
            SCOPED_TRACE(std::to_string(span) + " us, room " + std::to_string(room));
            const std::vector<TimeTick> ticks = timeTicks(Nov25At100627, Nov25At100627 + span, room);
            EXPECT_LE(ticks.size(), static_cast<std::size_t>(room));
            EXPECT_FALSE(ticks.empty());
            for (const TimeTick& tick : ticks) {
                EXPECT_GE(tick.atUs, Nov25At100627);
                EXPECT_LE(tick.atUs, Nov25At100627 + span);
            }
        }
    EXPECT_TRUE(timeTicks(Nov25At100627, Nov25At100627 - 1, 5).empty());
}

TEST(TimeAxis, BarIntervalFollowsTheSpan) {
    EXPECT_EQ(barInterval(0), Second);
    EXPECT_EQ(barInterval(8 * Second), Second);
    EXPECT_EQ(barInterval(4 * 60 * Second), 5 * Second);
    EXPECT_EQ(barInterval(Dec01At205643 - Nov25At100627), 3 * Hour);  // 6.45 days: 52 bars
    EXPECT_EQ(barInterval(365 * Day), 7 * Day);
    EXPECT_EQ(barInterval(3 * 365 * Day), 7 * Day);  // the longest
    for (const std::int64_t span : {Second, 59 * Second, 61 * Second, 7 * Hour, 20 * Day})
        EXPECT_LT(span / barInterval(span), 60) << span;
}

TEST(TimeAxis, IntervalsInWords) {
    EXPECT_EQ(intervalText(Second), "1 s");
    EXPECT_EQ(intervalText(30 * Second), "30 s");
    EXPECT_EQ(intervalText(300 * Second), "5 min");
    EXPECT_EQ(intervalText(3 * Hour), "3 h");
    EXPECT_EQ(intervalText(Day), "1 day");
    EXPECT_EQ(intervalText(7 * Day), "7 days");
}

}  // namespace
}  // namespace sipscope::viewer
