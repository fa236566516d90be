// File browser: std::filesystem listing of one folder, drawn as a table in a modal popup.
#include "viewer/file_browser.hpp"

#include "viewer/palette.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace sipscope::viewer {

namespace {

constexpr const char* PopupName = "Open a database or capture files";
constexpr std::size_t MaxEntries = 5000;  // a folder of more is listed in part, and says so

bool startsLikeSqlite(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    char magic[16] = {};
    file.read(magic, sizeof magic);
    return file.gcount() == 16 && std::memcmp(magic, "SQLite format 3", 16) == 0;
}

bool isCaptureName(const std::string& name) {
    for (const char* extension : {".pcap", ".pcapng", ".cap", ".dmp"})
        if (name.size() > std::strlen(extension) && name.ends_with(extension))
            return true;
    return false;
}

}  // namespace

void FileBrowser::open(const std::string& folder) {
    std::error_code error;
    m_folder = folder.empty() ? std::filesystem::current_path(error).string() : folder;
    m_isOpen = true;
    list();
    ImGui::OpenPopup(PopupName);
}

void FileBrowser::list() {
    m_entries.clear();
    m_selected.reset();
    m_error.clear();
    m_typedPath = m_folder;
    std::error_code error;
    std::filesystem::directory_iterator it(m_folder, std::filesystem::directory_options::skip_permission_denied, error);
    if (error) {
        m_error = "cannot list " + m_folder + ": " + error.message();
        return;
    }
    for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
        if (error || m_entries.size() == MaxEntries)
            break;
        const std::string name = it->path().filename().string();
        if (name.starts_with("."))
            continue;
        Entry entry;
        entry.name = name;
        entry.isFolder = it->is_directory(error);
        if (!entry.isFolder) {
            entry.bytes = it->file_size(error);
            entry.isDatabase = name.ends_with(".db") || name.ends_with(".sqlite") ||
                               (!isCaptureName(name) && startsLikeSqlite(it->path()));
            if (!m_isShowingAll && !entry.isDatabase && !isCaptureName(name))
                continue;
        }
        m_entries.push_back(std::move(entry));
    }
    std::sort(m_entries.begin(), m_entries.end(),
              [](const Entry& a, const Entry& b) { return a.isFolder != b.isFolder ? a.isFolder : a.name < b.name; });
}

std::optional<FileBrowser::Choice> FileBrowser::draw() {
    std::optional<Choice> choice;
    if (!m_isOpen)
        return choice;
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowSize(ImVec2(viewport->WorkSize.x * 0.6f, viewport->WorkSize.y * 0.7f), ImGuiCond_Appearing);
    if (!ImGui::BeginPopupModal(PopupName, &m_isOpen)) {
        m_isOpen = false;
        return choice;
    }
    if (ImGui::Button("Up")) {
        m_folder = std::filesystem::path(m_folder).parent_path().string();
        list();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-200);
    if (ImGui::InputText("##path", &m_typedPath, ImGuiInputTextFlags_EnterReturnsTrue)) {
        std::error_code error;
        if (std::filesystem::is_directory(m_typedPath, error)) {
            m_folder = m_typedPath;
            list();
        } else if (std::filesystem::exists(m_typedPath, error)) {
            choice = Choice{m_typedPath, startsLikeSqlite(m_typedPath)};
        }
    }
    ImGui::SameLine();
    if (ImGui::Checkbox("all files", &m_isShowingAll))
        list();
    if (!m_error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette::Error);
        ImGui::TextWrapped("%s", m_error.c_str());
        ImGui::PopStyleColor();
    }
    const float footer = ImGui::GetFrameHeightWithSpacing() + 4;
    if (ImGui::BeginTable("files", 2, ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg, ImVec2(0, -footer))) {
        ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("Size", ImGuiTableColumnFlags_WidthFixed, 100);
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(m_entries.size()));
        std::optional<std::string> enter;
        while (clipper.Step()) {
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                const Entry& entry = m_entries[static_cast<std::size_t>(i)];
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                const std::string label = (entry.isFolder     ? "[dir] "
                                           : entry.isDatabase ? "[db]  "
                                                              : "      ") +
                                          entry.name;
                if (ImGui::Selectable(label.c_str(), m_selected == static_cast<std::size_t>(i),
                                      ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowDoubleClick)) {
                    m_selected = static_cast<std::size_t>(i);
                    if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left))
                        enter = entry.name;
                }
                ImGui::TableNextColumn();
                if (!entry.isFolder)
                    ImGui::Text("%.1f MB", static_cast<double>(entry.bytes) / 1e6);
            }
        }
        ImGui::EndTable();
        if (m_entries.size() == MaxEntries)
            ImGui::TextDisabled("(the first %zu entries)", MaxEntries);
        const bool isOpenPressed =
            ImGui::Button(m_selected && m_entries[*m_selected].isFolder ? "Enter folder" : "Open");
        if (isOpenPressed && m_selected)
            enter = m_entries[*m_selected].name;
        if (enter) {
            const auto path = std::filesystem::path(m_folder) / *enter;
            const auto found =
                std::find_if(m_entries.begin(), m_entries.end(), [&](const Entry& e) { return e.name == *enter; });
            if (found != m_entries.end() && found->isFolder) {
                m_folder = path.string();
                list();
            } else if (found != m_entries.end()) {
                choice = Choice{path.string(), found->isDatabase};
            }
        }
        ImGui::SameLine();
        ImGui::TextDisabled("a database opens in place of this one; capture files are imported into it");
    }
    if (choice) {
        m_isOpen = false;
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
    return choice;
}

}  // namespace sipscope::viewer
