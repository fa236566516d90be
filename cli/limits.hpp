// `--limit NAME=VALUE` of import and capture: every memory bound of the decoder, parser and correlator by name.
#pragma once

#include "store/ingest.hpp"

#include <string>
#include <vector>

namespace sipscope::cli {

// Sets each NAME=VALUE in `options` (decoder, parser and correlator limits). Throws CLI::ValidationError naming an
// unknown limit or a value that is not a whole number from 1 up.
void applyLimits(const std::vector<std::string>& limits, store::IngestOptions& options);

// The option's help text: every limit name, what it bounds and its default.
std::string limitsHelp();

}  // namespace sipscope::cli
