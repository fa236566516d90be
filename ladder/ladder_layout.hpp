// Where a ladder's parts go: column x positions, row y positions (compressed or time-proportional with long idle
// gaps folded), label boxes with text measured by the caller's font, arrow geometry, transaction brackets, the rows
// in a y range and hit testing. A pure function of a Model and LayoutOptions; units are the caller's (terminal
// cells, SVG pixels, ImGui pixels). No drawing and no ImGui here: each drawer only rasterises what this placed.
//
//   ladder::LayoutOptions options;
//   options.measure = [](std::string_view text) { return ImGui::CalcTextSize(text.data(), text.data() + text.size()).x;
//   }; options.rowMode = ladder::RowMode::Proportional; const ladder::Layout layout = ladder::layOut(model, options);
//   // once per model/zoom change, not per frame for (auto [first, last] = layout.visibleArrows(y0, y1); first < last;
//   ++first) draw(layout.arrows[first]);
#pragma once

#include "ladder/ladder_model.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sipscope::ladder {

// Width of printable UTF-8 text in layout units, in the font the drawer will use. Called O(arrows + columns)
// times, plus a few per label that must be cut; never stored past layOut.
using MeasureText = std::function<double(std::string_view text)>;

// Compressed: one row per message, rowHeight apart (sngrep). Proportional: y follows time at pxPerUs, never closer
// than rowHeight, and a gap taller than foldGapHeight is folded to foldedGapHeight and reported in Layout::gaps.
enum class RowMode { Compressed, Proportional };

struct LayoutOptions {
    MeasureText measure;  // required; codePointCount for terminal cells
    RowMode rowMode = RowMode::Compressed;
    double left = 0;       // x where the first column's slot starts (right of the drawer's time gutter)
    double top = 0;        // y of the first arrow
    double rowHeight = 1;  // compressed: distance between rows; proportional: the least distance
    double minColumnWidth = 22;
    double headerPadding = 2;  // a column is at least its host's (and alias's) width plus this
    double labelPadding = 10;  // an arrow's slot is at least its label's width plus this (heads, shaft, gaps)
    double selfLoopWidth = 5;  // x from a self-arrow's lifeline to where its label starts
    double selfTrailing = 0;   // room a drawer writes right of a self-arrow's label
    bool wholeUnits = false;   // round positions and widths to integers (terminal cells)
    double maxLabelWidth = 0;  // > 0: longer labels are cut with "…" to this, fitting or not
    // Proportional mode.
    double pxPerUs = 0.001;
    double foldGapHeight = 120;   // a gap that would be taller than this is folded
    double foldedGapHeight = 24;  // how tall a folded gap is drawn
    // Fitting: > 0 makes the whole ladder (left .. right edge) at most this wide when it can: columns shrink to an
    // equal width no less than minFitColumnWidth, hosts, aliases and labels are cut with "…" to their room.
    double maxWidth = 0;
    double minFitColumnWidth = 12;
    // Display order of model columns (indexes into Model::columns); columns left out are hidden together with the
    // arrows that touch them. Empty: every column in model order.
    std::vector<std::size_t> columnOrder;
    // RTP streams (Model::streams, issue 15). markRows: each start/stop mark (Model::marks) takes a row of its own
    // among the arrows, compressed mode (the SVG); else a stream spans the y of its times (Layout::yOfTime).
    // streamBarWidth > 0: each stream also gets a bar in a margin at `left`, one lane per stream overlapping
    // another in time, streamBarGap apart (the viewer); the columns start right of that margin.
    bool markRows = false;
    double streamBarWidth = 0;
    double streamBarGap = 4;
};

struct PlacedColumn {
    std::size_t column = 0;      // index into Model::columns
    double centerX = 0;          // its lifeline
    double left = 0, right = 0;  // its slot
    std::string host;            // Column::host, cut to the slot
    std::string alias;           // Column::alias, cut to the slot; empty when none
    std::string title;           // columnTitle(), cut to the slot
};

struct PlacedArrow {
    std::size_t arrow = 0;                   // index into Model::arrows (== the message index given to buildModel)
    double y = 0;                            // of the shaft; labels sit on or just above it as the drawer likes
    double fromX = 0, toX = 0;               // lifeline x of sender and receiver; equal for Direction::Self
    Direction direction = Direction::Right;  // on screen, after columnOrder
    std::string label;                       // Arrow::label, cut with "…" to fit its room
    double labelLeft = 0;   // x of the label's left edge: centred between the lifelines, or right of a self loop
    double labelWidth = 0;  // measure(label)
};

// A folded idle gap of the proportional mode, between two consecutive placed arrows.
struct FoldedGap {
    std::size_t beforeArrow = 0;  // index into Layout::arrows of the arrow after the gap
    double y0 = 0, y1 = 0;        // the band it is drawn in
    std::int64_t durationUs = 0;  // the time left out
};

// A transaction bracket: its first and last placed arrow's y, in its margin lane.
struct PlacedBracket {
    std::size_t transaction = 0;  // index into Model::transactions
    double y0 = 0, y1 = 0;
    std::size_t lane = 0;
};

// A stream's span (issue 15): y of its first and last packet (or of its mark rows; a stream that outlasts the last
// message ends a row below it, and the layout's height includes that row), x of its sides' lifelines, and
// its bar in the margin left of the columns when LayoutOptions::streamBarWidth asks for one.
struct PlacedStream {
    std::size_t stream = 0;     // index into Model::streams
    double y0 = 0, y1 = 0;      // y0 <= y1
    double fromX = 0, toX = 0;  // a side that is no shown column: the ladder's right edge
    bool isFromColumn = false, isToColumn = false;
    std::size_t lane = 0;              // streams overlapping in time get different lanes, from 0
    double barLeft = 0, barRight = 0;  // equal when there are no bars
};

// A start or stop mark in a row of its own (LayoutOptions::markRows).
struct PlacedMark {
    std::size_t mark = 0;  // index into Model::marks
    double y = 0;
};

struct Layout {
    std::vector<PlacedColumn> columns;    // in display order
    std::vector<PlacedArrow> arrows;      // in model order, y ascending; arrows of hidden columns left out
    std::vector<FoldedGap> gaps;          // proportional mode only, y ascending
    std::vector<PlacedBracket> brackets;  // transactions of two or more placed arrows
    std::vector<PlacedStream> streams;    // one per Model::streams, in its order
    std::vector<PlacedMark> marks;        // markRows only, y ascending
    double columnWidth = 0;
    double width = 0;    // from 0 to the right edge of the last column or the farthest self label
    double height = 0;   // from 0 to one row below the last arrow
    bool isCut = false;  // a label, host or alias was cut to fit maxWidth

    // [first, last) of `arrows` whose y is in [y0, y1], by binary search.
    std::pair<std::size_t, std::size_t> visibleArrows(double y0, double y1) const;
    // The arrow nearest to (x, y) within `tolerance` vertically whose shaft or label box x covers x (tolerance too):
    // its index into `arrows`, or nullopt. arrows[i].arrow is then the message index.
    std::optional<std::size_t> hitTest(double x, double y, double tolerance) const;
    // The y of a time: an arrow's own y at its time, interpolated between the two arrows around it, clamped to the
    // first and last arrow (a time cursor, the viewer's "jump to time"). `model` is the one laid out.
    double yOfTime(std::int64_t timestampUs, const Model& model) const;
    // The stream whose bar (LayoutOptions::streamBarWidth) covers (x, y) within `tolerance`: its index into
    // `streams`, or nullopt.
    std::optional<std::size_t> streamAt(double x, double y, double tolerance) const;
};

// Places `model`. Throws nothing; an empty model gives an empty layout with width `left`.
Layout layOut(const Model& model, const LayoutOptions& options);

// `text` cut with "…" to at most `maxWidth` by `measure` (unchanged when it fits).
std::string cutToWidth(const std::string& text, double maxWidth, const MeasureText& measure);

}  // namespace sipscope::ladder
