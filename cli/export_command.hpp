// `sipscope export ladder|calls|messages|stats|pcap`: a call's ladder, a listing, the statistics or the messages
// of calls, written to a file (or standard output).
#pragma once

#include "cli/command_options.hpp"
#include "cli/listing_commands.hpp"
#include "cli/stats_command.hpp"

#include <memory>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace sipscope::cli {

// export ladder CALL --format F.
struct LadderExportOptions {
    std::string db = DefaultDatabase;
    std::string call;                    // Call-ID, call key or a unique start of a Call-ID
    std::string format;                  // svg, png, plantuml, mermaid, text
    bool byIp = false;                   // --by-ip: one column per IP address
    bool allLegs = false;                // --all-legs: the linked calls in the same ladder
    std::optional<std::string> aliases;  // --aliases FILE ("none": no names)
};

// export pcap: the messages of --call or of the calls the filters choose.
struct PcapExportOptions {
    std::string db = DefaultDatabase;
    std::string call;
    FilterOptions filters;
};

// The options of the export family: the file, and those of the one subcommand that runs.
struct ExportOptions {
    std::string output;  // -o: file to write, "-" for standard output
    LadderExportOptions ladder;
    ListingOptions calls;     // --format csv|json, filters, --sort, --grep
    ListingOptions messages;  // the same, and --raw
    StatsOptions stats;
    PcapExportOptions pcap;
};

// The registered subcommands and the options their parse fills (kept at a stable address for CLI11).
struct ExportCommands {
    CLI::App* command = nullptr;  // `export` itself
    CLI::App* ladder = nullptr;
    CLI::App* calls = nullptr;
    CLI::App* messages = nullptr;
    CLI::App* stats = nullptr;
    CLI::App* pcap = nullptr;
    std::unique_ptr<ExportOptions> options;
};

// Adds `export` and its subcommands to `app`.
ExportCommands addExportCommands(CLI::App& app);

// Each runs its parsed subcommand; filters must have been checked (checkFilters). A failed export leaves the file
// as it was. Usage errors throw CLI::ValidationError, input errors sipscope::Error.
int runExportLadder(const ExportOptions& options);
int runExportCalls(const ExportOptions& options);
int runExportMessages(const ExportOptions& options);
int runExportStats(const ExportOptions& options);
int runExportPcap(const ExportOptions& options);

}  // namespace sipscope::cli
