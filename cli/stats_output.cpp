// Statistics printing. The summary keeps the stats JSON object of DESIGN.md and adds the breakdowns to it.
#include "cli/stats_output.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace sipscope::cli {

namespace {

Row delayRow(const store::DelayStats& delay) {
    Row row;
    row["count"] = delay.count;
    row["mean_ms"] = delay.count ? Row(delay.meanMs) : Row();
    row["min_ms"] = delay.count ? Row(delay.minMs) : Row();
    row["max_ms"] = delay.count ? Row(delay.maxMs) : Row();
    row["p50_ms"] = delay.count ? Row(delay.p50Ms) : Row();
    row["p95_ms"] = delay.count ? Row(delay.p95Ms) : Row();
    return row;
}

// The RFC 6076 metrics, each named once: its key in the stats JSON object ("rfc6076") and its name in the table.
template <typename Value>
struct Metric {
    const char* key;
    const char* name;
    Value store::Rfc6076::*field;
};
constexpr Metric<store::DelayStats> DelayMetrics[] = {
    {"rrd", "RRD registration request delay", &store::Rfc6076::rrd},
    {"srd_successful", "SRD session request delay, answered", &store::Rfc6076::srdSuccessful},
    {"srd_failed", "SRD session request delay, failed", &store::Rfc6076::srdFailed},
    {"setup_successful", "setup time to 2xx", &store::Rfc6076::setupSuccessful},
    {"sdd", "SDD session disconnect delay", &store::Rfc6076::sdd},
    {"sdt", "SDT session duration", &store::Rfc6076::sdt},
};
constexpr Metric<std::optional<double>> RatioMetrics[] = {
    {"ser_percent", "SER establishment ratio", &store::Rfc6076::ser},
    {"seer_percent", "SEER establishment effort ratio", &store::Rfc6076::seer},
    {"isa_percent", "ISA ineffective attempts", &store::Rfc6076::isa},
    {"scr_percent", "SCR completion ratio", &store::Rfc6076::scr},
};

Row rfc6076Row(const store::Rfc6076& m) {
    Row row;
    row["invites"] = m.invites;
    for (const auto& metric : DelayMetrics)
        row[metric.key] = delayRow(m.*metric.field);
    for (const auto& metric : RatioMetrics)
        row[metric.key] = exports::valueOrNull(m.*metric.field);
    return row;
}

// Responses by class: "1xx".."6xx", each present (0 when none).
std::map<std::string, std::uint64_t> responseClasses(const store::Stats& stats) {
    std::map<std::string, std::uint64_t> classes;
    for (int c = 1; c <= 6; ++c)
        classes[std::to_string(c) + "xx"] = 0;
    for (const auto& [code, count] : stats.responses)
        if (code >= 100 && code <= 699)
            classes[std::to_string(code / 100) + "xx"] += count;
    return classes;
}

// The table's reading of a delay: "mean 5.5 ms (1.9–27.7), p50 4.2, p95 20.1 over 10".
std::string delayText(const store::DelayStats& d) {
    if (!d.count)
        return "-";
    char text[160];
    std::snprintf(text, sizeof text, "mean %.1f ms (%.1f–%.1f), p50 %.1f, p95 %.1f over %llu", d.meanMs, d.minMs,
                  d.maxMs, d.p50Ms, d.p95Ms, static_cast<unsigned long long>(d.count));
    return text;
}

std::string percentText(const std::optional<double>& value) {
    if (!value)
        return "-";
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %%", *value);
    return text;
}

// Prints a row per item, made by `rowOf`. An empty list prints its header alone: the row of a default item names
// the CSV columns (an example row, not printed).
template <typename Item, typename RowOf>
void printEach(std::ostream& out, Format format, const std::vector<Item>& items, RowOf rowOf,
               const std::vector<Column>& columns, bool forTerminal) {
    std::vector<Row> rows;
    rows.reserve(items.size());
    for (const Item& item : items)
        rows.push_back(rowOf(item));
    std::vector<Row> examples;
    if (items.empty())
        examples.push_back(rowOf(Item{}));
    printRows(out, format, rows, columns, forTerminal, examples);
}

}  // namespace

// "4.0-4.5": the MOS band of media.mosBands[i].
std::string mosBandName(const store::MediaStats& media, std::size_t i) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f-%.1f", media.mosBands[i].first,
                  i + 1 < media.mosBands.size() ? media.mosBands[i + 1].first : 4.5);
    return text;
}

void printStats(std::ostream& out, Format format, const store::Stats& stats, std::size_t top, bool forTerminal,
                const store::MediaStats& media) {
    const std::size_t talkers = std::min(top, stats.hosts.size());
    const std::size_t failures = std::min(top, stats.failures.size());
    if (format == Format::Json) {
        Row row;
        row["messages"] = stats.messages;
        row["invalid_messages"] = stats.invalidMessages;
        row["retransmissions"] = stats.retransmissions;
        row["calls"] = stats.calls;
        row["requests"] = Row::object();
        for (const auto& [method, count] : stats.requests)
            row["requests"][method] = count;
        row["responses"] = Row::object();
        for (const auto& [code, count] : stats.responses)
            row["responses"][std::to_string(code)] = count;
        row["response_classes"] = Row::object();
        for (const auto& [name, count] : responseClasses(stats))
            row["response_classes"][name] = count;
        row["call_states"] = Row::object();
        for (const auto& [state, count] : stats.callStates)
            row["call_states"][state] = count;
        row["call_outcomes"] = Row::object();
        for (const auto& [outcome, count] : stats.callOutcomes)
            row["call_outcomes"][outcome] = count;
        row["ended_by"] = Row::object();
        for (const auto& [side, count] : stats.endedBy)
            row["ended_by"][side] = count;
        row["top_talkers"] = Row::array();
        for (std::size_t i = 0; i < talkers; ++i) {
            const store::HostStats& host = stats.hosts[i];
            row["top_talkers"].push_back({{"host", host.host.toString()},
                                          {"messages", host.sent + host.received},
                                          {"sent", host.sent},
                                          {"received", host.received}});
        }
        row["top_failures"] = Row::array();
        for (std::size_t i = 0; i < failures; ++i) {
            const store::FailureCount& failure = stats.failures[i];
            row["top_failures"].push_back(
                {{"status", failure.status}, {"reason", failure.reason}, {"count", failure.count}});
        }
        row["rfc6076"] = rfc6076Row(stats.rfc6076);
        if (media.hasStreams) {
            Row& m = row["media"] = Row::object();
            m["streams"] = media.streams;
            m["unassociated_streams"] = media.unassociatedStreams;
            m["verdicts"] = Row::object();
            for (const auto& [verdict, count] : media.verdicts)
                m["verdicts"][verdict] = count;
            m["mos"] = Row::object();
            for (std::size_t i = 0; i < media.mosBands.size(); ++i)
                m["mos"][mosBandName(media, i)] = media.mosBands[i].second;
            m["mean_mos"] = exports::valueOrNull(media.meanMos);
            m["min_mos"] = exports::valueOrNull(media.minMos);
        }
        printRows(out, format, {row}, {}, forTerminal);
        return;
    }
    // Table and CSV: one row per figure, grouped by section. CSV gives every figure its own numeric columns (a
    // count; a delay's count, mean, min, max, p50 and p95 in ms; a ratio's percent), empty where a figure has none;
    // the table has one Value column, a delay and a ratio read as text there.
    const bool isCsv = format == Format::Csv;
    std::vector<Row> rows;
    auto add = [&](const std::string& section, const std::string& name, const Row& count) -> Row& {
        Row row;
        row["section"] = section;
        row["name"] = name;
        row[isCsv ? "count" : "value"] = count;
        if (isCsv)
            for (const char* key : {"mean_ms", "min_ms", "max_ms", "p50_ms", "p95_ms", "percent"})
                row[key] = Row();
        rows.push_back(std::move(row));
        return rows.back();
    };
    add("total", "messages", stats.messages);
    add("total", "invalid messages", stats.invalidMessages);
    add("total", "retransmissions", stats.retransmissions);
    add("total", "calls", stats.calls);
    for (const auto& [method, count] : stats.requests)
        add("request", method, count);
    for (const auto& [name, count] : responseClasses(stats))
        add("response class", name, count);
    for (const auto& [code, count] : stats.responses)
        add("response", std::to_string(code), count);
    for (const auto& [state, count] : stats.callStates)
        add("call state", state, count);
    for (const auto& [outcome, count] : stats.callOutcomes)
        add("call outcome", outcome, count);
    for (const auto& [side, count] : stats.endedBy)
        add("ended by", side, count);
    for (std::size_t i = 0; i < talkers; ++i)
        add("top talker", stats.hosts[i].host.toString(), stats.hosts[i].sent + stats.hosts[i].received);
    for (std::size_t i = 0; i < failures; ++i) {
        const store::FailureCount& failure = stats.failures[i];
        add("top failure", std::to_string(failure.status) + (failure.reason.empty() ? "" : " " + failure.reason),
            failure.count);
    }
    const store::Rfc6076& m = stats.rfc6076;
    auto addDelay = [&](const std::string& name, const store::DelayStats& delay) {
        Row& row = add("rfc6076", name, delay.count);
        if (!isCsv) {
            row["value"] = delayText(delay);
            return;
        }
        const Row numbers = delayRow(delay);
        for (const char* key : {"mean_ms", "min_ms", "max_ms", "p50_ms", "p95_ms"})
            row[key] = numbers[key];
    };
    auto addRatio = [&](const std::string& name, const std::optional<double>& percent) {
        Row& row = add("rfc6076", name, Row());
        if (isCsv)
            row["percent"] = exports::valueOrNull(percent);
        else
            row["value"] = percentText(percent);
    };
    for (const auto& metric : DelayMetrics)
        addDelay(metric.name, m.*metric.field);
    for (const auto& metric : RatioMetrics)
        addRatio(metric.name, m.*metric.field);
    if (media.hasStreams) {
        add("media", "streams", media.streams);
        add("media", "unassociated streams", media.unassociatedStreams);
        for (const auto& [verdict, count] : media.verdicts)
            add("media verdict", verdict, count);
        for (std::size_t i = 0; i < media.mosBands.size(); ++i)
            add("MOS", mosBandName(media, i), media.mosBands[i].second);
        if (media.meanMos) {
            char text[64];
            std::snprintf(text, sizeof text, "%.2f (min %.2f)", *media.meanMos, media.minMos.value_or(0));
            add("MOS", "mean", isCsv ? Row(*media.meanMos) : Row(text));
        }
    }
    printRows(out, format, rows, {{"section", "Section", 14}, {"name", "Name", 36}, {"value", "Value", 64}},
              forTerminal);
}

void printHostStats(std::ostream& out, Format format, const std::vector<store::HostStats>& hosts, bool forTerminal) {
    auto rowOf = [](const store::HostStats& host) {
        Row row;
        row["host"] = host.host.toString();
        row["messages"] = host.sent + host.received;
        row["sent"] = host.sent;
        row["received"] = host.received;
        row["requests_sent"] = host.requestsSent;
        row["responses_sent"] = host.responsesSent;
        row["failures_sent"] = host.failuresSent;
        row["calls"] = host.calls;
        return row;
    };
    printEach(out, format, hosts, rowOf,
              {{"host", "Host", 48},
               {"messages", "Msgs", 8},
               {"sent", "Sent", 8},
               {"received", "Received", 8},
               {"requests_sent", "Requests", 8},
               {"responses_sent", "Responses", 9},
               {"failures_sent", "Failures", 8},
               {"calls", "Calls", 8}},
              forTerminal);
}

void printIntervalStats(std::ostream& out, Format format, const std::vector<store::IntervalStats>& buckets,
                        std::int64_t intervalUs, bool forTerminal) {
    auto rowOf = [intervalUs](const store::IntervalStats& bucket) {
        Row row;
        row["start"] = isoTimestamp(bucket.startUs);
        row["end"] = isoTimestamp(bucket.startUs + intervalUs);
        row["calls"] = bucket.calls;
        row["answered_calls"] = bucket.answeredCalls;
        row["failed_calls"] = bucket.failedCalls;
        row["messages"] = bucket.messages;
        row["requests"] = bucket.requests;
        row["responses"] = bucket.responses;
        row["failures"] = bucket.failures;
        return row;
    };
    printEach(out, format, buckets, rowOf,
              {{"start", "Start", 27},
               {"calls", "Calls", 6},
               {"answered_calls", "Answered", 8},
               {"failed_calls", "Failed", 6},
               {"messages", "Msgs", 8},
               {"requests", "Requests", 8},
               {"responses", "Responses", 9},
               {"failures", "Failures", 8}},
              forTerminal);
}

std::optional<std::int64_t> parseInterval(std::string_view text) {
    std::int64_t count = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
    if (error != std::errc() || count <= 0 || end + 1 != text.data() + text.size())
        return std::nullopt;
    std::int64_t unit = 0;
    switch (*end) {
    case 's': unit = 1'000'000; break;
    case 'm': unit = 60'000'000; break;
    case 'h': unit = 3'600'000'000; break;
    case 'd': unit = 86'400'000'000; break;
    default: return std::nullopt;
    }
    if (count > 366 * 86'400'000'000LL / unit)
        return std::nullopt;  // more than a year
    return count * unit;
}

}  // namespace sipscope::cli
