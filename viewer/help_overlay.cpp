// Key map: the one list of keys, drawn as a table (the README's Viewer section lists the same keys).
#include "viewer/help_overlay.hpp"

#include <imgui.h>

namespace sipscope::viewer {

namespace {

struct KeyHelp {
    const char* keys;
    const char* where;
    const char* does;
};

constexpr KeyHelp Keys[] = {
    {"Up/Down, PgUp/PgDn, Home/End", "list, ladder", "move the selection (ladder: message by message)"},
    {"Enter, double click", "list", "open the selected call(s) in the ladder"},
    {"Space, Ctrl+click", "list", "mark / unmark a call (several calls in one ladder)"},
    {"click a header", "list", "sort by that column; right-click the headers to choose columns"},
    {"Esc", "anywhere", "back one level (inspector > ladder > list), or clear the filter"},
    {"/", "anywhere", "focus the filter bar; Enter gives the keyboard back to the list"},
    {"Tab / Shift+Tab", "anywhere", "next / previous pane"},
    {"+ - 0, Ctrl+wheel", "ladder", "zoom in, out, fit"},
    {"wheel, drag", "ladder", "pan"},
    {"t", "ladder", "time column: absolute / delta / since start"},
    {"c", "ladder", "compressed / time-proportional rows"},
    {"i", "ladder", "columns per ip:port / per IP"},
    {"l", "ladder", "all linked legs on / off"},
    {"b", "ladder", "transaction brackets in the margin on / off"},
    {"drag a column's name", "ladder", "move the column there"},
    {"right-click a column's name", "ladder", "hide or move it, or type a new name for the host (this session)"},
    {"click an arrow", "ladder", "select it and show it in the inspector"},
    {"d, View -> Diff", "list", "compare the two marked calls step by step in the Diff tab"},
    {"Up/Down, Enter, click", "findings", "choose a finding: its call opens with its message selected"},
    {"s / k", "findings", "next severity / kind shown"},
    {"Up/Down, click", "diff", "select an aligned step: its header and SDP differences below"},
    {"Enter, double click", "diff", "open the step's message (call A's, else B's) in the ladder"},
    {"f", "list, ladder", "follow: keep the newest call selected while a capture writes the database"},
    {"r", "inspector", "raw / parsed"},
    {"Up/Down", "inspector", "previous / next message of the call"},
    {"Ctrl+P, Ctrl+S", "anywhere", "export the ladder on screen as PNG / SVG (File menu)"},
    {"Ctrl+E", "anywhere", "export the marked calls (else the open ones) as pcap"},
    {"Ctrl+L", "anywhere", "export the list, with its filter and sort, as CSV"},
    {"F1, ?", "anywhere", "this help"},
    {"Ctrl+Q", "anywhere", "quit"},
};

}  // namespace

void drawHelpOverlay(bool* isOpen) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(
        ImVec2(viewport->WorkPos.x + viewport->WorkSize.x / 2, viewport->WorkPos.y + viewport->WorkSize.y / 2),
        ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowBgAlpha(0.95f);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoMove;
    if (!ImGui::Begin("Keys (F1 or ? to close)", isOpen, flags)) {
        ImGui::End();
        return;
    }
    ImGui::SetWindowFocus();
    if (ImGui::BeginTable("keys", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
        ImGui::TableSetupColumn("Key");
        ImGui::TableSetupColumn("Where");
        ImGui::TableSetupColumn("Does");
        ImGui::TableHeadersRow();
        for (const KeyHelp& key : Keys) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(key.keys);
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", key.where);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(key.does);
        }
        ImGui::EndTable();
    }
    ImGui::End();
}

}  // namespace sipscope::viewer
