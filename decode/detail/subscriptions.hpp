// The subscriptions (RFC 6665, and the implicit one of a REFER, RFC 3515) and publications (RFC 3903) of one call:
// which SUBSCRIBE, REFER, PUBLISH and NOTIFY belong to which, and the state each reached, as SubscriptionRecords.
#pragma once

#include "decode/correlator.hpp"
#include "decode/detail/call_index.hpp"

#include <cstdint>
#include <string_view>
#include <unordered_map>

namespace sipscope::decode::detail {

class Subscriptions {
public:
    // Whether messages of `method` (a request's, or the CSeq method of a response) go to onMessage.
    static bool concerns(std::string_view method) {
        return method == "SUBSCRIBE" || method == "NOTIFY" || method == "PUBLISH" || method == "REFER";
    }

    // One message of the call (not a retransmission) whose method concerns subscriptions, with the transaction
    // and dialog keys the correlator gave it. Adds or updates the records in call.subscriptions (at most
    // `maxPerCall`; identities beyond it are counted once in call.recordsDropped) and ends the dialog of a
    // subscription that ended, unless the call is an INVITE's (`isInviteCall`), whose dialog outlives it.
    void onMessage(CallSummary& call, bool isInviteCall, std::size_t maxPerCall, const SipMessageView& message,
                   const MessageMeta& meta, std::uint64_t transactionKey, std::uint64_t dialogKey);

private:
    void onRequest(CallSummary& call, bool isInviteCall, std::size_t maxPerCall, const SipMessageView& message,
                   const MessageMeta& meta, std::uint32_t transactionIndex, std::uint64_t dialogKey);
    void onResponse(CallSummary& call, const SipMessageView& message, const MessageMeta& meta,
                    std::uint32_t transactionIndex, std::uint64_t dialogKey);

    // Identity hash (subscriber tag, package and id; or entity and package) -> index + 1 in call.subscriptions,
    // 0 for an identity dropped at the cap. At most 2 × maxPerCall identities.
    HashIndex m_byIdentity;
    // Transaction index -> subscription index + 1: which subscription a response answers. At most one entry per
    // transaction of the call (0xffff).
    std::unordered_map<std::uint32_t, std::uint32_t> m_ofTransaction;
    std::uint32_t m_lastRefer = 0;  // index + 1 of the latest REFER's subscription
};

}  // namespace sipscope::decode::detail
