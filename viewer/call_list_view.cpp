// Call list drawing: a BeginTable clipped to the visible rows, so 100k calls cost what 40 do.
#include "viewer/call_list_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <utility>

namespace sipscope::viewer {

namespace {

constexpr int ColumnCount = 9;

const char* orDash(const std::string& text) { return text.empty() ? "-" : text.c_str(); }

const std::string& preferUser(const std::string& user, const std::string& uri) {
    return user.empty() ? uri : user;
}

void textCell(const char* text) {
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(text);
}

} // namespace

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

void CallListView::setLoading() {
    m_state = State::Loading;
    m_error.clear();
}

void CallListView::setCalls(std::vector<store::CallRow> calls) {
    m_calls = std::move(calls);
    m_state = State::Ready;
    m_error.clear();
    const bool isSelectionListed = std::any_of(m_calls.begin(), m_calls.end(), [this](const auto& call) {
        return m_selectedCall && call.key == *m_selectedCall;
    });
    if (!isSelectionListed) {
        m_selectedCall.reset();
    }
}

void CallListView::setError(std::string message) {
    m_state = State::Failed;
    m_error = std::move(message);
    m_calls.clear();
    m_selectedCall.reset();
}

void CallListView::draw() {
    switch (m_state) {
    case State::Loading:
        ImGui::TextDisabled("Loading calls...");
        break;
    case State::Failed:
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.4f, 0.4f, 1.0f));
        ImGui::TextWrapped("Cannot read the database: %s", m_error.c_str());
        ImGui::PopStyleColor();
        break;
    case State::Ready:
        ImGui::Text("%zu calls", m_calls.size());
        drawTable();
        break;
    }
}

void CallListView::drawTable() {
    const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersV |
                                  ImGuiTableFlags_Resizable | ImGuiTableFlags_Hideable;
    if (!ImGui::BeginTable("calls", ColumnCount, flags)) {
        return;
    }
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Start", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("From");
    ImGui::TableSetupColumn("To");
    ImGui::TableSetupColumn("Method", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("State", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("Msgs", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("Source");
    ImGui::TableSetupColumn("Destination");
    ImGui::TableHeadersRow();

    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(m_calls.size()));
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const store::CallRow& call = m_calls[static_cast<std::size_t>(row)];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::PushID(row);
            const bool isSelected = m_selectedCall && *m_selectedCall == call.key;
            const std::string start = formatTimestampUtc(call.startUs);
            if (ImGui::Selectable(start.c_str(), isSelected, ImGuiSelectableFlags_SpanAllColumns)) {
                m_selectedCall = call.key;
            }
            if (ImGui::IsItemHovered()) {
                ImGui::SetTooltip("Call-ID: %s", call.callId.c_str());
            }
            ImGui::PopID();
            textCell(orDash(preferUser(call.fromUser, call.fromUri)));
            textCell(orDash(preferUser(call.toUser, call.toUri)));
            textCell(orDash(call.method));
            textCell(orDash(call.state));
            ImGui::TableNextColumn();
            if (call.status) {
                ImGui::Text("%d", *call.status);
            } else {
                ImGui::TextUnformatted("-");
            }
            ImGui::TableNextColumn();
            ImGui::Text("%u", call.messages);
            textCell(orDash(call.src));
            textCell(orDash(call.dst));
        }
    }
    ImGui::EndTable();
}

} // namespace sipscope::viewer
