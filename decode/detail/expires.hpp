// The expiry times a request or response carries, as the correlator's records keep them: an int, -1 = not given.
#pragma once

#include "decode/sip_message.hpp"

#include <cstdint>
#include <optional>

namespace sipscope::decode::detail {

// The Expires header as an int, or -1.
inline int expiresHeader(const SipMessageView& message) {
    const auto seconds = message.expires();
    return seconds && *seconds <= 0x7fffffffu ? static_cast<int>(*seconds) : -1;
}

// The expires parameter of the first Contact value, or -1.
inline int contactExpires(const SipMessageView& message) {
    const auto expires = findParam(message.contact().params, "expires");
    const auto seconds = expires ? parseDeltaSeconds(*expires) : std::nullopt;
    return seconds && *seconds <= 0x7fffffffu ? static_cast<int>(*seconds) : -1;
}

}  // namespace sipscope::decode::detail
