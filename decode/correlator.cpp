// Call, transaction and dialog correlation. One Call-ID is one call; inside it, transactions follow RFC 3261
// §17.1.3/§17.2.3 and dialogs §12. Calls that ended or went idle are flushed, so memory stays flat however
// long the capture.
#include "decode/correlator.hpp"

#include "decode/detail/call_entry.hpp"
#include "decode/detail/call_index.hpp"
#include "decode/detail/call_links.hpp"
#include "decode/detail/lingering_calls.hpp"
#include "decode/detail/offer_answer.hpp"
#include "decode/detail/open_calls.hpp"
#include "decode/detail/registrations.hpp"
#include "decode/detail/retransmissions.hpp"
#include "decode/detail/subscriptions.hpp"
#include "decode/sdp.hpp"
#include "decode/sip_parser.hpp"

#include <algorithm>
#include <cassert>
#include <functional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

namespace sipscope::decode {

namespace {

// [SECTION] Hashing helpers

using detail::HashIndex;
using detail::hashText;
using detail::mix;
using detail::recordIndex;
using detail::recordKey;

constexpr std::string_view MagicCookie = "z9hG4bK";  // RFC 3261 §8.1.1.7

using detail::NoSlot;

// RFC 3261 §17.1.3/§17.2.3: branch + sent-by + method, where the ACK of a non-2xx and responses match the INVITE
// (by CSeq method). Without the magic cookie, the RFC 2543 way: CSeq, From tag and sent-by.
std::uint64_t transactionHash(const SipMessageView& message, std::string_view method, bool& isRfc2543) {
    const std::string_view branch = message.topViaBranch();
    isRfc2543 = branch.substr(0, MagicCookie.size()) != MagicCookie;
    std::uint64_t h = hashText(isRfc2543 ? 5 : 4, method);
    h = hashText(h, message.topViaSentBy());
    if (!isRfc2543)
        return hashText(h, branch);
    h = mix(h, message.cseq().number);
    return hashText(h, message.from().tag);
}

// Dialog identity from the two tags in either order: in-dialog requests from the callee swap From and To.
std::uint64_t dialogHash(std::string_view tagA, std::string_view tagB) {
    if (tagB < tagA)
        std::swap(tagA, tagB);
    return hashText(hashText(3, tagA), tagB);
}

bool isRefreshable(std::string_view method) {
    return method == "REGISTER" || method == "SUBSCRIBE" || method == "PUBLISH";
}

CallKind kindOf(std::string_view method) {
    if (method == "INVITE")
        return CallKind::Call;
    if (method == "REGISTER")
        return CallKind::Registration;
    if (method == "SUBSCRIBE" || method == "NOTIFY")
        return CallKind::Subscription;
    if (method == "OPTIONS")
        return CallKind::Options;
    if (method == "MESSAGE")
        return CallKind::Message;
    if (method == "PUBLISH")
        return CallKind::Publish;
    if (method == "REFER")
        return CallKind::Refer;
    if (method == "INFO")
        return CallKind::Info;
    return CallKind::Other;
}

// [SECTION] The call's first hop

// RFC 6076's delays are measured on one hop of the call: its first, the hop of its first request. A proxy forwards
// each message on the next hop, with a Via of its own on top, so the copies there do not move the timings.
std::uint64_t branchHash(std::string_view branch) {
    return branch.empty() ? 0 : hashText(9, branch) | 1;  // 0 = no branch
}

// Whether a message travels between the two ends of the call's first request, either way. Over TCP or TLS the side
// that connected has a new port for each connection, so there the addresses decide (when they tell the ends apart).
bool isOnFirstHop(const CallSummary& call, const MessageMeta& meta) {
    const bool isSameEnds =
        (meta.src == call.src && meta.dst == call.dst) || (meta.src == call.dst && meta.dst == call.src);
    const bool hasStablePorts = meta.transport == capture::Transport::Udp || meta.transport == capture::Transport::Sctp;
    if (isSameEnds || hasStablePorts || call.src.ip == call.dst.ip)
        return isSameEnds;
    return (meta.src.ip == call.src.ip && meta.dst.ip == call.dst.ip) ||
           (meta.src.ip == call.dst.ip && meta.dst.ip == call.src.ip);
}

using detail::CallEntry;
using detail::Deadline;
using detail::DialogTiming;
using detail::HopTime;

}  // namespace

// [SECTION] Correlator

struct Correlator::Impl final : detail::OpenCallKeys {
    Impl(std::uint64_t firstCallKey, CorrelatorLimits limitsIn)
        : limits(std::move(limitsIn)), nextKey(firstCallKey ? firstCallKey : 1), links(limits, stats, *this) {}

    CorrelatorLimits limits;
    std::uint64_t nextKey;
    CorrelatorStats stats;
    detail::OpenCallTable<CallEntry> calls;  // the open calls, by slot and by Call-ID, in order of activity
    std::vector<CallSummary> evicted;
    std::vector<CallSummary> ended;    // calls no message can change (isOver), until takeFlushed hands them out
    detail::LingeringCalls lingering;  // what is left of them while copies of their messages may come
    std::vector<LateMessage> lateMessages;
    SdpParser sdp;
    detail::CallLinks links;  // across calls: link header values and REFERs waiting for their call
    // Initial requests that may time out, soonest first; at most 2 × maxOpenCalls (stale ones expire on their own).
    std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines;

    std::uint64_t transaction(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta);
    std::uint64_t dialog(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta);
    void update(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta, std::uint64_t dialogKey);
    void newAttempt(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta);
    bool settleDialogs(CallEntry& entry);
    void expire(std::int64_t nowUs);
    void sessionChange(CallEntry& entry, const SipMessageView& message) {
        detail::countHoldChange(entry.summary, sdp, message);
    }

    // An open call's key, or a lingering one's: a leg or a replaced call that just ended is still linked.
    std::uint64_t openCallKey(std::string_view callId) const override {
        const std::uint64_t hash = detail::OpenCallTable<CallEntry>::hashOf(callId);
        const std::uint32_t slot = calls.find(callId, hash);
        if (slot != NoSlot)
            return calls[slot].summary.key;
        const detail::LingeringCalls::Call* call = const_cast<detail::LingeringCalls&>(lingering).find(hash);
        return call ? call->key : 0;
    }

    // Closes a call: its summary moved to `out`, its slot freed.
    void flush(std::uint32_t slot, std::vector<CallSummary>& out) {
        out.push_back(std::move(calls.close(slot)->summary));
    }
    // Closes a call no message can change (isOver): its summary to `ended`, what its late copies need to lingering.
    void endEarly(std::uint32_t slot) {
        std::unique_ptr<CallEntry> entry = calls.close(slot);
        lingering.add(entry->callIdHash, entry->summary.key, entry->summary.endUs, entry->retransmissions.all());
        ++stats.callsFlushedFinished;
        ++stats.callsEndedEarly;
        ended.push_back(std::move(entry->summary));
    }
};

Correlator::Correlator(std::uint64_t firstCallKey, CorrelatorLimits limits)
    : m_impl(std::make_unique<Impl>(firstCallKey, std::move(limits))) {}

Correlator::~Correlator() = default;

Correlation Correlator::onMessage(const SipMessageView& message, const MessageMeta& meta) {
    Impl& d = *m_impl;
    const std::string_view callId = message.callId();
    if (callId.empty()) {
        ++d.stats.messagesWithoutCallId;
        return {};
    }
    const std::uint64_t hash = detail::OpenCallTable<CallEntry>::hashOf(callId);
    // The bucket is most likely a cache miss: start loading it, and compute the signature (which does not need
    // the call) meanwhile.
    d.calls.prefetch(hash);
    const std::uint64_t signature = detail::Retransmissions::signature(message, meta);
    std::uint32_t slot = d.calls.find(callId, hash);
    const bool isNewCall = slot == NoSlot;
    if (isNewCall) {
        if (detail::LingeringCalls::Call* ended = d.lingering.find(hash)) {
            ++d.stats.lateMessages;
            return d.lingering.onMessage(*ended, hash, signature, message.isRequest(), meta.timestampUs,
                                         d.lateMessages);
        }
        if (d.calls.size() >= d.limits.maxOpenCalls && d.calls.leastRecent() != NoSlot) {
            ++d.stats.callsEvictedForSpace;
            d.flush(d.calls.leastRecent(), d.evicted);
        }
        assert((d.calls.size() < d.limits.maxOpenCalls || d.calls.size() == 0) &&
               "open calls past maxOpenCalls: the eviction above must make room first");
        slot = d.calls.open(callId, hash);
        CallEntry& entry = d.calls[slot];
        entry.summary.key = d.nextKey++;
        entry.summary.startUs = meta.timestampUs;
        entry.summary.src = meta.src;
        entry.summary.dst = meta.dst;
        ++d.stats.callsOpened;
    } else {
        d.calls.touch(slot);
    }
    CallEntry& entry = d.calls[slot];

    Correlation result;
    result.callKey = entry.summary.key;
    if (entry.retransmissions.isRepeat(signature)) {
        result.isRetransmission = true;
        ++entry.summary.retransmissions;
    }
    ++entry.summary.messages;
    entry.summary.endUs = std::max(entry.summary.endUs, meta.timestampUs);
    entry.isChangedSinceSnapshot = true;
    result.transactionKey = d.transaction(entry, message, meta);
    result.dialogKey = d.dialog(entry, message, meta);
    assert((result.transactionKey == 0 || result.transactionKey >> 16 == result.callKey) &&
           (result.dialogKey == 0 || result.dialogKey >> 16 == result.callKey) &&
           "a transaction or dialog key names another call: record keys are (call key << 16) | index");
    if (!result.isRetransmission) {
        d.update(entry, message, meta, result.dialogKey);
        const std::string_view method = message.isRequest() ? message.method() : message.cseq().method;
        if (detail::Subscriptions::concerns(method))
            entry.subscriptions.onMessage(entry.summary, entry.isInvite, d.limits.maxSubscriptionsPerCall, message,
                                          meta, result.transactionKey, result.dialogKey);
        d.links.onMessage(entry.summary, entry.links, message, meta, isNewCall);
    }
    // An INVITE without a body still opens an exchange: its 2xx will offer (RFC 3261 §13.2.1).
    if (!message.body().empty() || (message.isRequest() && message.method() == "INVITE"))
        result.sdpRole = entry.offerAnswer.role(message);
    if (!result.isRetransmission) {
        entry.retransmissions.noteLast(result.transactionKey, result.dialogKey, result.sdpRole);
        if (entry.isFinished && entry.isOver())
            d.endEarly(slot);
    }
    return result;
}

std::uint64_t Correlator::Impl::transaction(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta) {
    CallSummary& call = entry.summary;
    const bool isRequest = message.isRequest();
    const std::string_view method = isRequest ? message.method() : message.cseq().method;
    bool isRfc2543 = false;
    // The ACK of a non-2xx shares the INVITE's branch and belongs to its transaction; the ACK of a 2xx has a
    // branch of its own and is a transaction by itself (RFC 3261 §17.1.1.3, §13.2.2.4).
    std::uint64_t hash = transactionHash(message, method == "ACK" ? std::string_view("INVITE") : method, isRfc2543);
    const std::uint32_t* found = entry.transactions.find(hash);
    if (!found && method == "ACK") {
        hash = transactionHash(message, method, isRfc2543);
        found = entry.transactions.find(hash);
    }
    std::uint32_t index;
    if (found) {
        index = *found;
        assert(index >= 1 && index <= entry.transactionCount && "a transaction index the call never handed out");
        if (method == "ACK" && !entry.failuresAwaitingAck.empty())  // the ACK of a failure, in its INVITE's
            std::erase(entry.failuresAwaitingAck, index);
    } else {
        if (entry.transactionCount >= detail::MaxIndexPerCall)
            return 0;
        index = ++entry.transactionCount;
        entry.transactions.insert(hash, index);
        if (call.transactions.size() < limits.maxTransactionsPerCall) {
            TransactionRecord& record = call.transactions.emplace_back();
            record.key = recordKey(call.key, index);
            record.method = std::string(method);
            record.startUs = meta.timestampUs;
            record.isOrphan = !isRequest;
            record.isRfc2543 = isRfc2543;
            if (method == "CANCEL") {
                // RFC 3261 §9.1: a CANCEL carries the branch of the INVITE it cancels.
                if (const std::uint32_t* invite =
                        entry.transactions.find(transactionHash(message, "INVITE", isRfc2543)))
                    record.cancelledKey = recordKey(call.key, *invite);
            }
        } else {
            ++call.recordsDropped;
        }
    }
    // Records are kept for the first maxTransactionsPerCall indexes, in index order: index i is record i - 1.
    assert(call.transactions.size() <= limits.maxTransactionsPerCall &&
           "transaction records past maxTransactionsPerCall");
    assert((call.transactions.empty() || recordIndex(call.transactions.back().key) == call.transactions.size()) &&
           "transaction records out of index order: record i - 1 must hold index i");
    const std::uint64_t key = recordKey(call.key, index);
    if (index <= call.transactions.size()) {
        assert(call.transactions[index - 1].key == key && "transaction record not at its index");
        TransactionRecord& record = call.transactions[index - 1];
        if (isRequest) {
            ++record.requests;
            if (message.method() == "REGISTER")
                entry.registrations.onRequest(index, message);
        } else {
            ++record.responses;
            const int status = message.statusCode();
            if (status < 200 && status > 100 && record.firstProvisionalUs == 0)
                record.firstProvisionalUs = meta.timestampUs;
            if (status >= 200 && record.finalStatus == 0) {
                record.finalStatus = status;
                record.finalUs = meta.timestampUs;
                if (status >= 300 && record.method == "INVITE")
                    entry.failuresAwaitingAck.push_back(index);
                entry.registrations.onFinalResponse(index, record, message, meta, limits.maxTransactionsPerCall,
                                                    call.registrations);
            }
        }
    }
    return key;
}

std::uint64_t Correlator::Impl::dialog(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta) {
    const std::string_view fromTag = message.from().tag;
    const std::string_view toTag = message.to().tag;
    if (fromTag.empty() || toTag.empty())
        return 0;
    CallSummary& call = entry.summary;
    const int status = message.statusCode();
    const std::uint64_t hash = dialogHash(fromTag, toTag);
    const std::uint32_t* found = entry.dialogs.find(hash);
    std::uint32_t index;
    if (found) {
        index = *found;
        if (index == 0)
            return 0;  // refused at the cap, already counted
    } else {
        // RFC 3261 §12: only INVITE creates dialogs here (and SUBSCRIBE/REFER/NOTIFY, RFC 6665); REGISTER, OPTIONS,
        // MESSAGE, PUBLISH and CANCEL answered with a To tag outside a dialog do not make one.
        const std::string_view method = message.cseq().method;
        const bool isOutOfDialogMethod = method == "REGISTER" || method == "OPTIONS" || method == "MESSAGE" ||
                                         method == "PUBLISH" || method == "CANCEL";
        // Failure responses and the ACK of a failure do not create dialogs; only 101–299 responses and requests
        // inside a dialog whose setup is not in the capture.
        const bool createsDialog = message.isResponse() ? status > 100 && status < 300 : message.method() != "ACK";
        if (!createsDialog || isOutOfDialogMethod)
            return 0;
        // A record key holds 0xffff indexes per call, whatever the limit says.
        const std::size_t maxDialogs = std::min(limits.maxDialogsPerCall, detail::MaxIndexPerCall);
        if (entry.dialogCount >= maxDialogs) {
            // Counted once per dialog: its later messages find it refused (index 0). Only so many refusals are
            // remembered; past them, each message of a refused dialog counts.
            if (entry.dialogs.size() < 2 * maxDialogs)
                entry.dialogs.insert(hash, 0);
            ++call.recordsDropped;
            return 0;
        }
        index = ++entry.dialogCount;
        entry.dialogs.insert(hash, index);
        DialogRecord& record = call.dialogRecords.emplace_back();
        record.key = recordKey(call.key, index);
        record.fromTag = std::string(fromTag);
        record.toTag = std::string(toTag);
        record.createdUs = meta.timestampUs;
        // A request inside a dialog we did not see being set up: the dialog exists, so call it confirmed.
        record.state = message.isRequest() ? DialogState::Confirmed : DialogState::Early;
        call.dialogs = entry.dialogCount;
    }
    // Every dialog counted has its record, in index order: index i is record i - 1.
    assert(call.dialogRecords.size() == entry.dialogCount && "a dialog counted without its record, or twice");
    assert(index >= 1 && index <= call.dialogRecords.size() && "a dialog index the call never handed out");
    DialogRecord& record = call.dialogRecords[index - 1];
    assert(record.key == recordKey(call.key, index) && "dialog record not at its index");
    const std::string_view cseqMethod = message.cseq().method;
    if (message.isResponse() && record.state != DialogState::Terminated) {
        // RFC 6665 §4.1.2.4: a SUBSCRIBE's (or REFER's) 2xx, or a NOTIFY's, sets up a subscription's dialog too.
        const bool setsUp =
            cseqMethod == "INVITE" || cseqMethod == "SUBSCRIBE" || cseqMethod == "REFER" || cseqMethod == "NOTIFY";
        if (setsUp && status >= 200 && status < 300 && record.confirmedUs == 0) {
            record.state = DialogState::Confirmed;
            record.confirmedUs = meta.timestampUs;
        } else if (cseqMethod == "INVITE" && status >= 300 && record.confirmedUs == 0) {
            record.state = DialogState::Terminated;  // an early dialog ends with the failure (RFC 3261 §12.3)
            record.terminatedUs = meta.timestampUs;
        } else if (cseqMethod == "BYE" && status >= 200) {
            record.state = DialogState::Terminated;
            record.terminatedUs = meta.timestampUs;
        } else if ((status == 481 || status == 408) && record.state == DialogState::Confirmed) {
            record.state = DialogState::Terminated;  // RFC 3261 §12.2.1.2: the dialog is gone
            record.terminatedUs = meta.timestampUs;
        }
    }
    return record.key;
}

// The initial request was sent (again with credentials after 401/407): RFC 6076 times this attempt, on its hop.
void Correlator::Impl::newAttempt(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta) {
    CallSummary& call = entry.summary;
    entry.initialCseq = message.cseq().number;
    entry.attemptBranchHash = branchHash(message.topViaBranch());
    entry.provisional = {};
    entry.finalResponse = {};
    call.attemptUs = meta.timestampUs;
    call.firstProvisionalUs = 0;
    call.finalUs = 0;
    if (!entry.isInvite)
        call.answeredUs = 0;
    if (call.finalStatus >= 300) {
        // A new attempt after a failure (credentials after 401/407, a redirect's target): under way again.
        call.finalStatus = 0;
        call.state = entry.isInvite ? CallState::Calling : CallState::Pending;
        entry.isFinished = false;
    }
    // An ACK is never answered (a capture that starts with one starts inside a call).
    if (limits.transactionTimeoutUs <= 0 || message.method() == "ACK")
        return;
    if (deadlines.size() >= 2 * limits.maxOpenCalls) {
        ++stats.timeoutsUntracked;
        return;
    }
    deadlines.push({meta.timestampUs + limits.transactionTimeoutUs, meta.timestampUs, call.key, entry.slot});
    assert(deadlines.size() <= 2 * limits.maxOpenCalls && "timeout deadlines past 2 x maxOpenCalls");
}

// Sets the call's answer, BYE, SDD and who ended it from the dialog the caller kept: of the dialogs a 2xx to the
// initial INVITE confirmed, one not ended yet (the first answered), else the one ended last. A caller answered by
// two forks ends the extra dialogs at once (RFC 3261 §13.2.2.4) and talks on the other. Without a confirmed dialog,
// the first BYE. Returns whether the call is over (the kept dialog was ended by BYE).
bool Correlator::Impl::settleDialogs(CallEntry& entry) {
    CallSummary& call = entry.summary;
    // The pointers below point into dialogTimings: nothing may grow it until they are read.
    assert(entry.dialogTimings.size() <= std::size_t{entry.dialogCount} + 1 &&
           "dialog timings for a dialog the call never counted");
    // The caller's dialogs are those of the 2xx on the first hop: an element on the way may answer the caller
    // with a To tag other than the callee's (seen in sngrep's ipv6frag.pcap).
    bool isAnyAnsweredOnFirstHop = false;
    for (const DialogTiming& timing : entry.dialogTimings)
        isAnyAnsweredOnFirstHop = isAnyAnsweredOnFirstHop || (timing.answered.isSet && timing.answered.isFirstHop);
    const DialogTiming* kept = nullptr;
    for (const DialogTiming& timing : entry.dialogTimings) {
        if (!timing.answered.isSet || (isAnyAnsweredOnFirstHop && !timing.answered.isFirstHop))
            continue;
        bool isBetter = kept == nullptr;
        if (!isBetter && kept->bye.isSet != timing.bye.isSet)
            isBetter = !timing.bye.isSet;
        else if (!isBetter && timing.bye.isSet)
            isBetter = timing.bye.us > kept->bye.us;
        else if (!isBetter)
            isBetter = timing.answered.us < kept->answered.us;
        if (isBetter)
            kept = &timing;
    }
    assert((kept == nullptr || kept->answered.isSet) && "the kept dialog must be one a 2xx answered");
    const DialogTiming* byeDialog = kept;  // where the call's BYE is
    if (kept == nullptr || !kept->bye.isSet) {
        // A 2xx or a BYE without a To tag (some test tools send them) belongs to no dialog ([0]): it pairs with
        // the first BYE of a dialog no 2xx confirmed, or the kept dialog with it.
        const DialogTiming* unattributed = entry.dialogTimings.empty() ? nullptr : &entry.dialogTimings[0];
        const bool isKeptUnattributed = kept == nullptr || kept == unattributed;
        for (const DialogTiming& timing : entry.dialogTimings) {
            const bool pairs = isKeptUnattributed ? !timing.answered.isSet : &timing == unattributed;
            if (timing.bye.isSet && pairs &&
                (byeDialog == nullptr || !byeDialog->bye.isSet || timing.bye.us < byeDialog->bye.us))
                byeDialog = &timing;
        }
    }
    call.answeredUs = kept ? kept->answered.us : 0;
    const bool isOver = byeDialog != nullptr && byeDialog->bye.isSet;
    call.byeUs = isOver ? byeDialog->bye.us : 0;
    call.byeAnsweredUs = isOver ? byeDialog->byeAnsweredUs : 0;
    if (!isOver)
        return false;
    call.endedBy = byeDialog->isByeFromCaller ? "caller" : "callee";
    if (!byeDialog->byeReason.empty())
        call.reason = byeDialog->byeReason;
    return true;
}

void Correlator::Impl::update(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta,
                              std::uint64_t dialogKey) {
    CallSummary& call = entry.summary;
    const CSeq& cseq = message.cseq();
    // The timings of the dialog this message belongs to ([0] without one).
    auto dialogTiming = [&entry, dialogKey]() -> DialogTiming& {
        assert((dialogKey == 0 || dialogKey >> 16 == entry.summary.key) && "a dialog key of another call");
        const std::size_t index = recordIndex(dialogKey);
        assert(index <= entry.dialogCount && "dialog timings for a dialog the call never counted");
        if (entry.dialogTimings.size() <= index)
            entry.dialogTimings.resize(index + 1);
        return entry.dialogTimings[index];
    };

    if (message.isRequest()) {
        const std::string_view method = message.method();
        const bool isInitial = message.to().tag.empty();
        if (!call.hasFirstRequest) {
            call.hasFirstRequest = true;
            call.method = std::string(method);
            call.src = meta.src;
            call.dst = meta.dst;
            call.fromUri = std::string(message.from().uri);
            call.fromUser = std::string(message.from().user);
            call.toUri = std::string(message.to().uri);
            call.toUser = std::string(message.to().user);
            entry.initialFromTag = std::string(message.from().tag);
            entry.isInvite = method == "INVITE";
            call.kind = kindOf(method);
            call.state = entry.isInvite ? CallState::Calling : CallState::Pending;
            newAttempt(entry, message, meta);
        } else if (method == call.method && isInitial && cseq.number != entry.initialCseq) {
            // RFC 3261 §22.2: a request re-sent with credentials after 401/407 is the same call attempt. Through a
            // proxy the caller's copy comes first; the proxy's, on the next hop, has the same CSeq.
            newAttempt(entry, message, meta);
        }
        if (entry.isInvite) {
            const bool isCaller = message.from().tag == entry.initialFromTag;
            if (method == "CANCEL") {
                entry.cancelSeen = true;
                call.endedBy = "caller";
                if (const auto reason = message.header("Reason"); !reason.empty())
                    call.reason = std::string(reason);
            } else if (method == "BYE") {
                DialogTiming& timing = dialogTiming();
                if (timing.bye.offer(meta.timestampUs, isOnFirstHop(call, meta))) {
                    timing.byeCseq = cseq.number;
                    timing.byeBranchHash = branchHash(message.topViaBranch());
                    timing.byeSrc = meta.src;
                    timing.byeDst = meta.dst;
                    timing.byeAnsweredUs = 0;
                    timing.isByeFromCaller = isCaller;
                    timing.byeReason = std::string(message.header("Reason"));
                }
                if (settleDialogs(entry)) {
                    if (call.state == CallState::Answered || call.state == CallState::Completed)
                        call.state = CallState::Completed;
                    entry.isFinished = true;
                    // The other forks' early dialogs end with the call.
                    for (DialogRecord& dialog : call.dialogRecords) {
                        if (dialog.state == DialogState::Early) {
                            dialog.state = DialogState::Terminated;
                            dialog.terminatedUs = meta.timestampUs;
                        }
                    }
                }
            } else if ((method == "INVITE" && !isInitial) || method == "UPDATE") {
                if (method == "INVITE")
                    ++call.reinvites;
                sessionChange(entry, message);
            }
        }
        return;
    }

    // Responses.
    const int status = message.statusCode();
    if (status == 491)
        call.hasGlare = true;
    if (!call.hasFirstRequest) {
        // Only responses so far (the request is outside the capture): describe the call from them.
        if (call.fromUri.empty()) {
            call.kind = kindOf(cseq.method);
            call.fromUri = std::string(message.from().uri);
            call.fromUser = std::string(message.from().user);
            call.toUri = std::string(message.to().uri);
            call.toUser = std::string(message.to().user);
        }
        return;
    }
    if (entry.isInvite && cseq.method == "BYE" && status >= 200) {
        // SDD: the BYE and its answer on the same hop (a proxy's copy of the BYE has the proxy's branch on top).
        DialogTiming& timing = dialogTiming();
        const bool isItsAnswer = timing.byeBranchHash != 0 ? branchHash(message.topViaBranch()) == timing.byeBranchHash
                                                           : meta.src == timing.byeDst && meta.dst == timing.byeSrc;
        if (timing.bye.isSet && timing.byeAnsweredUs == 0 && cseq.number == timing.byeCseq && isItsAnswer) {
            timing.byeAnsweredUs = meta.timestampUs;
            settleDialogs(entry);
        }
    }
    if (entry.isInvite && cseq.method == "INVITE" && cseq.number != entry.initialCseq && status >= 200 && status < 300)
        sessionChange(entry, message);  // the answer to a re-INVITE
    if (cseq.method != call.method || cseq.number != entry.initialCseq)
        return;  // responses to other transactions (CANCEL, PRACK, BYE, re-INVITE) do not set the outcome
    const bool isOnAttemptHop = entry.attemptBranchHash != 0
                                    ? branchHash(message.topViaBranch()) == entry.attemptBranchHash
                                    : isOnFirstHop(call, meta);
    if (status > 100 && status < 200 && entry.provisional.offer(meta.timestampUs, isOnAttemptHop))
        call.firstProvisionalUs = entry.provisional.us;
    if (status >= 200 && entry.finalResponse.offer(meta.timestampUs, isOnAttemptHop))
        call.finalUs = entry.finalResponse.us;
    if (entry.isInvite) {
        if (status >= 200 && status < 300) {
            // Each fork's 2xx answers its own dialog; the call's answer is that of the dialog kept.
            if (dialogTiming().answered.offer(meta.timestampUs, isOnAttemptHop))
                settleDialogs(entry);
        }
        if (status < 200) {
            if (call.state == CallState::Calling || call.state == CallState::Proceeding)
                call.state = (status == 180 || status == 183) ? CallState::Ringing : CallState::Proceeding;
            // RFC 3960: SDP in a provisional response sets up media before the answer; the call stays in early
            // media until its final response.
            if (status > 100 && !message.sdp().empty()) {
                call.hasEarlyMedia = true;
                if (call.state == CallState::Calling || call.state == CallState::Proceeding ||
                    call.state == CallState::Ringing)
                    call.state = CallState::EarlyMedia;
            }
        } else if (call.finalStatus == 0 || call.finalStatus >= 300) {
            call.finalStatus = status;
            if (entry.isTimedOut) {
                entry.isTimedOut = false;  // a late final response says what became of the call after all
                call.reason.clear();
            }
            if (status < 300) {
                call.state = CallState::Answered;
                entry.isFinished = false;
                sessionChange(entry, message);
            } else {
                // RFC 6076's ISA: a 408 or a server failure is an ineffective attempt, the network's or a server's
                // doing; the other failures are the callee's answer.
                const bool isFailure = status == 408 || (status >= 500 && status < 600);
                call.state = (status == 487 || entry.cancelSeen) ? CallState::Cancelled
                             : isFailure                         ? CallState::Failed
                                                                 : CallState::Rejected;
                if (call.reason.empty() || !isAuthChallenge(status)) {
                    const auto reason = message.header("Reason");
                    call.reason = std::string(reason.empty() ? message.reasonPhrase() : reason);
                }
                if (status != 487 && !entry.cancelSeen)
                    call.endedBy = "callee";
                // 401/407 usually lead to a new INVITE with credentials; the call is not over until idle.
                entry.isFinished = !isAuthChallenge(status);
            }
        }
    } else if (status >= 200) {
        call.finalStatus = status;
        call.state = status < 300 ? CallState::Done : CallState::Failed;
        call.answeredUs = status < 300 ? call.finalUs : 0;
        if (entry.isTimedOut) {
            entry.isTimedOut = false;
            call.reason.clear();
        }
        entry.isFinished = !isRefreshable(call.method) && !isAuthChallenge(status);
    }
}

// Fails the calls whose initial request got no final response by `nowUs` (the capture's clock): an INVITE that
// got no response at all by Timer B, any other request by Timer F (RFC 3261 §17.1.1.2, §17.1.2.2).
void Correlator::Impl::expire(std::int64_t nowUs) {
    while (!deadlines.empty() && deadlines.top().atUs <= nowUs) {
        const Deadline deadline = deadlines.top();
        deadlines.pop();
        if (!calls.holds(deadline.slot))
            continue;
        CallEntry& entry = calls[deadline.slot];
        CallSummary& call = entry.summary;
        if (call.key != deadline.callKey || call.attemptUs != deadline.attemptUs)
            continue;  // another call in the slot, or a later attempt with its own deadline
        const bool isUnanswered = entry.isInvite ? call.state == CallState::Calling : call.state == CallState::Pending;
        if (!isUnanswered)
            continue;
        call.state = CallState::Failed;
        call.reason = "timeout";
        entry.isTimedOut = true;
        entry.isFinished = true;
        entry.isChangedSinceSnapshot = true;
        calls.touch(deadline.slot);  // changed now: a live snapshot hands it out again
        ++stats.callsTimedOut;
    }
}

void Correlator::takeFlushed(std::int64_t nowUs, std::vector<CallSummary>& out) {
    Impl& d = *m_impl;
    d.expire(nowUs);
    for (auto& summary : d.evicted)
        out.push_back(std::move(summary));
    d.evicted.clear();
    for (auto& summary : d.ended)
        out.push_back(std::move(summary));
    d.ended.clear();
    d.lingering.expire(nowUs, d.limits.finishedLingerUs);
    std::uint32_t position = d.calls.leastRecent();
    while (position != NoSlot) {
        const std::uint32_t slot = position;
        const CallEntry& entry = d.calls[slot];
        const std::int64_t idleUs = nowUs - entry.summary.endUs;
        if (idleUs < d.limits.finishedLingerUs)
            break;  // the list is ordered by activity: everything after is more recent
        position = d.calls.moreRecent(slot);
        if (entry.isFinished) {
            ++d.stats.callsFlushedFinished;
            d.flush(slot, out);
        } else if (idleUs >= d.limits.idleTimeoutUs) {
            ++d.stats.callsFlushedIdle;
            d.flush(slot, out);
        }
    }
}

void Correlator::takeLateMessages(std::vector<LateMessage>& out) {
    Impl& d = *m_impl;
    out.insert(out.end(), d.lateMessages.begin(), d.lateMessages.end());
    d.lateMessages.clear();
}

void Correlator::takeAll(std::vector<CallSummary>& out) {
    Impl& d = *m_impl;
    for (auto& summary : d.evicted)
        out.push_back(std::move(summary));
    d.evicted.clear();
    for (auto& summary : d.ended)
        out.push_back(std::move(summary));
    d.ended.clear();
    // In key order, which is the order the calls first appeared in the capture.
    // Slots sorted, then each summary moved once (sorting the summaries themselves moved each many times).
    std::vector<std::uint32_t> slots;
    slots.reserve(d.calls.size());
    for (std::uint32_t slot = d.calls.leastRecent(); slot != NoSlot; slot = d.calls.moreRecent(slot))
        slots.push_back(slot);
    std::sort(slots.begin(), slots.end(),
              [&d](std::uint32_t a, std::uint32_t b) { return d.calls[a].summary.key < d.calls[b].summary.key; });
    assert(std::adjacent_find(slots.begin(), slots.end(),
                              [&d](std::uint32_t a, std::uint32_t b) {
                                  return d.calls[a].summary.key >= d.calls[b].summary.key;
                              }) == slots.end() &&
           "two open calls share a key");
    out.reserve(out.size() + slots.size());
    for (std::uint32_t slot : slots)
        out.push_back(std::move(d.calls[slot].summary));
    d.calls.clear();
}

void Correlator::snapshotChanged(std::vector<CallSummary>& out) {
    Impl& d = *m_impl;
    // Most recently active first: stop at the first call unchanged since the last snapshot, since every call after
    // it in the list was last active before it.
    for (std::uint32_t slot = d.calls.mostRecent(); slot != NoSlot; slot = d.calls.lessRecent(slot)) {
        CallEntry& entry = d.calls[slot];
        if (!entry.isChangedSinceSnapshot)
            break;
        entry.isChangedSinceSnapshot = false;
        out.push_back(entry.summary);
    }
}

std::size_t Correlator::openCalls() const { return m_impl->calls.size(); }

const CorrelatorStats& Correlator::stats() const { return m_impl->stats; }

}  // namespace sipscope::decode
