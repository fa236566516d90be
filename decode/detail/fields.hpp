// Grammar checks and typed readers for the header values the parser understands (RFC 3261 §20, §25).
// Each returns an empty view when the value is well formed, else a static reason; it fills what it could read.
#pragma once

#include "decode/sip_message.hpp"

#include <cstdint>
#include <string_view>

namespace sipscope::decode::detail {

// name-addr / addr-spec with header parameters (From, To, one Contact element). RFC 3261 §20.10, §25.1.
std::string_view readNameAddr(std::string_view value, NameAddr& out);
// A whole Contact value: "*" or a comma-separated list of name-addr / addr-spec elements (RFC 3261 §20.10).
std::string_view checkContact(std::string_view value);

// Every via-parm of one Via header value, each SIP/2.0 (RFC 3261 §20.42); `top` (may be null) receives the first.
std::string_view readVia(std::string_view value, ViaHop* top);
// One via-parm of any protocol version (parseViaHop, the typed reader).
std::string_view readViaHop(std::string_view element, ViaHop& out);

// "1*DIGIT LWS Method"; the number must fit 32 bits (RFC 3261 §8.1.1.5).
std::string_view readCSeq(std::string_view value, CSeq& out);
// Content-Length: 1*DIGIT that fits 32 bits (RFC 3261 §20.14).
std::string_view readContentLength(std::string_view value, std::uint32_t& out);
// Max-Forwards: an integer in 0..255 (RFC 3261 §20.22).
std::string_view checkMaxForwards(std::string_view value);
// Date: an RFC 1123 date in GMT (RFC 3261 §20.17).
std::string_view checkDate(std::string_view value);
// The Request-URI of a request line (RFC 3261 §7.1, §19.1.5): an absolute URI without LWS, no <>, and for
// sip/sips no escaped headers.
std::string_view checkRequestUri(std::string_view uri);

}  // namespace sipscope::decode::detail
