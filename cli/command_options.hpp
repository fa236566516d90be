// What several commands share: exit codes, the --db, --format, filter, --sort, --grep and --aliases options, and
// the checks that turn their text into values.
#pragma once

#include "cli/output.hpp"
#include "cli/text_search.hpp"
#include "ladder/host_aliases.hpp"
#include "store/reader.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace sipscope::cli {

constexpr int ExitOk = 0;
constexpr int ExitUsage = 1;
constexpr int ExitInput = 2;

constexpr const char* DefaultDatabase = "sipscope.db";

// Adds a subcommand's own --db (it wins over the top-level one; see main.cpp).
void addDatabase(CLI::App* command, std::string& db);

// --format table|csv|json (default table).
void addFormat(CLI::App* command, std::string& format);
Format formatOf(const std::string& name);

// The filters of the listings, stats and export pcap, as typed; checkFilters makes `filter` and `limit` of them.
struct FilterOptions {
    std::optional<std::string> from, to, callId, method, state, since, until, host, kind, event, status, limitText;
    std::size_t limit = 0;
    store::Filter filter;
};

// Adds --from ... --limit. `subscriptionStates`: --state takes the subscription states (of `subscriptions`).
void addFilters(CLI::App* command, FilterOptions& options, bool subscriptionStates = false);

// Checks every filter value against what --help lists and makes options.filter and options.limit of them; a usage
// error (CLI::ValidationError, exit 1) names the option, the value and what it takes. `call`: the command's --call
// (empty when it has none), which --call-id may not be given with.
void checkFilters(FilterOptions& options, bool subscriptionStates, const std::string& call = {});

// Whether any filter that chooses calls was given (export pcap takes --call or these, not both).
bool hasCallFilters(const FilterOptions& options);

// --sort FIELD and --reverse of the listings.
struct SortOptions {
    std::string field;
    bool reverse = false;
};
void addSort(CLI::App* command, SortOptions& options);
// --sort FIELD must name a field of the listing's rows (`examples`); throws CLI::ValidationError listing them.
void checkSortField(const SortOptions& options, const std::vector<Row>& examples);

// --grep REGEX and -i of the listings.
struct GrepOptions {
    std::optional<std::string> pattern;
    bool ignoreCase = false;
};
// `ofCalls`: the help says a call matches by any of its messages.
void addGrep(CLI::App* command, GrepOptions& options, bool ofCalls = false);
// --grep as a TextSearch, or null without it; a bad pattern is a usage error (CLI::ValidationError).
std::unique_ptr<TextSearch> searchOf(const GrepOptions& options);

// --aliases FILE of show and export ladder.
void addAliases(CLI::App* command, std::optional<std::string>& aliases);
// --aliases FILE, else the default file when there is one; "none" reads none.
ladder::HostAliases loadAliases(const std::optional<std::string>& aliases);

}  // namespace sipscope::cli
