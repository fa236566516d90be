// The inspector's page of one RTP stream (issue 15), shown when its bar beside the ladder is clicked: its figures
// and, under them, a graph of its jitter and loss over time.
#pragma once

#include "store/reader.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace sipscope::ladder {
class HostAliases;
}

namespace sipscope::viewer {

class StreamInspector {
public:
    // GUI thread. Draws `stream` into the current window.
    void draw(const store::StreamRow& stream, const ladder::HostAliases* aliases);
    // Points of the graph the last draw drew (the frame report's stream_graph_points).
    std::size_t graphPoints() const { return m_graphPoints; }

private:
    std::size_t m_graphPoints = 0;
};

}  // namespace sipscope::viewer
