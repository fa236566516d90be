// `sipscope stats`: the summary, or one row per host (--by-host) or per time bucket (--interval).
#include "cli/stats_command.hpp"

#include "cli/call_lookup.hpp"
#include "cli/stats_output.hpp"

#include <CLI/CLI.hpp>

namespace sipscope::cli {

void addStatsOptions(CLI::App* command, StatsOptions& options) {
    command->add_flag("--by-host", options.byHost, "One row per host (ip:port): messages sent and received, failures");
    command->add_option("--interval", options.interval, "One row per time bucket: 30s, 1m, 5m, 1h, 1d");
    command->add_option("--top", options.top, "How many top talkers and failure codes (default 10)")
        ->check(CLI::Range(1, 1000000));
}

StatsCommand addStatsCommand(CLI::App& app) {
    StatsCommand stats;
    stats.options = std::make_unique<StatsOptions>();
    StatsOptions& o = *stats.options;
    CLI::App* command = app.add_subcommand("stats", "Requests by method, responses by code and class, calls by state "
                                                    "and outcome, top talkers and failures, RFC 6076 metrics");
    addFormat(command, o.format);
    addFilters(command, o.filters);
    addStatsOptions(command, o);
    command->footer("Examples:\n  sipscope stats --format json\n  sipscope stats --by-host\n"
                    "  sipscope stats --interval 5m --format csv");
    addDatabase(command, o.db);
    stats.command = command;
    return stats;
}

int runStats(const StatsOptions& options, std::ostream& out, bool forTerminal) {
    store::Filter filter = options.filters.filter;
    std::optional<std::int64_t> intervalUs;
    if (options.interval && !(intervalUs = parseInterval(*options.interval)))
        throw CLI::ValidationError("--interval", "'" + *options.interval +
                                                     "' is not an interval: use a number and "
                                                     "s, m, h or d, such as 30s, 1m, 5m, 1h");
    if (intervalUs && options.byHost)
        throw CLI::ValidationError("--interval", "--interval and --by-host are two listings: choose one");
    store::Reader reader(options.db);
    resolveCallIdFilter(reader, filter);
    const Format format = formatOf(options.format);
    if (options.byHost) {
        auto hosts = reader.hostStats(filter);
        if (options.filters.limit && hosts.size() > options.filters.limit)
            hosts.resize(options.filters.limit);
        printHostStats(out, format, hosts, forTerminal);
    } else if (intervalUs)
        printIntervalStats(out, format, reader.intervalStats(filter, *intervalUs), *intervalUs, forTerminal);
    else
        printStats(out, format, reader.stats(filter), options.top, forTerminal, reader.mediaStats(filter));
    return ExitOk;
}

}  // namespace sipscope::cli
