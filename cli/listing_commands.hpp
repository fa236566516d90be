// The listings: `sipscope calls`, `messages`, `registrations` and `subscriptions` (and `export calls|messages`,
// which print the same rows to a file).
#pragma once

#include "cli/command_options.hpp"
#include "cli/redaction.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace sipscope::cli {

// The options of the listings (one struct for the family: only one listing runs).
struct ListingOptions {
    std::string db = DefaultDatabase;
    std::string format = "table";
    FilterOptions filters;           // subscriptions: also --event, and --state takes the subscription states
    SortOptions sort;                // calls, messages
    GrepOptions grep;                // calls, messages
    std::string call;                // messages --call: Call-ID, call key or a unique start of a Call-ID
    bool raw = false;                // messages --raw: each message's text too
    RedactOptions redact;            // export calls|messages --redact, --redact-key
    std::string severity;            // findings --severity: error, warning, info; empty: all
    std::vector<std::string> kinds;  // findings --kind; empty: all
};

// Each adds its subcommand to `app`, its options bound to `options` (which must outlive the parse). They are
// separate so that --help lists the commands in their usual order, with show and stats between them.
CLI::App* addCallsCommand(CLI::App& app, ListingOptions& options);
CLI::App* addMessagesCommand(CLI::App& app, ListingOptions& options);
CLI::App* addRegistrationsCommand(CLI::App& app, ListingOptions& options);
CLI::App* addSubscriptionsCommand(CLI::App& app, ListingOptions& options);

// Each prints its listing to `out` and returns the exit code; filters must have been checked (checkFilters).
// `forTerminal` false: an export to a file (CSV keeps the packet bytes instead of terminal escapes).
int runCalls(const ListingOptions& options, std::ostream& out, bool forTerminal = true);
int runMessages(const ListingOptions& options, std::ostream& out, bool forTerminal = true);
int runRegistrations(const ListingOptions& options, std::ostream& out);
int runSubscriptions(const ListingOptions& options, std::ostream& out);

}  // namespace sipscope::cli
