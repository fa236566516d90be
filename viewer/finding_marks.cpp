#include "viewer/finding_marks.hpp"

#include "ladder/text_format.hpp"
#include "viewer/findings_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <string>

namespace sipscope::viewer {

std::span<const store::FindingRow> findingsOf(const CallData& call, std::int64_t messageId) {
    const auto byMessage = [](const store::FindingRow& finding, std::int64_t id) { return finding.messageId < id; };
    const auto first = std::lower_bound(call.findings.begin(), call.findings.end(), messageId, byMessage);
    auto last = first;
    while (last != call.findings.end() && last->messageId == messageId)
        ++last;
    return {first, last};
}

void drawFindingMark(ImDrawList* draw, const ImVec2& labelAt, float lineHeight, bool isMalformed,
                     std::span<const store::FindingRow> findings) {
    if (findings.empty())
        return;
    decode::FindingSeverity worst = decode::FindingSeverity::Info;
    for (const store::FindingRow& finding : findings)
        worst = std::min(worst, finding.severity);  // Error < Warning < Info
    draw->AddCircleFilled(ImVec2(labelAt.x - (isMalformed ? 18.0f : 7.0f), labelAt.y + lineHeight / 2), 4.0f,
                          severityColour(worst));
}

void findingTooltipLines(std::span<const store::FindingRow> findings) {
    if (findings.empty())
        return;
    ImGui::Separator();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40);
    for (const store::FindingRow& finding : findings) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(severityColour(finding.severity)), "%s %s (%s)",
                           std::string(decode::findingSeverityName(finding.severity)).c_str(), finding.kind.c_str(),
                           finding.rfc.c_str());
        ImGui::TextWrapped("%s", ladder::printableText(finding.explanation).c_str());
    }
    ImGui::PopTextWrapPos();
}

std::size_t markedMessages(const CallData& call) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < call.findings.size(); ++i)
        if (i == 0 || call.findings[i].messageId != call.findings[i - 1].messageId)
            ++count;
    return count;
}

}  // namespace sipscope::viewer
