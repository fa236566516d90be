// What the store keeps as text or numbers, made the typed values of the rows (store/reader.hpp). Each is the inverse
// of the one name table of its enum (capture::transportName, decode::callStateName, decode::callKindName), so no
// name is written twice.
#pragma once

#include "capture/packet.hpp"
#include "decode/correlator.hpp"

#include <cstdint>
#include <string_view>

namespace sipscope::store::detail {

// messages.transport. A number this version has no name for stays out of the enum's named values, so
// capture::transportName prints it as "unknown" rather than as some other transport.
capture::Transport transportOf(std::int64_t stored);
// calls.state. A name this version does not know is a value without a name (callStateName: "unknown").
decode::CallState callStateOf(std::string_view name);
// calls.kind. A name this version does not know is CallKind::Other.
decode::CallKind callKindOf(std::string_view name);

}  // namespace sipscope::store::detail
