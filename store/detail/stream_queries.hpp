// The streams table read back (issue 15): the `streams` listing, a call's streams, its media verdict and the media
// figures of `stats`. Internal to store/ (the Reader's streams(), callStreams(), mediaVerdict(), mediaStats()).
#pragma once

#include "store/detail/row_values.hpp"
#include "store/reader.hpp"

#include <cstdint>
#include <vector>

struct sqlite3;

namespace sipscope::store::detail {

std::vector<StreamRow> readStreams(sqlite3* db, EndpointCache& endpoints, const Filter& filter);
std::vector<StreamRow> readCallStreams(sqlite3* db, EndpointCache& endpoints, std::int64_t callKey);
std::optional<StreamRow> readStream(sqlite3* db, EndpointCache& endpoints, std::int64_t streamKey);
// Whether the capture (captures.id) had any RTP stream at all; true when the streams' captures are not known.
bool isRtpInCapture(sqlite3* db, std::int64_t captureId);
MediaStats readMediaStats(sqlite3* db, const Filter& filter);

}  // namespace sipscope::store::detail
