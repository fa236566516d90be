// `sipscope stats` (and `export stats`, which prints the same to a file).
#pragma once

#include "cli/command_options.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

namespace CLI {
class App;
}

namespace sipscope::cli {

struct StatsOptions {
    std::string db = DefaultDatabase;
    std::string format = "table";
    FilterOptions filters;
    bool byHost = false;                  // --by-host: one row per host
    std::optional<std::string> interval;  // --interval 30s|1m|...: one row per time bucket
    std::size_t top = 10;                 // --top N: top talkers and failure codes
};

// The registered subcommand and the options its parse fills (kept at a stable address for CLI11).
struct StatsCommand {
    CLI::App* command = nullptr;
    std::unique_ptr<StatsOptions> options;
};

// Adds `stats` to `app`.
StatsCommand addStatsCommand(CLI::App& app);
// Adds --by-host, --interval and --top (of `stats` and `export stats`).
void addStatsOptions(CLI::App* command, StatsOptions& options);

// Prints the statistics the options ask for to `out`; filters must have been checked (checkFilters). A bad
// --interval, or --interval with --by-host, is a usage error (CLI::ValidationError). `forTerminal` false: an export
// to a file.
int runStats(const StatsOptions& options, std::ostream& out, bool forTerminal = true);

}  // namespace sipscope::cli
