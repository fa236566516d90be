// `sipscope findings`: the problems found at import or capture time, with their evidence and RFC (issue 16); and the
// findings lines of `show`.
#pragma once

#include "cli/listing_commands.hpp"
#include "decode/redact.hpp"
#include "store/reader.hpp"

#include <ostream>

namespace CLI {
class App;
}

namespace sipscope::cli {

// `findings`: the listing filters, --format, --call, --severity and --kind.
CLI::App* addFindingsCommand(CLI::App& app, ListingOptions& options);
// --call, --severity and --kind on a command that has the listing filters (findings, export findings): the filters'
// --kind (the call's) gives way to the finding's.
void addFindingFilters(CLI::App* command, ListingOptions& options);
// Throws CLI::ValidationError on an unknown severity or kind.
int runFindings(const ListingOptions& options, std::ostream& out, bool forTerminal = true);

// The row of one finding (README, "sipscope findings").
Row findingRow(const store::FindingRow& finding);

// `show`'s findings of the call under its ladder, one line each: severity, kind, explanation, RFC; nothing when it has
// none. With a redactor, the explanation's names and addresses are its pseudonyms.
void printCallFindings(std::ostream& out, const store::Reader& reader, const store::CallRow& call,
                       decode::Redactor* redactor = nullptr);

}  // namespace sipscope::cli
