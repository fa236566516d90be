// The statistics over the calls and messages a store::Filter selects: the `stats` summary with RFC 6076, per host,
// per time interval. Internal to store/ (the Reader's stats(), hostStats() and intervalStats(), documented there).
#pragma once

#include "store/reader.hpp"

#include <cstdint>
#include <vector>

namespace sipscope::store::detail {

class Connection;

Stats readStats(Connection& db, const Filter& filter);
std::vector<HostStats> readHostStats(Connection& db, const Filter& filter);
std::vector<IntervalStats> readIntervalStats(Connection& db, const Filter& filter, std::int64_t intervalUs,
                                             bool withMessages);

}  // namespace sipscope::store::detail
