// The terminal ladder of one call: hosts as columns, one arrow per message with time and delta, drawn from the
// shared ladder model and layout (ladder/ladder_layout.hpp) in display cells.
#pragma once

#include "ladder/ladder_model.hpp"
#include "store/reader.hpp"

#include <cstddef>
#include <ostream>
#include <vector>

namespace sipscope::ladder {

struct LadderTextOptions {
    bool withRaw = false;  // print each message's text under its arrow
    // ANSI colours: requests bold, responses by class (1xx yellow, 2xx green, 3xx cyan, 4xx red, 5xx/6xx magenta),
    // malformed messages reverse red, retransmissions dim.
    bool color = false;
    // The widest a line may be (the terminal's width, cli/output.hpp's terminalWidth); 0: as wide as the ladder needs
    // (pipes and files). When the ladder is wider, the delta column goes first, then columns shrink and hosts and
    // labels are cut with "…".
    std::size_t maxWidth = 0;
};

// `messages` are those the model was built from, in the same order (their text for --raw). Aliases, when the model
// has them, are a line of names above the addresses.
void printLadder(std::ostream& out, const ladder::Model& model, const std::vector<store::MessageRow>& messages,
                 const LadderTextOptions& options);

}  // namespace sipscope::ladder
