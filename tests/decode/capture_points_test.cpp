// decode/capture_points: copies of a message from another capture point told from retransmissions, and the clock
// offset between captures as the median of the pairs.
#include "decode/capture_points.hpp"

#include <gtest/gtest.h>

namespace {

using sipscope::decode::CapturePointCopies;
using sipscope::decode::ClockOffsetEstimator;

TEST(CapturePointCopies, TheNthSightingInOneCaptureIsTheNthInAnother) {
    struct Sighting {
        std::uint64_t signature;
        std::int64_t capture;
        bool isCopy;
    };
    // Message 1 sent, retransmitted, both seen by capture 1 then capture 2 (out of order: capture 2's clock is
    // late); message 2 only seen by capture 2, then resent.
    const Sighting sightings[] = {
        {1, 1, false}, {1, 1, false}, {1, 2, true}, {1, 2, true}, {1, 2, false},
        {2, 2, false}, {2, 2, false}, {2, 1, true}, {1, 1, true},
    };
    CapturePointCopies copies;
    std::int64_t us = 0;
    for (const Sighting& s : sightings) {
        SCOPED_TRACE(us);
        EXPECT_EQ(copies.isCopy(s.signature, s.capture, us += 1000), s.isCopy);
    }
    EXPECT_EQ(copies.copies(), 4u);
}

TEST(CapturePointCopies, BoundedForgettingTheOldest) {
    CapturePointCopies copies(2);
    EXPECT_FALSE(copies.isCopy(1, 1, 0));
    EXPECT_FALSE(copies.isCopy(2, 1, 0));
    EXPECT_FALSE(copies.isCopy(3, 1, 1'000));  // full, nothing a minute old: not tracked
    EXPECT_EQ(copies.untracked(), 1u);
    EXPECT_FALSE(copies.isCopy(4, 1, 61'000'000));  // 1 and 2 are forgotten
    EXPECT_TRUE(copies.isCopy(4, 2, 61'000'001));
    EXPECT_EQ(copies.untracked(), 1u);
}

TEST(ClockOffsetEstimator, MedianOfThePairs) {
    ClockOffsetEstimator estimator;
    for (std::uint64_t signature = 1; signature <= 5; ++signature)
        estimator.add(0, signature, static_cast<std::int64_t>(signature) * 1'000'000);
    // Capture 1: 2.5 s late, one pair far off (a signature seen again much later), one message of its own.
    const std::int64_t late[] = {2'500'000, 2'500'100, 2'499'900, 2'500'000, 90'000'000};
    for (std::uint64_t signature = 1; signature <= 5; ++signature)
        estimator.add(1, signature, static_cast<std::int64_t>(signature) * 1'000'000 + late[signature - 1]);
    estimator.add(1, 1, 0);  // a later sighting: the first one stays
    estimator.add(1, 99, 7);
    const auto offset = estimator.offset(1, 0);
    ASSERT_TRUE(offset);
    EXPECT_EQ(offset->offsetUs, 2'500'000);
    EXPECT_EQ(offset->pairs, 5u);
    estimator.add(2, 42, 0);
    EXPECT_FALSE(estimator.offset(2, 0)) << "nothing in common";
}

}  // namespace
