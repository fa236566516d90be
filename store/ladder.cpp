// Ladder model construction.
#include "store/ladder.hpp"

#include <algorithm>

namespace sipscope::store {

namespace {

std::string hostOf(const std::string& endpoint, bool byIp) {
    if (!byIp)
        return endpoint;
    const auto colon = endpoint.rfind(':');
    if (colon == std::string::npos)
        return endpoint;
    std::string ip = endpoint.substr(0, colon);
    if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']')
        ip = ip.substr(1, ip.size() - 2);
    return ip;
}

} // namespace

std::string messageLabel(const MessageRow& message) {
    if (message.method)
        return *message.method;
    if (message.status)
        return message.reason.empty() ? std::to_string(*message.status)
                                      : std::to_string(*message.status) + " " + message.reason;
    return "?";
}

Ladder buildLadder(const std::vector<MessageRow>& messages, bool byIp) {
    Ladder ladder;
    auto column = [&](const std::string& endpoint) {
        const std::string host = hostOf(endpoint, byIp);
        const auto it = std::find(ladder.columns.begin(), ladder.columns.end(), host);
        if (it != ladder.columns.end())
            return static_cast<std::size_t>(it - ladder.columns.begin());
        ladder.columns.push_back(host);
        return ladder.columns.size() - 1;
    };
    for (const MessageRow& message : messages) {
        LadderArrow arrow;
        arrow.fromColumn = column(message.src);
        arrow.toColumn = column(message.dst);
        arrow.label = messageLabel(message);
        arrow.timestampUs = message.timestampUs;
        arrow.messageId = message.id;
        arrow.isRetransmission = message.retransmission;
        arrow.hasSdp = message.hasSdp;
        arrow.isValid = message.valid;
        ladder.arrows.push_back(std::move(arrow));
    }
    return ladder;
}

} // namespace sipscope::store
