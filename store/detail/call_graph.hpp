// The graph of linked calls (the call_links table: a B2BUA's legs, transfers, Replaces): the size of each call's
// group and the calls one call reaches. Internal to store/ (the Reader).
#pragma once

#include "store/reader.hpp"

#include <cstdint>
#include <vector>

namespace sipscope::store::detail {

class Connection;

// Sets each row's `legs`: the size of its group of linked calls, a union-find over call_links (read only when it
// has rows).
void fillLegs(Connection& db, std::vector<CallRow>& rows);
// Every call linked to `callKey`, directly or through others, nearest first (breadth first), at most 1000.
std::vector<LinkedCallRow> linkedCalls(Connection& db, std::int64_t callKey);

}  // namespace sipscope::store::detail
