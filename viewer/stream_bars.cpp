// Stream bars and their tooltip.
#include "viewer/stream_bars.hpp"

#include "ladder/text_format.hpp"
#include "viewer/host_label.hpp"
#include "viewer/palette.hpp"

#include <imgui.h>

#include <algorithm>
#include <cinttypes>

namespace sipscope::viewer {

namespace {

constexpr float MinBarHeightPx = 4;  // a stream of a few packets is still a bar to point at

}  // namespace

unsigned streamColour(const store::StreamRow& stream) {
    if (!stream.mos)
        return palette::Dim;
    return *stream.mos >= 4.0 ? palette::Success : *stream.mos >= 3.6 ? palette::Provisional : palette::ClientError;
}

StreamBarsDrawn drawStreamBars(ImDrawList* draw, const ladder::Layout& layout, const ladder::Model& model,
                               const StreamBarsFrame& frame) {
    StreamBarsDrawn drawn;
    auto at = [&](double x, double y) {
        return ImVec2(frame.originX + static_cast<float>(x), frame.originY + static_cast<float>(y));
    };
    if (frame.mouse)
        drawn.hovered = layout.streamAt(frame.mouse->first, frame.mouse->second, 2);
    for (std::size_t i = 0; i < layout.streams.size(); ++i) {
        const ladder::PlacedStream& placed = layout.streams[i];
        const store::StreamRow& stream = model.streams[placed.stream].stream;
        const double y1 = std::max(placed.y1, placed.y0 + MinBarHeightPx);
        if (y1 < frame.viewTop || placed.y0 > frame.viewBottom || placed.barRight <= placed.barLeft)
            continue;
        const unsigned colour = streamColour(stream);
        const bool isSelected = frame.selectedStream == stream.id;
        const bool isHovered = drawn.hovered == i;
        if (isSelected || isHovered) {
            // Over the ladder: the span between the stream's two sides (a side that is no column: the ladder's edge).
            const double low = std::min(placed.fromX, placed.toX), high = std::max(placed.fromX, placed.toX);
            draw->AddRectFilled(at(low, placed.y0), at(std::max(high, low + 2), y1),
                                (colour & 0x00ffffffu) | 0x28000000u);
        }
        draw->AddRectFilled(at(placed.barLeft, placed.y0), at(placed.barRight, y1),
                            isHovered || isSelected ? colour : (colour & 0x00ffffffu) | 0xb0000000u, 2);
        if (isSelected)
            draw->AddRect(at(placed.barLeft - 2, placed.y0 - 2), at(placed.barRight + 2, y1 + 2), palette::Text, 2);
        // The point a script clicks: the bar's middle, kept in view.
        const double middle = std::clamp((placed.y0 + y1) / 2, frame.viewTop + 4, frame.viewBottom - 4);
        const ImVec2 centre = at((placed.barLeft + placed.barRight) / 2, middle);
        drawn.points.push_back({stream.id, centre.x, centre.y});
    }
    return drawn;
}

void streamTooltip(const ladder::StreamSpan& span, const ladder::HostAliases* aliases,
                   const std::optional<decode::MediaAssessment>& verdict) {
    const store::StreamRow& s = span.stream;
    ImGui::BeginTooltip();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(streamColour(s)), "RTP stream #%" PRId64 "  %s", s.id,
                       span.codec.c_str());
    ImGui::Text("%s -> %s", hostTitle(aliases, s.src).c_str(), hostTitle(aliases, s.dst).c_str());
    ImGui::Text("SSRC 0x%08X%s, payload type %d", s.ssrc,
                s.ssrcChanges ? (", " + std::to_string(s.ssrcChanges) + " changes").c_str() : "", s.payloadType);
    ImGui::Text("%s .. %s", ladder::clockTime(s.firstUs).c_str(), ladder::clockTime(s.lastUs).c_str());
    ImGui::Text("%s packets, lost %" PRId64 " of %" PRIu64 " (%.2f%%)", ladder::groupedCount(s.packets).c_str(), s.lost,
                s.expected, s.lostPercent());
    ImGui::Text("jitter mean %.2f ms, max %.2f ms; max delta %.1f ms", s.meanJitterMs, s.maxJitterMs, s.maxDeltaMs);
    if (s.mos)
        ImGui::Text("MOS %.2f", *s.mos);
    else
        ImGui::TextDisabled("MOS: no E-model figures for this codec");
    if (s.addressMismatch)
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette::Provisional), "not the SDP's address (NAT)");
    if (!s.dtmf.empty())
        ImGui::Text("DTMF %s", s.dtmf.c_str());
    if (verdict)
        ImGui::Text("call media: %s (%s)", std::string(decode::mediaVerdictName(verdict->verdict)).c_str(),
                    ladder::printableText(verdict->reason).c_str());
    ImGui::TextDisabled("click: its jitter and loss in the inspector");
    ImGui::EndTooltip();
}

}  // namespace sipscope::viewer
