// The streams table read back (issue 15): the `streams` listing, a call's streams, its media verdict and the media
// figures of `stats`. Internal to store/ (the Reader's streams(), callStreams(), mediaVerdict(), mediaStats()).
#pragma once

#include "store/detail/row_values.hpp"
#include "store/detail/statement.hpp"
#include "store/reader.hpp"

#include <cstdint>
#include <vector>

namespace sipscope::store::detail {

class Connection;

std::vector<StreamRow> readStreams(Connection& db, EndpointCache& endpoints, const Filter& filter);
std::vector<StreamRow> readCallStreams(Connection& db, EndpointCache& endpoints, std::int64_t callKey);
std::optional<StreamRow> readStream(Connection& db, EndpointCache& endpoints, std::int64_t streamKey);
// A B2BUA that passes the SDP through while the media flows end to end gives both legs the same addresses, and the
// tracker ties a stream to the leg whose SDP came last, so each leg alone looks one-way. These are the other legs'
// streams of a call, with the statements prepared once for many calls.
class OtherLegs {
public:
    explicit OtherLegs(Connection& db);
    // The streams from one of the call's SDP addresses to another, in the call's time, tied to another call; each
    // with the sender this call's SDP gives it (to an address of its offer: the answerer).
    std::vector<StreamRow> streams(EndpointCache& endpoints, std::int64_t callKey);
    // The call's own streams, as readCallStreams gives them.
    std::vector<StreamRow> callStreams(EndpointCache& endpoints, std::int64_t callKey);
    // The media verdict of an answered call from its streams (decode::assessMedia); when they say `none` or
    // `one-way`, what its SDP negotiated counts (only one party, or nobody, meant to send), then its other legs'
    // streams, and the reason says so.
    std::optional<decode::MediaAssessment> assess(EndpointCache& endpoints, std::int64_t callKey,
                                                  std::int64_t answeredUs,
                                                  std::vector<decode::StreamOfCall> callStreams, bool isRtpInCapture);

private:
    // Who the call's first offer and answer (first m= line) let send.
    decode::NegotiatedMedia negotiated(std::int64_t callKey);

    Statement m_media;
    Statement m_directions;
    Statement m_endpointId;
    Statement m_other;
    Statement m_own;
};

// Whether the capture (captures.id) had any RTP stream at all; true when the streams' captures are not known.
bool isRtpInCapture(Connection& db, std::int64_t captureId);
MediaStats readMediaStats(Connection& db, const Filter& filter);

}  // namespace sipscope::store::detail
