// Header names: the compact forms of RFC 3261 §7.3.3 (and the IANA registry) and the headers the parser types.
#pragma once

#include <cstdint>
#include <string_view>

namespace sipscope::decode::detail {

// The headers the parser reads into typed fields or checks; everything else is Other.
enum class HeaderId : std::uint8_t {
    Other,
    CallId,
    CSeq,
    From,
    To,
    Via,
    ContentLength,
    ContentType,
    MaxForwards,
    Contact,
    Date,
};

// The long form of a one-letter compact name ("i" -> "Call-ID"); any other name comes back unchanged.
std::string_view expandCompactName(std::string_view name);
// Which typed header a wire name is, compact forms and any letter case included.
HeaderId classifyHeader(std::string_view wireName);

}  // namespace sipscope::decode::detail
