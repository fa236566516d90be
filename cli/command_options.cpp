// The options several commands share, and their checks.
#include "cli/command_options.hpp"

#include "store/filter_parse.hpp"

#include <CLI/CLI.hpp>

#include <array>
#include <stdexcept>
#include <string_view>

namespace sipscope::cli {

namespace {

// The values each filter takes, for --help (the errors of store/filter_parse list the same).
template <typename Names>
std::string joined(const Names& names) {
    std::string list;
    for (std::string_view name : names)
        list.append(list.empty() ? "" : " ").append(name);
    return list;
}

}  // namespace

void addDatabase(CLI::App* command, std::string& db) {
    command->add_option("--db", db, "SQLite file or postgresql:// URL (default ./sipscope.db)");
}

void addFormat(CLI::App* command, std::string& format) {
    command->add_option("--format", format, "Output format")
        ->check(CLI::IsMember({"table", "csv", "json"}))
        ->default_str("table");
}

Format formatOf(const std::string& name) {
    return name == "json" ? Format::Json : name == "csv" ? Format::Csv : Format::Table;
}

void addFilters(CLI::App* command, FilterOptions& options, bool subscriptionStates) {
    command->add_option("--from", options.from, "From user or URI contains this (case-insensitive)");
    command->add_option("--to", options.to, "To user or URI contains this (case-insensitive)");
    command->add_option("--call-id", options.callId, "Exactly this Call-ID (or the call with this key)");
    command->add_option("--method", options.method, "Method (of the call's first request, or of the message)");
    command->add_option("--status", options.status,
                        "Final status code (calls) or status code (messages), 100-699, or a class: 1xx ... 6xx");
    command->add_option("--state", options.state,
                        subscriptionStates ? "Subscription state: " + joined(store::SubscriptionStates)
                                           : "Call state: " + joined(store::callStates()));
    command->add_option("--kind", options.kind, "Call kind: " + joined(store::callKinds()));
    command->add_option("--since", options.since,
                        "From this time on: ISO 8601 UTC (2024-05-01T12:00:00Z), a date (2024-05-01: from midnight "
                        "UTC) or epoch seconds");
    command->add_option("--until", options.until,
                        "Up to this time, included: ISO 8601 UTC, a date (2024-05-01: to the end of that day, UTC) "
                        "or epoch seconds");
    command->add_option("--host", options.host, "A host (ip, ip:port or [IPv6]:port) that sent or received a message");
    command->add_option("--limit", options.limitText, "At most this many rows (1 or more)")->type_name("N");
}

void checkFilters(FilterOptions& options, bool subscriptionStates, const std::string& call) {
    store::Filter& filter = options.filter;
    auto take = [](const auto& parsed, const char* name) {
        if (!parsed)
            throw CLI::ValidationError(name, parsed.error);
        return *parsed.value;
    };
    filter.from = options.from;
    filter.to = options.to;
    filter.callId = options.callId;
    if (options.method)
        filter.method = take(store::parseMethod(*options.method), "--method");
    if (options.status)
        store::applyStatus(take(store::parseStatus(*options.status), "--status"), filter);
    if (options.state)
        filter.state = take(subscriptionStates ? store::parseSubscriptionState(*options.state)
                                               : store::parseCallState(*options.state),
                            "--state");
    if (options.kind)
        filter.kind = take(store::parseCallKind(*options.kind), "--kind");
    if (options.host)
        filter.host = take(store::parseHost(*options.host), "--host");
    if (options.event)
        filter.event = take(store::parseEventPackage(*options.event), "--event");
    if (options.since)
        filter.sinceUs = take(store::parseTime(*options.since, store::TimeBound::Since), "--since");
    if (options.until)
        filter.untilUs = take(store::parseTime(*options.until, store::TimeBound::Until), "--until");
    if (filter.sinceUs && filter.untilUs && *filter.sinceUs > *filter.untilUs)
        throw CLI::ValidationError("--until", "'" + *options.until + "' is before --since '" + *options.since +
                                                  "': nothing can match");
    if (options.limitText)
        options.limit = take(store::parseLimit(*options.limitText), "--limit");
    filter.limit = options.limit;
    if (options.callId && !call.empty())
        throw CLI::ValidationError("--call-id", "--call and --call-id both choose the call: give one of them");
}

bool hasCallFilters(const FilterOptions& o) {
    return o.from || o.to || o.callId || o.method || o.status || o.state || o.kind || o.since || o.until || o.host;
}

void addSort(CLI::App* command, SortOptions& options) {
    command->add_option("--sort", options.field,
                        "Sort by this field (a JSON field name, e.g. start, duration, status)");
    command->add_flag("--reverse", options.reverse, "Reverse the order (largest or newest first)");
}

void checkSortField(const SortOptions& options, const std::vector<Row>& examples) {
    if (options.field.empty())
        return;
    std::string names;
    for (const Row& example : examples)
        for (const auto& item : example.items()) {
            if (item.key() == options.field)
                return;
            if (names.find(" " + item.key() + ",") == std::string::npos)
                names += " " + item.key() + ",";
        }
    names.pop_back();
    throw CLI::ValidationError("--sort", "'" + options.field + "' is not a field; use one of" + names);
}

void addGrep(CLI::App* command, GrepOptions& options, bool ofCalls) {
    command->add_option("--grep", options.pattern,
                        std::string(ofCalls ? "Only calls with a message" : "Only messages") +
                            " whose raw text matches this POSIX extended regular expression (first 64 KiB of each "
                            "message; no back-references)");
    command->add_flag("-i,--ignore-case", options.ignoreCase, "--grep ignores case");
}

std::unique_ptr<TextSearch> searchOf(const GrepOptions& options) {
    if (!options.pattern)
        return nullptr;
    try {
        return std::make_unique<TextSearch>(*options.pattern, options.ignoreCase);
    } catch (const std::invalid_argument& error) {
        throw CLI::ValidationError("--grep", error.what());
    }
}

void addAliases(CLI::App* command, std::optional<std::string>& aliases) {
    command->add_option("--aliases", aliases,
                        "Host names file, lines 'ADDRESS = NAME' (default ./sipscope.aliases or "
                        "~/.config/sipscope/aliases; 'none' for no names)");
}

ladder::HostAliases loadAliases(const std::optional<std::string>& aliases) {
    using ladder::HostAliases;
    if (aliases)
        return *aliases == "none" ? HostAliases() : HostAliases::load(*aliases);
    const std::string path = HostAliases::defaultPath();
    return path.empty() ? HostAliases() : HostAliases::load(path);
}

}  // namespace sipscope::cli
