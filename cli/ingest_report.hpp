// What an import or a capture could not decode or had to give up, printed for the engineer after the run.
#pragma once

#include "store/ingest.hpp"

#include <ostream>

namespace sipscope::cli {

// Prints each nonzero loss counter of `report` (decoder and correlator) with what it means; nothing when none bit.
void printLosses(std::ostream& out, const store::IngestReport& report);

} // namespace sipscope::cli
