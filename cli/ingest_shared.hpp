// What `import` and `capture` share: the --sip-ports option and the report of what could not be decoded.
#pragma once

#include "capture/hep_sender.hpp"
#include "capture/live_source.hpp"
#include "store/ingest.hpp"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace sipscope::cli {

// Prints each nonzero loss counter of `report` (decoder and correlator) with what it means; nothing when none bit.
void printLosses(std::ostream& out, const store::IngestReport& report);

// "found N problems: sipscope findings --db DB" when the import found any (issue 16); nothing otherwise.
void printFindingsFound(std::ostream& out, const store::IngestReport& report, const std::string& db);

// "sent N SIP messages to udp:HOST:PORT as HEPvV", the TCP reconnections, then each nonzero count of what was not
// sent and why.
void printHepSent(std::ostream& out, const capture::HepSender& sender, int version);

// HEP over TCP: "N HEP agents connected over TCP", then each nonzero count of what the listener closed or skipped.
void printHepAgents(std::ostream& out, const capture::LiveStats& stats);

// --t1 and --srd-warn of import and capture (issue 16), as given.
struct FindingTimes {
    std::string t1 = "500ms";
    std::string srdWarn = "3s";
};
void addFindingOptions(CLI::App* command, FindingTimes& times);
// Sets the finding detector's T1 and SRD threshold, and the correlator's Timer B/F to 64 × T1. Throws
// CLI::ValidationError naming a bad value.
void applyFindingOptions(const FindingTimes& times, store::IngestOptions& ingest);
// "500ms", "3s", "1.5s", "250us": a duration in µs; nullopt for anything else (or above an hour).
std::optional<std::int64_t> parseDurationUs(std::string_view text);

// Parses `--sip-ports` ("5060,5080,6000-6010"). Throws CLI::ValidationError naming the bad part.
std::vector<std::uint16_t> parsePortList(const std::string& text);

}  // namespace sipscope::cli
