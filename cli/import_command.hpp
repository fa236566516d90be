// `sipscope import`: pcap/pcapng files (or standard input) into the database.
#pragma once

#include "cli/command_options.hpp"
#include "cli/ingest_shared.hpp"

#include <memory>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace sipscope::cli {

struct ImportOptions {
    std::string db = DefaultDatabase;
    std::vector<std::string> files;        // "-" for standard input
    bool quiet = false;                    // -q: no progress line
    bool noStore = false;                  // --no-store: decode and correlate only
    bool timing = false;                   // --timing: where the time went
    bool force = false;                    // --force: also files whose content is already stored
    std::vector<std::string> limits;       // --limit NAME=VALUE (cli/limits.hpp)
    std::string sipPorts;                  // --sip-ports
    std::vector<std::string> linkHeaders;  // --link-header NAME: more headers that link B2BUA legs
    FindingTimes findingTimes;             // --t1, --srd-warn
    bool noFindings = false;               // --no-findings: look for no problems (issue 16)
    bool noSkewCorrection = false;         // --no-skew-correction: keep each file's own clock (multi-point import)
};

// The registered subcommand and the options its parse fills (kept at a stable address for CLI11).
struct ImportCommand {
    CLI::App* command = nullptr;
    std::unique_ptr<ImportOptions> options;
};

// Adds `import` to `app`.
ImportCommand addImportCommand(CLI::App& app);

// Runs a parsed `import`: prints each file's counts and the losses; returns 0, or 2 when a file could not be read.
int runImport(const ImportOptions& options);

}  // namespace sipscope::cli
