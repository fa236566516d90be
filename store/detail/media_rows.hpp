// The rows of the media table: one per m= line of a message's SDP (RFC 8866 §5.14), with its codecs as text.
#pragma once

#include "decode/correlator.hpp"
#include "decode/sdp.hpp"
#include "store/detail/batch.hpp"

#include <cstdint>
#include <string_view>

namespace sipscope::store::detail {

// Parses `sdp` (the SDP of batch.messages[messageIndex]) and appends one MediaRecord per m= line, its strings in
// batch.strings. Nothing is added for a description without m= lines. Returns the parsed description (valid until
// the parser's next parse), for the media tracker.
const decode::SessionDescriptionView& addMediaRecords(Batch& batch, decode::SdpParser& parser, std::string_view sdp,
                                                      std::uint32_t messageIndex, std::uint64_t callKey,
                                                      decode::SdpRole role);

}  // namespace sipscope::store::detail
