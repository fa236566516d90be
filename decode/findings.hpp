// Findings (issue 16): the problems a capture shows, each with its evidence and the RFC section it rests on.
// FindingDetector is fed what the correlator placed (each message, its SDP, each call's final summary) and says
// what is wrong; the store keeps its findings in the findings table. README "Findings" lists every kind and its rule.
#pragma once

#include "capture/packet.hpp"
#include "decode/correlator.hpp"
#include "decode/media_tracker.hpp"
#include "decode/sdp.hpp"
#include "decode/sip_message.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::decode {

enum class FindingSeverity : std::uint8_t { Error, Warning, Info };
std::string_view findingSeverityName(FindingSeverity severity);           // "error", "warning", "info"
std::optional<FindingSeverity> findingSeverityOf(std::string_view name);  // the inverse; nullopt for others

// One problem, with what shows it. Owns its strings.
struct Finding {
    std::string kind;  // "malformed", "unacked-2xx", ... (findingKinds())
    FindingSeverity severity = FindingSeverity::Warning;
    std::uint64_t callKey = 0;            // 0: about a source or an AOR across calls (a scanner, a brute force)
    std::int64_t timestampUs = 0;         // of the first message it names
    std::vector<std::uint64_t> messages;  // message sequence numbers (FindingDetector::onMessage), the main one first
    std::optional<capture::Endpoint> source;  // the host it is about, when it is about one
    std::string explanation;                  // one line, an engineer's words, with the numbers and addresses
    std::string rfc;                          // "RFC 3261 17.1.1.2"
};

// Every kind the detector reports, in the README's order: what --kind accepts.
const std::vector<std::string_view>& findingKinds();

struct FindingOptions {
    std::int64_t t1Us = 500'000;           // RFC 3261 T1 (--t1): retransmission intervals, Timer B/F = 64 × T1
    std::int64_t srdWarnUs = 3'000'000;    // post-dial delay (SRD) above this is reported (--srd-warn)
    std::size_t maxOpenCalls = 200'000;    // calls whose messages are remembered; beyond, the oldest is evicted
    std::size_t maxMessagesPerCall = 256;  // messages remembered per call; later ones are not looked at by call checks
    std::size_t maxSources = 65'536;       // sources and AORs counted for the security checks; beyond, not counted
    std::uint32_t scannerUsers = 10;       // a source asking for this many distinct users, mostly refused: a scanner
    std::uint32_t bruteForceFailures = 5;  // failed authentications of one AOR that make a brute force
};

// What the bounds cost: each counted once.
struct FindingStats {
    std::uint64_t findings = 0;
    std::uint64_t callsEvicted = 0;     // calls forgotten at maxOpenCalls before their summary came (not checked)
    std::uint64_t messagesDropped = 0;  // messages past maxMessagesPerCall, not remembered
    std::uint64_t sourcesDropped = 0;   // sources or AORs past maxSources, not counted
};

// The finding a call's media verdict makes (decode::assessMedia, issue 15): media-none, media-one-way (errors),
// media-wrong-address (warning), media-late (info); nullopt when the verdict is ok. It names no message: the caller
// adds the call's 2xx.
std::optional<Finding> mediaFinding(std::uint64_t callKey, std::int64_t answeredUs, const MediaAssessment& media);

class FindingDetector {
public:
    explicit FindingDetector(FindingOptions options = {});
    ~FindingDetector();
    FindingDetector(const FindingDetector&) = delete;
    FindingDetector& operator=(const FindingDetector&) = delete;

    // One message as the correlator placed it, in capture order. `sequence` is the caller's number for it (the store:
    // its place in the import), by which findings name it. `datagram`: the UDP payload that carried it (bytes past
    // its Content-Length are a body longer than it says), else empty. `sdp`: its SDP
    // as the caller parsed it, or null. The views are read during the call only.
    void onMessage(const SipMessageView& message, const MessageMeta& meta, const Correlation& correlation,
                   std::uint64_t sequence, std::string_view datagram, const SessionDescriptionView* sdp);
    // A call the correlator handed out as final: its checks run over what was remembered of it, which is then
    // forgotten. `nowUs`: the capture's clock (for how long a request went unanswered).
    void onCallFinished(const CallSummary& call, std::int64_t nowUs);
    // End of input: the findings over the whole capture (scanners, brute force).
    void finish();
    // Moves out the findings made so far, in the order they were made.
    void takeFindings(std::vector<Finding>& out);
    const FindingStats& stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace sipscope::decode
