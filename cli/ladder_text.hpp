// The terminal ladder of one call: hosts as columns, one arrow per message with time and delta.
#pragma once

#include "store/ladder.hpp"
#include "store/reader.hpp"

#include <ostream>
#include <vector>

namespace sipscope::cli {

struct LadderTextOptions {
    bool withRaw = false;  // print each message's text under its arrow
};

// `messages` must be those the ladder was built from, in the same order (for --raw).
void printLadder(std::ostream& out, const store::Ladder& ladder, const std::vector<store::MessageRow>& messages,
                 const LadderTextOptions& options);

} // namespace sipscope::cli
