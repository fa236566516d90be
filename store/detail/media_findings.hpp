// The media findings of an import (issue 16): each answered INVITE call's media verdict (issue 15) that is not ok,
// written once every stream is stored. Internal to store/ (Ingest).
#pragma once

#include <cstdint>

namespace sipscope::store {
class Database;
}

namespace sipscope::store::detail {

// For the calls from `firstCallKey` on: decode::mediaFinding of each answered INVITE call whose capture carried RTP
// (a signalling-only capture would call every call `none`), pointing at its 2xx, in one transaction. Returns how many
// were written. Throws sipscope::Error when the database cannot be written.
std::uint64_t writeMediaFindings(Database& db, std::uint64_t firstCallKey, std::uint64_t endCallKey);

}  // namespace sipscope::store::detail
