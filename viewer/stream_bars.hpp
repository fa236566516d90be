// The call's RTP streams beside the ladder (issue 15): one bar per stream from its first to its last packet, one lane
// per stream while it overlaps another, coloured by its MOS; the stream under the pointer or selected also shaded
// between its two columns; its figures in a tooltip. Draws the ladder layout's PlacedStream records and decides
// no position itself.
#pragma once

#include "decode/media_tracker.hpp"
#include "ladder/ladder_layout.hpp"
#include "viewer/frame_report.hpp"

#include <cstdint>
#include <optional>
#include <vector>

struct ImDrawList;

namespace sipscope::ladder {
class HostAliases;
}

namespace sipscope::viewer {

struct StreamBarsFrame {
    float originX = 0, originY = 0;                  // screen position of layout (0, 0)
    double viewTop = 0, viewBottom = 0;              // layout y in view
    std::optional<std::pair<double, double>> mouse;  // in layout units; nullopt when the canvas is not hovered
    std::optional<std::int64_t> selectedStream;      // streams.id
};

struct StreamBarsDrawn {
    std::optional<std::size_t> hovered;            // index into Layout::streams
    std::vector<FrameReport::StreamPoint> points;  // the bars in view, window pixels
};

// GUI thread, inside the ladder's canvas.
StreamBarsDrawn drawStreamBars(ImDrawList* draw, const ladder::Layout& layout, const ladder::Model& model,
                               const StreamBarsFrame& frame);
// GUI thread: the tooltip of a stream (src -> dst, SSRC, codec, packets, lost, jitter, max delta, MOS, the call's
// media verdict).
void streamTooltip(const ladder::StreamSpan& span, const ladder::HostAliases* aliases,
                   const std::optional<decode::MediaAssessment>& verdict);
// A stream's colour: by its MOS (>= 4 green, >= 3.6 amber, below red), grey without one.
unsigned streamColour(const store::StreamRow& stream);

}  // namespace sipscope::viewer
