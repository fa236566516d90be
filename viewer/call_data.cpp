// Loading opened calls on the query thread.
#include "viewer/call_data.hpp"

#include <algorithm>
#include <unordered_map>

namespace sipscope::viewer {

CallDataPtr loadCallData(const store::Reader& reader, const std::vector<std::int64_t>& keys, bool withLegs) {
    auto data = std::make_shared<CallData>();
    std::vector<std::int64_t> wanted = keys;
    std::vector<std::string> links(keys.size(), "this call");
    if (withLegs && !keys.empty()) {
        for (const store::LinkedCallRow& linked : reader.linkedCalls(keys.front())) {
            if (std::find(wanted.begin(), wanted.end(), linked.key) == wanted.end() && !linked.callId.empty()) {
                wanted.push_back(linked.key);
                links.push_back(linked.kind);
            }
        }
    }
    std::unordered_map<std::int64_t, std::size_t> legOfCall;
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        std::optional<store::CallRow> call = reader.findCall(std::to_string(wanted[i]));
        if (!call || call->key != wanted[i])
            continue;
        legOfCall[call->key] = data->calls.size();
        data->callKeys.push_back(call->key);
        data->legLinks.push_back(links[i]);
        data->calls.push_back(std::move(*call));
    }
    if (data->calls.empty())
        return data;
    std::unordered_map<std::string, std::size_t> legOfCallId;
    for (std::size_t i = 0; i < data->calls.size(); ++i)
        legOfCallId.emplace(data->calls[i].callId, i);
    reader.forEachCallMessage(data->callKeys, false, [&](store::MessageRow& message) {
        const auto found = message.callId ? legOfCallId.find(*message.callId) : legOfCallId.end();
        data->legOfMessage.push_back(found == legOfCallId.end() ? 0 : found->second);
        data->messages.push_back(std::move(message));
        return true;
    });
    for (const std::int64_t key : data->callKeys) {
        std::vector<store::MediaRow> media = reader.callMedia(key);
        data->media.insert(data->media.end(), media.begin(), media.end());
    }
    for (const std::int64_t key : data->callKeys) {
        std::vector<store::StreamRow> streams = reader.callStreams(key);
        data->streams.insert(data->streams.end(), streams.begin(), streams.end());
    }
    std::stable_sort(data->streams.begin(), data->streams.end(),
                     [](const store::StreamRow& a, const store::StreamRow& b) { return a.firstUs < b.firstUs; });
    for (const std::int64_t key : data->callKeys)
        for (store::FindingRow& finding : reader.callFindings(key))
            if (finding.messageId)
                data->findings.push_back(std::move(finding));
    std::stable_sort(data->findings.begin(), data->findings.end(),
                     [](const store::FindingRow& a, const store::FindingRow& b) { return a.messageId < b.messageId; });
    data->mediaVerdict = reader.mediaVerdict(data->calls.front());
    data->dialogs = reader.callDialogs(data->callKeys.front());
    data->transactions = reader.callTransactions(data->callKeys.front());
    return data;
}

}  // namespace sipscope::viewer
