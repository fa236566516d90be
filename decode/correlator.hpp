// Correlates SIP messages into calls (one Call-ID = one call), transactions (RFC 3261 §17) and dialogs
// (§12), and keeps each call's summary: who, when, first method, state, outcome, timings for the RFC 6076
// metrics, and registration attempts. Owns the keys it remembers; bounded in open calls and records per call.
#pragma once

#include "capture/packet.hpp"
#include "decode/sip_message.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::decode {

enum class CallState : std::uint8_t {
    Calling,     // INVITE sent, nothing back yet
    Proceeding,  // 1xx other than ringing
    Ringing,     // 180/183
    EarlyMedia,  // a 18x carried SDP: media may flow before the answer (RFC 3960)
    Answered,    // 2xx to the INVITE, no BYE yet
    Completed,   // answered, then ended by BYE
    Cancelled,   // CANCEL or 487
    Rejected,    // the callee refused the INVITE: a 3xx, 4xx or 6xx final other than 408 (and 487)
    Failed,      // the network or a server failed: 408, 5xx, or no final response before Timer B/F ("timeout");
                 // for a request other than INVITE, any 3xx-6xx too
    Done,        // a non-INVITE request (REGISTER, OPTIONS, MESSAGE…) got a 2xx
    Pending,     // a non-INVITE request without a final answer yet
};
std::string_view callStateName(CallState state);  // "calling", "ringing", "early_media", …, lower case

// What a call is, from its first request (or, when only responses were captured, their CSeq method).
enum class CallKind : std::uint8_t {
    Call,          // INVITE
    Registration,  // REGISTER
    Subscription,  // SUBSCRIBE, or a NOTIFY whose SUBSCRIBE is not in the capture
    Options,
    Message,
    Publish,
    Refer,  // a REFER outside any dialog
    Info,   // an INFO outside any dialog
    Other,
};
std::string_view callKindName(CallKind kind);  // "call", "registration", "subscription", …

// The part an SDP body plays in the offer/answer exchange (RFC 3264, RFC 6337).
enum class SdpRole : std::uint8_t { None, Offer, Answer };
std::string_view sdpRoleName(SdpRole role);  // "", "offer", "answer"

enum class DialogState : std::uint8_t { Early, Confirmed, Terminated };
std::string_view dialogStateName(DialogState state);  // "early", "confirmed", "terminated"

// One transaction on one hop (RFC 3261 §17): a request, its retransmissions and its responses.
struct TransactionRecord {
    std::uint64_t key = 0;     // unique in the database: (call key << 16) | index in the call
    std::string method;        // "INVITE"; "ACK" only for the ACK of a 2xx, its own transaction
    std::int64_t startUs = 0;  // first request (or first response for an orphan)
    std::int64_t firstProvisionalUs = 0;
    std::int64_t finalUs = 0;
    int finalStatus = 0;
    std::uint32_t requests = 0;  // copies of the request, retransmissions included
    std::uint32_t responses = 0;
    std::uint64_t cancelledKey = 0;  // for CANCEL: the INVITE transaction it cancels (same branch)
    bool isOrphan = false;           // responses only: the request is not in the capture
    bool isRfc2543 = false;          // matched without the RFC 3261 magic cookie (§17.2.3 fallback)
};

// A dialog (RFC 3261 §12) or early dialog: one (From tag, To tag) pair of the call; forks make several.
struct DialogRecord {
    std::uint64_t key = 0;  // (call key << 16) | index in the call
    std::string fromTag;    // tags as in the message that created it
    std::string toTag;
    DialogState state = DialogState::Early;
    std::int64_t createdUs = 0;
    std::int64_t confirmedUs = 0;   // 0 = never confirmed
    std::int64_t terminatedUs = 0;  // 0 = not seen to end
};

// One REGISTER transaction that got a final response: who registered where, for how long, with what result.
struct RegistrationRecord {
    std::uint64_t transactionKey = 0;
    std::string aor;          // To URI
    std::string contact;      // first Contact URI of the request ("*" for remove-all), empty for a query
    int expires = -1;         // requested: Expires header or the contact's expires parameter; -1 = not given
    int grantedExpires = -1;  // from the 2xx (its Expires or contact parameter); -1 = not given
    // The 2xx's Contact list: every binding the registrar holds for the AOR (RFC 3261 §10.3 step 8), each as
    // "uri;expires=N" (the contact's expires parameter, else the Expires header), joined by ", "; empty otherwise.
    std::string bindings;
    int status = 0;
    std::int64_t requestUs = 0;
    std::int64_t responseUs = 0;
};

// A subscription (RFC 6665) or a publication (RFC 3903) inside a call: one per subscriber tag, event package and
// id (SUBSCRIBE, or the implicit subscription of a REFER, RFC 3515), or per entity and event (PUBLISH).
struct SubscriptionRecord {
    std::uint64_t key = 0;        // (call key << 16) | index in the call
    std::string method;           // "SUBSCRIBE", "REFER" or "PUBLISH"; "NOTIFY" when only NOTIFYs were captured
    std::string event;            // the Event package ("presence", "dialog", "refer", ...)
    std::string eventId;          // the Event id parameter
    std::string resource;         // the To URI of the request: who is watched or published
    std::string subscriber;       // the From URI of the request
    std::uint64_t dialogKey = 0;  // the subscription's dialog; 0 for PUBLISH or when no tagged message was seen
    std::string state;            // latest Subscription-State (active, pending, terminated), "rejected", or empty
    std::string reason;           // the reason parameter of a terminated state
    int expires = -1;             // requested (Expires of the latest SUBSCRIBE/PUBLISH); -1 = not given
    int grantedExpires = -1;      // Expires of the latest 2xx; -1 = not given
    int stateExpires = -1;        // expires parameter of the latest Subscription-State; -1 = not given
    int status = 0;               // final status of the latest SUBSCRIBE/PUBLISH/REFER
    std::uint32_t requests = 0;   // SUBSCRIBE/PUBLISH/REFER requests, refreshes included, retransmissions not
    std::uint32_t notifies = 0;   // NOTIFY requests, retransmissions not
    std::string etag;             // PUBLISH: SIP-ETag of the latest 2xx (RFC 3903 §11.3.1)
    std::string ifMatch;          // PUBLISH: SIP-If-Match of the latest request (a refresh, change or removal)
    std::int64_t startUs = 0;
    std::int64_t lastUs = 0;
    std::int64_t terminatedUs = 0;  // 0 = not seen to end
};

// A relation from this call to another: the legs of one session through a B2BUA or SBC, or a transfer.
struct CallLink {
    std::uint64_t linkedKey = 0;
    std::string kind;    // "header", "replaces", "transfer" or "refer" (README, "Linked calls")
    std::string detail;  // the header and value, or the Call-ID, that made the link
};

// Everything the store keeps of one call. Owned strings, copied once per call.
struct CallSummary {
    std::uint64_t key = 0;  // integer id, unique in the database
    std::string callId;
    std::int64_t startUs = 0;
    std::int64_t endUs = 0;
    std::string fromUri;
    std::string fromUser;
    std::string toUri;
    std::string toUser;
    std::string method;  // of the first request seen
    CallKind kind = CallKind::Other;
    CallState state = CallState::Pending;
    int finalStatus = 0;  // final response to the initial INVITE (or first request); 0 = none
    std::uint32_t messages = 0;
    std::uint32_t dialogs = 0;  // distinct (from-tag, to-tag) pairs that got a to-tag
    std::uint32_t retransmissions = 0;
    capture::Endpoint src;  // of the first request
    capture::Endpoint dst;
    bool hasFirstRequest = false;

    // Timings of the initial request's latest attempt (after 401/407, the authenticated retry), for RFC 6076,
    // measured on the call's first hop (that of its first request) when the capture shows it there. For an INVITE
    // answered by several forks, the answer and BYE are those of the dialog the caller kept.
    std::int64_t attemptUs = 0;           // the initial request was sent
    std::int64_t firstProvisionalUs = 0;  // first 1xx other than 100
    std::int64_t finalUs = 0;             // first final response
    std::int64_t answeredUs = 0;          // its 2xx; 0 when not answered (rejected, cancelled, ...)
    std::int64_t byeUs = 0;               // first BYE of the kept dialog
    std::int64_t byeAnsweredUs = 0;       // final response to that BYE, on its hop
    std::string endedBy;                  // "caller" or "callee" (who sent BYE or CANCEL); empty when unknown
    std::string reason;                   // Reason header (RFC 3326) of BYE/CANCEL, else a failure's phrase, or
                                          // "timeout" when no final response came in time
    bool hasEarlyMedia = false;           // a 18x with SDP
    std::uint32_t reinvites = 0;          // INVITEs inside a dialog (session changes)
    std::uint32_t holds = 0;              // re-INVITEs/UPDATEs whose SDP puts every stream on hold
    std::uint32_t resumes = 0;            // later ones taking it off hold
    bool isOnHold = false;
    bool hasGlare = false;  // a 491 Request Pending was seen (RFC 3261 §14.1)
    std::vector<TransactionRecord> transactions;
    std::vector<DialogRecord> dialogRecords;
    std::vector<RegistrationRecord> registrations;
    std::vector<SubscriptionRecord> subscriptions;
    std::vector<CallLink> links;
    // Transactions, dialogs, subscriptions and links beyond the per-call caps (Correlator::onMessage), not recorded:
    // each counted once (after 2 × the cap refusals remembered, each message of a refused dialog or subscription).
    std::uint32_t recordsDropped = 0;
};

// Metadata of a message that the SIP text does not carry.
struct MessageMeta {
    std::int64_t timestampUs = 0;
    capture::Endpoint src;
    capture::Endpoint dst;
    capture::Transport transport = capture::Transport::Udp;
};

struct Correlation {
    std::uint64_t callKey = 0;  // 0 when the message has no Call-ID
    std::uint64_t transactionKey = 0;
    std::uint64_t dialogKey = 0;  // 0 when the message has no To tag (or the call's dialog cap was reached)
    bool isRetransmission = false;
    SdpRole sdpRole = SdpRole::None;  // of the message's SDP body, when it has one
};

// A message of a call already handed out as final (takeFlushed), within its linger time: the stored call counts it
// (messages, its end; retransmissions and its transaction's requests or responses when it repeats a message of the
// call on the same hop). A call is handed out as soon as no message can change it (see takeFlushed); what comes
// later is almost always a retransmission.
struct LateMessage {
    std::uint64_t callKey = 0;
    std::uint64_t transactionKey = 0;  // of the message it repeats; 0 when it repeats none
    std::int64_t timestampUs = 0;
    bool isRequest = false;
    bool isRetransmission = false;
};

// The headers that carry the Call-ID of another leg, or a correlation value shared by the legs, by default.
std::vector<std::string> defaultLinkHeaders();

struct CorrelatorLimits {
    std::size_t maxOpenCalls = 200'000;          // beyond this the least recently active call is flushed
    std::int64_t finishedLingerUs = 32'000'000;  // keep an ended call this long for retransmissions (Timer J/K)
    // A request with no final response this long after it was sent, by the capture's clock, timed out: Timer B of
    // an INVITE still without any response, Timer F of any other request (64 × T1, RFC 3261 §17.1.1.2, §17.1.2.2).
    std::int64_t transactionTimeoutUs = 32'000'000;
    std::int64_t idleTimeoutUs = 3'600'000'000;  // flush a call with no message for an hour
    std::size_t maxTransactionsPerCall = 1024;   // records kept per call; more are counted, not kept
    std::size_t maxDialogsPerCall = 64;
    std::size_t maxSubscriptionsPerCall = 256;
    std::size_t maxLinksPerCall = 64;
    // Link header values remembered (the first call that carried each); Call-IDs are looked up among the open
    // calls. Beyond this the oldest is forgotten (counted in CorrelatorStats::linkValuesEvicted).
    std::size_t maxLinkValues = 200'000;
    std::size_t maxPendingTransfers = 4096;                       // REFERs waiting for the call they trigger
    std::int64_t transferWindowUs = 64'000'000;                   // how long after a REFER its new call may start
    std::vector<std::string> linkHeaders = defaultLinkHeaders();  // header names, matched case-insensitively
};

struct CorrelatorStats {
    std::uint64_t callsOpened = 0;
    std::uint64_t callsFlushedFinished = 0;
    std::uint64_t callsEndedEarly = 0;  // of those, handed out as they ended rather than after their linger
    std::uint64_t lateMessages = 0;     // messages of calls handed out already (LateMessage)
    std::uint64_t callsFlushedIdle = 0;
    std::uint64_t callsEvictedForSpace = 0;  // flushed early because maxOpenCalls was reached
    std::uint64_t messagesWithoutCallId = 0;
    std::uint64_t callsTimedOut = 0;      // initial requests that got no final response in time (failed, timeout)
    std::uint64_t timeoutsUntracked = 0;  // attempts not watched for a timeout: 2 × maxOpenCalls were watched
    std::uint64_t callLinks = 0;          // links found between calls
    std::uint64_t linkValuesEvicted = 0;  // link values forgotten because maxLinkValues was reached
    std::uint64_t transfersEvicted = 0;   // REFERs forgotten because maxPendingTransfers was reached
};

class Correlator {
public:
    // Call keys start at `firstCallKey`, so several imports into one database never reuse a key.
    explicit Correlator(std::uint64_t firstCallKey = 1, CorrelatorLimits limits = {});
    ~Correlator();
    Correlator(const Correlator&) = delete;
    Correlator& operator=(const Correlator&) = delete;

    // Correlates one message. The contract:
    // - Takes every message the parser returned, malformed ones too (whatever fields it read are used), with the
    //   capture's time and addresses. The views are read during the call only; what outlives it is copied once per
    //   call, transaction, dialog or subscription. Messages come in capture order: a call's end is the latest time
    //   it saw, and timeouts, lingering and the REFER window follow the times as given (takeFlushed's `nowUs`).
    // - Returns at once the message's place: its call's key (keys rise in order of the calls' first messages),
    //   transaction and dialog keys ((call key << 16) | index in the call), whether it repeats a message already
    //   seen on the same hop (a retransmission: it counts in the summary but changes no state), and the role of its
    //   SDP body. A message without a Call-ID gets all zeros and counts in stats().messagesWithoutCallId.
    // - Emits no summary: it updates the call's, and takeFlushed, takeAll and snapshotChanged hand them out. A key
    //   returned here names a record in the summary unless that record was dropped at a cap (below). A message of
    //   a call handed out already (a call that was over, still lingering) changes no summary: it comes out of
    //   takeLateMessages for the stored call to count.
    // - Memory is bounded: at most maxOpenCalls open calls (then the least recently active is evicted, handed out
    //   by the next takeFlushed, stats().callsEvictedForSpace); per call maxTransactionsPerCall transaction and
    //   registration records, maxSubscriptionsPerCall subscriptions, maxDialogsPerCall dialogs and maxLinksPerCall
    //   links (more: counted in the summary's recordsDropped; a dialog refused gets dialog key 0), 0xffff
    //   transaction keys (more: transaction key 0) and 512 retransmission signatures (more: not detected as
    //   retransmissions). Dialogs and subscriptions are capped at 0xffff per call whatever maxDialogsPerCall and
    //   maxSubscriptionsPerCall say, since a record key holds 0xffff indexes per call (past that the next call's
    //   keys would begin); records past 0xffff transaction keys are neither kept nor counted. Across calls
    //   maxLinkValues link values (stats().linkValuesEvicted), maxPendingTransfers REFERs (stats().transfersEvicted)
    //   and 2 × maxOpenCalls timeout deadlines (stats().timeoutsUntracked).
    Correlation onMessage(const SipMessageView& message, const MessageMeta& meta);

    // Moves out calls that ended (past their linger time) or went idle as of `nowUs` (capture time), and any
    // evicted for space. Their summaries are final unless the Call-ID reappears (then it opens a new call).
    // A call is moved out as soon as no message can change it, without waiting for its linger: an INVITE call ended
    // by BYE and that BYE answered, or failed and the failure acknowledged; a call of another request (OPTIONS,
    // MESSAGE, INFO...; not REGISTER, SUBSCRIBE or PUBLISH, whose refreshes join the call) once that request got a
    // final response other than 401/407; in both with every transaction of it answered (on every hop), no dialog
    // still confirmed, no subscription in it and no record dropped at a cap. It then lingers
    // as its LingeringCalls record only (about 200 bytes): copies of its messages within the linger time come out
    // of takeLateMessages, any other message of it too (counted, changing nothing else of the call).
    // First fails, with reason "timeout", the calls whose initial request timed out by `nowUs` (Timer B/F); they
    // stay open for their linger time, and snapshotChanged hands them out again.
    void takeFlushed(std::int64_t nowUs, std::vector<CallSummary>& out);
    // Moves out the late messages of calls already moved out, in the order they came. A caller writing summaries
    // applies them after the summaries it took with the same or an earlier takeFlushed.
    void takeLateMessages(std::vector<LateMessage>& out);
    // Moves out every call still open (end of input). Times nothing out: call takeFlushed with the capture's
    // last time first.
    void takeAll(std::vector<CallSummary>& out);
    // Current summaries of the open calls that had a message since the last call of this (all of them the first
    // time), without removing them: a live view of a running capture rewrites only what changed.
    void snapshotChanged(std::vector<CallSummary>& out);

    std::size_t openCalls() const;
    const CorrelatorStats& stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace sipscope::decode
