// viewer/settings.cpp: the [Sipscope][Viewer] ini lines, written and read back; lines from elsewhere left out.
#include "viewer/settings.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace sipscope::viewer {
namespace {

ViewerSettings readAll(const std::string& text) {
    ViewerSettings settings;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        readSettingsLine(settings, line);
    return settings;
}

TEST(ViewerSettings, NothingKeptWritesNothing) { EXPECT_EQ(formatSettings(ViewerSettings{}), ""); }

TEST(ViewerSettings, WrittenLinesReadBack) {
    ViewerSettings settings;
    settings.widthPx = 1600;
    settings.heightPx = 900;
    settings.ladder = LadderView::Modes{LadderView::TimeMode::SinceStart, true, true, false, true};
    const std::string text = formatSettings(settings);
    EXPECT_EQ(text, "size=1600x900\ntime=since-start\nrows=proportional\ncolumns=ip\nlegs=off\nbrackets=on\n");
    const ViewerSettings back = readAll(text);
    EXPECT_EQ(back.widthPx, 1600);
    EXPECT_EQ(back.heightPx, 900);
    ASSERT_TRUE(back.ladder);
    EXPECT_EQ(back.ladder->time, LadderView::TimeMode::SinceStart);
    EXPECT_TRUE(back.ladder->isProportional);
    EXPECT_TRUE(back.ladder->isPerIp);
    EXPECT_FALSE(back.ladder->isShowingLegs);
    EXPECT_TRUE(back.ladder->isShowingBrackets);
}

TEST(ViewerSettings, UnknownOrBadLinesAreLeftOut) {
    const ViewerSettings settings = readAll("size=12x7\nsize=wide\ncolour=blue\nno equals sign\ntime=delta\n");
    EXPECT_EQ(settings.widthPx, 0);  // 12x7 is below 320x240
    ASSERT_TRUE(settings.ladder);
    EXPECT_EQ(settings.ladder->time, LadderView::TimeMode::Delta);
    EXPECT_FALSE(settings.ladder->isProportional);  // the rest as a first run has them
    EXPECT_TRUE(settings.ladder->isShowingLegs);
    EXPECT_FALSE(readAll("colour=blue\n").ladder);
}

}  // namespace
}  // namespace sipscope::viewer
