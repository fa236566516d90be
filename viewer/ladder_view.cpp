// Ladder drawing. The model and its layout come from ladder/ (built by viewer/ladder_state.cpp when the call, the
// grouping, the row mode or the zoom change, never per frame); a frame draws only the arrows that binary search finds
// in view.
//
// [SECTION] input: keys, wheel, drag
// [SECTION] drawing
// [SECTION] report
#include "viewer/ladder_view.hpp"

#include "ladder/host_aliases.hpp"
#include "ladder/ladder_layout.hpp"
#include "ladder/ladder_model.hpp"
#include "ladder/text_format.hpp"
#include "viewer/export_menu.hpp"
#include "viewer/finding_marks.hpp"
#include "viewer/host_label.hpp"
#include "viewer/ladder_state.hpp"
#include "viewer/palette.hpp"
#include "viewer/stream_bars.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sipscope::viewer {

namespace {

unsigned classColour(ladder::MessageClass messageClass) {
    using ladder::MessageClass;
    switch (messageClass) {
    case MessageClass::Provisional: return palette::Provisional;
    case MessageClass::Success: return palette::Success;
    case MessageClass::Redirect: return palette::Redirect;
    case MessageClass::ClientError: return palette::ClientError;
    case MessageClass::ServerError:
    case MessageClass::GlobalError: return palette::ServerError;
    default: return palette::Text;
    }
}

unsigned withAlpha(unsigned colour, unsigned alpha) { return (colour & 0x00ffffffu) | (alpha << 24); }

void dashedLine(ImDrawList* draw, ImVec2 from, ImVec2 to, unsigned colour, float thickness) {
    const float length = std::hypot(to.x - from.x, to.y - from.y);
    if (length <= 0)
        return;
    constexpr float Dash = 6, Gap = 4;
    const ImVec2 unit((to.x - from.x) / length, (to.y - from.y) / length);
    for (float at = 0; at < length; at += Dash + Gap) {
        const float end = std::min(length, at + Dash);
        draw->AddLine(ImVec2(from.x + unit.x * at, from.y + unit.y * at),
                      ImVec2(from.x + unit.x * end, from.y + unit.y * end), colour, thickness);
    }
}

}  // namespace

LadderView::LadderView() : m_state(std::make_unique<State>()) {}
LadderView::~LadderView() = default;

void LadderView::selectStream(std::optional<std::int64_t> id) { m_state->selectedStream = id; }

std::optional<std::int64_t> LadderView::selectedStream() const { return m_state->selectedStream; }

void LadderView::setCall(CallDataPtr call, std::shared_ptr<ladder::Model> model, std::uint64_t modelVersion) {
    State& s = *m_state;
    s.call = std::move(call);
    s.selected.reset();
    s.selectedStream.reset();
    s.takeModel(std::move(model), modelVersion);
    s.isScrollToSelected = true;
}

void LadderView::updateCall(CallDataPtr call, std::shared_ptr<ladder::Model> model, std::uint64_t modelVersion) {
    State& s = *m_state;
    const std::optional<std::int64_t> selectedId = selectedMessage();
    std::vector<std::size_t> order = std::move(s.columnOrder);
    const std::size_t columnsBefore = s.model.columns.size();
    s.call = std::move(call);
    s.takeModel(std::move(model), modelVersion);
    if (!order.empty()) {
        for (std::size_t column = columnsBefore; column < s.model.columns.size(); ++column)
            order.push_back(column);
        s.columnOrder = std::move(order);
    }
    s.layOut();
    s.selected.reset();
    if (selectedId)
        for (std::size_t i = 0; i < s.layout.arrows.size(); ++i)
            if (s.model.arrows[s.layout.arrows[i].arrow].messageId == *selectedId)
                s.selected = i;
}

void LadderView::aliasesChanged() {
    ++m_state->inputsVersion;
    if (m_state->call)
        updateCall(m_state->call);
}

void LadderView::setAliases(const ladder::HostAliases* aliases) {
    m_state->aliases = aliases;
    m_state->regroup();
}

LadderView::Modes LadderView::modes() const {
    const State& s = *m_state;
    return {s.timeMode, s.rowMode == ladder::RowMode::Proportional, s.grouping == ladder::ColumnGrouping::Ip,
            m_isShowingLegs, s.isShowingBrackets};
}

void LadderView::setModes(const Modes& modes) {
    State& s = *m_state;
    s.timeMode = modes.time;
    s.rowMode = modes.isProportional ? ladder::RowMode::Proportional : ladder::RowMode::Compressed;
    s.grouping = modes.isPerIp ? ladder::ColumnGrouping::Ip : ladder::ColumnGrouping::Endpoint;
    m_isShowingLegs = modes.isShowingLegs;
    s.isShowingBrackets = modes.isShowingBrackets;
    s.regroup();
    s.isLayoutDirty = true;
}

bool LadderView::hasCall() const { return m_state->call && !m_state->call->calls.empty(); }

void LadderView::selectMessage(std::optional<std::int64_t> id) {
    State& s = *m_state;
    if (s.isLayoutDirty)
        s.layOut();
    s.selected.reset();
    if (id)
        for (std::size_t i = 0; i < s.layout.arrows.size(); ++i)
            if (s.model.arrows[s.layout.arrows[i].arrow].messageId == *id)
                s.selected = i;
    s.isScrollToSelected = true;
}

std::optional<std::int64_t> LadderView::selectedMessage() const {
    const State& s = *m_state;
    if (!s.selected || *s.selected >= s.layout.arrows.size())
        return std::nullopt;
    return s.model.arrows[s.layout.arrows[*s.selected].arrow].messageId;
}

void LadderView::step(int step) {
    State& s = *m_state;
    if (s.layout.arrows.empty())
        return;
    const auto last = static_cast<long long>(s.layout.arrows.size()) - 1;
    const long long from = s.selected ? static_cast<long long>(*s.selected) : (step > 0 ? -1 : last + 1);
    s.selected = static_cast<std::size_t>(std::clamp(from + step, 0LL, last));
    s.selectedStream.reset();
    s.isScrollToSelected = true;
    if (onSelect)
        onSelect(selectedMessage());
}

// [SECTION] input: keys, wheel, drag

void LadderView::draw(bool hasFocus) {
    State& s = *m_state;
    if (!hasCall()) {
        ImGui::TextDisabled("Open a call from the list (Enter or double click) to see its ladder.");
        s.visible.reset();
        s.points.clear();
        s.columnPoints.clear();
        s.streamPoints.clear();
        return;
    }
    const ImGuiIO& io = ImGui::GetIO();
    const float viewHeight = ImGui::GetContentRegionAvail().y;
    if (hasFocus && !io.WantTextInput) {
        for (const ImWchar c : io.InputQueueCharacters) {
            if (c == '+' || c == '=')
                s.setZoom(s.zoom * ZoomStep, viewHeight);
            else if (c == '-')
                s.setZoom(s.zoom / ZoomStep, viewHeight);
            else if (c == '0')
                s.setZoom(1, viewHeight);
            else if (c == 't')
                s.timeMode = static_cast<TimeMode>((static_cast<int>(s.timeMode) + 1) % 3);
            else if (c == 'c') {
                s.rowMode = s.rowMode == ladder::RowMode::Compressed ? ladder::RowMode::Proportional
                                                                     : ladder::RowMode::Compressed;
                s.isLayoutDirty = true;
                s.isScrollToSelected = true;
            } else if (c == 'i') {
                s.grouping = s.grouping == ladder::ColumnGrouping::Endpoint ? ladder::ColumnGrouping::Ip
                                                                            : ladder::ColumnGrouping::Endpoint;
                s.regroup();
            } else if (c == 'l') {
                m_isShowingLegs = !m_isShowingLegs;
                if (onLegs)
                    onLegs(m_isShowingLegs);
            } else if (c == 'b') {
                s.isShowingBrackets = !s.isShowingBrackets;
                s.isLayoutDirty = true;
            }
        }
        const int page = std::max(1, static_cast<int>(viewHeight / s.rowHeight()) - 2);
        if (ImGui::IsKeyPressed(GLFW_KEY_DOWN))
            step(1);
        if (ImGui::IsKeyPressed(GLFW_KEY_UP))
            step(-1);
        if (ImGui::IsKeyPressed(GLFW_KEY_PAGE_DOWN))
            step(page);
        if (ImGui::IsKeyPressed(GLFW_KEY_PAGE_UP))
            step(-page);
        if (ImGui::IsKeyPressed(GLFW_KEY_HOME))
            step(-static_cast<int>(s.layout.arrows.size()));
        if (ImGui::IsKeyPressed(GLFW_KEY_END))
            step(static_cast<int>(s.layout.arrows.size()));
    }
    if (s.isLayoutDirty)
        s.layOut();

    // Toolbar: the modes, each also a button.
    const char* rowMode = s.rowMode == ladder::RowMode::Compressed ? "compressed" : "proportional";
    const char* timeMode = s.timeMode == TimeMode::Absolute ? "absolute"
                           : s.timeMode == TimeMode::Delta  ? "delta"
                                                            : "since start";
    if (ImGui::SmallButton(rowMode)) {
        s.rowMode =
            s.rowMode == ladder::RowMode::Compressed ? ladder::RowMode::Proportional : ladder::RowMode::Compressed;
        s.isLayoutDirty = true;
    }
    ImGui::SameLine();
    if (ImGui::SmallButton(timeMode))
        s.timeMode = static_cast<TimeMode>((static_cast<int>(s.timeMode) + 1) % 3);
    ImGui::SameLine();
    if (ImGui::SmallButton(s.grouping == ladder::ColumnGrouping::Endpoint ? "per ip:port" : "per IP")) {
        s.grouping = s.grouping == ladder::ColumnGrouping::Endpoint ? ladder::ColumnGrouping::Ip
                                                                    : ladder::ColumnGrouping::Endpoint;
        s.regroup();
    }
    ImGui::SameLine();
    if (ImGui::SmallButton(m_isShowingLegs ? "legs: all" : "legs: this call")) {
        m_isShowingLegs = !m_isShowingLegs;
        if (onLegs)
            onLegs(m_isShowingLegs);
    }
    ImGui::SameLine();
    if (ImGui::SmallButton(s.isShowingBrackets ? "brackets: on" : "brackets: off")) {
        s.isShowingBrackets = !s.isShowingBrackets;
        s.isLayoutDirty = true;
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("-"))
        s.setZoom(s.zoom / ZoomStep, viewHeight);
    ImGui::SameLine();
    ImGui::Text("%.0f%%", s.zoom * 100);
    ImGui::SameLine();
    if (ImGui::SmallButton("+"))
        s.setZoom(s.zoom * ZoomStep, viewHeight);
    ImGui::SameLine();
    ImGui::TextDisabled("%zu messages, %zu columns", s.layout.arrows.size(),
                        s.layout.columns.size());  // F1: the status bar
    if (s.isLayoutDirty)
        s.layOut();

    const float legendHeight =
        s.model.legs.size() > 1
            ? ImGui::GetTextLineHeightWithSpacing() * static_cast<float>(std::min<std::size_t>(s.model.legs.size(), 4))
            : 0;
    // Ctrl+wheel zooms: the canvas must not scroll with it then.
    const bool isCtrlWheel = io.KeyCtrl && io.MouseWheel != 0;
    ImGui::BeginChild("ladder-canvas", ImVec2(0, -legendHeight), false,
                      ImGuiWindowFlags_HorizontalScrollbar | (isCtrlWheel ? ImGuiWindowFlags_NoScrollWithMouse : 0));
    const ImVec2 origin = ImGui::GetCursorScreenPos();  // layout (0, 0), scroll included
    const ImVec2 canvasSize = ImGui::GetContentRegionAvail();
    ImGui::Dummy(ImVec2(static_cast<float>(s.layout.width) + 20, static_cast<float>(s.layout.height) + s.rowHeight()));
    if (isCtrlWheel && ImGui::IsWindowHovered())
        s.setZoom(s.zoom * std::pow(ZoomStep, io.MouseWheel), canvasSize.y);
    if (s.isLayoutDirty) {
        s.layOut();
        if (s.zoomAnchor && *s.zoomAnchor < s.layout.arrows.size())
            ImGui::SetScrollY(static_cast<float>(s.layout.arrows[*s.zoomAnchor].y) - canvasSize.y / 2);
        s.zoomAnchor.reset();
    }
    if (s.isScrollToSelected && s.selected && *s.selected < s.layout.arrows.size()) {
        const float y = static_cast<float>(s.layout.arrows[*s.selected].y);
        if (y - s.rowHeight() < ImGui::GetScrollY() + s.headerHeightPx ||
            y + s.rowHeight() > ImGui::GetScrollY() + canvasSize.y)
            ImGui::SetScrollY(std::max(0.0f, y - canvasSize.y / 2));
        s.isScrollToSelected = false;
    }
    // A drag that starts on a column's name moves that column; any other drag pans (a click without a drag selects).
    const float headerBottom = origin.y + ImGui::GetScrollY() + s.headerHeightPx;
    if (ImGui::IsWindowHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Left) && io.MousePos.y < headerBottom &&
        !s.layout.columns.empty())
        s.dragColumn = s.nearestColumn(io.MousePos.x - origin.x);
    if (s.dragColumn && !ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
        s.moveColumn(*s.dragColumn, s.nearestColumn(io.MousePos.x - origin.x));
        s.dragColumn.reset();
        if (s.isLayoutDirty)
            s.layOut();
    }
    if (!s.dragColumn && ImGui::IsWindowHovered() && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
        const ImVec2 delta = ImGui::GetMouseDragDelta(ImGuiMouseButton_Left);
        ImGui::SetScrollX(ImGui::GetScrollX() - delta.x);
        ImGui::SetScrollY(ImGui::GetScrollY() - delta.y);
        ImGui::ResetMouseDragDelta(ImGuiMouseButton_Left);
    }

    // [SECTION] drawing
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float scrollX = ImGui::GetScrollX();
    const float scrollY = ImGui::GetScrollY();
    const float lineHeight = ImGui::GetTextLineHeight();
    auto at = [&origin](double x, double y) {
        return ImVec2(origin.x + static_cast<float>(x), origin.y + static_cast<float>(y));
    };
    const float viewTop = scrollY + s.headerHeightPx;
    const float viewBottom = scrollY + canvasSize.y;
    for (const ladder::PlacedColumn& column : s.layout.columns)
        draw->AddLine(at(column.centerX, viewTop), at(column.centerX, std::min<double>(viewBottom, s.layout.height)),
                      palette::Lifeline);
    for (const ladder::FoldedGap& gap : s.layout.gaps) {
        if (gap.y1 < viewTop || gap.y0 > viewBottom)
            continue;
        draw->AddRectFilled(at(s.gutterWidthPx - 8, gap.y0), at(s.layout.width, gap.y1), palette::Fold);
        char text[64];
        std::snprintf(text, sizeof text, "... %.3f s idle, folded ...", static_cast<double>(gap.durationUs) / 1e6);
        draw->AddText(at(s.gutterWidthPx, (gap.y0 + gap.y1) / 2 - lineHeight / 2), palette::Dim, text);
    }
    // Arrows whose label (above the shaft) or shaft is in view.
    const auto [first, last] = s.layout.visibleArrows(viewTop - s.rowHeight(), viewBottom + lineHeight);
    std::optional<std::size_t> hovered;
    const ImVec2 mouse = io.MousePos;
    if (ImGui::IsWindowHovered() && mouse.y > origin.y + viewTop)
        hovered = s.layout.hitTest(mouse.x - origin.x, mouse.y - origin.y + lineHeight / 2, s.rowHeight() / 2);
    s.points.clear();
    std::optional<std::size_t> firstShown, lastShown;
    for (std::size_t i = first; i < last; ++i) {
        const ladder::PlacedArrow& placed = s.layout.arrows[i];
        const ladder::Arrow& arrow = s.model.arrows[placed.arrow];
        if (placed.y >= viewTop && placed.y <= viewBottom) {
            firstShown = firstShown.value_or(i);
            lastShown = i;
        }
        const float y = origin.y + static_cast<float>(placed.y);
        if (s.selected == i || hovered == i)
            draw->AddRectFilled(ImVec2(origin.x + scrollX, y - lineHeight - 4),
                                ImVec2(origin.x + scrollX + canvasSize.x, y + 4),
                                s.selected == i ? palette::Selection : palette::rgba(255, 255, 255, 20));
        unsigned colour = arrow.hasError ? palette::Error : classColour(arrow.messageClass);
        if (arrow.isRetransmission)
            colour = withAlpha(colour, 120);
        const float thickness = arrow.messageClass == ladder::MessageClass::Request ? 2.0f : 1.4f;
        const float fromX = origin.x + static_cast<float>(placed.fromX);
        const float toX = origin.x + static_cast<float>(placed.toX);
        if (placed.direction == ladder::Direction::Self) {
            const float loop = 14;
            draw->AddLine(ImVec2(fromX, y - 6), ImVec2(fromX + loop, y - 6), colour, thickness);
            draw->AddLine(ImVec2(fromX + loop, y - 6), ImVec2(fromX + loop, y + 4), colour, thickness);
            draw->AddLine(ImVec2(fromX + loop, y + 4), ImVec2(fromX + 5, y + 4), colour, thickness);
            draw->AddTriangleFilled(ImVec2(fromX, y + 4), ImVec2(fromX + 7, y), ImVec2(fromX + 7, y + 8), colour);
        } else {
            const float sign = toX > fromX ? 1.0f : -1.0f;
            const ImVec2 tip(toX - sign * 1, y);
            if (arrow.isRetransmission)
                dashedLine(draw, ImVec2(fromX, y), ImVec2(tip.x - sign * 8, y), colour, thickness);
            else
                draw->AddLine(ImVec2(fromX, y), ImVec2(tip.x - sign * 8, y), colour, thickness);
            draw->AddTriangleFilled(tip, ImVec2(tip.x - sign * 10, y - 5), ImVec2(tip.x - sign * 10, y + 5), colour);
        }
        const ImVec2 labelAt(origin.x + static_cast<float>(placed.labelLeft), y - lineHeight - 2);
        draw->AddText(labelAt, colour, placed.label.c_str());
        if (arrow.hasError)
            draw->AddText(ImVec2(labelAt.x - 12, labelAt.y), palette::Error, "!");
        drawFindingMark(draw, labelAt, lineHeight, arrow.hasError, findingsOf(*s.call, arrow.messageId));
        if (s.model.legs.size() > 1)
            draw->AddRectFilled(ImVec2(origin.x + scrollX + s.gutterWidthPx - 10, y - lineHeight),
                                ImVec2(origin.x + scrollX + s.gutterWidthPx - 5, y + 2), palette::legColor(arrow.leg));
        draw->AddText(ImVec2(origin.x + scrollX + 4, y - lineHeight - 2), palette::Dim, s.timeText(i).c_str());
        if (s.points.size() < MaxReportedPoints && placed.y >= viewTop && placed.y <= viewBottom)
            s.points.push_back(
                {arrow.messageId, labelAt.x + static_cast<float>(placed.labelWidth) / 2, labelAt.y + lineHeight / 2});
    }
    if (firstShown)
        s.visible = std::make_pair(*firstShown, *lastShown);
    else
        s.visible.reset();
    // The streams as bars right of the ladder; one under the pointer takes the tooltip from the arrows.
    StreamBarsFrame barsFrame{origin.x, origin.y, viewTop, viewBottom, std::nullopt, s.selectedStream};
    if (ImGui::IsWindowHovered() && mouse.y > origin.y + viewTop)
        barsFrame.mouse = std::make_pair(mouse.x - origin.x, mouse.y - origin.y);
    const StreamBarsDrawn bars = drawStreamBars(draw, s.layout, s.model, barsFrame);
    s.streamPoints = bars.points;
    s.hoveredStream.reset();
    if (bars.hovered) {
        const ladder::StreamSpan& span = s.model.streams[s.layout.streams[*bars.hovered].stream];
        s.hoveredStream = span.stream.id;
        hovered.reset();
        streamTooltip(span, s.aliases, s.call->mediaVerdict);
        if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) &&
            ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 0).x == 0) {
            s.selectedStream = span.stream.id;
            if (onSelectStream)
                onSelectStream(span.stream.id);
        }
    }
    // Transaction brackets in the margin right of the time, one per transaction (first to last message), the
    // selected message's in full ink; hover one for what it is.
    if (s.isShowingBrackets) {
        const std::size_t selectedTransaction =
            s.selected ? s.model.arrows[s.layout.arrows[*s.selected].arrow].transaction : SIZE_MAX;
        std::optional<std::size_t> hoveredBracket;
        for (std::size_t i = 0; i < s.brackets.size(); ++i) {
            const ladder::PlacedBracket& bracket = s.brackets[i];
            if (bracket.y1 < viewTop - s.rowHeight() || bracket.y0 > viewBottom)
                continue;
            const float x = origin.x + scrollX + s.gutterWidthPx + static_cast<float>(bracket.lane) * BracketLaneWidth;
            const float top = origin.y + static_cast<float>(bracket.y0) - 5;
            const float bottom = origin.y + static_cast<float>(bracket.y1) + 5;
            const unsigned colour = bracket.transaction == selectedTransaction ? palette::Text : palette::Dim;
            draw->AddLine(ImVec2(x + 5, top), ImVec2(x, top), colour);
            draw->AddLine(ImVec2(x, top), ImVec2(x, bottom), colour);
            draw->AddLine(ImVec2(x, bottom), ImVec2(x + 5, bottom), colour);
            if (ImGui::IsWindowHovered() && mouse.x >= x - 2 && mouse.x <= x + BracketLaneWidth - 1 && mouse.y >= top &&
                mouse.y <= bottom)
                hoveredBracket = i;
        }
        if (hoveredBracket) {
            const ladder::Transaction& transaction = s.model.transactions[s.brackets[*hoveredBracket].transaction];
            ImGui::SetTooltip("%s transaction, CSeq %u, %zu messages", transaction.method.c_str(), transaction.cseq,
                              transaction.arrows);
        }
    }
    // Sticky header: column names over the lifelines, whatever the vertical scroll.
    draw->AddRectFilled(ImVec2(origin.x + scrollX, origin.y + scrollY),
                        ImVec2(origin.x + scrollX + canvasSize.x, origin.y + scrollY + s.headerHeightPx),
                        ImGui::GetColorU32(ImGuiCol_WindowBg));
    s.columnPoints.clear();
    for (const ladder::PlacedColumn& column : s.layout.columns) {
        const std::string& top = column.alias.empty() ? column.host : column.alias;
        s.columnPoints.emplace_back(origin.x + static_cast<float>(column.centerX),
                                    origin.y + scrollY + 2 + lineHeight / 2);
        const float width = static_cast<float>(measure(top));
        draw->AddText(at(column.centerX - width / 2, scrollY + 2), palette::Text, top.c_str());
        if (!column.alias.empty()) {
            const float hostWidth = static_cast<float>(measure(column.host));
            draw->AddText(at(column.centerX - hostWidth / 2, scrollY + 2 + lineHeight), palette::Dim,
                          column.host.c_str());
        }
    }
    draw->AddText(ImVec2(origin.x + scrollX + 4, origin.y + scrollY + 2), palette::Dim, "time");
    // A column dragged by its name: where it would go, and the name under the pointer.
    if (s.dragColumn && *s.dragColumn < s.layout.columns.size()) {
        const ladder::PlacedColumn& target = s.layout.columns[s.nearestColumn(mouse.x - origin.x)];
        draw->AddRect(at(target.left + 2, scrollY + 1), at(target.right - 2, scrollY + s.headerHeightPx - 2),
                      palette::Selection, 0, 0, 2);
        const ladder::PlacedColumn& dragged = s.layout.columns[*s.dragColumn];
        const std::string& name = dragged.alias.empty() ? dragged.host : dragged.alias;
        draw->AddText(ImVec2(mouse.x - static_cast<float>(measure(name)) / 2, mouse.y + 4), palette::Text,
                      name.c_str());
    }
    // Right-click a column's name: hide it or move it (the arrows of a hidden host are hidden with it).
    if (ImGui::IsWindowHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Right) &&
        mouse.y < origin.y + scrollY + s.headerHeightPx && !s.layout.columns.empty()) {
        const auto nearest =
            std::min_element(s.layout.columns.begin(), s.layout.columns.end(), [&](const auto& a, const auto& b) {
                return std::abs(a.centerX + origin.x - mouse.x) < std::abs(b.centerX + origin.x - mouse.x);
            });
        s.menuColumn = static_cast<std::size_t>(nearest - s.layout.columns.begin());
        ImGui::OpenPopup("column-menu");
    }
    if (ImGui::BeginPopup("column-menu")) {
        std::vector<std::size_t> order;
        for (const ladder::PlacedColumn& column : s.layout.columns)
            order.push_back(column.column);
        const std::size_t index = s.menuColumn.value_or(0);
        if (index < order.size()) {
            const ladder::Column& column = s.model.columns[order[index]];
            const capture::Host address = column.address;  // copies: a rename rebuilds the model
            const std::string host = column.host;
            ImGui::TextDisabled("%s", host.c_str());
            bool isChanged = false;
            if (ImGui::MenuItem("Hide", nullptr, false, order.size() > 1)) {
                order.erase(order.begin() + static_cast<std::ptrdiff_t>(index));
                isChanged = true;
            }
            if (ImGui::MenuItem("Move left", nullptr, false, index > 0)) {
                std::swap(order[index], order[index - 1]);
                isChanged = true;
            }
            if (ImGui::MenuItem("Move right", nullptr, false, index + 1 < order.size())) {
                std::swap(order[index], order[index + 1]);
                isChanged = true;
            }
            if (ImGui::MenuItem("Show every column in first-seen order")) {
                order.clear();
                isChanged = true;
            }
            // Rename: typed at once (the field has the keyboard when the menu opens), Enter applies it for this
            // session, wherever the host is shown; an empty name gives the host its address back.
            ImGui::Separator();
            ImGui::TextDisabled("Rename (Enter):");
            if (ImGui::IsWindowAppearing()) {
                std::snprintf(s.renameText, sizeof s.renameText, "%s", column.alias.c_str());
                ImGui::SetKeyboardFocusHere();
            }
            if (ImGui::InputText("##rename", s.renameText, sizeof s.renameText,
                                 ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_AutoSelectAll)) {
                if (onRename)
                    onRename(address, s.renameText);
                ImGui::CloseCurrentPopup();
            }
            if (isChanged) {
                s.columnOrder = std::move(order);
                s.isLayoutDirty = true;
                ImGui::CloseCurrentPopup();
            }
        }
        ImGui::EndPopup();
    }

    if (hovered) {
        const ladder::Arrow& arrow = s.model.arrows[s.layout.arrows[*hovered].arrow];
        const store::MessageRow& message = s.call->messages[arrow.message];
        ImGui::BeginTooltip();
        ImGui::Text("%s", arrow.label.c_str());
        ImGui::Text("%s  (%s)", ladder::isoTimestamp(message.timestampUs).c_str(), s.timeText(*hovered).c_str());
        ImGui::Text("%s -> %s  %s", hostTitle(s.aliases, message.src).c_str(),
                    hostTitle(s.aliases, message.dst).c_str(),
                    std::string(capture::transportName(message.transport)).c_str());
        ImGui::Text("CSeq %u %s   Call-ID %s", message.cseq, message.cseqMethod.c_str(),
                    ladder::printableText(message.callId.value_or("")).c_str());
        if (arrow.isRetransmission)
            ImGui::TextDisabled("retransmission");
        if (arrow.hasError) {
            ImGui::PushStyleColor(ImGuiCol_Text, palette::Error);
            ImGui::Text("malformed: %s", arrow.error.c_str());
            ImGui::PopStyleColor();
        }
        findingTooltipLines(findingsOf(*s.call, arrow.messageId));
        ImGui::EndTooltip();
        if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) &&
            ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 0).x == 0 && (s.selected != hovered || s.selectedStream)) {
            s.selected = hovered;
            s.selectedStream.reset();
            if (onSelect)
                onSelect(selectedMessage());
        }
    }
    ImGui::EndChild();

    for (std::size_t leg = 0; leg < s.model.legs.size() && legendHeight > 0; ++leg) {
        if (leg == 3 && s.model.legs.size() > 4) {
            ImGui::TextDisabled("... and %zu more legs", s.model.legs.size() - 3);
            break;
        }
        ImGui::PushStyleColor(ImGuiCol_Text, palette::legColor(leg));
        ImGui::Text("#%zu %s", leg + 1, s.model.legs[leg].callId.c_str());
        ImGui::PopStyleColor();
        ImGui::SameLine();
        ImGui::TextDisabled("(%s)", s.model.legs[leg].link.c_str());
    }
}

// [SECTION] report

void LadderView::report(FrameReport& out) const {
    const State& s = *m_state;
    out.zoom = s.zoom;
    out.rowMode = s.rowMode == ladder::RowMode::Compressed ? "compressed" : "proportional";
    out.timeMode = s.timeMode == TimeMode::Absolute ? "absolute"
                   : s.timeMode == TimeMode::Delta  ? "delta"
                                                    : "since-start";
    if (!hasCall())
        return;
    out.callId = s.call->calls.front().callId;
    // Their labels as drawn: the alias (file or rename), else the host.
    for (const ladder::PlacedColumn& column : s.layout.columns)
        out.columns.push_back(s.model.columns[column.column].alias.empty() ? s.model.columns[column.column].host
                                                                           : s.model.columns[column.column].alias);
    out.brackets = s.brackets.size();
    out.columnPoints = s.columnPoints;
    out.arrows = s.layout.arrows.size();
    out.legs = s.model.legs.size();
    out.ladderRange = s.visible;
    out.arrowPoints = s.points;
    out.streams = s.model.streams.size();
    out.streamPoints = s.streamPoints;
    out.hoveredStream = s.hoveredStream;
    out.selectedStream = s.selectedStream;
}

bool LadderView::snapshot(LadderSnapshot& out) const {
    const State& s = *m_state;
    if (!s.call || s.call->calls.empty())
        return false;
    out.call = s.call->calls.front();
    out.model = s.model;
    out.columnOrder = s.columnOrder;
    return true;
}

}  // namespace sipscope::viewer
