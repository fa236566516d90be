// `sipscope export ladder|calls|messages|stats|pcap|hep|streams|findings|audio`: a call's ladder, a listing, the
// statistics or the messages of calls, written to a file (or standard output), the messages replayed to a HEP
// collector, or the audio of RTP streams as WAV.
#pragma once

#include "cli/command_options.hpp"
#include "cli/listing_commands.hpp"
#include "cli/redaction.hpp"
#include "cli/stats_command.hpp"

#include <cstdint>
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
    RedactOptions redact;  // --redact, --redact-key
};

// export hep: the messages the filters choose, replayed to a HEP collector.
struct HepExportOptions {
    std::string db = DefaultDatabase;
    std::string collector;  // udp:HOST:PORT or tcp:HOST:PORT
    int version = 3;
    std::uint32_t captureId = 0;
    std::string password;
    std::string pace = "fast";  // fast: as fast as the socket takes them; original: the capture's own gaps
    std::uint32_t rate = 0;     // --rate: at most this many messages a second; 0: no limit
    FilterOptions filters;
};

// export audio STREAM|CALL: one stream's audio (mono) or a call's (stereo) as WAV.
struct AudioExportOptions {
    std::string db = DefaultDatabase;
    std::string target;       // a stream key (all digits, `sipscope streams`' key), else a call as `show` takes it
    std::string capturePath;  // --capture: where the capture file is now, when moved
};

// The options of the export family: the file, and those of the one subcommand that runs.
struct ExportOptions {
    std::string output;  // -o: file to write, "-" for standard output
    LadderExportOptions ladder;
    ListingOptions calls;     // --format csv|json, filters, --sort, --grep
    ListingOptions messages;  // the same, and --raw
    ListingOptions streams;   // --format csv|json, filters, --call
    ListingOptions findings;  // --format csv|json, filters, --call, --severity, --kind
    StatsOptions stats;
    PcapExportOptions pcap;
    HepExportOptions hep;
    AudioExportOptions audio;
};

// The registered subcommands and the options their parse fills (kept at a stable address for CLI11).
struct ExportCommands {
    CLI::App* command = nullptr;  // `export` itself
    CLI::App* ladder = nullptr;
    CLI::App* calls = nullptr;
    CLI::App* messages = nullptr;
    CLI::App* stats = nullptr;
    CLI::App* pcap = nullptr;
    CLI::App* hep = nullptr;
    CLI::App* streams = nullptr;
    CLI::App* findings = nullptr;
    CLI::App* audio = nullptr;
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
int runExportFindings(const ExportOptions& options);
int runExportPcap(const ExportOptions& options);
// export hep (cli/hep_export.cpp): exit 2 when a message could not be sent.
int runExportHep(const ExportOptions& options);
int runExportStreams(const ExportOptions& options);
// export audio: exit 2 when the codec is not G.711 or the capture file cannot be read again.
int runExportAudio(const ExportOptions& options);

}  // namespace sipscope::cli
