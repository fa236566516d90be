// Subscriptions and publications inside a call (RFC 6665, RFC 3515, RFC 3903).
#include "decode/detail/subscriptions.hpp"

#include "decode/detail/expires.hpp"

#include <algorithm>
#include <cassert>
#include <string>

namespace sipscope::decode::detail {

namespace {

// A dialog that only carried a subscription ends with it (RFC 6665 §4.4.1); an INVITE's dialog does not.
void endSubscriptionDialog(CallSummary& call, bool isInviteCall, const SubscriptionRecord& subscription,
                           std::int64_t atUs) {
    const std::uint32_t index = recordIndex(subscription.dialogKey);
    if (isInviteCall || index == 0 || index > call.dialogRecords.size())
        return;
    DialogRecord& dialog = call.dialogRecords[index - 1];
    if (dialog.key == subscription.dialogKey && dialog.state != DialogState::Terminated) {
        dialog.state = DialogState::Terminated;
        dialog.terminatedUs = atUs;
    }
}

}  // namespace

void Subscriptions::onMessage(CallSummary& call, bool isInviteCall, std::size_t maxPerCall,
                              const SipMessageView& message, const MessageMeta& meta, std::uint64_t transactionKey,
                              std::uint64_t dialogKey) {
    assert(concerns(message.isRequest() ? message.method() : message.cseq().method) &&
           "Subscriptions::onMessage takes SUBSCRIBE, NOTIFY, PUBLISH and REFER transactions only");
    const std::uint32_t transactionIndex = recordIndex(transactionKey);
    if (message.isRequest())
        onRequest(call, isInviteCall, maxPerCall, message, meta, transactionIndex, dialogKey);
    else
        onResponse(call, message, meta, transactionIndex, dialogKey);
}

void Subscriptions::onRequest(CallSummary& call, bool isInviteCall, std::size_t maxPerCall,
                              const SipMessageView& message, const MessageMeta& meta, std::uint32_t transactionIndex,
                              std::uint64_t dialogKey) {
    const std::string_view method = message.method();
    std::uint32_t index = 0;  // index + 1 into call.subscriptions; 0 = none
    // RFC 6665 §4.1.2: a subscription is identified by its dialog, Event package and id; the subscriber's tag is the
    // From tag of its SUBSCRIBE and the To tag of the NOTIFYs. A PUBLISH has no dialog: its entity and package
    // (RFC 3903 §4).
    std::string_view package, id;
    std::string referId;
    if (method == "REFER") {
        package = "refer";  // RFC 3515 §2.4.4: the implicit subscription's id is the REFER's CSeq
        referId = std::to_string(message.cseq().number);
        id = referId;
    } else if (const auto event = message.event()) {
        package = event->package;
        id = event->id;
    }
    auto subscriberHash = [&](std::string_view tag) { return hashText(hashText(hashText(7, tag), package), id); };
    const std::uint64_t hash = method == "PUBLISH"
                                   ? hashText(hashText(8, message.to().uri), package)
                                   : subscriberHash(method == "NOTIFY" ? message.to().tag : message.from().tag);
    const std::uint32_t* found = m_byIdentity.find(hash);
    if (!found && method == "NOTIFY") {
        // Some notifiers do not swap From and To in their NOTIFYs; the subscriber's tag is then in From.
        found = m_byIdentity.find(subscriberHash(message.from().tag));
    }
    if (found) {
        index = *found;
    } else if (method == "NOTIFY" && package == "refer" && id.empty() && m_lastRefer) {
        index = m_lastRefer;  // RFC 3515 §2.4.6: the first REFER's NOTIFY may omit the id
    } else {
        if (call.subscriptions.size() >= std::min(maxPerCall, MaxIndexPerCall)) {  // a record key holds 0xffff
            // Remember a few dropped identities so their NOTIFYs are not counted again; never more than that.
            if (m_byIdentity.size() < 2 * maxPerCall)
                m_byIdentity.insert(hash, 0);
            ++call.recordsDropped;
            return;
        }
        SubscriptionRecord& record = call.subscriptions.emplace_back();
        index = static_cast<std::uint32_t>(call.subscriptions.size());
        record.key = recordKey(call.key, index);
        record.method = std::string(method);
        record.event = std::string(package);
        record.eventId = std::string(id);
        const bool isFromNotifier = method == "NOTIFY";
        record.resource = std::string(isFromNotifier ? message.from().uri : message.to().uri);
        record.subscriber = std::string(isFromNotifier ? message.to().uri : message.from().uri);
        record.startUs = meta.timestampUs;
        m_byIdentity.insert(hash, index);
    }
    if (index == 0)
        return;
    assert(index <= call.subscriptions.size() && "subscription index past the call's records");
    SubscriptionRecord& record = call.subscriptions[index - 1];
    record.lastUs = meta.timestampUs;
    if (record.dialogKey == 0)
        record.dialogKey = dialogKey;
    if (transactionIndex)
        m_ofTransaction[transactionIndex] = index;
    if (method == "NOTIFY") {
        ++record.notifies;
        if (const auto state = message.subscriptionState()) {
            record.state = std::string(state->state);
            record.reason = std::string(state->reason);
            record.stateExpires =
                state->expires ? static_cast<int>(std::min<std::uint32_t>(*state->expires, 0x7fffffff)) : -1;
            if (state->state == "terminated") {
                if (record.terminatedUs == 0)
                    record.terminatedUs = meta.timestampUs;
                endSubscriptionDialog(call, isInviteCall, record, meta.timestampUs);
            }
        }
    } else {
        ++record.requests;
        if (method == "REFER")
            m_lastRefer = index;
        record.expires = expiresHeader(message);
        if (method == "PUBLISH")
            record.ifMatch = std::string(message.header("SIP-If-Match"));
        if (record.state == "rejected")
            record.state.clear();  // a retry, e.g. with credentials after 401/407
    }
}

void Subscriptions::onResponse(CallSummary& call, const SipMessageView& message, const MessageMeta& meta,
                               std::uint32_t transactionIndex, std::uint64_t dialogKey) {
    std::uint32_t index = 0;
    if (const auto found = m_ofTransaction.find(transactionIndex); found != m_ofTransaction.end())
        index = found->second;
    assert(index <= call.subscriptions.size() && "subscription index past the call's records");
    const int status = message.statusCode();
    if (index == 0 || status < 200 || message.cseq().method == "NOTIFY") {
        if (index && message.cseq().method == "NOTIFY" && (status == 481 || status == 489)) {
            SubscriptionRecord& record = call.subscriptions[index - 1];
            record.state = "terminated";  // the subscriber no longer knows it (RFC 6665 §4.1.3)
            if (record.terminatedUs == 0)
                record.terminatedUs = meta.timestampUs;
        }
        return;
    }
    SubscriptionRecord& record = call.subscriptions[index - 1];
    record.lastUs = meta.timestampUs;
    record.status = status;
    if (record.dialogKey == 0)
        record.dialogKey = dialogKey;
    if (status < 300) {
        record.grantedExpires = expiresHeader(message);
        if (record.method == "PUBLISH")
            record.etag = std::string(message.header("SIP-ETag"));
        const bool isRemoval = record.expires == 0 || record.grantedExpires == 0;
        if (isRemoval) {
            record.state = "terminated";
            if (record.terminatedUs == 0)
                record.terminatedUs = meta.timestampUs;
        } else if (record.state.empty() || record.state == "terminated") {
            // Until a NOTIFY says otherwise: 202 Accepted is RFC 3265's "pending authorization".
            record.state = record.method != "PUBLISH" && status == 202 ? "pending" : "active";
            record.terminatedUs = 0;
        }
    } else if (!isAuthChallenge(status) && record.notifies == 0) {
        record.state = "rejected";
    } else if (status == 481 || status == 412) {
        record.state = "terminated";  // the subscription or the publication's ETag is gone
    }
}

}  // namespace sipscope::decode::detail
