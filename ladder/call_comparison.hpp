// Two stored calls compared (`sipscope diff` and the viewer's Diff, issue 16): each call's messages read without
// retransmissions (a resent copy is no step) and handed to decode::diffCalls. One place for both front ends, so the
// viewer shows the same steps and differences as the CLI.
#pragma once

#include "decode/call_diff.hpp"
#include "store/reader.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sipscope::ladder {

// One call as the diff reads it: its row, and its messages (with text) without retransmissions.
struct ComparedCall {
    store::CallRow row;
    std::vector<store::MessageRow> messages;
    std::size_t retransmissions = 0;  // left out
};

struct CallComparison {
    ComparedCall a, b;
    decode::CallDiff diff;  // DiffMessage::index is into a.messages / b.messages
};

// Reads both calls' messages and compares them.
CallComparison compareCalls(const store::Reader& reader, const store::CallRow& a, const store::CallRow& b,
                            const decode::CallDiffOptions& options = {});

// Microseconds of `message` after its call's first message.
std::int64_t offsetUs(const ComparedCall& call, const decode::DiffMessage& message);

}  // namespace sipscope::ladder
