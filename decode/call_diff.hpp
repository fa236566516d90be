// Two calls compared message by message (`sipscope diff`, issue 16): the golden call and the failing one. Their
// message sequences are aligned (Needleman-Wunsch on method or status and hop), then each aligned pair is compared
// header by header and m= line by m= line. Knows nothing of the store: the cli and the viewer feed it messages.
#pragma once

#include "capture/packet.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::decode {

// One message of a call as the comparison reads it. `text` is only read during diffCalls.
struct DiffInput {
    capture::Endpoint src, dst;
    std::string_view text;  // the raw SIP message
};

struct CallDiffOptions {
    // Also compare what always differs between two calls: Call-ID, tags, Via branch/received/rport, CSeq numbers,
    // Date, Content-Length, Max-Forwards, digest nonces and responses.
    bool allHeaders = false;
    std::size_t maxMessages = 2000;  // per call; the alignment costs maxMessages² cells, the rest is left out
};

// One message of one side: what the step table shows.
struct DiffMessage {
    std::size_t index = 0;  // in that call's input
    std::string label;      // "INVITE", "486 Busy Here (INVITE)": the response's CSeq method in brackets
    // Hosts by order of appearance in the call (1 = the first message's source): the same hop in both calls has the
    // same numbers even when their addresses differ.
    std::uint32_t fromHost = 0, toHost = 0;
};

// A header whose values differ: every value of it in each message, in order (a Via per element); empty when absent.
struct HeaderDifference {
    std::string name;  // as first seen, compact forms spelled out ("Call-ID" for "i")
    std::vector<std::string> a, b;
};

// An SDP field that differs. `media` is the m= line's index (nullopt: the message as a whole, field "sdp"); an
// empty value: that side has no such m= line or no SDP.
struct SdpDifference {
    std::optional<std::size_t> media;
    std::string field;  // sdp, media, port, proto, address, direction, codecs, ptime
    std::string a, b;
};

enum class DiffStepKind : std::uint8_t {
    Same,     // the same method or status on the same hop (headers or SDP may still differ)
    Changed,  // aligned, but the status or the hop differs (a 486 where the other has a 200)
    OnlyA,    // a message of call A the other does not have
    OnlyB,
};

struct DiffStep {
    DiffStepKind kind = DiffStepKind::Same;
    std::optional<DiffMessage> a, b;
    std::vector<HeaderDifference> headers;  // aligned steps only
    std::vector<SdpDifference> sdp;
};

struct CallDiff {
    std::vector<DiffStep> steps;
    std::vector<capture::Endpoint> hostsA, hostsB;  // host n is hostsX[n - 1]
    std::optional<std::size_t> firstDivergence;     // the first step that is not Same: where the calls part
    std::size_t leftOutA = 0, leftOutB = 0;         // messages beyond CallDiffOptions::maxMessages, not compared

    // The same steps and no header or SDP difference.
    bool isIdentical() const;
};

// Aligns and compares two calls' messages (each in time order). Never throws on what the messages hold: one that
// does not parse is compared by what could be read of it.
CallDiff diffCalls(std::span<const DiffInput> a, std::span<const DiffInput> b, const CallDiffOptions& options = {});

// "same", "changed", "only_a", "only_b".
std::string_view diffStepKindName(DiffStepKind kind);

}  // namespace sipscope::decode
