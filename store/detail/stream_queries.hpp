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
// The streams from one of the call's SDP addresses to another, in the call's time, that are tied to another call
// (see assessCallMedia), each with the sender this call's SDP gives it: to an address of its offer, the answerer.
std::vector<StreamRow> readOtherLegStreams(sqlite3* db, EndpointCache& endpoints, std::int64_t callKey);
// The media verdict of an answered call from its streams (decode::assessMedia). When they say `none` or `one-way`,
// the streams between the call's own SDP addresses that are tied to another call count too: a B2BUA that passes
// the SDP through while the media flows end to end gives each leg the same addresses, and the tracker ties a
// stream to the leg whose SDP came last, so each leg alone looks one-way.
std::optional<decode::MediaAssessment> assessCallMedia(sqlite3* db, EndpointCache& endpoints, std::int64_t callKey,
                                                       std::int64_t answeredUs,
                                                       std::vector<decode::StreamOfCall> streams, bool isRtpInCapture);
// Whether the capture (captures.id) had any RTP stream at all; true when the streams' captures are not known.
bool isRtpInCapture(sqlite3* db, std::int64_t captureId);
MediaStats readMediaStats(sqlite3* db, const Filter& filter);

}  // namespace sipscope::store::detail
