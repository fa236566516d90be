// A call's ladder as data: host columns in order of appearance and one arrow per message. Shared by the terminal
// ladder, the exporters and the viewer, which each only draw it.
#pragma once

#include "store/reader.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sipscope::store {

struct LadderArrow {
    std::size_t fromColumn = 0;
    std::size_t toColumn = 0;  // equal to fromColumn for a message a host sends to itself
    std::string label;         // "INVITE", "180 Ringing"; packet text, escape before printing
    std::int64_t timestampUs = 0;
    std::int64_t messageId = 0;
    bool isRetransmission = false;
    bool hasSdp = false;
    bool isValid = true;
};

struct Ladder {
    std::vector<std::string> columns;  // "ip:port", or "ip" when grouped by IP
    std::vector<LadderArrow> arrows;
};

// Columns by first appearance of each host (source before destination). `byIp` merges ports of one address.
Ladder buildLadder(const std::vector<MessageRow>& messages, bool byIp);
// "INVITE" for requests, "200 OK" for responses, "?" for a message with neither.
std::string messageLabel(const MessageRow& message);

} // namespace sipscope::store
