// Links between calls (README, "Linked calls"): the legs of one session through a B2BUA or SBC, named by a link
// header; an INVITE that replaces another call's dialog (RFC 3891); an attended transfer's REFER naming the call it
// replaces, and the call a REFER asked for (RFC 3515). Remembers link header values and pending REFERs across calls,
// each bounded by CorrelatorLimits and counted in CorrelatorStats when something is forgotten.
#pragma once

#include "decode/correlator.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sipscope::decode::detail {

// The key of the open call with this Call-ID, or 0: how CallLinks finds the other legs, which are alive while they
// are named. The correlator owns the open calls.
class OpenCallKeys {
public:
    virtual std::uint64_t openCallKey(std::string_view callId) const = 0;

protected:
    ~OpenCallKeys() = default;
};

class CallLinks {
public:
    // What CallLinks keeps per call, in the correlator's entry for it.
    struct PerCall {
        bool hasHeaderLink = false;  // an initial request already linked the call by a link header
    };

    // `limits`, `stats` and `openCalls` outlive this object.
    CallLinks(const CorrelatorLimits& limits, CorrelatorStats& stats, const OpenCallKeys& openCalls)
        : m_limits(limits), m_stats(stats), m_openCalls(openCalls) {}

    // One message of `call` (not a retransmission); `isNewCall` when it opened the call. Appends to call.links (at
    // most maxLinksPerCall, beyond it counted in call.recordsDropped), both for this message's links and, for a
    // new call, for a link header an earlier call carried with this Call-ID.
    void onMessage(CallSummary& call, PerCall& state, const SipMessageView& message, const MessageMeta& meta,
                   bool isNewCall);

private:
    // What a link value was first seen as: the value of a link header in the call `callKey`.
    struct LinkValue {
        std::uint64_t callKey = 0;
        std::string_view header;  // points into CorrelatorLimits::linkHeaders
    };
    // A REFER waiting for the INVITE it asked for (RFC 3515 §2.4.2).
    struct PendingTransfer {
        std::string target;  // the Refer-To URI
        std::uint64_t callKey = 0;
        std::int64_t atUs = 0;
    };
    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };

    void addLink(CallSummary& call, std::uint64_t otherKey, std::string_view kind, std::string detail);
    // The first call that carried `value`, or null when this is the first (then remembered as `callKey`'s).
    const LinkValue* rememberLinkValue(std::string_view value, std::uint64_t callKey, std::string_view header);

    const CorrelatorLimits& m_limits;
    CorrelatorStats& m_stats;
    const OpenCallKeys& m_openCalls;
    // At most maxLinkValues; the oldest forgotten first (stats.linkValuesEvicted).
    std::unordered_map<std::string, LinkValue, StringHash, std::equal_to<>> m_linkValues;
    std::deque<const std::string*> m_linkOrder;  // keys of m_linkValues, oldest first (node keys do not move)
    std::deque<PendingTransfer> m_transfers;     // oldest first; at most maxPendingTransfers
};

}  // namespace sipscope::decode::detail
