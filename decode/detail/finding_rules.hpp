// What the finding checks share (decode/findings.hpp): the notes kept of each message of an open call, and the
// checks themselves, by what they look at: one message, one finished call, the sources across calls.
#pragma once

#include "decode/findings.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sipscope::decode::detail {

enum class SipMethod : std::uint8_t { Other, Invite, Ack, Bye, Cancel, Register, Options, Prack, Update };
SipMethod sipMethodOf(std::string_view name);

// What the call checks remember of one message (about 110 bytes).
struct MessageNote {
    std::uint64_t sequence = 0;
    std::int64_t timestampUs = 0;
    capture::Endpoint src, dst;
    std::uint64_t transactionKey = 0;
    std::uint64_t dialogKey = 0;
    std::uint32_t cseq = 0;
    int status = 0;                       // 0 for a request
    SipMethod method = SipMethod::Other;  // the request's method, or a response's CSeq method
    std::string methodName;               // the same as text (short: no allocation for the usual methods)
    capture::Transport transport = capture::Transport::Udp;
    bool isRequest = false;
    bool isRetransmission = false;
    bool hasCredentials = false;    // Authorization or Proxy-Authorization
    bool isStaleChallenge = false;  // a 401/407 saying stale=true: a fresh nonce, not refused credentials
    bool isReliable = false;        // a 1xx that requires PRACK (Require: 100rel, RFC 3262)
    std::uint64_t fromTagHash = 0;  // who sent a request: each UA of a dialog has its own tag and CSeq space
};

// One open call as the checks know it.
struct CallNotes {
    std::vector<MessageNote> messages;  // at most FindingOptions::maxMessagesPerCall, in capture order
    std::string offerCodecs;            // of the latest SDP offer ("PCMU/8000, PCMA/8000")
    std::uint64_t offerSequence = 0;
    bool isEstablished = false;     // a 2xx to an INVITE was seen: a later c=0.0.0.0 may be a hold
    std::uint8_t reportedOnce = 0;  // ReportedOnce bits: kinds reported at most once per call
};
enum ReportedOnce : std::uint8_t {
    ReportedPrivateAddress = 1,
    ReportedViaNat = 2,
    ReportedZeroAddress = 4,
    ReportedNoMaxForwards = 8,
};

// Whether a once-per-call kind may be reported now (and marks it reported); always true without a call.
bool reportOnce(CallNotes* notes, std::uint8_t bit);

// "1.234 s", "250 ms": a duration as an engineer reads it.
std::string durationText(std::int64_t us);
// The codecs of an SDP's media, "audio PCMU/8000 PCMA/8000; video H264/90000".
std::string codecsText(const SessionDescriptionView& sdp);
// Whether an address is private (RFC 1918, RFC 6598 shared, RFC 4193 ULA, link-local) or loopback/unspecified:
// not reachable from the public internet.
bool isNonPublic(const capture::IpAddress& address);
bool isPrivateText(std::string_view host);  // the same for address text (a URI host, a c= address); false for names

// A finding about the message `note` (its time and sequence; `note` may be null).
Finding makeFinding(std::string_view kind, FindingSeverity severity, std::uint64_t callKey, const MessageNote* note,
                    std::string explanation, std::string_view rfc);

// Checks of one message alone (malformed, Content-Length, missing headers, 481, 488/415, NAT, c=0.0.0.0, scanner
// User-Agent). `notes` is its call's (null without one).
void checkMessage(const SipMessageView& message, const MessageMeta& meta, const MessageNote& note,
                  std::string_view datagram, const SessionDescriptionView* sdp, CallNotes* notes,
                  std::vector<Finding>& out);

// Whether a User-Agent names a known SIP scanner (SIPVicious' "friendly-scanner", sipcli, ...).
bool isScannerUserAgent(std::string_view userAgent);

// Checks of one finished call over its notes and summary.
void checkCall(const CallSummary& call, const CallNotes& notes, const FindingOptions& options, std::int64_t nowUs,
               std::vector<Finding>& out);

// Counts per source and per AOR across calls: scanners, brute force, toll fraud after failed authentication.
class SourceChecks {
public:
    explicit SourceChecks(const FindingOptions& options) : m_options(options) {}
    // A request from `note.src`; `toUser` the user it asks for.
    void onRequest(const SipMessageView& request, const MessageNote& note, std::uint64_t callKey, FindingStats& stats,
                   std::vector<Finding>& out);
    // A final response to `note.dst`; `request` the note of the request it answers, null when not remembered.
    void onFinalResponse(const SipMessageView& response, const MessageNote& note, const MessageNote* request,
                         FindingStats& stats);
    // The findings over everything counted: scanners by pattern, brute force by AOR.
    void finish(std::vector<Finding>& out);

private:
    struct Source {
        std::vector<std::string> users;  // distinct users asked for, at most 4 × scannerUsers
        std::uint32_t requests = 0;
        std::uint32_t finals = 0;
        std::uint32_t refusals = 0;  // 401, 403, 404, 407
        std::uint64_t firstSequence = 0;
        std::int64_t firstUs = 0;
        std::size_t userAgentHash = 0;  // of the latest request's User-Agent
        bool hasFailedAuth = false;     // a request with credentials was refused
        bool isReportedUserAgent = false;
        bool isReportedTollFraud = false;
    };
    struct Aor {
        std::uint32_t failures = 0;
        capture::Endpoint lastSource;
        std::vector<std::uint64_t> messages;  // the first few failures
        std::int64_t firstUs = 0;
    };
    Source* source(const capture::IpAddress& ip, FindingStats& stats);

    FindingOptions m_options;
    std::map<capture::IpAddress, Source> m_sources;
    std::map<std::string, Aor, std::less<>> m_aors;
};

}  // namespace sipscope::decode::detail
