// Call correlation: one Call-ID is one call. Tracks each call's summary and state, marks retransmissions, and
// flushes calls that ended or went idle so memory stays flat however long the capture.
#include "decode/correlator.hpp"

#include <algorithm>
#include <functional>
#include <list>
#include <string>
#include <unordered_map>

namespace sipscope::decode {

std::string_view callStateName(CallState state) {
    switch (state) {
    case CallState::Calling: return "calling";
    case CallState::Proceeding: return "proceeding";
    case CallState::Ringing: return "ringing";
    case CallState::Answered: return "answered";
    case CallState::Completed: return "completed";
    case CallState::Cancelled: return "cancelled";
    case CallState::Rejected: return "rejected";
    case CallState::Failed: return "failed";
    case CallState::Done: return "done";
    case CallState::Pending: return "pending";
    }
    return "unknown";
}

namespace {

constexpr std::size_t MaxSignaturesPerCall = 512;  // retransmission memory per call
constexpr std::size_t MaxDialogsPerCall = 64;

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

std::uint64_t mix(std::uint64_t seed, std::uint64_t value) {
    // 64-bit hash combine (splitmix-style finaliser on the sum).
    std::uint64_t x = seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    return x;
}

std::uint64_t hashText(std::uint64_t seed, std::string_view text) {
    return mix(seed, std::hash<std::string_view>{}(text));
}

std::uint64_t hashEndpoint(std::uint64_t seed, const capture::Endpoint& endpoint) {
    std::uint64_t h = mix(seed, endpoint.port);
    for (std::uint8_t byte : endpoint.ip.bytes)
        h = mix(h, byte);
    return h;
}

// Identity of a message for retransmission detection: the same request or response re-sent on the same hop
// (RFC 3261 §17: same transaction — branch, CSeq — same direction, same status).
std::uint64_t signature(const SipMessageView& message, const MessageMeta& meta) {
    std::uint64_t h = message.isRequest() ? hashText(1, message.method()) : mix(2, message.statusCode());
    h = mix(h, message.cseq().number);
    h = hashText(h, message.cseq().method);
    h = hashText(h, message.topViaBranch());
    h = hashText(h, message.from().tag);
    h = hashText(h, message.to().tag);
    h = hashEndpoint(h, meta.src);
    return hashEndpoint(h, meta.dst);
}

bool isRefreshable(std::string_view method) {
    return method == "REGISTER" || method == "SUBSCRIBE" || method == "PUBLISH";
}

struct CallEntry {
    CallSummary summary;
    std::uint32_t initialCseq = 0;  // CSeq of the latest out-of-dialog request of the call's method
    bool isInvite = false;
    bool isFinished = false;
    bool cancelSeen = false;
    std::vector<std::uint64_t> signatures;
    std::vector<std::uint64_t> dialogs;
    std::list<std::string_view>::iterator lru;
};

} // namespace

struct Correlator::Impl {
    CorrelatorLimits limits;
    std::uint64_t nextKey;
    CorrelatorStats stats;
    std::unordered_map<std::string, CallEntry, StringHash, std::equal_to<>> calls;
    std::list<std::string_view> lru;  // least recently active first; views of the map's keys
    std::vector<CallSummary> evicted;

    void update(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta);
    void flush(decltype(calls)::iterator it, std::vector<CallSummary>& out) {
        lru.erase(it->second.lru);
        out.push_back(std::move(it->second.summary));
        calls.erase(it);
    }
};

Correlator::Correlator(std::uint64_t firstCallKey, CorrelatorLimits limits) : m_impl(std::make_unique<Impl>()) {
    m_impl->limits = limits;
    m_impl->nextKey = firstCallKey ? firstCallKey : 1;
}

Correlator::~Correlator() = default;

Correlation Correlator::onMessage(const SipMessageView& message, const MessageMeta& meta) {
    Impl& d = *m_impl;
    const std::string_view callId = message.callId();
    if (callId.empty()) {
        ++d.stats.messagesWithoutCallId;
        return {};
    }
    auto it = d.calls.find(callId);
    if (it == d.calls.end()) {
        if (d.calls.size() >= d.limits.maxOpenCalls && !d.lru.empty()) {
            ++d.stats.callsEvictedForSpace;
            d.flush(d.calls.find(d.lru.front()), d.evicted);
        }
        it = d.calls.emplace(std::string(callId), CallEntry{}).first;
        CallEntry& entry = it->second;
        entry.summary.key = d.nextKey++;
        entry.summary.callId = it->first;
        entry.summary.startUs = meta.timestampUs;
        entry.summary.src = meta.src;
        entry.summary.dst = meta.dst;
        entry.lru = d.lru.insert(d.lru.end(), std::string_view(it->first));
        ++d.stats.callsOpened;
    } else {
        d.lru.splice(d.lru.end(), d.lru, it->second.lru);
    }
    CallEntry& entry = it->second;

    Correlation result;
    result.callKey = entry.summary.key;
    const std::uint64_t sig = signature(message, meta);
    if (std::find(entry.signatures.begin(), entry.signatures.end(), sig) != entry.signatures.end()) {
        result.isRetransmission = true;
        ++entry.summary.retransmissions;
    } else if (entry.signatures.size() < MaxSignaturesPerCall) {
        entry.signatures.push_back(sig);
    }
    ++entry.summary.messages;
    entry.summary.endUs = std::max(entry.summary.endUs, meta.timestampUs);
    if (!result.isRetransmission)
        d.update(entry, message, meta);
    return result;
}

void Correlator::Impl::update(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta) {
    CallSummary& call = entry.summary;
    const CSeq& cseq = message.cseq();

    if (message.isRequest()) {
        const std::string_view method = message.method();
        if (!call.hasFirstRequest) {
            call.hasFirstRequest = true;
            call.method = std::string(method);
            call.src = meta.src;
            call.dst = meta.dst;
            call.fromUri = std::string(message.from().uri);
            call.fromUser = std::string(message.from().user);
            call.toUri = std::string(message.to().uri);
            call.toUser = std::string(message.to().user);
            entry.isInvite = method == "INVITE";
            call.state = entry.isInvite ? CallState::Calling : CallState::Pending;
            entry.initialCseq = cseq.number;
        } else if (method == call.method && message.to().tag.empty()) {
            // RFC 3261 §22.2: a request re-sent with credentials after 401/407 is the same call attempt.
            entry.initialCseq = cseq.number;
        }
        if (entry.isInvite) {
            if (method == "CANCEL")
                entry.cancelSeen = true;
            else if (method == "BYE" && (call.state == CallState::Answered || call.state == CallState::Completed)) {
                call.state = CallState::Completed;
                entry.isFinished = true;
            } else if (method == "BYE") {
                entry.isFinished = true;
            }
        }
        return;
    }

    // Responses.
    const int status = message.statusCode();
    if (!message.to().tag.empty() && status > 100 && entry.dialogs.size() < MaxDialogsPerCall) {
        const std::uint64_t dialog = hashText(hashText(3, message.from().tag), message.to().tag);
        if (std::find(entry.dialogs.begin(), entry.dialogs.end(), dialog) == entry.dialogs.end()) {
            entry.dialogs.push_back(dialog);
            call.dialogs = static_cast<std::uint32_t>(entry.dialogs.size());
        }
    }
    if (!call.hasFirstRequest) {
        // Only responses so far (the request is outside the capture): describe the call from them.
        if (call.fromUri.empty()) {
            call.fromUri = std::string(message.from().uri);
            call.fromUser = std::string(message.from().user);
            call.toUri = std::string(message.to().uri);
            call.toUser = std::string(message.to().user);
        }
        return;
    }
    if (cseq.method != call.method || cseq.number != entry.initialCseq)
        return;  // responses to other transactions (CANCEL, PRACK, BYE, re-INVITE) do not set the outcome
    if (entry.isInvite) {
        if (status < 200) {
            if (call.state == CallState::Calling || call.state == CallState::Proceeding)
                call.state = (status == 180 || status == 183) ? CallState::Ringing : CallState::Proceeding;
            else if (call.state == CallState::Ringing)
                call.state = CallState::Ringing;
        } else if (call.finalStatus == 0 || call.finalStatus >= 300) {
            call.finalStatus = status;
            if (status < 300) {
                call.state = CallState::Answered;
                entry.isFinished = false;
            } else {
                call.state = (status == 487 || entry.cancelSeen) ? CallState::Cancelled : CallState::Rejected;
                // 401/407 usually lead to a new INVITE with credentials; the call is not over until idle.
                entry.isFinished = status != 401 && status != 407;
            }
        }
    } else if (status >= 200) {
        call.finalStatus = status;
        call.state = status < 300 ? CallState::Done : CallState::Failed;
        entry.isFinished = !isRefreshable(call.method) && status != 401 && status != 407;
    }
}

void Correlator::takeFlushed(std::int64_t nowUs, std::vector<CallSummary>& out) {
    Impl& d = *m_impl;
    for (auto& summary : d.evicted)
        out.push_back(std::move(summary));
    d.evicted.clear();
    auto position = d.lru.begin();
    while (position != d.lru.end()) {
        auto it = d.calls.find(*position);
        const std::int64_t idleUs = nowUs - it->second.summary.endUs;
        if (idleUs < d.limits.finishedLingerUs)
            break;  // the list is ordered by activity: everything after is more recent
        ++position;
        if (it->second.isFinished) {
            ++d.stats.callsFlushedFinished;
            d.flush(it, out);
        } else if (idleUs >= d.limits.idleTimeoutUs) {
            ++d.stats.callsFlushedIdle;
            d.flush(it, out);
        }
    }
}

void Correlator::takeAll(std::vector<CallSummary>& out) {
    Impl& d = *m_impl;
    for (auto& summary : d.evicted)
        out.push_back(std::move(summary));
    d.evicted.clear();
    // In key order, which is the order the calls first appeared in the capture.
    const std::size_t first = out.size();
    for (std::string_view id : d.lru)
        out.push_back(std::move(d.calls.find(id)->second.summary));
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
              [](const CallSummary& a, const CallSummary& b) { return a.key < b.key; });
    d.lru.clear();
    d.calls.clear();
}

void Correlator::snapshotOpen(std::vector<CallSummary>& out) const {
    for (const auto& [id, entry] : m_impl->calls)
        out.push_back(entry.summary);
}

std::size_t Correlator::openCalls() const {
    return m_impl->calls.size();
}

const CorrelatorStats& Correlator::stats() const {
    return m_impl->stats;
}

} // namespace sipscope::decode
