// The inspector's page of one RTP stream (issue 15), shown when its bar beside the ladder is clicked: its figures
// and, under them, a graph of its jitter and loss over time.
#pragma once

#include "store/reader.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace sipscope::ladder {
class HostAliases;
}

namespace sipscope::viewer {

class StreamInspector {
public:
    // GUI thread. Draws `stream` into the current window, with its timeline when `series` has one (nullptr:
    // still loading, or none stored).
    void draw(const store::StreamRow& stream, const ladder::HostAliases* aliases, const store::StreamSeries* series,
              bool isLoading);
    // Points of the graph the last draw drew (the frame report's stream_graph_points).
    std::size_t graphPoints() const { return m_graphPoints; }

private:
    std::size_t m_graphPoints = 0;
    std::vector<float> m_jitter, m_lossPercent;  // of the series drawn, kept between frames
    std::optional<std::int64_t> m_plotted;       // the stream whose series the arrays hold (a stream's never changes)
};

}  // namespace sipscope::viewer
