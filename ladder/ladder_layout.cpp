// Ladder layout: column widths from what they must hold, rows in both vertical modes, label boxes, hit testing.
#include "ladder/ladder_layout.hpp"

#include "ladder/text_format.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace sipscope::ladder {

namespace {

constexpr const char* Ellipsis = "…";

// Display position of each model column, or npos when hidden.
std::vector<std::size_t> displayPositions(const Model& model, const LayoutOptions& options) {
    std::vector<std::size_t> position(model.columns.size(), std::string::npos);
    if (options.columnOrder.empty()) {
        for (std::size_t c = 0; c < position.size(); ++c)
            position[c] = c;
        return position;
    }
    std::size_t next = 0;
    for (const std::size_t c : options.columnOrder)
        if (c < position.size() && position[c] == std::string::npos)
            position[c] = next++;
    return position;
}

// A lane per stream: in order of the first packet, each the lowest lane free at its time.
std::vector<std::size_t> streamLanes(const Model& model) {
    std::vector<std::size_t> order(model.streams.size()), lanes(model.streams.size(), 0);
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return model.streams[a].stream.firstUs < model.streams[b].stream.firstUs;
    });
    std::vector<std::int64_t> laneEnd;  // last packet of each lane's latest stream
    for (const std::size_t s : order) {
        const store::StreamRow& stream = model.streams[s].stream;
        std::size_t lane = 0;
        while (lane < laneEnd.size() && laneEnd[lane] >= stream.firstUs)
            ++lane;
        if (lane == laneEnd.size())
            laneEnd.push_back(0);
        laneEnd[lane] = std::max(stream.firstUs, stream.lastUs);
        lanes[s] = lane;
    }
    return lanes;
}

// Streams: their y span, their sides' lifelines, lanes by time overlap and the bars right of the ladder.
void placeStreams(Layout& layout, const Model& model, const LayoutOptions& options,
                  const std::vector<std::size_t>& position) {
    std::vector<std::pair<double, double>> rows(model.streams.size(), {0.0, 0.0});
    for (const PlacedMark& placed : layout.marks) {
        const StreamMark& mark = model.marks[placed.mark];
        (mark.isStart ? rows[mark.stream].first : rows[mark.stream].second) = placed.y;
    }
    const double edge = layout.width;
    for (std::size_t s = 0; s < model.streams.size(); ++s) {
        const StreamSpan& span = model.streams[s];
        PlacedStream placed;
        placed.stream = s;
        if (options.markRows) {
            placed.y0 = rows[s].first;
            placed.y1 = rows[s].second;
        } else {
            placed.y0 = layout.yOfTime(span.stream.firstUs, model);
            placed.y1 = layout.yOfTime(span.stream.lastUs, model);
            // RTP that outlasts the messages (a capture without the BYE) reaches a row below the last one.
            if (!layout.arrows.empty() && span.stream.lastUs > model.arrows[layout.arrows.back().arrow].timestampUs) {
                placed.y1 = layout.arrows.back().y + options.rowHeight;
                layout.height = std::max(layout.height, placed.y1 + options.rowHeight);
            }
        }
        if (placed.y1 < placed.y0)
            std::swap(placed.y0, placed.y1);
        auto sideX = [&](std::size_t column, bool& isColumn) {
            isColumn = column != NoColumn && column < position.size() && position[column] != std::string::npos;
            return isColumn ? layout.columns[position[column]].centerX : edge;
        };
        placed.fromX = sideX(span.fromColumn, placed.isFromColumn);
        placed.toX = sideX(span.toColumn, placed.isToColumn);
        layout.streams.push_back(placed);
    }
    const std::vector<std::size_t> lanes = streamLanes(model);
    for (PlacedStream& placed : layout.streams)
        placed.lane = lanes[placed.stream];
}

}  // namespace

std::string cutToWidth(const std::string& text, double maxWidth, const MeasureText& measure) {
    if (measure(text) <= maxWidth)
        return text;
    // The longest prefix of whole code points that fits with "…" after it, by binary search on code points.
    std::vector<std::size_t> starts;  // byte offset of each code point
    for (std::size_t i = 0; i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80)
            starts.push_back(i);
    std::size_t low = 0, high = starts.size();  // a prefix of `low` code points fits; `high` does not
    while (high - low > 1) {
        const std::size_t mid = (low + high) / 2;
        if (measure(text.substr(0, starts[mid]) + Ellipsis) <= maxWidth)
            low = mid;
        else
            high = mid;
    }
    if (low == 0 && measure(Ellipsis) > maxWidth)
        return {};
    return text.substr(0, low < starts.size() ? starts[low] : text.size()) + Ellipsis;
}

Layout layOut(const Model& model, const LayoutOptions& options) {
    assert(options.measure && "LayoutOptions::measure is required");
    if (options.streamBarWidth > 0 && !model.streams.empty()) {
        // The bars go in a margin of lanes at `left`; the ladder moves right of it.
        const std::vector<std::size_t> lanes = streamLanes(model);
        const double laneCount = static_cast<double>(*std::max_element(lanes.begin(), lanes.end()) + 1);
        const double step = options.streamBarWidth + options.streamBarGap;
        LayoutOptions inner = options;
        inner.streamBarWidth = 0;
        inner.left += laneCount * step + options.streamBarGap;
        Layout layout = layOut(model, inner);
        for (PlacedStream& placed : layout.streams) {
            placed.barLeft = options.left + options.streamBarGap + static_cast<double>(placed.lane) * step;
            placed.barRight = placed.barLeft + options.streamBarWidth;
        }
        return layout;
    }
    const MeasureText& measure = options.measure;
    auto whole = [&](double value) { return options.wholeUnits ? std::ceil(value) : value; };
    Layout layout;
    const std::vector<std::size_t> position = displayPositions(model, options);
    std::size_t shown = 0;
    for (const std::size_t p : position)
        shown += p != std::string::npos;

    // Widths: each column holds its host and alias; each arrow's label fits in the slots it spans (a self-arrow's
    // in one slot, right of its loop). The widest need sets one width for every column, as sngrep does.
    std::vector<double> labelWidth(model.arrows.size(), 0);
    double columnWidth = options.minColumnWidth;
    for (const Column& column : model.columns) {
        columnWidth = std::max(columnWidth, whole(measure(column.host)) + options.headerPadding);
        if (!column.alias.empty())
            columnWidth = std::max(columnWidth, whole(measure(column.alias)) + options.headerPadding);
    }
    double selfOverhang = 0;  // how far self labels reach right of their lifeline
    for (std::size_t i = 0; i < model.arrows.size(); ++i) {
        const Arrow& arrow = model.arrows[i];
        const std::size_t from = position[arrow.fromColumn], to = position[arrow.toColumn];
        if (from == std::string::npos || to == std::string::npos)
            continue;
        labelWidth[i] = whole(measure(arrow.label));
        if (options.maxLabelWidth > 0)
            labelWidth[i] = std::min(labelWidth[i], whole(options.maxLabelWidth));
        if (from == to) {
            const double reach = options.selfLoopWidth + labelWidth[i] + options.selfTrailing;
            selfOverhang = std::max(selfOverhang, reach);
            columnWidth = std::max(columnWidth, reach + options.labelPadding / 2);
        } else {
            const double span = static_cast<double>(from > to ? from - to : to - from);
            columnWidth = std::max(columnWidth, whole((labelWidth[i] + options.labelPadding) / span));
        }
    }

    // Fitting: an equal share of the room left, never under minFitColumnWidth.
    bool fitting = false;
    const double naturalRight =
        options.left + columnWidth * static_cast<double>(shown) + std::max(0.0, selfOverhang - columnWidth / 2);
    if (options.maxWidth > 0 && shown > 0 && naturalRight > options.maxWidth) {
        // A self label reaches up to a column width right of its lifeline: past the last slot by half of one.
        const bool lastHasSelf = std::any_of(model.arrows.begin(), model.arrows.end(), [&](const Arrow& arrow) {
            return arrow.fromColumn == arrow.toColumn && position[arrow.fromColumn] == shown - 1;
        });
        double share = (options.maxWidth - options.left) / (static_cast<double>(shown) + (lastHasSelf ? 0.5 : 0));
        if (options.wholeUnits)
            share = std::floor(share);
        columnWidth = std::max(options.minFitColumnWidth, std::min(columnWidth, share));
        fitting = true;
    }
    layout.columnWidth = columnWidth;
    const double half = options.wholeUnits ? std::floor(columnWidth / 2) : columnWidth / 2;

    layout.columns.resize(shown);
    for (std::size_t c = 0; c < model.columns.size(); ++c) {
        if (position[c] == std::string::npos)
            continue;
        PlacedColumn& placed = layout.columns[position[c]];
        placed.column = c;
        placed.left = options.left + static_cast<double>(position[c]) * columnWidth;
        placed.right = placed.left + columnWidth;
        placed.centerX = placed.left + half;
        const double room = columnWidth - (fitting ? 1 : options.headerPadding);
        const Column& column = model.columns[c];
        placed.host = fitting ? cutToWidth(column.host, room, measure) : column.host;
        placed.alias = fitting ? cutToWidth(column.alias, room, measure) : column.alias;
        placed.title = fitting ? cutToWidth(columnTitle(column), room, measure) : columnTitle(column);
        layout.isCut = layout.isCut || placed.host != column.host || placed.alias != column.alias;
    }
    auto centerOf = [&](std::size_t modelColumn) { return layout.columns[position[modelColumn]].centerX; };

    // Rows.
    double y = options.top;
    double right = options.left + columnWidth * static_cast<double>(shown);
    const Arrow* previous = nullptr;
    std::size_t nextMark = 0;
    auto placeMarks = [&](std::size_t beforeArrow) {
        for (; options.markRows && nextMark < model.marks.size() && model.marks[nextMark].beforeArrow <= beforeArrow;
             ++nextMark) {
            if (previous || !layout.marks.empty())
                y += options.rowHeight;
            layout.marks.push_back({nextMark, y});
        }
    };
    for (std::size_t i = 0; i < model.arrows.size(); ++i) {
        const Arrow& arrow = model.arrows[i];
        const std::size_t from = position[arrow.fromColumn], to = position[arrow.toColumn];
        if (from == std::string::npos || to == std::string::npos)
            continue;
        const std::size_t marksBefore = layout.marks.size();
        placeMarks(i);
        if (layout.marks.size() > marksBefore) {
            y += options.rowHeight;
        } else if (previous) {
            if (options.rowMode == RowMode::Compressed) {
                y += options.rowHeight;
            } else {
                const double gapUs =
                    static_cast<double>(std::max<std::int64_t>(0, arrow.timestampUs - previous->timestampUs));
                const double natural = gapUs * options.pxPerUs;
                if (natural > options.foldGapHeight) {
                    FoldedGap gap;
                    gap.beforeArrow = layout.arrows.size();
                    gap.y0 = y + options.rowHeight / 2;
                    gap.y1 = gap.y0 + options.foldedGapHeight;
                    gap.durationUs = arrow.timestampUs - previous->timestampUs;
                    layout.gaps.push_back(gap);
                    y += options.rowHeight + options.foldedGapHeight;
                } else {
                    y += whole(std::max(options.rowHeight, natural));
                }
            }
        }
        previous = &arrow;
        PlacedArrow placed;
        placed.arrow = i;
        placed.y = y;
        placed.fromX = centerOf(arrow.fromColumn);
        placed.toX = centerOf(arrow.toColumn);
        placed.direction = from == to ? Direction::Self : from < to ? Direction::Right : Direction::Left;
        placed.label = arrow.label;
        placed.labelWidth = labelWidth[i];
        if (options.maxLabelWidth > 0 && measure(arrow.label) > options.maxLabelWidth) {
            placed.label = cutToWidth(arrow.label, options.maxLabelWidth, measure);
            placed.labelWidth = whole(measure(placed.label));
            layout.isCut = true;
        }
        if (placed.direction == Direction::Self) {
            const double room = columnWidth - options.selfLoopWidth - options.selfTrailing - options.labelPadding / 2;
            if (fitting && placed.labelWidth > room) {
                placed.label = cutToWidth(arrow.label, std::max(0.0, room), measure);
                placed.labelWidth = whole(measure(placed.label));
                layout.isCut = true;
            }
            placed.labelLeft = placed.fromX + options.selfLoopWidth;
            right = std::max(right, placed.labelLeft + placed.labelWidth + options.selfTrailing);
        } else {
            const double low = std::min(placed.fromX, placed.toX), high = std::max(placed.fromX, placed.toX);
            const double room = high - low - options.labelPadding;
            if (fitting && placed.labelWidth > room) {
                placed.label = cutToWidth(arrow.label, std::max(0.0, room), measure);
                placed.labelWidth = whole(measure(placed.label));
                layout.isCut = true;
            }
            const double slack = high - low - placed.labelWidth;
            placed.labelLeft = low + (options.wholeUnits ? std::ceil(slack / 2) : slack / 2);
        }
        layout.arrows.push_back(std::move(placed));
    }
    placeMarks(model.arrows.size());
    layout.width = right;
    layout.height = (layout.arrows.empty() && layout.marks.empty() ? options.top : y) + options.rowHeight;
    placeStreams(layout, model, options, position);

    // Brackets: a transaction's first and last placed arrow.
    std::vector<std::pair<double, double>> span(model.transactions.size(), {-1, -1});
    std::vector<std::size_t> count(model.transactions.size(), 0);
    for (const PlacedArrow& placed : layout.arrows) {
        const std::size_t t = model.arrows[placed.arrow].transaction;
        if (t >= span.size())
            continue;
        if (count[t]++ == 0)
            span[t].first = placed.y;
        span[t].second = placed.y;
    }
    for (std::size_t t = 0; t < span.size(); ++t)
        if (count[t] >= 2)
            layout.brackets.push_back({t, span[t].first, span[t].second, model.transactions[t].lane});
    return layout;
}

std::pair<std::size_t, std::size_t> Layout::visibleArrows(double y0, double y1) const {
    const auto byY = [](const PlacedArrow& arrow, double y) { return arrow.y < y; };
    const auto first = std::lower_bound(arrows.begin(), arrows.end(), y0, byY);
    const auto last =
        std::lower_bound(first, arrows.end(), std::nextafter(y1, std::numeric_limits<double>::infinity()), byY);
    return {static_cast<std::size_t>(first - arrows.begin()), static_cast<std::size_t>(last - arrows.begin())};
}

std::optional<std::size_t> Layout::hitTest(double x, double y, double tolerance) const {
    const auto [first, last] = visibleArrows(y - tolerance, y + tolerance);
    std::optional<std::size_t> best;
    double bestDistance = std::numeric_limits<double>::infinity();
    for (std::size_t i = first; i < last; ++i) {
        const PlacedArrow& arrow = arrows[i];
        double low = std::min({arrow.fromX, arrow.toX, arrow.labelLeft});
        double high = std::max({arrow.fromX, arrow.toX, arrow.labelLeft + arrow.labelWidth});
        if (x < low - tolerance || x > high + tolerance)
            continue;
        const double distance = std::abs(arrow.y - y);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = i;
        }
    }
    return best;
}

std::optional<std::size_t> Layout::streamAt(double x, double y, double tolerance) const {
    for (std::size_t i = 0; i < streams.size(); ++i) {
        const PlacedStream& s = streams[i];
        if (s.barRight > s.barLeft && x >= s.barLeft - tolerance && x <= s.barRight + tolerance &&
            y >= s.y0 - tolerance && y <= s.y1 + tolerance)
            return i;
    }
    return std::nullopt;
}

double Layout::yOfTime(std::int64_t timestampUs, const Model& model) const {
    if (arrows.empty())
        return 0;
    const auto after =
        std::upper_bound(arrows.begin(), arrows.end(), timestampUs,
                         [&](std::int64_t t, const PlacedArrow& a) { return t < model.arrows[a.arrow].timestampUs; });
    if (after == arrows.begin())
        return arrows.front().y;
    if (after == arrows.end())
        return arrows.back().y;
    const PlacedArrow& before = *(after - 1);
    const std::int64_t t0 = model.arrows[before.arrow].timestampUs, t1 = model.arrows[after->arrow].timestampUs;
    if (t1 <= t0)
        return before.y;
    const double fraction = static_cast<double>(timestampUs - t0) / static_cast<double>(t1 - t0);
    return before.y + fraction * (after->y - before.y);
}

}  // namespace sipscope::ladder
