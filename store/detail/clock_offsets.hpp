// Multi-point import (issue 16): the files read once before the import, to estimate each one's clock offset against
// the first from the messages both captured.
#pragma once

#include "store/ingest.hpp"

#include <optional>
#include <vector>

namespace sipscope::store::detail {

// For each source, its offset against the first source read (nullopt for that one, for one that shares no message
// with it, for a source `isRead` leaves out, and for one that cannot be opened: the import reports that).
std::vector<std::optional<decode::ClockOffset>> estimateClockOffsets(const std::vector<SourceOpener>& sources,
                                                                     const std::vector<bool>& isRead,
                                                                     const IngestOptions& options);

}  // namespace sipscope::store::detail
