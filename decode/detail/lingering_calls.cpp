// Late messages of the calls written as they ended.
#include "decode/detail/lingering_calls.hpp"

#include "decode/detail/call_index.hpp"

#include <algorithm>

namespace sipscope::decode::detail {

Correlation LingeringCalls::onMessage(Call& call, std::uint64_t callIdHash, std::uint64_t signature, bool isRequest,
                                      std::int64_t atUs, std::vector<LateMessage>& late) {
    Correlation result;
    result.callKey = call.key;
    LateMessage& counted = late.emplace_back();
    counted.callKey = call.key;
    counted.timestampUs = atUs;
    counted.isRequest = isRequest;
    const auto seen = std::find_if(call.messages.begin(), call.messages.end(),
                                   [signature](const SeenMessage& m) { return m.signature == signature; });
    if (seen != call.messages.end()) {
        result.isRetransmission = counted.isRetransmission = true;
        result.transactionKey = seen->transaction ? recordKey(call.key, seen->transaction) : 0;
        result.dialogKey = seen->dialog ? recordKey(call.key, seen->dialog) : 0;
        result.sdpRole = seen->role;
        counted.transactionKey = result.transactionKey;
    } else if (call.messages.size() < Retransmissions::MaxPerCall) {
        call.messages.push_back(SeenMessage{signature});
    }
    if (atUs > call.lastUs) {
        call.lastUs = atUs;
        m_expiry.emplace_back(atUs, callIdHash);
    }
    return result;
}

}  // namespace sipscope::decode::detail
