// A stream's figures and its jitter/loss graph.
#include "viewer/stream_inspector.hpp"

#include "ladder/ladder_model.hpp"
#include "ladder/text_format.hpp"
#include "viewer/host_label.hpp"
#include "viewer/stream_bars.hpp"

#include <imgui.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace sipscope::viewer {

void StreamInspector::draw(const store::StreamRow& s, const ladder::HostAliases* aliases,
                           const store::StreamSeries* series, bool isLoading) {
    m_graphPoints = 0;
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(streamColour(s)), "RTP stream #%" PRId64, s.id);
    ImGui::SameLine();
    ImGui::Text("%s -> %s  SSRC 0x%08X  %s (pt %d)", hostTitle(aliases, s.src).c_str(),
                hostTitle(aliases, s.dst).c_str(), s.ssrc,
                s.codec.empty() ? "?" : ladder::printableText(s.codec).c_str(), s.payloadType);
    ImGui::Text("%s .. %s   %s packets, lost %" PRId64 " (%.2f%%), %" PRIu64 " duplicates, %" PRIu64 " out of order",
                ladder::clockTime(s.firstUs).c_str(), ladder::clockTime(s.lastUs).c_str(),
                ladder::groupedCount(s.packets).c_str(), s.lost, s.lostPercent(), s.duplicates, s.outOfOrder);
    char mos[16] = "-";
    if (s.mos)
        std::snprintf(mos, sizeof mos, "%.2f", *s.mos);
    ImGui::Text("jitter mean %.2f ms, max %.2f ms   max delta %.1f ms   MOS %s", s.meanJitterMs, s.maxJitterMs,
                s.maxDeltaMs, mos);
    if (!series || series->points.empty()) {
        m_plotted.reset();
        ImGui::TextDisabled(isLoading ? "Loading its timeline..."
                                      : "No timeline stored for this stream (imported before schema 7: import again)");
        return;
    }
    if (m_plotted != s.id) {  // the arrays are made once per series, not per frame
        m_plotted = s.id;
        m_jitter.clear();
        m_lossPercent.clear();
        for (const decode::RtpIntervalPoint& point : series->points) {
            m_jitter.push_back(point.jitterMs);
            const double expected = static_cast<double>(point.received) + std::max(0, point.lost);
            m_lossPercent.push_back(expected > 0 ? static_cast<float>(std::max(0, point.lost) * 100.0 / expected)
                                                 : 0.0f);
        }
    }
    const float maxJitter = *std::max_element(m_jitter.begin(), m_jitter.end());
    const float maxLoss = *std::max_element(m_lossPercent.begin(), m_lossPercent.end());
    const double seconds = static_cast<double>(series->intervalUs) / 1e6;
    const float width = ImGui::GetContentRegionAvail().x;
    const float height =
        std::max(40.0f, (ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() * 3) / 2);
    // The interval under the pointer, found as ImGui's PlotEx finds the value it shows (lines: one item fewer), and
    // its figures in place of ImGui's "index: value" tooltip.
    auto intervalTooltip = [&](bool isLines) {
        if (!ImGui::IsItemHovered())
            return;
        const float left = ImGui::GetItemRectMin().x + ImGui::GetStyle().FramePadding.x;
        const float right = ImGui::GetItemRectMax().x - ImGui::GetStyle().FramePadding.x;
        const float t = std::clamp((ImGui::GetIO().MousePos.x - left) / std::max(1.0f, right - left), 0.0f, 0.9999f);
        const int items = static_cast<int>(series->points.size()) - (isLines ? 1 : 0);
        const auto i = static_cast<std::size_t>(std::clamp(static_cast<int>(t * static_cast<float>(items)), 0,
                                                           static_cast<int>(series->points.size()) - 1));
        const decode::RtpIntervalPoint& point = series->points[i];
        const std::int64_t from = series->firstUs + static_cast<std::int64_t>(i) * series->intervalUs;
        ImGui::SetTooltip("%s .. %s\njitter %.2f ms at its end\n%u received, %d lost (%.1f%%)",
                          ladder::clockTime(from).c_str(), ladder::clockTime(from + series->intervalUs).c_str(),
                          static_cast<double>(point.jitterMs), point.received, point.lost,
                          static_cast<double>(m_lossPercent[i]));
    };
    char caption[96];
    std::snprintf(caption, sizeof caption, "jitter (ms), max %.2f", static_cast<double>(maxJitter));
    ImGui::PlotLines("##jitter", m_jitter.data(), static_cast<int>(m_jitter.size()), 0, caption, 0.0f,
                     std::max(1.0f, maxJitter * 1.1f), ImVec2(width, height));
    intervalTooltip(m_jitter.size() > 1);
    std::snprintf(caption, sizeof caption, "loss (%%), max %.1f", static_cast<double>(maxLoss));
    ImGui::PlotHistogram("##loss", m_lossPercent.data(), static_cast<int>(m_lossPercent.size()), 0, caption, 0.0f,
                         std::max(1.0f, maxLoss * 1.1f), ImVec2(width, height));
    intervalTooltip(false);
    ImGui::TextDisabled("%zu points, one per %g s from %s (hover one for its figures)", series->points.size(), seconds,
                        ladder::clockTime(series->firstUs).c_str());
    m_graphPoints = series->points.size();
}

}  // namespace sipscope::viewer
