// What the query thread loads when calls are opened: the rows the ladder and the inspector draw from, built off
// the frame and handed over whole (shared, read-only) through the UiQueue.
#pragma once

#include "store/reader.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sipscope::viewer {

struct CallData {
    std::vector<std::int64_t> callKeys;       // the calls asked for, then their linked calls when legs are on
    std::vector<store::CallRow> calls;        // found ones, in callKeys order
    std::vector<std::string> legLinks;        // per call: "this call", or how it is linked ("header", "replaces"...)
    std::vector<store::MessageRow> messages;  // every call's, in capture order, without text
    std::vector<std::size_t> legOfMessage;    // index into calls, per message
    std::vector<store::MediaRow> media;       // SDP m= lines of the messages
    std::vector<store::DialogRow> dialogs;    // of the first call
    std::vector<store::TransactionRow> transactions;      // of the first call
    std::vector<store::StreamRow> streams;                // RTP streams of every call, by first packet (issue 15)
    std::optional<decode::MediaAssessment> mediaVerdict;  // of the first call; nullopt when it was not answered
    // Findings of every call (issue 16), by the message each points at (FindingRow::messageId; those of no message
    // left out), in message id order: the ladder marks those messages (viewer/finding_marks.hpp).
    std::vector<store::FindingRow> findings;
};

using CallDataPtr = std::shared_ptr<const CallData>;

// Query thread. Loads `keys` (and, with `withLegs`, every call linked to the first one).
CallDataPtr loadCallData(const store::Reader& reader, const std::vector<std::int64_t>& keys, bool withLegs);

}  // namespace sipscope::viewer
