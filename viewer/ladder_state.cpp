// The ladder view's model and layout: built when the call, the grouping, the names, the row mode or the zoom change,
// never per frame (viewer/ladder_view.cpp draws what they give).
#include "viewer/ladder_state.hpp"

#include "ladder/text_format.hpp"
#include "viewer/host_label.hpp"

#include <algorithm>
#include <cmath>

namespace sipscope::viewer {

// [SECTION] model and layout

namespace {

ladder::Model modelOf(const CallData& call, ladder::ColumnGrouping grouping, const ladder::HostAliases* aliases) {
    ladder::ModelOptions options;
    options.grouping = grouping;
    options.aliases = aliases;
    options.media = call.media;
    options.streams = call.streams;
    if (call.calls.size() > 1) {
        options.legOfMessage = call.legOfMessage;
        for (std::size_t i = 0; i < call.calls.size(); ++i)
            options.legs.push_back({call.calls[i].callId, call.legLinks[i]});
    }
    return ladder::buildModel(call.messages, options);
}

}  // namespace

void LadderView::State::buildModel() {
    model = call ? modelOf(*call, grouping, aliases) : ladder::Model{};
    columnOrder.clear();
    isLayoutDirty = true;
}

void LadderView::State::takeModel(std::shared_ptr<ladder::Model> built, std::uint64_t builtVersion) {
    if (!built || builtVersion != inputsVersion || !call) {
        buildModel();  // the grouping or the names changed since: built again, here
        return;
    }
    model = std::move(*built);
    columnOrder.clear();
    isLayoutDirty = true;
}

LadderView::ModelInputs LadderView::modelInputs() const {
    const State& s = *m_state;
    return {s.grouping, s.aliases ? std::make_shared<const ladder::HostAliases>(*s.aliases) : nullptr, s.inputsVersion};
}

std::shared_ptr<ladder::Model> LadderView::buildModelFor(const CallData& call, const ModelInputs& inputs) {
    return std::make_shared<ladder::Model>(modelOf(call, inputs.grouping, inputs.aliases.get()));
}

void LadderView::State::layOut() {
    std::optional<std::int64_t> selectedId;
    if (selected && *selected < layout.arrows.size())
        selectedId = model.arrows[layout.arrows[*selected].arrow].messageId;
    gutterWidthPx = measure("+00:00:00.000000") + 16;
    bracketMarginPx = isShowingBrackets && model.transactionLanes > 0
                          ? static_cast<float>(model.transactionLanes) * BracketLaneWidth + 8
                          : 0;
    headerHeightPx = ImGui::GetTextLineHeightWithSpacing() * (aliases && !aliases->empty() ? 2.2f : 1.4f);
    ladder::LayoutOptions options;
    options.measure = measure;
    options.rowMode = rowMode;
    options.left = gutterWidthPx + bracketMarginPx;
    options.top = headerHeightPx + rowHeight();
    options.rowHeight = rowHeight();
    options.minColumnWidth = 120;
    options.headerPadding = 16;
    options.labelPadding = 28;
    options.selfLoopWidth = 18;
    options.selfTrailing = 8;
    // One row per 2 ms: a 2 ms exchange reads as rows, a 32 s timeout is folded.
    options.pxPerUs = rowHeight() / 2000.0;
    options.foldGapHeight = rowHeight() * 6;
    options.foldedGapHeight = rowHeight() * 1.2;
    options.columnOrder = columnOrder;
    // A label with a long codec list would make every column as wide as it: cut it (whole in the tooltip), and let
    // zooming in give labels more room.
    options.maxLabelWidth = 360.0 * zoom;
    options.streamBarWidth = 10;
    options.streamBarGap = 6;
    layout = ladder::layOut(model, options);
    placedOfArrow.assign(model.arrows.size(), SIZE_MAX);
    for (std::size_t i = 0; i < layout.arrows.size(); ++i)
        placedOfArrow[layout.arrows[i].arrow] = i;
    brackets.clear();
    if (isShowingBrackets) {
        std::vector<std::optional<std::pair<double, double>>> span(model.transactions.size());
        for (const ladder::PlacedArrow& placed : layout.arrows) {
            const std::size_t t = model.arrows[placed.arrow].transaction;
            if (t < span.size())
                span[t] = std::make_pair(span[t] ? span[t]->first : placed.y, placed.y);
        }
        for (std::size_t t = 0; t < span.size(); ++t)
            if (span[t])
                brackets.push_back({t, span[t]->first, span[t]->second, model.transactions[t].lane});
    }
    selected.reset();
    if (selectedId)
        for (std::size_t i = 0; i < layout.arrows.size(); ++i)
            if (model.arrows[layout.arrows[i].arrow].messageId == *selectedId)
                selected = i;
    isLayoutDirty = false;
}

void LadderView::State::setZoom(float value, float viewHeight) {
    value = std::clamp(value, MinZoom, MaxZoom);
    if (value == zoom)
        return;
    // Keep the arrow in the middle of the view (or the selected one) where it is.
    const auto [first, last] = layout.visibleArrows(ImGui::GetScrollY(), ImGui::GetScrollY() + viewHeight);
    if (selected && *selected >= first && *selected < last)
        zoomAnchor = selected;
    else if (first < last)
        zoomAnchor = (first + last) / 2;
    zoom = value;
    isLayoutDirty = true;
}

std::size_t LadderView::State::nearestColumn(double x) const {
    std::size_t nearest = 0;
    for (std::size_t i = 1; i < layout.columns.size(); ++i)
        if (std::abs(layout.columns[i].centerX - x) < std::abs(layout.columns[nearest].centerX - x))
            nearest = i;
    return nearest;
}

void LadderView::State::moveColumn(std::size_t from, std::size_t to) {
    std::vector<std::size_t> order;
    for (const ladder::PlacedColumn& column : layout.columns)
        order.push_back(column.column);
    if (from >= order.size() || to >= order.size() || from == to)
        return;
    const std::size_t moved = order[from];
    order.erase(order.begin() + static_cast<std::ptrdiff_t>(from));
    order.insert(order.begin() + static_cast<std::ptrdiff_t>(to), moved);
    columnOrder = std::move(order);
    isLayoutDirty = true;
}

std::string LadderView::State::timeText(std::size_t placed) const {
    const ladder::Arrow& arrow = model.arrows[layout.arrows[placed].arrow];
    switch (timeMode) {
    case TimeMode::Absolute: return ladder::clockTime(arrow.timestampUs);
    case TimeMode::Delta: {
        const std::int64_t previous =
            placed > 0 ? model.arrows[layout.arrows[placed - 1].arrow].timestampUs : arrow.timestampUs;
        return ladder::deltaTime(arrow.timestampUs - previous);
    }
    case TimeMode::SinceStart: return ladder::offsetTime(arrow.timestampUs - model.arrows.front().timestampUs);
    }
    return {};
}

}  // namespace sipscope::viewer
