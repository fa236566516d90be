// `sipscope capture`: live interface or HEP traffic into the database, written while it happens.
#pragma once

#include "cli/ingest_shared.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace sipscope::cli {

struct CaptureOptions {
    std::string interface;  // empty: "any", unless only --hep-listen is given
    std::string filter;     // BPF
    int snaplenBytes = 262144;
    int bufferMegabytes = 0;  // 0 = libpcap's default
    bool isPromiscuous = false;
    std::string writePath;  // -w: raw copy of every captured packet
    std::uint32_t durationSeconds = 0;
    std::uint64_t maxPackets = 0;
    std::string hepListen;  // udp:ADDR:PORT or tcp:ADDR:PORT
    std::string user = "nobody";
    bool isUserExplicit = false;
    bool noDrop = false;
    std::optional<std::string> db;  // the subcommand's own --db; the global one otherwise
    bool quiet = false;
    std::string sipPorts;                  // --sip-ports
    std::vector<std::string> linkHeaders;  // --link-header NAME: more headers that link B2BUA legs
    std::vector<std::string> limits;       // --limit NAME=VALUE (cli/limits.hpp)
    FindingTimes findingTimes;             // --t1, --srd-warn
    std::string hepSend;                   // --hep-send udp:HOST:PORT: also a HEP agent
    int hepVersion = 3;                    // --hep-version 2|3
    std::uint32_t hepId = 0;               // --hep-id: the HEP capture id
    std::string hepPassword;               // --hep-password: HEPv3's auth key
    bool noStore = false;                  // --no-store: only send to the HEP collector
};

// The registered subcommand and the options its parse fills (kept at a stable address for CLI11).
struct CaptureCommand {
    CLI::App* command = nullptr;
    std::unique_ptr<CaptureOptions> options;
};

// Adds `capture` to `app`.
CaptureCommand addCaptureCommand(CLI::App& app);

// Runs a parsed `capture`: opens the sources, drops root, stores until the duration, count or a SIGINT/SIGTERM,
// prints the statistics, and returns the exit code (0, or 2 when capturing failed midway). `globalDb` is the
// top-level --db. Throws sipscope::Error when a source or the database cannot be opened.
int runCapture(const CaptureCommand& capture, const std::string& globalDb);

}  // namespace sipscope::cli
