// Groups SIP messages into calls (one Call-ID = one call for now) and keeps each call's summary: who, when,
// first method, state and final status. Owns the keys it remembers; bounded in the number of open calls.
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
    Answered,    // 2xx to the INVITE, no BYE yet
    Completed,   // answered, then ended by BYE
    Cancelled,   // CANCEL or 487
    Rejected,    // 4xx/5xx/6xx final to the INVITE
    Failed,      // the request had no final answer in the capture, or a non-INVITE got a failure
    Done,        // a non-INVITE request (REGISTER, OPTIONS, MESSAGE…) got a 2xx
    Pending,     // a non-INVITE request without a final answer yet
};
std::string_view callStateName(CallState state);  // "calling", "ringing", …, lower case

// Everything the store keeps of one call. Owned strings, copied once per call.
struct CallSummary {
    std::uint64_t key = 0;       // integer id, unique in the database
    std::string callId;
    std::int64_t startUs = 0;
    std::int64_t endUs = 0;
    std::string fromUri;
    std::string fromUser;
    std::string toUri;
    std::string toUser;
    std::string method;           // of the first request seen
    CallState state = CallState::Pending;
    int finalStatus = 0;          // final response to the initial INVITE (or first request); 0 = none
    std::uint32_t messages = 0;
    std::uint32_t dialogs = 0;    // distinct (from-tag, to-tag) pairs that got a to-tag
    std::uint32_t retransmissions = 0;
    capture::Endpoint src;        // of the first request
    capture::Endpoint dst;
    bool hasFirstRequest = false;
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
    bool isRetransmission = false;
};

struct CorrelatorLimits {
    std::size_t maxOpenCalls = 200'000;           // beyond this the least recently active call is flushed
    std::int64_t finishedLingerUs = 32'000'000;   // keep an ended call this long for retransmissions (Timer J/K)
    std::int64_t idleTimeoutUs = 3'600'000'000;   // flush a call with no message for an hour
};

struct CorrelatorStats {
    std::uint64_t callsOpened = 0;
    std::uint64_t callsFlushedFinished = 0;
    std::uint64_t callsFlushedIdle = 0;
    std::uint64_t callsEvictedForSpace = 0;  // flushed early because maxOpenCalls was reached
    std::uint64_t messagesWithoutCallId = 0;
};

class Correlator {
public:
    // Call keys start at `firstCallKey`, so several imports into one database never reuse a key.
    explicit Correlator(std::uint64_t firstCallKey = 1, CorrelatorLimits limits = {});
    ~Correlator();
    Correlator(const Correlator&) = delete;
    Correlator& operator=(const Correlator&) = delete;

    Correlation onMessage(const SipMessageView& message, const MessageMeta& meta);

    // Moves out calls that ended (past their linger time) or went idle as of `nowUs` (capture time), and any
    // evicted for space. Their summaries are final unless the Call-ID reappears (then it opens a new call).
    void takeFlushed(std::int64_t nowUs, std::vector<CallSummary>& out);
    // Moves out every call still open (end of input).
    void takeAll(std::vector<CallSummary>& out);
    // Current summaries of open calls, without removing them (for a live view of a running capture).
    void snapshotOpen(std::vector<CallSummary>& out) const;

    std::size_t openCalls() const;
    const CorrelatorStats& stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace sipscope::decode
