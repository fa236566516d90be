// Links between calls: link headers, Replaces, transfers.
#include "decode/detail/call_links.hpp"

#include "decode/sip_parser.hpp"

#include <cassert>

namespace sipscope::decode::detail {

const CallLinks::LinkValue* CallLinks::rememberLinkValue(std::string_view value, std::uint64_t callKey,
                                                         std::string_view header) {
    if (auto found = m_linkValues.find(value); found != m_linkValues.end())
        return &found->second;
    if (m_limits.maxLinkValues == 0)
        return nullptr;
    while (m_linkValues.size() >= m_limits.maxLinkValues && !m_linkOrder.empty()) {
        m_linkValues.erase(m_linkValues.find(*m_linkOrder.front()));
        m_linkOrder.pop_front();
        ++m_stats.linkValuesEvicted;
    }
    const auto inserted = m_linkValues.emplace(std::string(value), LinkValue{callKey, header}).first;
    m_linkOrder.push_back(&inserted->first);
    assert(m_linkOrder.size() == m_linkValues.size() && m_linkValues.size() <= m_limits.maxLinkValues &&
           "link values unbounded, or their order lost one");
    return nullptr;
}

void CallLinks::addLink(CallSummary& call, std::uint64_t otherKey, std::string_view kind, std::string detail) {
    if (otherKey == 0 || otherKey == call.key)
        return;
    for (const CallLink& link : call.links)
        if (link.linkedKey == otherKey && link.kind == kind)
            return;
    if (call.links.size() >= m_limits.maxLinksPerCall) {
        ++call.recordsDropped;
        return;
    }
    call.links.push_back({otherKey, std::string(kind), std::move(detail)});
    ++m_stats.callLinks;
}

void CallLinks::onMessage(CallSummary& call, PerCall& state, const SipMessageView& message, const MessageMeta& meta,
                          bool isNewCall) {
    if (isNewCall) {
        // An earlier leg may have named this Call-ID in a link header.
        if (const auto earlier = m_linkValues.find(call.callId); earlier != m_linkValues.end())
            addLink(call, earlier->second.callKey, "header", std::string(earlier->second.header) + ": " + call.callId);
    }
    if (!message.isRequest())
        return;
    const std::string_view method = message.method();
    const bool isInitial = message.to().tag.empty();
    if (isInitial && !state.hasHeaderLink && method != "ACK" && method != "CANCEL") {
        for (const std::string& name : m_limits.linkHeaders) {
            message.forEachHeader(name, [&](std::string_view value) {
                if (value.empty() || value == call.callId)
                    return;
                std::uint64_t other = m_openCalls.openCallKey(value);  // the other leg's Call-ID
                if (other == 0) {
                    // A value both legs carry, or the Call-ID of a leg not seen yet: the first call to carry it.
                    const LinkValue* first = rememberLinkValue(value, call.key, name);
                    other = first ? first->callKey : 0;
                }
                if (other != 0 && other != call.key) {
                    addLink(call, other, "header", name + ": " + std::string(value));
                    state.hasHeaderLink = true;
                }
            });
        }
    }
    if (method == "INVITE" && isInitial) {
        // RFC 3891: this INVITE takes the place of the dialog it names.
        if (const auto replaces = message.replaces()) {
            addLink(call, m_openCalls.openCallKey(replaces->callId), "replaces",
                    "Replaces: " + std::string(replaces->callId));
        }
        // The INVITE a REFER asked for goes to the Refer-To target (RFC 3515 §2.4.2).
        while (!m_transfers.empty() && meta.timestampUs - m_transfers.front().atUs > m_limits.transferWindowUs)
            m_transfers.pop_front();
        for (auto it = m_transfers.begin(); it != m_transfers.end(); ++it) {
            if (it->callKey != call.key && sameAddress(message.requestUri(), it->target)) {
                addLink(call, it->callKey, "refer", "Refer-To: " + it->target);
                m_transfers.erase(it);
                break;
            }
        }
    } else if (method == "REFER") {
        const auto referTo = message.referTo();
        if (!referTo || referTo->uri.empty())
            return;
        SipUri target;
        if (parseUri(referTo->uri, target)) {
            // Attended transfer: Refer-To carries the Replaces of the call to be replaced, escaped.
            if (const auto escaped = target.header("Replaces")) {
                std::string text;
                unescape(*escaped, text);
                ReplacesValue replaces;
                if (parseReplaces(text, replaces))
                    addLink(call, m_openCalls.openCallKey(replaces.callId), "transfer",
                            "Refer-To Replaces: " + std::string(replaces.callId));
            }
        }
        if (m_limits.maxPendingTransfers == 0)
            return;
        if (m_transfers.size() >= m_limits.maxPendingTransfers) {
            m_transfers.pop_front();
            ++m_stats.transfersEvicted;
        }
        m_transfers.push_back({std::string(referTo->uri), call.key, meta.timestampUs});
    }
}

}  // namespace sipscope::decode::detail
