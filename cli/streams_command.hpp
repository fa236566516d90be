// `sipscope streams` (and `export streams`): RTP streams with their loss, jitter and MOS (issue 15); and the media
// verdict and stream lines of `show`.
#pragma once

#include "cli/listing_commands.hpp"
#include "decode/redact.hpp"
#include "store/reader.hpp"

#include <ostream>

namespace CLI {
class App;
}

namespace sipscope::cli {

// `streams`: the listing filters, --format and --call (one call's streams).
CLI::App* addStreamsCommand(CLI::App& app, ListingOptions& options);
int runStreams(const ListingOptions& options, std::ostream& out, bool forTerminal = true);

// The row of one stream: the JSON fields ../shared/DESIGN.md promises and more (README, "sipscope streams").
Row streamRow(const store::StreamRow& stream);

// `show`'s media verdict line above the ladder ("RTP:     ok (...)"); nothing for a call that was not answered.
void printCallVerdict(std::ostream& out, const store::Reader& reader, const store::CallRow& call);
// `show`'s "Streams:" section under the ladder: one line per stream of the call (its addresses redacted by
// `redactor` when given); nothing when the call has none.
void printCallStreams(std::ostream& out, const store::Reader& reader, const store::CallRow& call,
                      decode::Redactor* redactor = nullptr);

}  // namespace sipscope::cli
