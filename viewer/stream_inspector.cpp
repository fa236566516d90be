// A stream's figures and its jitter/loss graph.
#include "viewer/stream_inspector.hpp"

#include "ladder/ladder_model.hpp"
#include "ladder/text_format.hpp"
#include "viewer/host_label.hpp"
#include "viewer/stream_bars.hpp"

#include <imgui.h>

#include <cinttypes>
#include <cstdio>

namespace sipscope::viewer {

void StreamInspector::draw(const store::StreamRow& s, const ladder::HostAliases* aliases) {
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
}

}  // namespace sipscope::viewer
