// A call's legs merged for --all-legs, and the ladder model of a call.
#include "cli/call_ladder.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace sipscope::cli {

AllLegs allLegs(const store::Reader& reader, const store::CallRow& call, const std::vector<store::MessageRow>& own,
                bool withText) {
    std::vector<std::pair<std::size_t, store::MessageRow>> merged;
    for (const auto& message : own)
        merged.emplace_back(0, message);
    AllLegs all;
    all.names.push_back({call.callId, "this call"});
    all.keys.push_back(call.key);
    for (const auto& linked : reader.linkedCalls(call.key)) {
        if (linked.callId.empty())
            continue;  // not in the calls table: no messages to draw
        all.names.push_back({linked.callId, linked.kind});
        all.keys.push_back(linked.key);
        for (auto& message : reader.callMessages(linked.key, withText))
            merged.emplace_back(all.names.size() - 1, std::move(message));
    }
    // Time order, ties in capture order: the order of each leg's own messages (store::Reader::callMessages).
    std::stable_sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) {
        return std::pair(a.second.timestampUs, a.second.id) < std::pair(b.second.timestampUs, b.second.id);
    });
    for (auto& [leg, message] : merged) {
        all.legs.push_back(leg);
        all.messages.push_back(std::move(message));
    }
    return all;
}

ladder::Model ladderModel(const store::Reader& reader, bool byIp, const ladder::HostAliases& aliases,
                          const std::vector<store::MessageRow>& messages, const AllLegs* all, std::int64_t callKey,
                          decode::Redactor* redactor) {
    ladder::ModelOptions model;
    model.grouping = byIp ? ladder::ColumnGrouping::Ip : ladder::ColumnGrouping::Endpoint;
    model.aliases = &aliases;
    std::vector<std::int64_t> keys = {callKey};
    if (all && all->names.size() > 1) {
        model.legOfMessage = all->legs;
        model.legs = all->names;
        keys = all->keys;
    }
    for (const std::int64_t key : keys) {
        auto media = reader.callMedia(key);
        model.media.insert(model.media.end(), std::make_move_iterator(media.begin()),
                           std::make_move_iterator(media.end()));
        for (store::StreamRow& stream : reader.callStreams(key)) {
            if (redactor) {
                stream.src = redactor->endpoint(stream.src);
                stream.dst = redactor->endpoint(stream.dst);
                stream.callId = redactor->callId(stream.callId);
            }
            model.streams.push_back(std::move(stream));
        }
    }
    // Several legs: in time order, as one call's are.
    std::stable_sort(model.streams.begin(), model.streams.end(),
                     [](const store::StreamRow& a, const store::StreamRow& b) { return a.firstUs < b.firstUs; });
    return ladder::buildModel(messages, model);
}

}  // namespace sipscope::cli
