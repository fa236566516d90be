// The ladder view's state (viewer/ladder_view.cpp draws it, viewer/ladder_state.cpp builds and lays it out): the
// call's model and layout, the modes, the columns' order, the selection, and what the last frame showed.
#pragma once

#include "ladder/host_aliases.hpp"
#include "ladder/ladder_layout.hpp"
#include "ladder/ladder_model.hpp"
#include "viewer/frame_report.hpp"
#include "viewer/ladder_view.hpp"

#include <imgui.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sipscope::viewer {

// The width of `text` in the current ImGui font: how the layout measures labels.
inline double measure(std::string_view text) { return ImGui::CalcTextSize(text.data(), text.data() + text.size()).x; }

inline constexpr float MinZoom = 0.25f;
inline constexpr float MaxZoom = 8.0f;
inline constexpr float ZoomStep = 1.25f;
inline constexpr std::size_t MaxReportedPoints = 200;
inline constexpr float BracketLaneWidth = 7;  // px per margin lane of the transaction brackets

struct LadderView::State {
    CallDataPtr call;
    const ladder::HostAliases* aliases = nullptr;
    ladder::Model model;
    ladder::Layout layout;
    std::vector<std::size_t> placedOfArrow;  // model arrow -> index into layout.arrows (SIZE_MAX: hidden)
    bool isLayoutDirty = true;
    ladder::ColumnGrouping grouping = ladder::ColumnGrouping::Endpoint;
    ladder::RowMode rowMode = ladder::RowMode::Compressed;
    TimeMode timeMode = TimeMode::Absolute;
    float zoom = 1;
    std::vector<std::size_t> columnOrder;   // model columns in display order, hidden ones left out; empty: all
    std::optional<std::size_t> menuColumn;  // the column whose right-click menu is open
    std::optional<std::size_t> dragColumn;  // the column dragged by its name (display index)
    char renameText[ladder::HostAliases::MaxNameBytes + 1] = {};
    bool isShowingBrackets = false;
    // Every transaction's span with brackets on, one-message ones too (y0 == y1): built with the layout.
    std::vector<ladder::PlacedBracket> brackets;
    float bracketMarginPx = 0;
    std::optional<std::size_t> selected;  // index into layout.arrows
    bool isScrollToSelected = false;
    std::optional<std::size_t> zoomAnchor;  // layout arrow kept in place across a zoom
    float headerHeightPx = 0;
    float gutterWidthPx = 0;
    // What the last frame showed, for the report.
    std::optional<std::pair<std::size_t, std::size_t>> visible;
    std::vector<FrameReport::ArrowPoint> points;
    std::vector<std::pair<float, float>> columnPoints;
    std::optional<std::int64_t> selectedStream;  // streams.id of the bar clicked
    std::optional<std::int64_t> hoveredStream;
    std::vector<FrameReport::StreamPoint> streamPoints;

    void buildModel();
    // A model built off the frame from the inputs of `builtVersion` (else built here).
    void takeModel(std::shared_ptr<ladder::Model> built, std::uint64_t builtVersion);
    // The grouping or the names changed: models built before are stale; this one is built again.
    void regroup() {
        ++inputsVersion;
        if (call)
            buildModel();
    }
    std::uint64_t inputsVersion = 0;  // of the grouping and the names (ModelInputs::version)
    void layOut();
    float rowHeight() const { return ImGui::GetTextLineHeightWithSpacing() * 1.7f * zoom; }
    void setZoom(float value, float viewHeight);
    // The display index of the column whose lifeline is nearest to layout x `x`.
    std::size_t nearestColumn(double x) const;
    void moveColumn(std::size_t from, std::size_t to);
    std::string timeText(std::size_t placed) const;
};

}  // namespace sipscope::viewer
