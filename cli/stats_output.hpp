// `sipscope stats` output: the summary (one JSON object, or section/name/count rows), the per-host listing and the
// per-interval listing, in table, CSV or JSON lines.
#pragma once

#include "cli/output.hpp"
#include "store/reader.hpp"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>
#include <vector>

namespace sipscope::cli {

// `top`: how many top talkers and failure codes to show.
// `media`: the media figures (issue 15), printed when the database has streams.
void printStats(std::ostream& out, Format format, const store::Stats& stats, std::size_t top, bool forTerminal,
                const store::MediaStats& media = {});
// One row per host: host, messages, sent, received, requests, responses, failures, calls.
void printHostStats(std::ostream& out, Format format, const std::vector<store::HostStats>& hosts, bool forTerminal);
// One row per bucket: start, end, calls, answered, failed calls, messages, requests, responses, failures.
void printIntervalStats(std::ostream& out, Format format, const std::vector<store::IntervalStats>& buckets,
                        std::int64_t intervalUs, bool forTerminal);
// "30s", "1m", "5m", "1h", "1d" (a positive whole number and a unit) in microseconds; nullopt otherwise.
std::optional<std::int64_t> parseInterval(std::string_view text);

}  // namespace sipscope::cli
