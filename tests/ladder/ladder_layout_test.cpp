// The ladder layout with a fake font (10 units per code point): column widths, rows in both modes, folded gaps,
// label boxes, fitting a width, column order, brackets, visible rows and hit testing.
#include "ladder/ladder_layout.hpp"

#include "ladder/text_format.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace sipscope::ladder {
namespace {

double tenPerChar(std::string_view text) { return 10.0 * static_cast<double>(codePointCount(text)); }

store::MessageRow message(std::int64_t timestampUs, const std::string& src, const std::string& dst,
                          const std::string& method) {
    static std::int64_t id = 0;
    store::MessageRow row;
    row.id = ++id;
    row.timestampUs = timestampUs;
    row.src = capture::parseEndpoint(src).value();
    row.dst = capture::parseEndpoint(dst).value();
    row.method = method;
    row.cseq = 1;
    row.cseqMethod = method;
    row.callId = "c";
    return row;
}

const std::string A = "10.0.0.1:5060", B = "10.0.0.2:5060", C = "10.0.0.3:5060";

// A -> B -> C, back, and a self message on B; then 40 s of silence and a BYE.
Model sample() {
    std::vector<store::MessageRow> rows = {
        message(0, A, B, "INVITE"),
        message(1'000, B, C, "INVITE"),
        message(2'000, C, B, "A-LONG-LABEL-OF-40-CHARACTERS-1234567890"),
        message(3'000, B, B, "OPTIONS"),
        message(40'003'000, A, B, "BYE"),
    };
    return buildModel(rows);
}

LayoutOptions options() {
    LayoutOptions o;
    o.measure = tenPerChar;
    o.left = 100;
    o.top = 50;
    o.rowHeight = 20;
    o.minColumnWidth = 150;
    o.headerPadding = 20;
    o.labelPadding = 40;
    o.selfLoopWidth = 30;
    return o;
}

TEST(LadderLayout, ColumnsShareTheWidthTheWidestNeeds) {
    const Model model = sample();
    const Layout layout = layOut(model, options());
    ASSERT_EQ(layout.columns.size(), 3u);
    // The 40-character label spans one slot: 400 + 40 padding.
    EXPECT_DOUBLE_EQ(layout.columnWidth, 440);
    EXPECT_DOUBLE_EQ(layout.columns[0].left, 100);
    EXPECT_DOUBLE_EQ(layout.columns[0].centerX, 320);
    EXPECT_DOUBLE_EQ(layout.columns[1].centerX, 760);
    EXPECT_DOUBLE_EQ(layout.columns[2].centerX, 1200);
    EXPECT_EQ(layout.columns[2].host, C);
    EXPECT_FALSE(layout.isCut);
}

TEST(LadderLayout, CompressedRowsOnePerMessage) {
    const Layout layout = layOut(sample(), options());
    ASSERT_EQ(layout.arrows.size(), 5u);
    for (std::size_t i = 0; i < layout.arrows.size(); ++i) {
        EXPECT_DOUBLE_EQ(layout.arrows[i].y, 50 + 20.0 * static_cast<double>(i)) << i;
        EXPECT_EQ(layout.arrows[i].arrow, i);
    }
    EXPECT_TRUE(layout.gaps.empty());
    EXPECT_DOUBLE_EQ(layout.height, 50 + 20 * 4 + 20);
}

TEST(LadderLayout, ArrowGeometryAndLabelBoxes) {
    const Layout layout = layOut(sample(), options());
    const PlacedArrow& invite = layout.arrows[0];
    EXPECT_EQ(invite.direction, Direction::Right);
    EXPECT_DOUBLE_EQ(invite.fromX, 320);
    EXPECT_DOUBLE_EQ(invite.toX, 760);
    EXPECT_DOUBLE_EQ(invite.labelWidth, 60);
    EXPECT_DOUBLE_EQ(invite.labelLeft, 320 + (440 - 60) / 2.0);  // centred between the lifelines
    const PlacedArrow& back = layout.arrows[2];
    EXPECT_EQ(back.direction, Direction::Left);
    EXPECT_DOUBLE_EQ(back.fromX, 1200);
    EXPECT_DOUBLE_EQ(back.toX, 760);
    const PlacedArrow& self = layout.arrows[3];
    EXPECT_EQ(self.direction, Direction::Self);
    EXPECT_DOUBLE_EQ(self.fromX, self.toX);
    EXPECT_DOUBLE_EQ(self.labelLeft, 760 + 30);
}

TEST(LadderLayout, ProportionalRowsFollowTimeAndFoldLongGaps) {
    LayoutOptions o = options();
    o.rowMode = RowMode::Proportional;
    o.pxPerUs = 0.03;       // 1 ms = 30 units
    o.foldGapHeight = 200;  // more than 200 units of silence folds
    o.foldedGapHeight = 24;
    const Model model = sample();
    const Layout layout = layOut(model, o);
    ASSERT_EQ(layout.arrows.size(), 5u);
    EXPECT_DOUBLE_EQ(layout.arrows[0].y, 50);
    EXPECT_DOUBLE_EQ(layout.arrows[1].y, 80);  // +1 ms
    EXPECT_DOUBLE_EQ(layout.arrows[2].y, 110);
    EXPECT_DOUBLE_EQ(layout.arrows[3].y, 140);
    // 40 s would be 1.2 million units: folded to one row plus the marker.
    ASSERT_EQ(layout.gaps.size(), 1u);
    EXPECT_EQ(layout.gaps[0].beforeArrow, 4u);
    EXPECT_EQ(layout.gaps[0].durationUs, 40'000'000);
    EXPECT_DOUBLE_EQ(layout.arrows[4].y, 140 + 20 + 24);
    EXPECT_GT(layout.gaps[0].y0, layout.arrows[3].y);
    EXPECT_LT(layout.gaps[0].y1, layout.arrows[4].y);
    // Rows never come closer than rowHeight, however close in time.
    o.pxPerUs = 0.001;
    const Layout dense = layOut(model, o);
    EXPECT_DOUBLE_EQ(dense.arrows[1].y - dense.arrows[0].y, 20);
    // yOfTime follows the same mapping.
    EXPECT_DOUBLE_EQ(layout.yOfTime(500, model), 65);
    EXPECT_DOUBLE_EQ(layout.yOfTime(-5, model), 50);
}

TEST(LadderLayout, FitsAWidthByCuttingLabelsWithAnEllipsis) {
    LayoutOptions o = options();
    o.maxWidth = 700;
    o.minFitColumnWidth = 100;
    const Layout layout = layOut(sample(), o);
    EXPECT_DOUBLE_EQ(layout.columnWidth, 200);  // (700 - 100) / 3
    EXPECT_LE(layout.columns.back().right, 700);
    EXPECT_TRUE(layout.isCut);
    const PlacedArrow& cut = layout.arrows[2];
    EXPECT_EQ(cut.label.substr(cut.label.size() - 3), "…");
    EXPECT_LE(cut.labelWidth, 200 - 40);
    EXPECT_EQ(cut.label, cutToWidth(sample().arrows[2].label, 160, tenPerChar));
    EXPECT_EQ(layout.arrows[0].label, "INVITE");  // short labels stay whole
    // Never narrower than minFitColumnWidth, even if it cannot fit.
    o.maxWidth = 200;
    EXPECT_DOUBLE_EQ(layOut(sample(), o).columnWidth, 100);
}

TEST(LadderLayout, CutToWidthKeepsWholeCodePoints) {
    EXPECT_EQ(cutToWidth("INVITE", 60, tenPerChar), "INVITE");
    EXPECT_EQ(cutToWidth("INVITE", 50, tenPerChar), "INVI…");
    EXPECT_EQ(cutToWidth("\xe2\x86\x92\xe2\x86\x92\xe2\x86\x92", 20, tenPerChar), "\xe2\x86\x92…");
    EXPECT_EQ(cutToWidth("INVITE", 5, tenPerChar), "");
}

TEST(LadderLayout, ColumnOrderReordersAndHides) {
    LayoutOptions o = options();
    o.columnOrder = {2, 0};  // C first, then A; B hidden with every arrow touching it
    const Model model = sample();
    const Layout layout = layOut(model, o);
    ASSERT_EQ(layout.columns.size(), 2u);
    EXPECT_EQ(layout.columns[0].column, 2u);
    EXPECT_EQ(layout.columns[1].column, 0u);
    EXPECT_TRUE(layout.arrows.empty());

    o.columnOrder = {1, 0, 2};
    const Layout swapped = layOut(model, o);
    EXPECT_EQ(swapped.arrows[0].direction, Direction::Left);  // A -> B now runs right to left
    EXPECT_LT(swapped.arrows[0].toX, swapped.arrows[0].fromX);
}

TEST(LadderLayout, VisibleArrowsAndHitTesting) {
    const Model model = sample();
    const Layout layout = layOut(model, options());  // rows at y 50, 70, 90, 110, 130
    EXPECT_EQ(layout.visibleArrows(60, 100), (std::pair<std::size_t, std::size_t>{1, 3}));
    EXPECT_EQ(layout.visibleArrows(50, 50), (std::pair<std::size_t, std::size_t>{0, 1}));
    EXPECT_EQ(layout.visibleArrows(0, 10), (std::pair<std::size_t, std::size_t>{0, 0}));
    EXPECT_EQ(layout.visibleArrows(131, 500), (std::pair<std::size_t, std::size_t>{5, 5}));

    EXPECT_EQ(layout.hitTest(500, 52, 6), 0u);            // on the first INVITE's shaft
    EXPECT_EQ(layout.hitTest(900, 71, 6), 1u);            // second row, between B and C
    EXPECT_EQ(layout.hitTest(500, 71, 6), std::nullopt);  // second row, but left of B: nothing there
    EXPECT_EQ(layout.hitTest(500, 60, 6), std::nullopt);  // between rows
    EXPECT_EQ(layout.hitTest(840, 110, 6), 3u);           // the self message's label
    EXPECT_EQ(layout.hitTest(2000, 110, 6), std::nullopt);
    // Nearest row wins when the tolerance covers two.
    EXPECT_EQ(layout.hitTest(500, 58, 15), 0u);
    EXPECT_EQ(layout.hitTest(500, 64, 15), 0u);  // row 70 is nearer but does not reach x 500; row 50 does
    EXPECT_EQ(model.arrows[layout.arrows[*layout.hitTest(900, 71, 6)].arrow].text, "INVITE");
}

TEST(LadderLayout, BracketsSpanTransactionsOfSeveralArrows) {
    std::vector<store::MessageRow> rows = {message(0, A, B, "INVITE"), message(1, A, B, "OPTIONS"),
                                           message(2, B, A, "INVITE")};
    rows[2].method.reset();
    rows[2].status = 200;
    const Model model = buildModel(rows);
    const Layout layout = layOut(model, options());
    ASSERT_EQ(layout.brackets.size(), 1u);  // the lone OPTIONS gets none
    EXPECT_DOUBLE_EQ(layout.brackets[0].y0, 50);
    EXPECT_DOUBLE_EQ(layout.brackets[0].y1, 90);
    EXPECT_EQ(model.transactions[layout.brackets[0].transaction].method, "INVITE");
}

TEST(LadderLayout, WholeUnitsForTerminalCells) {
    LayoutOptions o;
    o.measure = [](std::string_view text) { return static_cast<double>(codePointCount(text)); };
    o.left = 30;
    o.wholeUnits = true;
    const Model model = sample();
    const Layout layout = layOut(model, o);
    EXPECT_DOUBLE_EQ(layout.columnWidth, 50);  // 40 cells + 10
    EXPECT_DOUBLE_EQ(layout.columns[0].centerX, 55);
    EXPECT_DOUBLE_EQ(layout.arrows[0].labelLeft, 55 + 22);  // ceil((50 - 6) / 2)
}

TEST(LadderLayout, EmptyModel) {
    const Layout layout = layOut(Model{}, options());
    EXPECT_TRUE(layout.columns.empty());
    EXPECT_TRUE(layout.arrows.empty());
    EXPECT_EQ(layout.hitTest(0, 0, 100), std::nullopt);
    EXPECT_DOUBLE_EQ(layout.width, 100);
}

// Random ladders (hosts, self messages, time gaps, long labels), both row modes, fitted or not: the invariants every
// drawer relies on hold. Deterministic: a fixed linear congruential sequence.
TEST(LadderLayout, InvariantsHoldOnRandomLadders) {
    std::uint64_t state = 12345;
    auto next = [&state](std::uint64_t bound) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return (state >> 33) % bound;
    };
    for (int round = 0; round < 200; ++round) {
        SCOPED_TRACE(round);
        const std::size_t hosts = 1 + next(6);
        std::vector<store::MessageRow> rows;
        std::int64_t t = 0;
        for (std::size_t i = 0, n = next(40); i < n; ++i) {
            t += static_cast<std::int64_t>(next(4) == 0 ? next(60'000'000) : next(5'000));
            const std::string src = "10.0.0." + std::to_string(next(hosts)) + ":5060";
            const std::string dst = "10.0.0." + std::to_string(next(hosts)) + ":5060";
            rows.push_back(message(t, src, dst, std::string(1 + next(50), static_cast<char>('A' + next(26)))));
        }
        const Model model = buildModel(rows);
        LayoutOptions o = options();
        o.rowMode = next(2) ? RowMode::Proportional : RowMode::Compressed;
        o.maxWidth = next(2) ? 300.0 + static_cast<double>(next(1500)) : 0;
        o.minFitColumnWidth = 60;
        o.wholeUnits = next(2) == 0;
        const Layout layout = layOut(model, o);
        ASSERT_EQ(layout.arrows.size(), model.arrows.size());
        ASSERT_EQ(layout.columns.size(), model.columns.size());
        const bool canFit =
            o.maxWidth > 0 &&
            o.left + 1.5 * o.minFitColumnWidth * static_cast<double>(model.columns.size()) <= o.maxWidth;
        if (canFit) {
            EXPECT_LE(layout.width, o.maxWidth + 1e-9);
        }
        for (std::size_t i = 0; i < layout.arrows.size(); ++i) {
            const PlacedArrow& arrow = layout.arrows[i];
            EXPECT_EQ(arrow.arrow, i);
            if (i > 0) {
                EXPECT_GE(arrow.y - layout.arrows[i - 1].y, o.rowHeight - 1e-9);
            }
            EXPECT_DOUBLE_EQ(arrow.labelWidth,
                             o.wholeUnits ? std::ceil(tenPerChar(arrow.label)) : tenPerChar(arrow.label));
            if (arrow.direction != Direction::Self) {
                // The label stays between its lifelines with the padding's room to spare.
                const double low = std::min(arrow.fromX, arrow.toX), high = std::max(arrow.fromX, arrow.toX);
                EXPECT_GE(arrow.labelLeft, low);
                EXPECT_LE(arrow.labelLeft + arrow.labelWidth, high);
                if (o.maxWidth > 0) {
                    EXPECT_LE(arrow.labelWidth, high - low - o.labelPadding + 1e-9);
                }
            }
            // Clicking the middle of an arrow's shaft (or a self-arrow's label) finds it.
            const double x = arrow.direction == Direction::Self ? arrow.labelLeft : (arrow.fromX + arrow.toX) / 2;
            const auto hit = layout.hitTest(x, arrow.y, o.rowHeight / 4);
            ASSERT_TRUE(hit.has_value());
            EXPECT_EQ(*hit, i);
        }
        for (const FoldedGap& gap : layout.gaps) {
            ASSERT_LT(gap.beforeArrow, layout.arrows.size());
            ASSERT_GT(gap.beforeArrow, 0u);
            EXPECT_GT(gap.y0, layout.arrows[gap.beforeArrow - 1].y);
            EXPECT_LT(gap.y1, layout.arrows[gap.beforeArrow].y);
            EXPECT_GT(gap.durationUs, 0);
        }
        const auto [first, last] = layout.visibleArrows(-1e18, 1e18);
        EXPECT_EQ(first, 0u);
        EXPECT_EQ(last, layout.arrows.size());
    }
}

}  // namespace
}  // namespace sipscope::ladder

namespace sipscope::ladder {
namespace {

store::StreamRow streamRow(std::int64_t id, const std::string& src, const std::string& dst, std::int64_t firstUs,
                           std::int64_t lastUs) {
    store::StreamRow row;
    row.id = id;
    row.src = capture::parseEndpoint(src).value();
    row.dst = capture::parseEndpoint(dst).value();
    row.firstUs = firstUs;
    row.lastUs = lastUs;
    row.codec = "PCMU";
    row.packets = 1502;
    row.expected = 1000;
    row.lost = 3;
    row.maxJitterMs = 4.14;
    return row;
}

// A -> B INVITE, 200, ACK at 0, 1, 2 ms; BYE at 10 s; RTP A -> B (other ports) from 5 ms to 9 s, B -> A from 6 ms to
// 9.5 s, and one from an address no message came from to B, from 7 ms to 8 s.
Model withStreams() {
    std::vector<store::MessageRow> rows = {message(0, A, B, "INVITE"), message(1'000, B, A, "200"),
                                           message(2'000, A, B, "ACK"), message(10'000'000, A, B, "BYE")};
    ModelOptions options;
    options.streams = {streamRow(1, "10.0.0.1:4000", "10.0.0.2:5000", 5'000, 9'000'000),
                       streamRow(2, "10.0.0.2:5000", "10.0.0.1:4000", 6'000, 9'500'000),
                       streamRow(3, "198.51.100.7:61000", "10.0.0.2:5000", 7'000, 8'000'000)};
    return buildModel(rows, options);
}

TEST(LadderStreams, SidesAreTheColumnsOfTheirIpAndMarksGoInTimeOrder) {
    const Model model = withStreams();
    ASSERT_EQ(model.streams.size(), 3u);
    EXPECT_EQ(model.streams[0].fromColumn, 0u);
    EXPECT_EQ(model.streams[0].toColumn, 1u);
    EXPECT_EQ(model.streams[1].fromColumn, 1u);
    EXPECT_EQ(model.streams[2].fromColumn, NoColumn);
    EXPECT_EQ(model.streams[2].toColumn, 1u);
    EXPECT_EQ(model.streams[0].startLabel, "RTP PCMU 1,502 pkts start");
    EXPECT_EQ(model.streams[0].stopLabel, "RTP PCMU stop (lost 0.3%, jitter max 4.1 ms)");
    EXPECT_EQ(model.streams[0].summary, "RTP PCMU 1,502 pkts, lost 0.3%, jitter max 4.1 ms");
    EXPECT_EQ(model.streams[2].startLabel, "RTP PCMU 1,502 pkts start 198.51.100.7:61000 -> 10.0.0.2:5000");
    // Starts after the ACK, stops before the BYE, each in time order.
    ASSERT_EQ(model.marks.size(), 6u);
    const std::pair<std::size_t, bool> order[] = {{0, true}, {1, true}, {2, true}, {2, false}, {0, false}, {1, false}};
    for (std::size_t i = 0; i < 6; ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(model.marks[i].stream, order[i].first);
        EXPECT_EQ(model.marks[i].isStart, order[i].second);
        EXPECT_EQ(model.marks[i].beforeArrow, 3u);
    }
    EXPECT_EQ(groupedCount(0), "0");
    EXPECT_EQ(groupedCount(999), "999");
    EXPECT_EQ(groupedCount(1234567), "1,234,567");
}

TEST(LadderStreams, MarkRowsTakeARowEachAndBandsSpanThem) {
    const Model model = withStreams();
    LayoutOptions o = options();
    o.markRows = true;
    const Layout layout = layOut(model, o);
    ASSERT_EQ(layout.marks.size(), 6u);
    EXPECT_EQ(layout.arrows[2].y, 90);  // ACK: third row
    for (std::size_t i = 0; i < 6; ++i)
        EXPECT_EQ(layout.marks[i].y, 110 + 20 * static_cast<double>(i));
    EXPECT_EQ(layout.arrows[3].y, 230);  // BYE after the six marks
    EXPECT_EQ(layout.height, 250);
    ASSERT_EQ(layout.streams.size(), 3u);
    EXPECT_EQ(layout.streams[0].y0, 110);
    EXPECT_EQ(layout.streams[0].y1, 190);
    EXPECT_EQ(layout.streams[0].fromX, layout.columns[0].centerX);
    EXPECT_EQ(layout.streams[0].toX, layout.columns[1].centerX);
    EXPECT_FALSE(layout.streams[2].isFromColumn);
    EXPECT_EQ(layout.streams[2].fromX, layout.width);  // no bars: the ladder's edge
    // Overlapping streams take lanes 0, 1, 2.
    EXPECT_EQ(layout.streams[0].lane, 0u);
    EXPECT_EQ(layout.streams[1].lane, 1u);
    EXPECT_EQ(layout.streams[2].lane, 2u);
}

TEST(LadderStreams, BarsInTheMarginFollowTimeAndAreHitTested) {
    const Model model = withStreams();
    LayoutOptions o = options();
    o.streamBarWidth = 8;
    o.streamBarGap = 4;
    const Layout plain = layOut(model, options());
    const Layout layout = layOut(model, o);
    EXPECT_TRUE(layout.marks.empty());
    EXPECT_EQ(layout.arrows[3].y, plain.arrows[3].y);  // no rows of their own
    const PlacedStream& first = layout.streams[0];
    EXPECT_EQ(first.y0, layout.yOfTime(5'000, model));
    EXPECT_EQ(first.y1, layout.yOfTime(9'000'000, model));
    // Three lanes of 8 + 4 at `left` (100), then the columns: moved right by 3 * 12 + 4.
    EXPECT_EQ(first.barLeft, 104);
    EXPECT_EQ(first.barRight, 112);
    EXPECT_EQ(layout.streams[1].barLeft, 116);
    EXPECT_EQ(layout.streams[2].barRight, 136);
    EXPECT_EQ(layout.columns[0].left, 140);
    EXPECT_EQ(layout.width, plain.width + 40);
    EXPECT_EQ(layout.streamAt(first.barLeft + 1, (first.y0 + first.y1) / 2, 0), 0u);
    EXPECT_EQ(layout.streamAt(layout.streams[1].barLeft + 1, first.y1, 0), 1u);
    EXPECT_FALSE(layout.streamAt(first.barLeft + 1, layout.arrows[3].y + 5, 0));
    EXPECT_FALSE(layout.streamAt(layout.columns[0].centerX, first.y0, 0));
    EXPECT_EQ(layout.height, plain.height);  // every stream ends before the BYE

    // RTP that outlasts the messages (no BYE captured) ends a row below the last one, inside the layout.
    std::vector<store::MessageRow> rows = {message(0, A, B, "INVITE"), message(1'000, B, A, "200")};
    ModelOptions withRtp;
    withRtp.streams = {streamRow(1, "10.0.0.1:4000", "10.0.0.2:5000", 5'000, 30'000'000)};
    const Layout outlasting = layOut(buildModel(rows, withRtp), o);
    EXPECT_EQ(outlasting.streams[0].y0, outlasting.arrows[1].y);
    EXPECT_EQ(outlasting.streams[0].y1, outlasting.arrows[1].y + 20);
    EXPECT_EQ(outlasting.height, outlasting.arrows[1].y + 40);
}

}  // namespace
}  // namespace sipscope::ladder
