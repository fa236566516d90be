// The findings table read back (issue 16): the `findings` listing and a call's findings. Internal to store/ (the
// Reader's findings() and callFindings()).
#pragma once

#include "store/detail/row_values.hpp"
#include "store/reader.hpp"

#include <cstdint>
#include <vector>

namespace sipscope::store::detail {

class Connection;

std::vector<FindingRow> readFindings(Connection& db, EndpointCache& endpoints, const Filter& filter,
                                     const FindingFilter& only);
std::vector<FindingRow> readCallFindings(Connection& db, EndpointCache& endpoints, std::int64_t callKey);

}  // namespace sipscope::store::detail
