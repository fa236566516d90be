// Findings table: severity in colour, clipped to the visible rows; severity and kind chosen above it.
#include "viewer/findings_view.hpp"

#include "ladder/text_format.hpp"
#include "viewer/call_list_view.hpp"
#include "viewer/palette.hpp"
#include "viewer/query_thread.hpp"
#include "viewer/ui_queue.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <string>
#include <utility>

namespace sipscope::viewer {

namespace {

constexpr ImGuiTableFlags TableFlags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersV |
                                       ImGuiTableFlags_Resizable | ImGuiTableFlags_Hideable;
constexpr std::size_t MaxReportedRows = 200;

void cell(const std::string& text) {
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(text.empty() ? "-" : text.c_str());
}

}  // namespace

unsigned severityColour(decode::FindingSeverity severity) {
    switch (severity) {
    case decode::FindingSeverity::Error: return palette::Error;
    case decode::FindingSeverity::Warning: return palette::Provisional;
    case decode::FindingSeverity::Info: return palette::Dim;
    }
    return palette::Text;
}

FindingsView::FindingsView(QueryThread& queries, UiQueue& ui) : m_queries(queries), m_ui(ui) {}

void FindingsView::setFilter(const store::Filter& filter) {
    m_filter = filter;
    m_cursor.reset();
    ++m_generation;  // the rows on their way are for the old filter
    m_gate.invalidate();
}

void FindingsView::refresh() { m_gate.dataChanged(); }

void FindingsView::load() {
    store::Filter filter = m_filter;
    filter.limit = MaxRows;
    store::FindingFilter only;
    if (m_severity > 0)
        only.severity = static_cast<decode::FindingSeverity>(m_severity - 1);
    if (m_kind > 0)
        only.kinds.emplace_back(decode::findingKinds()[static_cast<std::size_t>(m_kind - 1)]);
    m_queries.submit([this, generation = m_generation, filter, only](const store::Reader& reader) {
        const ReadDoneNotice done(m_ui, m_gate, m_generation, generation);
        auto rows = reader.findings(filter, only);
        m_ui.post([this, generation, rows = std::move(rows)]() mutable {
            if (generation != m_generation)
                return;
            m_rows = std::move(rows);
            m_isLoaded = true;
            if (m_cursor && *m_cursor >= m_rows.size())
                m_cursor.reset();
        });
    });
}

void FindingsView::choose(std::size_t row) {
    m_cursor = row;
    const store::FindingRow& finding = m_rows[row];
    if (finding.callKey && onOpen)
        onOpen(finding.callKey, finding.messageId);
}

void FindingsView::draw(bool hasFocus) {
    if (m_gate.shouldRead(RefreshGate::Clock::now()))
        load();
    // Severity and kind: a change reads again.
    const char* severities[] = {"every severity", "error", "warning", "info"};
    ImGui::SetNextItemWidth(140);
    bool isChanged = ImGui::Combo("##severity", &m_severity, severities, 4);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(220);
    const auto& kinds = decode::findingKinds();
    const std::string kindShown = m_kind == 0 ? "every kind" : std::string(kinds[static_cast<std::size_t>(m_kind - 1)]);
    if (ImGui::BeginCombo("##kind", kindShown.c_str())) {
        for (int i = 0; i <= static_cast<int>(kinds.size()); ++i) {
            const std::string name = i == 0 ? "every kind" : std::string(kinds[static_cast<std::size_t>(i - 1)]);
            if (ImGui::Selectable(name.c_str(), i == m_kind) && i != m_kind) {
                m_kind = i;
                isChanged = true;
            }
        }
        ImGui::EndCombo();
    }
    // s and k step through the severities and the kinds from the keyboard.
    if (hasFocus && !ImGui::GetIO().WantTextInput) {
        const ImVector<ImWchar>& typed = ImGui::GetIO().InputQueueCharacters;
        for (const ImWchar c : typed) {
            if (c == 's')
                m_severity = (m_severity + 1) % 4;
            else if (c == 'k')
                m_kind = (m_kind + 1) % (static_cast<int>(kinds.size()) + 1);
            isChanged = isChanged || c == 's' || c == 'k';
        }
    }
    if (isChanged)
        setFilter(m_filter);
    ImGui::SameLine();
    if (!m_isLoaded) {
        ImGui::TextDisabled("Loading...");
        return;
    }
    ImGui::Text("%zu findings%s", m_rows.size(), m_rows.size() == MaxRows ? " (the first)" : "");
    if (hasFocus && !m_rows.empty() && !ImGui::GetIO().WantTextInput) {
        const std::size_t last = m_rows.size() - 1;
        if (ImGui::IsKeyPressed(GLFW_KEY_DOWN, true)) {
            m_cursor = m_cursor ? std::min(*m_cursor + 1, last) : 0;
            m_isCursorMoved = true;
        }
        if (ImGui::IsKeyPressed(GLFW_KEY_UP, true)) {
            m_cursor = m_cursor && *m_cursor > 0 ? *m_cursor - 1 : 0;
            m_isCursorMoved = true;
        }
        if ((ImGui::IsKeyPressed(GLFW_KEY_ENTER, false) || ImGui::IsKeyPressed(GLFW_KEY_KP_ENTER, false)) && m_cursor)
            choose(*m_cursor);
    }
    if (!ImGui::BeginTable("findings", 6, TableFlags))
        return;
    // The explanation takes what the others leave (whole in the row's tooltip); the others start narrow.
    const std::pair<const char*, float> columns[] = {{"Time", 150},      {"Severity", 60}, {"Kind", 150},
                                                     {"Explanation", 0}, {"RFC", 100},     {"Call-ID", 110}};
    for (const auto& [name, width] : columns)
        ImGui::TableSetupColumn(name, width > 0 ? ImGuiTableColumnFlags_WidthFixed : ImGuiTableColumnFlags_WidthStretch,
                                width);
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableHeadersRow();
    if (m_isCursorMoved && m_cursor) {
        const float rowHeight = ImGui::GetTextLineHeightWithSpacing();
        ImGui::SetScrollFromPosY(ImGui::GetCursorStartPos().y + rowHeight * (static_cast<float>(*m_cursor) + 1.5f) -
                                 ImGui::GetScrollY());
        m_isCursorMoved = false;
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(m_rows.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const std::size_t row = static_cast<std::size_t>(i);
            const store::FindingRow& finding = m_rows[row];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::PushID(i);
            // The time cell's selectable spans the row: a click chooses the finding.
            if (ImGui::Selectable(formatTimestampUtc(finding.timestampUs).c_str(), m_cursor == row,
                                  ImGuiSelectableFlags_SpanAllColumns))
                choose(row);
            ImGui::PopID();
            ImGui::TableNextColumn();
            ImGui::PushStyleColor(ImGuiCol_Text, severityColour(finding.severity));
            ImGui::TextUnformatted(std::string(decode::findingSeverityName(finding.severity)).c_str());
            ImGui::PopStyleColor();
            cell(finding.kind);
            // Explanations and Call-IDs quote packet text: shown printable.
            const std::string explanation = ladder::printableText(finding.explanation);
            cell(explanation);
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("%s", explanation.c_str());
            cell(finding.rfc);
            cell(ladder::printableText(finding.callId));
        }
    }
    ImGui::EndTable();
}

void FindingsView::report(FrameReport& out) const {
    if (!m_isLoaded)
        return;
    out.findingsListed = m_rows.size();
    out.findingsSeverity =
        m_severity == 0
            ? ""
            : std::string(decode::findingSeverityName(static_cast<decode::FindingSeverity>(m_severity - 1)));
    out.findingsKind = m_kind == 0 ? "" : std::string(decode::findingKinds()[static_cast<std::size_t>(m_kind - 1)]);
    for (std::size_t i = 0; i < m_rows.size() && i < MaxReportedRows; ++i)
        out.findings.push_back({m_rows[i].id, std::string(decode::findingSeverityName(m_rows[i].severity)),
                                m_rows[i].kind, m_rows[i].callId});
}

}  // namespace sipscope::viewer
