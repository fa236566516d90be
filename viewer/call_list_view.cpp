// Call list drawing: a BeginTable clipped to the visible rows, each row read from a page loaded on the query thread.
// A row whose page is not in yet shows a placeholder for the frame or two its query takes.
#include "viewer/call_list_view.hpp"

#include "viewer/host_label.hpp"
#include "viewer/palette.hpp"
#include "viewer/query_thread.hpp"
#include "viewer/ui_queue.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <utility>

namespace sipscope::viewer {

namespace {

struct ColumnSpec {
    const char* name;
    const char* field;  // Reader::callPage's sort field; nullptr: not sortable
    ImGuiTableColumnFlags flags;
    float widthChars;  // initial width, in characters of the font
};

// The columns of `sipscope calls` (and the legs mark); right-click the header row to show or hide them, drag one to
// move it. Who called whom and how it ended come first, so they show without scrolling in a list pane of ~550 px.
constexpr std::array Columns{
    ColumnSpec{"Start", "start", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_DefaultSort, 21},
    ColumnSpec{"From", "from", ImGuiTableColumnFlags_WidthFixed, 10},
    ColumnSpec{"To", "to", ImGuiTableColumnFlags_WidthFixed, 10},
    ColumnSpec{"State", "state", ImGuiTableColumnFlags_WidthFixed, 9},
    ColumnSpec{"Status", "status", ImGuiTableColumnFlags_WidthFixed, 6},
    ColumnSpec{"Legs", nullptr, ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_NoSort, 6},
    ColumnSpec{"Duration", "duration", ImGuiTableColumnFlags_WidthFixed, 8},
    ColumnSpec{"Method", "method", ImGuiTableColumnFlags_WidthFixed, 9},
    ColumnSpec{"Msgs", "messages", ImGuiTableColumnFlags_WidthFixed, 5},
    ColumnSpec{"Source", "src", ImGuiTableColumnFlags_WidthFixed, 16},
    ColumnSpec{"Destination", "dst", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_DefaultHide, 16},
    ColumnSpec{"Kind", "kind", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_DefaultHide, 12},
    ColumnSpec{"Call-ID", "call_id", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_DefaultHide, 30},
};

const char* orDash(const std::string& text) { return text.empty() ? "-" : text.c_str(); }

const std::string& preferUser(const std::string& user, const std::string& uri) { return user.empty() ? uri : user; }

void textCell(const char* text) {
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(text);
}

void colouredCell(unsigned colour, const char* text) {
    ImGui::TableNextColumn();
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::TextUnformatted(text);
    ImGui::PopStyleColor();
}

std::string formatDuration(std::int64_t us) {
    char text[32];
    if (us < 1'000'000)
        std::snprintf(text, sizeof text, "%.0f ms", static_cast<double>(us) / 1e3);
    else
        std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(us) / 1e6);
    return text;
}

bool isPressed(int key) { return ImGui::IsKeyPressed(key, true); }

}  // namespace

std::string formatTimestampUtc(std::int64_t timestampUs) {
    const std::time_t seconds = static_cast<std::time_t>(timestampUs / 1'000'000);
    const int millis = static_cast<int>((timestampUs % 1'000'000) / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[40];
    const std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
    std::snprintf(text + length, sizeof text - length, ".%03d", std::max(millis, 0));
    return text;
}

CallListView::CallListView(QueryThread& queries, UiQueue& ui) : m_queries(queries), m_ui(ui) {}

void CallListView::setQuery(ListQuery query) {
    m_query = std::move(query);
    m_marked.clear();
    m_cursor = 0;
    m_cursorKey.reset();
    m_pages.clear();
    m_stalePages.clear();  // another order: the old rows would be in the wrong places
    refresh();
}

void CallListView::refresh() {
    ++m_generation;
    for (auto& [page, rows] : m_pages)
        m_stalePages[page] = std::move(rows);
    evictPages(m_stalePages);
    m_pages.clear();
    m_pending.clear();
    m_anchors.clear();
    m_error.clear();
    m_isCountFresh = false;
    requestCount();
}

void CallListView::setError(std::string message) {
    m_error = std::move(message);
    m_pending.clear();
}

void CallListView::requestCount() {
    m_queries.submit([this, generation = m_generation, filter = m_query.filter](const store::Reader& reader) {
        const std::uint64_t total = reader.countCalls(filter);
        m_ui.post([this, generation, total] {
            if (generation != m_generation)
                return;
            // A count that arrives has read the database: an error posted before it (a job that ran before an
            // import created the file) is over.
            m_error.clear();
            m_total = total;
            m_isCountFresh = true;
            if (onCounted)
                onCounted(total);
            if (m_cursor >= total)
                m_cursor = total == 0 ? 0 : static_cast<std::size_t>(total - 1);
        });
    });
}

void CallListView::showCall(std::int64_t key, bool isByUser) {
    m_queries.submit([this, generation = m_generation, query = m_query, key, isByUser](const store::Reader& reader) {
        const std::optional<std::uint64_t> row =
            reader.callPosition(query.filter, query.sortField, query.isDescending, key);
        m_ui.post([this, generation, row, key, isByUser] {
            if (generation == m_generation && row)
                placeCursor(static_cast<std::size_t>(*row), key, isByUser);
        });
    });
}

void CallListView::showNewest() {
    m_queries.submit([this, generation = m_generation, query = m_query](const store::Reader& reader) {
        const std::vector<store::CallRow> newest =
            reader.callPageFrom(query.filter, "start", true, std::nullopt, false, 0, 1);
        if (newest.empty())
            return;
        const std::int64_t key = newest.front().key;
        const std::optional<std::uint64_t> row =
            reader.callPosition(query.filter, query.sortField, query.isDescending, key);
        m_ui.post([this, generation, row, key] {
            if (generation == m_generation && row)
                placeCursor(static_cast<std::size_t>(*row), key, true);
        });
    });
}

void CallListView::placeCursor(std::size_t row, std::int64_t key, bool isByUser) {
    m_cursor = row;
    m_cursorKey.reset();  // set, and onCursor told, once the row's page is in (see draw)
    m_anchors[row] = key;
    m_scrollToCursor = true;
    m_isCursorMoved = isByUser;
}

void CallListView::requestPage(std::size_t page) {
    // Pages wait for their generation's count: a page cut to an older count would miss the rows added since.
    if (m_pending.count(page) || m_pages.count(page) || !m_total || !m_isCountFresh)
        return;
    const std::size_t total = static_cast<std::size_t>(*m_total);
    const std::size_t first = page * PageRows;
    if (first >= total)
        return;
    const std::size_t end = std::min(total, first + PageRows);  // one past the page's last row
    // Read from the nearest known row: the list's start or end, or an anchor on either side. OFFSET (the skip) then
    // walks only the rows between it and the page.
    struct Plan {
        std::optional<std::int64_t> anchor;
        bool isBackward = false;
        std::size_t skip = 0;
    };
    Plan plan{std::nullopt, false, first};
    if (total - end < plan.skip)
        plan = {std::nullopt, true, total - end};
    if (const auto after = m_anchors.lower_bound(end); after != m_anchors.end() && after->first - end < plan.skip)
        plan = {after->second, true, after->first - end};
    if (auto before = m_anchors.lower_bound(first); before != m_anchors.begin()) {
        --before;
        if (first - before->first - 1 < plan.skip)
            plan = {before->second, false, first - before->first - 1};
    }
    m_pending.insert(page);
    m_queries.submit([this, generation = m_generation, page, query = m_query, plan,
                      count = end - first](const store::Reader& reader) {
        std::vector<store::CallRow> rows = reader.callPageFrom(query.filter, query.sortField, query.isDescending,
                                                               plan.anchor, plan.isBackward, plan.skip, count);
        m_ui.post([this, generation, page, rows = std::move(rows)]() mutable {
            if (generation != m_generation)
                return;
            m_pending.erase(page);
            if (!rows.empty()) {
                m_anchors[page * PageRows] = rows.front().key;
                m_anchors[page * PageRows + rows.size() - 1] = rows.back().key;
            }
            m_stalePages.erase(page);
            m_pages[page] = Page{std::move(rows), m_frame};
            evictPages(m_pages);
            // Anchors of pages long gone are kept while few; when many, only the held pages' stay.
            if (m_anchors.size() > MaxAnchors) {
                m_anchors.clear();
                for (const auto& [held, heldPage] : m_pages)
                    if (!heldPage.rows.empty()) {
                        m_anchors[held * PageRows] = heldPage.rows.front().key;
                        m_anchors[held * PageRows + heldPage.rows.size() - 1] = heldPage.rows.back().key;
                    }
            }
        });
    });
}

void CallListView::evictPages(std::map<std::size_t, Page>& pages) {
    while (pages.size() > MaxPages) {
        auto oldest = std::min_element(pages.begin(), pages.end(), [](const auto& a, const auto& b) {
            return a.second.usedFrame < b.second.usedFrame;
        });
        pages.erase(oldest);
    }
}

const store::CallRow* CallListView::rowAt(std::size_t row, bool orStale) {
    const std::size_t page = row / PageRows;
    const std::size_t index = row % PageRows;
    const auto found = m_pages.find(page);
    if (found == m_pages.end()) {
        requestPage(page);
        const auto stale = orStale ? m_stalePages.find(page) : m_stalePages.end();
        if (stale == m_stalePages.end() || index >= stale->second.rows.size())
            return nullptr;
        stale->second.usedFrame = m_frame;
        return &stale->second.rows[index];
    }
    found->second.usedFrame = m_frame;
    return index < found->second.rows.size() ? &found->second.rows[index] : nullptr;
}

const store::CallRow* CallListView::cursorCall() const {
    const auto found = m_pages.find(m_cursor / PageRows);
    if (found == m_pages.end() || m_cursor % PageRows >= found->second.rows.size())
        return nullptr;
    return &found->second.rows[m_cursor % PageRows];
}

std::vector<std::int64_t> CallListView::callsToOpen() const {
    if (!m_marked.empty())
        return {m_marked.begin(), m_marked.end()};
    if (m_cursorKey)
        return {*m_cursorKey};
    return {};
}

void CallListView::moveCursorTo(std::size_t row) {
    if (!m_total || *m_total == 0)
        return;
    m_cursor = std::min<std::size_t>(row, static_cast<std::size_t>(*m_total - 1));
    m_cursorKey.reset();
    m_scrollToCursor = true;
    m_isCursorMoved = true;
    if (const store::CallRow* call = rowAt(m_cursor, false)) {
        m_cursorKey = call->key;
        if (onCursor)
            onCursor(*call, true);
    }
}

void CallListView::handleKeys() {
    if (!m_total || *m_total == 0 || ImGui::GetIO().WantTextInput)
        return;
    const auto pageRows = static_cast<std::size_t>(
        std::max(1.0f, m_rowHeightPx > 0 ? std::floor(ImGui::GetContentRegionAvail().y / m_rowHeightPx) - 2 : 10));
    if (isPressed(GLFW_KEY_DOWN))
        moveCursorTo(m_cursor + 1);
    if (isPressed(GLFW_KEY_UP) && m_cursor > 0)
        moveCursorTo(m_cursor - 1);
    if (isPressed(GLFW_KEY_PAGE_DOWN))
        moveCursorTo(m_cursor + pageRows);
    if (isPressed(GLFW_KEY_PAGE_UP))
        moveCursorTo(m_cursor > pageRows ? m_cursor - pageRows : 0);
    if (isPressed(GLFW_KEY_HOME))
        moveCursorTo(0);
    if (isPressed(GLFW_KEY_END))
        moveCursorTo(static_cast<std::size_t>(*m_total - 1));
    if (ImGui::IsKeyPressed(GLFW_KEY_SPACE, false) && m_cursorKey) {
        if (!m_marked.erase(*m_cursorKey) && m_marked.size() < MaxMarkedCalls)
            m_marked.insert(*m_cursorKey);
    }
    if ((ImGui::IsKeyPressed(GLFW_KEY_ENTER, false) || ImGui::IsKeyPressed(GLFW_KEY_KP_ENTER, false)) && onOpen) {
        if (std::vector<std::int64_t> calls = callsToOpen(); !calls.empty())
            onOpen(std::move(calls));
    }
}

void CallListView::draw(bool hasFocus) {
    ++m_frame;
    if (!m_error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette::Error);
        ImGui::TextWrapped("Cannot read the database: %s", m_error.c_str());
        ImGui::PopStyleColor();
        m_visible.reset();
        return;
    }
    if (!m_total) {
        ImGui::TextDisabled("Counting calls...");
        m_visible.reset();
        return;
    }
    if (hasFocus)
        handleKeys();
    // The cursor's page may have come in since it moved there.
    if (!m_cursorKey && *m_total > 0) {
        if (const store::CallRow* call = rowAt(m_cursor, false)) {
            m_cursorKey = call->key;
            if (onCursor)
                onCursor(*call, m_isCursorMoved);
        }
    }
    drawTable();
}

void CallListView::drawTable() {
    const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersV | ImGuiTableFlags_Resizable |
                                  ImGuiTableFlags_Hideable | ImGuiTableFlags_Reorderable | ImGuiTableFlags_Sortable;
    if (!ImGui::BeginTable("calls", static_cast<int>(Columns.size()), flags)) {
        m_visible.reset();
        return;
    }
    ImGui::TableSetupScrollFreeze(0, 1);
    for (std::size_t i = 0; i < Columns.size(); ++i)
        ImGui::TableSetupColumn(Columns[i].name, Columns[i].flags, Columns[i].widthChars * ImGui::CalcTextSize("0").x,
                                static_cast<ImGuiID>(i));
    ImGui::TableHeadersRow();

    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
        if (specs->SpecsCount > 0) {
            const ColumnSpec& column = Columns[specs->Specs[0].ColumnUserID];
            const bool isDescending = specs->Specs[0].SortDirection == ImGuiSortDirection_Descending;
            if (column.field && (column.field != m_query.sortField || isDescending != m_query.isDescending)) {
                ListQuery query = m_query;
                query.sortField = column.field;
                query.isDescending = isDescending;
                setQuery(std::move(query));
            }
        }
        specs->SpecsDirty = false;
    }

    const auto total = static_cast<int>(std::min<std::uint64_t>(*m_total, 1u << 30));
    ImGuiListClipper clipper;
    clipper.Begin(total);
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            ImGui::TableNextRow();
            const store::CallRow* call = rowAt(static_cast<std::size_t>(row), true);
            if (call == nullptr) {
                ImGui::TableNextColumn();
                ImGui::TextDisabled("...");
                continue;
            }
            drawRow(static_cast<std::size_t>(row), *call);
        }
    }
    if (clipper.ItemsHeight > 0)
        m_rowHeightPx = clipper.ItemsHeight;
    if (m_rowHeightPx > 0 && total > 0) {
        // The frozen header row takes one row of the table's height.
        const float viewHeight = std::max(0.0f, ImGui::GetWindowHeight() - m_rowHeightPx);
        if (m_scrollToCursor) {
            const float top = static_cast<float>(m_cursor) * m_rowHeightPx;
            if (top < ImGui::GetScrollY())
                ImGui::SetScrollY(top);
            else if (top + m_rowHeightPx > ImGui::GetScrollY() + viewHeight)
                ImGui::SetScrollY(top + m_rowHeightPx - viewHeight);
            m_scrollToCursor = false;
        }
        const auto first = static_cast<std::size_t>(ImGui::GetScrollY() / m_rowHeightPx);
        const auto shown = static_cast<std::size_t>(std::ceil(viewHeight / m_rowHeightPx));
        const std::size_t last = std::min<std::size_t>(first + std::max<std::size_t>(shown, 1), total) - 1;
        m_visible = std::make_pair(std::min(first, last), last);
    } else {
        m_visible.reset();
    }
    ImGui::EndTable();
}

void CallListView::drawRow(std::size_t row, const store::CallRow& call) {
    ImGui::TableNextColumn();
    ImGui::PushID(static_cast<int>(row));
    const bool isCursor = row == m_cursor;
    const bool isMarked = m_marked.count(call.key) > 0;
    if (isMarked)
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, palette::Selection);
    const std::string start = formatTimestampUtc(call.startUs);
    const ImGuiSelectableFlags selectableFlags =
        ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowDoubleClick;
    if (ImGui::Selectable(start.c_str(), isCursor, selectableFlags)) {
        m_cursor = row;
        m_cursorKey = call.key;
        if (ImGui::GetIO().KeyCtrl) {
            if (!m_marked.erase(call.key) && m_marked.size() < MaxMarkedCalls)
                m_marked.insert(call.key);
        }
        if (onCursor)
            onCursor(call, true);
        if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left) && onOpen)
            onOpen(callsToOpen());
    }
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Call-ID: %s\n%s -> %s\n%s", call.callId.c_str(), orDash(call.fromUri), orDash(call.toUri),
                          call.reason.empty() ? "" : call.reason.c_str());
    ImGui::PopID();
    // In the order of Columns.
    textCell(orDash(preferUser(call.fromUser, call.fromUri)));
    textCell(orDash(preferUser(call.toUser, call.toUri)));
    const int status = call.status.value_or(0);
    const std::string state(decode::callStateName(call.state));
    colouredCell(status ? palette::statusColor(status) : palette::stateColor(call.state), state.c_str());
    colouredCell(palette::statusColor(status), status ? std::to_string(status).c_str() : "-");
    if (call.legs > 1)
        colouredCell(palette::legColor(1), (std::to_string(call.legs) + " legs").c_str());
    else
        textCell("");
    textCell(formatDuration(call.endUs - call.startUs).c_str());
    textCell(orDash(call.method));
    ImGui::TableNextColumn();
    ImGui::Text("%u", call.messages);
    textCell(orDash(hostLabel(m_aliases, call.src)));
    textCell(orDash(hostLabel(m_aliases, call.dst)));
    textCell(std::string(decode::callKindName(call.kind)).c_str());
    textCell(call.callId.c_str());
}

}  // namespace sipscope::viewer
