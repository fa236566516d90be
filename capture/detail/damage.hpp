// The error of a capture file damaged after its header, in the words every reader uses: the file, the byte
// offset of the record or block at fault, the packets read before it, what is wrong, and that those were kept.
#pragma once

#include "common/error.hpp"

#include <cstdint>
#include <string>

namespace sipscope::capture::detail {

inline Error damagedCapture(const std::string& name, std::uint64_t offset, std::uint64_t packetsBefore,
                            const std::string& reason) {
    return Error(name + ": damaged capture at byte " + std::to_string(offset) + " (after packet " +
                 std::to_string(packetsBefore) + "): " + reason + "; the packets before it were kept");
}

}  // namespace sipscope::capture::detail
