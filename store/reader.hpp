// Read-only queries over a sipscope database, shared by the cli and the viewer. Opens the database read-only, so
// it works while a capture is writing it. Not thread-safe: one Reader per thread.
#pragma once

#include "capture/packet.hpp"
#include "decode/correlator.hpp"
#include "decode/findings.hpp"
#include "decode/media_tracker.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sipscope::store {

// Filters shared by every listing. Empty fields do not filter. Text filters are substrings, case-insensitive.
struct Filter {
    std::optional<std::string> from;      // From user or URI
    std::optional<std::string> to;        // To user or URI
    std::optional<std::string> callId;    // exact Call-ID
    std::optional<std::int64_t> callKey;  // exactly this call (calls.id, the `key` of the listings)
    std::optional<std::string> method;    // first method of the call / method of the message
    std::optional<int> status;            // final status (calls) / status code (messages)
    std::optional<int> statusClass;       // 1..6: any status of that class (5 = 500..599), as `status` applies
    std::optional<std::string> state;     // call state name
    std::optional<std::int64_t> sinceUs;
    std::optional<std::int64_t> untilUs;
    std::optional<std::string> host;   // ip or ip:port as source or destination
    std::optional<std::string> kind;   // call kind: call, registration, subscription, options, message, ...
    std::optional<std::string> event;  // subscriptions: the Event package
    std::vector<std::string> text;     // free words: each is in the call's Call-ID, From or To (case-insensitive)
    std::size_t limit = 0;             // 0 = no limit
};

struct CallRow {
    std::int64_t key = 0;
    std::string callId;
    std::int64_t startUs = 0;
    std::int64_t endUs = 0;
    std::string fromUri, fromUser, toUri, toUser;
    std::string method;
    decode::CallState state = decode::CallState::Calling;  // text at the edge: decode::callStateName
    std::optional<int> status;
    std::uint32_t messages = 0;
    std::uint32_t dialogs = 0;
    std::uint32_t retransmissions = 0;
    std::optional<capture::Endpoint> src, dst;  // of the first request; text at the edge: Endpoint::toString
    // Outcome and timings (0 / empty when not seen); see the README's "Call states" and "RFC 6076 metrics".
    std::int64_t attemptUs = 0, firstProvisionalUs = 0, finalUs = 0, answeredUs = 0, byeUs = 0, byeAnsweredUs = 0;
    std::string endedBy;
    std::string reason;
    bool hasEarlyMedia = false;
    std::uint32_t reinvites = 0, holds = 0, resumes = 0;
    bool hasGlare = false;
    decode::CallKind kind = decode::CallKind::Call;  // text at the edge: decode::callKindName
    std::uint32_t legs = 1;                          // calls in its group of linked calls (call_links), itself included
    std::int64_t captureId = 0;  // the capture its first message came from (captures.id); 0 when unknown
    std::string capture;         // that capture's path as it was imported ("-" for standard input)
};

// A subscription (SUBSCRIBE, or a REFER's implicit one) or a publication (PUBLISH): the subscriptions table.
struct SubscriptionRow {
    std::int64_t key = 0;
    std::string callId;
    std::string method, event, eventId, resource, subscriber;
    std::string state, reason;  // empty when not known
    std::optional<int> expires, grantedExpires, stateExpires, status;
    std::uint32_t requests = 0, notifies = 0;
    std::string etag, ifMatch;
    std::int64_t startUs = 0, lastUs = 0, terminatedUs = 0;
    std::int64_t dialogKey = 0;
    std::optional<capture::Endpoint> src, dst;  // of the call's first request
};

// A call linked to another one, directly or through others (call_links).
struct LinkedCallRow {
    std::int64_t key = 0;
    std::string callId;                      // empty when the call is not (yet) in the calls table
    std::string kind;                        // of the link that reached it: header, replaces, transfer, refer
    std::string detail;                      // the header and value or Call-ID that made it
    std::int64_t viaKey = 0;                 // the call it is linked to
    std::optional<decode::CallState> state;  // empty when the call is not in the calls table
    std::optional<int> status;
    std::string fromUri, toUri;
};

// One m= line of a message's SDP: the media table.
struct MediaRow {
    std::int64_t messageId = 0;
    std::int64_t timestampUs = 0;
    std::uint32_t mediaIndex = 0;
    decode::SdpRole role = decode::SdpRole::None;  // text at the edge: decode::sdpRoleName
    std::string type;
    int port = 0;
    std::string proto, address, direction, codecs;
    std::optional<int> ptimeMs;
    capture::Endpoint src, dst;  // of the message
};

// One RTP stream (issue 15): the streams table, with its call's Call-ID. README "The database" documents the fields.
struct StreamRow {
    std::int64_t id = 0;
    std::int64_t callKey = 0;  // 0: unassociated (no SDP of the capture named it)
    std::string callId;        // empty when unassociated
    int mediaIndex = -1;
    decode::MediaParty sender = decode::MediaParty::Unknown;
    capture::Endpoint src, dst;
    std::uint32_t ssrc = 0, ssrcChanges = 0;
    int payloadType = 0;
    std::string codec;  // empty when unknown
    std::uint32_t clockRate = 0;
    std::int64_t firstUs = 0, lastUs = 0;
    std::uint64_t packets = 0, bytes = 0, expected = 0;
    std::int64_t lost = 0;
    std::uint64_t duplicates = 0, outOfOrder = 0, wraps = 0, restarts = 0, markers = 0, latePackets = 0;
    double maxDeltaMs = 0, meanJitterMs = 0, maxJitterMs = 0;
    std::string dtmf;  // "digit@µs,..." (streams.dtmf)
    std::uint32_t rtcpPackets = 0, rtcpReports = 0;
    std::optional<double> rtcpLostPercent;
    std::optional<std::int64_t> rtcpCumulativeLost;
    std::optional<double> rtcpJitterMs, rttMs, mos;
    bool addressMismatch = false, rtcpMux = false, evicted = false;
    std::int64_t captureId = 0;  // the capture of its first packet (captures.id); 0 when unknown

    double lostPercent() const {
        return expected ? static_cast<double>(lost) * 100.0 / static_cast<double>(expected) : 0;
    }
    decode::StreamOfCall ofCall() const;  // what the call's verdict needs of it
};

// A stream's timeline (streams.series): point i covers arrival times [firstUs + i * intervalUs, + intervalUs), with
// the packets received and lost in it and the jitter estimate at its end (decode::RtpTimeline).
struct StreamSeries {
    std::int64_t firstUs = 0;
    std::int64_t intervalUs = 0;
    std::vector<decode::RtpIntervalPoint> points;
};

// One imported capture: the captures table.
struct CaptureRow {
    std::int64_t id = 0;
    std::string path;  // as it was given to import ("-" for standard input)
    std::uint64_t sizeBytes = 0;
    std::optional<std::uint64_t> contentHash;  // store::captureContentHash of the file read to its end; else none
};

// Media over the calls a filter selects (`stats`): verdicts of the answered INVITE calls, MOS of their streams.
struct MediaStats {
    bool hasStreams = false;                        // the database has any stream; without, the rest is left empty
    std::uint64_t streams = 0;                      // of the selected calls
    std::uint64_t unassociatedStreams = 0;          // in the database (no call filter applies to them)
    std::map<std::string, std::uint64_t> verdicts;  // decode::mediaVerdictName -> answered calls
    // Streams with a MOS by band: [1, 2), [2, 3), [3, 3.6), [3.6, 4), [4, 4.5]; the bands' lower bounds first.
    std::vector<std::pair<double, std::uint64_t>> mosBands;
    std::optional<double> meanMos, minMos;
};

// One finding (issue 16): the findings table, with its call's Call-ID. README "Findings" documents the kinds.
struct FindingRow {
    std::int64_t id = 0;
    std::int64_t callKey = 0;  // 0: about a source or an AOR, not one call
    std::string callId;        // empty without a call
    std::int64_t timestampUs = 0;
    std::string kind;
    decode::FindingSeverity severity = decode::FindingSeverity::Info;  // text: decode::findingSeverityName
    std::int64_t messageId = 0;               // the message it points at (messages.id); 0 when none
    std::vector<std::int64_t> messageIds;     // every message it names, that one first
    std::optional<capture::Endpoint> source;  // the host it is about
    std::string explanation;
    std::string rfc;
};

// What `findings --severity/--kind` select beside the listing filters.
struct FindingFilter {
    std::optional<decode::FindingSeverity> severity;
    std::vector<std::string> kinds;  // any of these; empty: every kind
};

struct DialogRow {
    std::int64_t key = 0;
    std::string fromTag, toTag;
    decode::DialogState state = decode::DialogState::Early;  // text at the edge: decode::dialogStateName
    std::int64_t createdUs = 0, confirmedUs = 0, terminatedUs = 0;
};

struct TransactionRow {
    std::int64_t key = 0;
    std::string method;
    std::int64_t startUs = 0, firstProvisionalUs = 0, finalUs = 0;
    std::optional<int> finalStatus;
    std::uint32_t requests = 0, responses = 0;
    bool isOrphan = false;
};

struct RegistrationRow {
    std::string callId;
    std::string aor, contact;
    std::optional<int> expires, grantedExpires;
    int status = 0;
    std::int64_t requestUs = 0, responseUs = 0;
    std::optional<capture::Endpoint> src, dst;  // of the call's first request
    std::string bindings;  // the 2xx's Contact list, "uri;expires=N, ..."; empty when not answered 2xx
};

// A summary of one delay over the selected calls (milliseconds). p50/p95: nearest rank over the values (exact up to
// a million values, estimated from a uniform sample of a million beyond).
struct DelayStats {
    std::uint64_t count = 0;
    double meanMs = 0, minMs = 0, maxMs = 0;
    double p50Ms = 0, p95Ms = 0;
};

// RFC 6076 metrics over the selected calls; the README defines each as computed here.
struct Rfc6076 {
    DelayStats rrd;              // Registration Request Delay: REGISTER -> its 2xx
    DelayStats srdSuccessful;    // Session Request Delay, answered INVITEs: INVITE -> first 18x (or the final)
    DelayStats srdFailed;        // the same for INVITEs that failed
    DelayStats setupSuccessful;  // INVITE -> 2xx
    DelayStats sdd;              // Session Disconnect Delay: BYE -> its final response
    DelayStats sdt;              // Session Duration Time: 2xx -> BYE
    std::uint64_t invites = 0;   // INVITE calls (initial INVITEs, challenges folded into their retry)
    std::optional<double> ser;   // Session Establishment Ratio, percent
    std::optional<double> seer;  // Session Establishment Effort Ratio, percent
    std::optional<double> isa;   // Ineffective Session Attempts, percent
    std::optional<double> scr;   // Session Completion Ratio, percent
};

struct MessageRow {
    std::int64_t id = 0;
    std::int64_t timestampUs = 0;
    capture::Endpoint src, dst;                              // text at the edge: Endpoint::toString
    capture::Transport transport = capture::Transport::Udp;  // text at the edge: capture::transportName
    std::optional<std::string> callId;
    std::optional<std::string> method;  // requests
    std::optional<int> status;          // responses
    std::string reason;                 // reason phrase of a response
    std::uint32_t cseq = 0;
    std::string cseqMethod;
    bool valid = true;
    std::optional<std::string> error;
    bool retransmission = false;
    bool hasSdp = false;
    decode::SdpRole sdpRole = decode::SdpRole::None;  // messages.flags bits 4 and 5
    std::uint64_t frame = 0;
    std::int64_t transactionKey = 0;  // messages.transaction_key: its transaction on its hop; 0 when it has none
    std::string text;                 // raw message text, only when asked for
};

// One host (an endpoint) over the selected messages. A failure is a 4xx-6xx response other than the
// 401/407 challenges, not counting retransmissions.
struct HostStats {
    capture::Endpoint host;
    std::uint64_t sent = 0, received = 0;
    std::uint64_t requestsSent = 0, responsesSent = 0, failuresSent = 0;
    std::uint64_t calls = 0;  // distinct calls it sent or received a message of
};

// One time bucket [startUs, startUs + interval): messages and failure responses by message time, calls by start.
struct IntervalStats {
    std::int64_t startUs = 0;
    std::uint64_t messages = 0, requests = 0, responses = 0, failures = 0;
    std::uint64_t calls = 0, answeredCalls = 0, failedCalls = 0;  // failed: a 3xx-6xx final status
};

struct FailureCount {
    int status = 0;
    std::string reason;  // its most frequent reason phrase (the first in byte order among as frequent ones)
    std::uint64_t count = 0;
};

struct Stats {
    std::uint64_t messages = 0;
    std::uint64_t invalidMessages = 0;
    std::uint64_t retransmissions = 0;
    std::uint64_t calls = 0;
    std::map<std::string, std::uint64_t> requests;      // method -> count
    std::map<int, std::uint64_t> responses;             // status code -> count
    std::map<std::string, std::uint64_t> callStates;    // state -> calls
    std::map<std::string, std::uint64_t> callOutcomes;  // "2xx".."6xx" class of the final status, or "none"
    std::map<std::string, std::uint64_t> endedBy;       // "caller" / "callee" -> calls
    std::vector<FailureCount> failures;                 // failure responses by code, most frequent first
    std::vector<HostStats> hosts;                       // every host, most messages first; calls left 0 (hostStats()
                                                        // counts them: distinct calls need a scan of every message)
    Rfc6076 rfc6076;
};

class Reader {
public:
    // Throws sipscope::Error when the file is missing or not a sipscope database of a schema we can read.
    explicit Reader(const std::string& dbPath);
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    std::vector<CallRow> calls(const Filter& filter) const;
    // One page of the calls `filter` selects (its limit ignored), for a list that holds only what it shows: sorted
    // by `sortField`, a field of `sipscope calls` (start duration from to src dst method state status messages
    // call_id kind; unknown names sort by start), ties by start, then rows [offset, offset + count). The rows are
    // those calls() gives, every field filled (legs, capture).
    std::vector<CallRow> callPage(const Filter& filter, const std::string& sortField, bool descending,
                                  std::size_t offset, std::size_t count) const;
    // How many calls `filter` selects (its limit ignored).
    std::uint64_t countCalls(const Filter& filter) const;
    // Keyset paging, for a list scrolled far from its start (OFFSET walks every row before the page): up to `count`
    // calls in callPage's order that come after the call `anchorKey` (or, `isBackward`, before it; the rows still in
    // list order), skipping the `skip` nearest the anchor. Without an anchor: from the first call (backward: from the
    // last). It costs skip + count rows, wherever the anchor is.
    std::vector<CallRow> callPageFrom(const Filter& filter, const std::string& sortField, bool descending,
                                      std::optional<std::int64_t> anchorKey, bool isBackward, std::size_t skip,
                                      std::size_t count) const;
    // How many calls come before call `key` in callPage's order; nullopt when `filter` does not select it.
    std::optional<std::uint64_t> callPosition(const Filter& filter, const std::string& sortField, bool descending,
                                              std::int64_t key) const;
    // Changes whenever another connection commits to the database (SQLite's data_version): a poll of a database a
    // capture is writing that costs no table read.
    std::int64_t dataVersion() const;
    // Messages in time order, ties in capture order. `withText` loads each message's raw text too.
    std::vector<MessageRow> messages(const Filter& filter, bool withText = false) const;
    // The same messages one at a time, without holding them all; `visit` returns false to stop.
    void forEachMessage(const Filter& filter, bool withText, const std::function<bool(MessageRow&)>& visit) const;
    // The messages of these calls, in time order (ties in capture order), one at a time; `visit` returns false to
    // stop.
    void forEachCallMessage(const std::vector<std::int64_t>& callKeys, bool withText,
                            const std::function<bool(MessageRow&)>& visit) const;
    // The call with this Call-ID (or, if `idOrKey` is all digits and no Call-ID matches, this call key).
    std::optional<CallRow> findCall(const std::string& idOrKey) const;
    // The calls `text` names, in key order: every call whose Call-ID is `text` (one Call-ID is several calls when
    // a capture was imported twice); else the call whose key it is (all digits); else the calls whose Call-ID
    // starts with it (at most `maxMatches`). Empty when none. A row's callId equal to `text` tells the first case.
    std::vector<CallRow> findCalls(const std::string& text, std::size_t maxMatches = 20) const;
    // The call's messages in time order, ties in capture order.
    std::vector<MessageRow> callMessages(std::int64_t callKey, bool withText) const;
    Stats stats(const Filter& filter) const;
    // Per host, most messages first (the same as Stats::hosts).
    std::vector<HostStats> hostStats(const Filter& filter) const;
    // Buckets of `intervalUs` from the first to the last one with traffic, empty ones included (up to 100000).
    // `withMessages` false: the calls' figures only (the message counts stay 0, the buckets span the calls), without
    // reading every message: what a chart of calls per interval needs (seconds less on a million calls).
    std::vector<IntervalStats> intervalStats(const Filter& filter, std::int64_t intervalUs,
                                             bool withMessages = true) const;
    std::vector<DialogRow> callDialogs(std::int64_t callKey) const;
    std::vector<TransactionRow> callTransactions(std::int64_t callKey) const;
    // REGISTER transactions with a final response, in time order; `filter` applies to their calls.
    std::vector<RegistrationRow> registrations(const Filter& filter) const;
    // Subscriptions and publications in time order. from/to match subscriber/resource, state and status the
    // subscription's own, method SUBSCRIBE/PUBLISH/REFER/NOTIFY, event the package; since/until its start.
    std::vector<SubscriptionRow> subscriptions(const Filter& filter) const;
    // Every call linked to this one, directly or through others, nearest first (at most 1000).
    std::vector<LinkedCallRow> linkedCalls(std::int64_t callKey) const;
    // The SDP media descriptions of a call's messages, in time order. An SDP forwarded unchanged over several hops
    // (the same request or response and CSeq, the same m= lines) is given once: its copy on the call's first hop (that
    // of its first request), else its earliest.
    std::vector<MediaRow> callMedia(std::int64_t callKey) const;
    // RTP streams in time order (first packet). Call filters (from, to, call id, key, text, state, kind, method,
    // status) select the streams of those calls only; host matches the stream's source or destination, since/until
    // its first packet.
    std::vector<StreamRow> streams(const Filter& filter) const;
    std::vector<StreamRow> callStreams(std::int64_t callKey) const;
    std::optional<StreamRow> stream(std::int64_t streamKey) const;  // by streams.id
    // A stream's jitter/loss timeline; nullopt when there is no such stream or it has none (written before schema 7).
    std::optional<StreamSeries> streamSeries(std::int64_t streamKey) const;
    // Streams between the call's own SDP addresses in its time that are tied to another call (a B2BUA passing the
    // SDP through, media end to end), each with the sender as this call's SDP has it.
    std::vector<StreamRow> otherLegStreams(std::int64_t callKey) const;
    std::optional<CaptureRow> capture(std::int64_t captureId) const;
    // The media verdict of a call (decode::assessMedia over its streams); nullopt when it was not answered.
    std::optional<decode::MediaAssessment> mediaVerdict(const CallRow& call) const;
    MediaStats mediaStats(const Filter& filter) const;
    // Findings in time order. Call filters select the findings of those calls (a finding of no call passes none);
    // host matches the finding's source, since/until its time.
    std::vector<FindingRow> findings(const Filter& filter, const FindingFilter& only = {}) const;
    std::vector<FindingRow> callFindings(std::int64_t callKey) const;

private:
    std::optional<CallRow> findCallRow(const std::string& idOrKey) const;  // without its legs

    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace sipscope::store
