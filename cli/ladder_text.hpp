// The terminal ladder of one call: hosts as columns, one arrow per message with time and delta.
#pragma once

#include "store/ladder.hpp"
#include "store/reader.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace sipscope::cli {

class HostAliases;

struct LadderTextOptions {
    bool withRaw = false;  // print each message's text under its arrow
    // ANSI colours: requests bold, responses by class (1xx yellow, 2xx green, 3xx cyan, 4xx red, 5xx/6xx magenta),
    // malformed messages reverse red, retransmissions dim.
    bool color = false;
    const HostAliases* aliases = nullptr;  // names above the addresses of the columns that have one
    // With messages of several linked calls (--all-legs): each message's leg number (1, 2, ...), shown as "#N".
    std::vector<std::size_t> legs;
};

// `messages` must be those the ladder was built from, in the same order (for --raw and the SDP roles).
void printLadder(std::ostream& out, const store::Ladder& ladder, const std::vector<store::MessageRow>& messages,
                 const LadderTextOptions& options);

enum class SdpRole { None, Offer, Answer };
// RFC 3264 offer/answer role of each message's SDP body, per call: a request's SDP is an offer, answered by the SDP
// of its responses; a response's SDP that answers no offer is itself an offer, answered by the SDP of the ACK or
// PRACK that follows. None for messages without SDP.
std::vector<SdpRole> sdpRoles(const std::vector<store::MessageRow>& messages);

} // namespace sipscope::cli
