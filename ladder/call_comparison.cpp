#include "ladder/call_comparison.hpp"

#include <utility>

namespace sipscope::ladder {

namespace {

ComparedCall readCall(const store::Reader& reader, const store::CallRow& row) {
    ComparedCall call{row, {}, 0};
    for (store::MessageRow& message : reader.callMessages(row.key, true)) {
        if (message.retransmission)
            ++call.retransmissions;
        else
            call.messages.push_back(std::move(message));
    }
    return call;
}

std::vector<decode::DiffInput> inputsOf(const ComparedCall& call) {
    std::vector<decode::DiffInput> inputs;
    inputs.reserve(call.messages.size());
    for (const store::MessageRow& message : call.messages)
        inputs.push_back({message.src, message.dst, message.text});
    return inputs;
}

}  // namespace

CallComparison compareCalls(const store::Reader& reader, const store::CallRow& a, const store::CallRow& b,
                            const decode::CallDiffOptions& options) {
    CallComparison comparison{readCall(reader, a), readCall(reader, b), {}};
    comparison.diff = decode::diffCalls(inputsOf(comparison.a), inputsOf(comparison.b), options);
    return comparison;
}

std::int64_t offsetUs(const ComparedCall& call, const decode::DiffMessage& message) {
    return call.messages[message.index].timestampUs - call.messages.front().timestampUs;
}

}  // namespace sipscope::ladder
