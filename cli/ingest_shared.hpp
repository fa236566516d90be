// What `import` and `capture` share: the --sip-ports option and the report of what could not be decoded.
#pragma once

#include "capture/hep_sender.hpp"
#include "store/ingest.hpp"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace sipscope::cli {

// Prints each nonzero loss counter of `report` (decoder and correlator) with what it means; nothing when none bit.
void printLosses(std::ostream& out, const store::IngestReport& report);

// "sent N SIP messages to udp:HOST:PORT as HEPvV", then each nonzero count of what was not sent and why.
void printHepSent(std::ostream& out, const capture::HepSender& sender, int version);

// Parses `--sip-ports` ("5060,5080,6000-6010"). Throws CLI::ValidationError naming the bad part.
std::vector<std::uint16_t> parsePortList(const std::string& text);

}  // namespace sipscope::cli
