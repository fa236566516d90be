// Diff tab: a header naming both calls and where they part, a table of the aligned steps (A's small ladder, the
// marker, B's), and the selected step's header and SDP differences below it.
#include "viewer/diff_view.hpp"

#include "ladder/call_comparison.hpp"
#include "ladder/text_format.hpp"
#include "viewer/palette.hpp"
#include "viewer/query_thread.hpp"
#include "viewer/ui_queue.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace sipscope::viewer {

namespace {

constexpr unsigned PartedRow = palette::rgba(200, 80, 60, 70);      // a step where the calls part
constexpr unsigned DifferingRow = palette::rgba(220, 170, 60, 45);  // same step, other headers or SDP
constexpr std::size_t MaxReportedSteps = 500;

bool isParting(const decode::DiffStep& step) { return step.kind != decode::DiffStepKind::Same; }
bool isDiffering(const decode::DiffStep& step) { return !step.headers.empty() || !step.sdp.empty(); }

const char* marker(const decode::DiffStep& step) {
    switch (step.kind) {
    case decode::DiffStepKind::Same: return isDiffering(step) ? "~" : "=";
    case decode::DiffStepKind::Changed: return "!";
    case decode::DiffStepKind::OnlyA: return "<";
    case decode::DiffStepKind::OnlyB: return ">";
    }
    return "?";
}

unsigned labelColour(const std::string& label) {
    if (label.empty() || label[0] < '1' || label[0] > '6')
        return palette::Text;
    return palette::statusColor(std::atoi(label.c_str()));
}

// Lifeline x of host `host` (1-based) of `hosts` across a cell that starts at `left` and is `width` wide.
float lifelineX(float left, float width, std::uint32_t host, std::size_t hosts) {
    return left + width * (static_cast<float>(host) - 0.5f) / static_cast<float>(std::max<std::size_t>(hosts, 1));
}

// One side's message as a row of a small ladder: `hosts` lifelines across the cell, the arrow between its two hosts
// with its label above it.
void drawSide(const std::optional<decode::DiffMessage>& message, std::size_t hosts, const ladder::ComparedCall& call) {
    const float width = std::max(ImGui::GetContentRegionAvail().x, 60.0f);
    const float line = ImGui::GetTextLineHeight();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(width, line * 2 + 4));
    ImDrawList* draw = ImGui::GetWindowDrawList();
    auto xOf = [&](std::uint32_t host) { return lifelineX(at.x, width, host, hosts); };
    for (std::uint32_t host = 1; host <= hosts; ++host)
        draw->AddLine(ImVec2(xOf(host), at.y), ImVec2(xOf(host), at.y + line * 2 + 4), palette::Lifeline);
    if (!message)
        return;
    const unsigned colour = labelColour(message->label);
    const float y = at.y + line + 6;
    const float from = xOf(message->fromHost), to = xOf(message->toHost);
    const float sign = to >= from ? 1.0f : -1.0f;
    if (message->fromHost == message->toHost) {
        draw->AddRect(ImVec2(from, y - 4), ImVec2(from + 12, y + 4), colour);
    } else {
        draw->AddLine(ImVec2(from, y), ImVec2(to - sign * 8, y), colour, 1.6f);
        draw->AddTriangleFilled(ImVec2(to, y), ImVec2(to - sign * 9, y - 4), ImVec2(to - sign * 9, y + 4), colour);
    }
    char offset[32];
    std::snprintf(offset, sizeof offset, "  +%.3f ms", static_cast<double>(ladder::offsetUs(call, *message)) / 1e3);
    const std::string text = ladder::printableText(message->label) + offset;
    const float textWidth = ImGui::CalcTextSize(text.c_str()).x;
    const float centre = std::clamp((from + to) / 2, at.x + textWidth / 2, at.x + width - textWidth / 2);
    draw->AddText(ImVec2(centre - textWidth / 2, at.y + 1), colour, text.c_str());
}

// A call's header cell: its name at the left, each host's number over its lifeline.
void hostsHeader(const char* id, const char* name, std::size_t hosts) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float width = std::max(ImGui::GetContentRegionAvail().x, 60.0f);
    ImGui::TableHeader(id);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddText(at, palette::Text, name);
    for (std::uint32_t host = 1; host <= hosts; ++host) {
        const std::string number = "#" + std::to_string(host);
        const float x = lifelineX(at.x, width, host, hosts) - ImGui::CalcTextSize(number.c_str()).x / 2;
        draw->AddText(ImVec2(x, at.y), palette::Dim, number.c_str());
    }
}

std::string hostsLine(const char* name, const std::vector<capture::Endpoint>& hosts) {
    std::string text = std::string(name) + " hosts:";
    for (std::size_t i = 0; i < hosts.size(); ++i)
        text += "  #" + std::to_string(i + 1) + " " + hosts[i].toString();
    return text;
}

std::string sdpName(const decode::SdpDifference& sdp) {
    return sdp.media ? "m=" + std::to_string(*sdp.media) + " " + sdp.field : sdp.field;
}

void values(char side, const std::vector<std::string>& texts) {
    if (texts.empty())
        ImGui::TextDisabled("    %c: (none)", side);
    for (std::size_t i = 0; i < texts.size(); ++i)
        ImGui::Text("    %s%s", i == 0 ? (side == 'A' ? "A: " : "B: ") : "   ",
                    ladder::printableText(texts[i]).c_str());
}

}  // namespace

DiffView::DiffView(QueryThread& queries, UiQueue& ui) : m_queries(queries), m_ui(ui) {}

DiffView::~DiffView() = default;

void DiffView::open(std::int64_t a, std::int64_t b) {
    m_isLoading = true;
    m_error.reset();
    m_queries.submit([this, generation = ++m_generation, a, b](const store::Reader& reader) {
        std::shared_ptr<ladder::CallComparison> comparison;
        std::optional<std::string> error;
        try {
            const std::optional<store::CallRow> callA = reader.findCall(std::to_string(a));
            const std::optional<store::CallRow> callB = reader.findCall(std::to_string(b));
            if (callA && callB)
                comparison = std::make_shared<ladder::CallComparison>(ladder::compareCalls(reader, *callA, *callB));
            else
                error = "a call of the diff is no longer in the database";
        } catch (const std::exception& e) {
            error = e.what();
        }
        m_ui.post([this, generation, comparison = std::move(comparison), error = std::move(error)]() mutable {
            if (generation != m_generation)
                return;
            m_isLoading = false;
            m_error = std::move(error);
            m_comparison = std::move(comparison);
            m_selected = m_comparison && m_comparison->diff.firstDivergence ? *m_comparison->diff.firstDivergence : 0;
            if (m_comparison && !m_comparison->diff.firstDivergence)
                for (std::size_t i = 0; i < m_comparison->diff.steps.size(); ++i)
                    if (isDiffering(m_comparison->diff.steps[i])) {
                        m_selected = i;
                        break;
                    }
            m_isSelectionMoved = true;
        });
    });
}

void DiffView::draw(bool hasFocus) {
    if (m_isLoading) {
        ImGui::TextDisabled("Comparing...");
        return;
    }
    if (m_error) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette::Error);
        ImGui::TextWrapped("%s", m_error->c_str());
        ImGui::PopStyleColor();
        return;
    }
    if (!m_comparison) {
        ImGui::TextDisabled("Mark two calls in the list (Space or Ctrl+click) and press d (or View -> Diff) to "
                            "compare them step by step.");
        return;
    }
    const ladder::CallComparison& c = *m_comparison;
    const decode::CallDiff& diff = c.diff;
    ImGui::Text("A: %s   B: %s", ladder::printableText(c.a.row.callId).c_str(),
                ladder::printableText(c.b.row.callId).c_str());
    if (diff.isIdentical())
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette::Success), "The calls are alike: %zu steps",
                           diff.steps.size());
    else if (diff.firstDivergence)
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette::Error), "The calls part at step %zu",
                           *diff.firstDivergence + 1);
    else
        ImGui::Text("The same %zu steps; headers or SDP differ", diff.steps.size());
    ImGui::TextDisabled("%s", hostsLine("A", diff.hostsA).c_str());
    ImGui::TextDisabled("%s", hostsLine("B", diff.hostsB).c_str());
    if (diff.steps.empty())
        return;
    if (hasFocus && !ImGui::GetIO().WantTextInput) {
        if (ImGui::IsKeyPressed(GLFW_KEY_DOWN, true) && m_selected + 1 < diff.steps.size()) {
            ++m_selected;
            m_isSelectionMoved = true;
        }
        if (ImGui::IsKeyPressed(GLFW_KEY_UP, true) && m_selected > 0) {
            --m_selected;
            m_isSelectionMoved = true;
        }
        if (ImGui::IsKeyPressed(GLFW_KEY_ENTER, false) || ImGui::IsKeyPressed(GLFW_KEY_KP_ENTER, false))
            openSelected();
    }
    const float detailsHeight = std::max(90.0f, ImGui::GetContentRegionAvail().y * 0.35f);
    const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersV | ImGuiTableFlags_RowBg;
    if (ImGui::BeginTable("diff-steps", 4, flags, ImVec2(0, ImGui::GetContentRegionAvail().y - detailsHeight))) {
        ImGui::TableSetupColumn("Step", ImGuiTableColumnFlags_WidthFixed, 44);
        ImGui::TableSetupColumn("Call A", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 14);
        ImGui::TableSetupColumn("Call B", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
        ImGui::TableSetColumnIndex(0);
        ImGui::TableHeader("Step");
        ImGui::TableSetColumnIndex(1);
        hostsHeader("##a", "Call A", diff.hostsA.size());
        ImGui::TableSetColumnIndex(2);
        ImGui::TableHeader("##marker");
        ImGui::TableSetColumnIndex(3);
        hostsHeader("##b", "Call B", diff.hostsB.size());
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(diff.steps.size()));
        if (m_isSelectionMoved)
            clipper.ForceDisplayRangeByIndices(static_cast<int>(m_selected), static_cast<int>(m_selected) + 1);
        while (clipper.Step()) {
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                const std::size_t index = static_cast<std::size_t>(i);
                const decode::DiffStep& step = diff.steps[index];
                ImGui::TableNextRow();
                if (isParting(step) || isDiffering(step))
                    ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, isParting(step) ? PartedRow : DifferingRow);
                ImGui::TableNextColumn();
                ImGui::PushID(i);
                const std::string number = std::to_string(index + 1);
                if (ImGui::Selectable(number.c_str(), m_selected == index, ImGuiSelectableFlags_SpanAllColumns,
                                      ImVec2(0, ImGui::GetTextLineHeight() * 2 + 4)))
                    m_selected = index;
                if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left))
                    openSelected();
                if (m_isSelectionMoved && m_selected == index) {
                    ImGui::SetScrollHereY(0.5f);
                    m_isSelectionMoved = false;
                }
                ImGui::PopID();
                ImGui::TableNextColumn();
                drawSide(step.a, diff.hostsA.size(), c.a);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(marker(step));
                ImGui::TableNextColumn();
                drawSide(step.b, diff.hostsB.size(), c.b);
            }
        }
        ImGui::EndTable();
    }
    drawDetails();
}

void DiffView::openSelected() {
    const ladder::CallComparison& c = *m_comparison;
    if (m_selected >= c.diff.steps.size() || !onOpen)
        return;
    const decode::DiffStep& step = c.diff.steps[m_selected];
    if (step.a)
        onOpen(c.a.row.key, c.a.messages[step.a->index].id);
    else if (step.b)
        onOpen(c.b.row.key, c.b.messages[step.b->index].id);
}

void DiffView::drawDetails() {
    const decode::CallDiff& diff = m_comparison->diff;
    const decode::DiffStep& step = diff.steps[std::min(m_selected, diff.steps.size() - 1)];
    ImGui::BeginChild("diff-details", ImVec2(0, 0), true);
    std::string title = "Step " + std::to_string(m_selected + 1) + ": A " + (step.a ? step.a->label : "(none)");
    if (!step.a || !step.b || step.a->label != step.b->label)
        title += ", B " + (step.b ? step.b->label : "(none)");
    ImGui::TextUnformatted(ladder::printableText(title).c_str());
    if (!step.a || !step.b)
        ImGui::TextDisabled("Only one call has this message: nothing to compare it with.");
    else if (!isDiffering(step))
        ImGui::TextDisabled("The same headers and SDP (Call-ID, tags, branches, CSeq numbers, Date, Content-Length, "
                            "Max-Forwards and digest nonces not compared).");
    for (const decode::HeaderDifference& header : step.headers) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette::Provisional), "  %s",
                           ladder::printableText(header.name).c_str());
        values('A', header.a);
        values('B', header.b);
    }
    for (const decode::SdpDifference& sdp : step.sdp) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette::Provisional), "  SDP %s", sdpName(sdp).c_str());
        values('A', sdp.a.empty() ? std::vector<std::string>{} : std::vector{sdp.a});
        values('B', sdp.b.empty() ? std::vector<std::string>{} : std::vector{sdp.b});
    }
    ImGui::EndChild();
}

void DiffView::report(FrameReport& out) const {
    if (!m_comparison)
        return;
    const ladder::CallComparison& c = *m_comparison;
    FrameReport::DiffDrawn drawn;
    drawn.callA = c.a.row.callId;
    drawn.callB = c.b.row.callId;
    for (std::size_t i = 0; i < c.diff.steps.size() && i < MaxReportedSteps; ++i) {
        const decode::DiffStep& step = c.diff.steps[i];
        drawn.steps.push_back(
            {std::string(decode::diffStepKindName(step.kind)), step.a ? std::optional(step.a->label) : std::nullopt,
             step.b ? std::optional(step.b->label) : std::nullopt, isParting(step) || isDiffering(step)});
    }
    if (c.diff.firstDivergence)
        drawn.firstDifference = *c.diff.firstDivergence + 1;
    if (!c.diff.steps.empty()) {
        const decode::DiffStep& step = c.diff.steps[std::min(m_selected, c.diff.steps.size() - 1)];
        drawn.selectedStep = m_selected + 1;
        for (const decode::HeaderDifference& header : step.headers)
            drawn.headers.push_back(header.name);
        for (const decode::SdpDifference& sdp : step.sdp)
            drawn.sdp.push_back(sdpName(sdp));
    }
    out.diff = std::move(drawn);
}

}  // namespace sipscope::viewer
