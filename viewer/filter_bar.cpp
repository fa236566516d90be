// Filter bar drawing: an InputText with a hint, the count, and the problems under it in red.
#include "viewer/filter_bar.hpp"

#include "viewer/palette.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <utility>

namespace sipscope::viewer {

FilterBar::FilterBar(FilterParser parser) : m_parser(std::move(parser)) {}

bool FilterBar::parse() {
    ParsedFilter parsed = m_parser ? m_parser(m_text) : ParsedFilter{};
    m_problems = std::move(parsed.problems);
    if (!m_problems.empty())
        return false;
    m_applied = std::move(parsed.filter);
    return true;
}

bool FilterBar::setText(std::string text) {
    m_text = std::move(text);
    return parse();
}

bool FilterBar::takeSubmitted() {
    const bool isSubmitted = m_isSubmitted;
    m_isSubmitted = false;
    return isSubmitted;
}

bool FilterBar::draw(std::optional<std::uint64_t> matching) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Filter");
    ImGui::SameLine();
    if (m_wantsFocus) {
        ImGui::SetKeyboardFocusHere();
        m_wantsFocus = false;
    }
    const bool hasProblems = !m_problems.empty();
    if (hasProblems)
        ImGui::PushStyleColor(ImGuiCol_FrameBg, palette::rgba(90, 30, 30));
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.6f);
    const bool isEdited =
        ImGui::InputTextWithHint("##filter", "from:alice state:rejected status:5xx host:10.0.0.2 ... (/)", &m_text);
    m_isActive = ImGui::IsItemActive();
    if (ImGui::IsItemDeactivated() && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false))
        m_isSubmitted = true;
    if (hasProblems)
        ImGui::PopStyleColor();
    ImGui::SameLine();
    if (matching)
        ImGui::Text("%llu calls", static_cast<unsigned long long>(*matching));
    else
        ImGui::TextDisabled("counting...");
    bool isChanged = false;
    if (isEdited)
        isChanged = parse();
    for (const FilterProblem& problem : m_problems) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette::Error);
        ImGui::Text("'%s': %s", problem.word.c_str(), problem.expected.c_str());
        ImGui::PopStyleColor();
    }
    return isChanged;
}

}  // namespace sipscope::viewer
