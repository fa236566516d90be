// HepReplaySchedule: the times `export hep` sends at, for --pace fast|original and --rate N, computed without
// sleeping: the order kept, and with --rate never more than N messages in a second.
#include "cli/hep_replay.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace sipscope::cli {
namespace {

std::vector<std::int64_t> scheduleOf(bool isOriginalPace, std::uint32_t rate, const std::vector<std::int64_t>& times) {
    HepReplaySchedule schedule(isOriginalPace, rate);
    std::vector<std::int64_t> at;
    for (const std::int64_t timestampUs : times)
        at.push_back(schedule.next(timestampUs).count());
    return at;
}

// Captured at 1.0 s, 1.1 s, 2.0 s, 2.0 s, 2.05 s (µs from an epoch far away, as real times are).
const std::vector<std::int64_t> Captured = {1'700'000'001'000'000, 1'700'000'001'100'000, 1'700'000'002'000'000,
                                            1'700'000'002'000'000, 1'700'000'002'050'000};

TEST(HepReplaySchedule, FastSendsAllAtOnce) {
    EXPECT_EQ(scheduleOf(false, 0, Captured), (std::vector<std::int64_t>{0, 0, 0, 0, 0}));
}

TEST(HepReplaySchedule, OriginalKeepsTheCapturedGaps) {
    EXPECT_EQ(scheduleOf(true, 0, Captured), (std::vector<std::int64_t>{0, 100'000, 1'000'000, 1'000'000, 1'050'000}));
}

TEST(HepReplaySchedule, RateSpacesThemOneNthOfASecondApart) {
    EXPECT_EQ(scheduleOf(false, 4, Captured), (std::vector<std::int64_t>{0, 250'000, 500'000, 750'000, 1'000'000}));
    // 1/3 s is rounded up, so three messages never fit in less than a second.
    EXPECT_EQ(scheduleOf(false, 3, Captured), (std::vector<std::int64_t>{0, 333'334, 666'668, 1'000'002, 1'333'336}));
}

TEST(HepReplaySchedule, OriginalPaceWithARateTakesTheLater) {
    // The gaps of 100 ms and more stay; the equal and close times are pushed 100 ms (--rate 10) apart.
    EXPECT_EQ(scheduleOf(true, 10, Captured), (std::vector<std::int64_t>{0, 100'000, 1'000'000, 1'100'000, 1'200'000}));
}

TEST(HepReplaySchedule, NeverMoreThanTheRateInAnySecondAndInOrder) {
    std::mt19937 random(9);
    for (int round = 0; round < 200; ++round) {
        const auto rate = static_cast<std::uint32_t>(1 + random() % 2000);
        const bool isOriginalPace = random() % 2 == 0;
        std::vector<std::int64_t> times(1 + random() % 3000);
        std::int64_t now = 1'600'000'000'000'000;
        for (std::int64_t& time : times)
            time = now += random() % 4 == 0 ? 0 : random() % 5000;
        const std::vector<std::int64_t> at = scheduleOf(isOriginalPace, rate, times);
        ASSERT_EQ(at.size(), times.size());
        SCOPED_TRACE("rate " + std::to_string(rate) + (isOriginalPace ? ", original pace" : ", fast"));
        for (std::size_t i = 1; i < at.size(); ++i) {
            ASSERT_GE(at[i] - at[i - 1], 1'000'000 / rate) << "message " << i;
            if (isOriginalPace) {
                ASSERT_GE(at[i], times[i] - times[0]) << "message " << i << " left before its captured gap";
            }
        }
        for (std::size_t i = rate; i < at.size(); ++i)
            ASSERT_GE(at[i] - at[i - rate], 1'000'000) << rate + 1 << " messages within a second, from " << i - rate;
    }
}

}  // namespace
}  // namespace sipscope::cli
