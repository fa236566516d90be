// The sipscope commands: import, calls, messages, show, stats. Thin: queries come from store::Reader.
#include "cli/commands.hpp"
#include "cli/ingest_shared.hpp"

#include "capture/error.hpp"
#include "capture/packet_source.hpp"
#include "cli/call_lookup.hpp"
#include "cli/capture_command.hpp"
#include "cli/limits.hpp"
#include "cli/output.hpp"
#include "cli/stats_output.hpp"
#include "cli/text_search.hpp"
#include "export/export_file.hpp"
#include "export/frame_export.hpp"
#include "export/rows.hpp"
#include "ladder/host_aliases.hpp"
#include "ladder/ladder_export.hpp"
#include "ladder/ladder_model.hpp"
#include "ladder/ladder_text.hpp"
#include "ladder/svg_to_png.hpp"
#include "store/database.hpp"
#include "store/filter_parse.hpp"
#include "store/ingest.hpp"
#include "store/reader.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <filesystem>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <sstream>

namespace sipscope::cli {

namespace {

// The exporters live below the front ends (ladder/, export/), which the viewer shares.
using exports::callRow;
using exports::PcapExporter;
using exports::PcapExportReport;
using exports::writeExportFile;
using ladder::exportLadder;
using ladder::LadderFormat;
using ladder::LadderTextOptions;
using ladder::parseLadderFormat;
using ladder::PngRendererPackage;
using ladder::printLadder;
using ladder::renderSvgToPng;
using ladder::writeLadderSvg;

constexpr int ExitOk = 0;
constexpr int ExitUsage = 1;
constexpr int ExitInput = 2;

struct Options {
    std::string db = "sipscope.db";
    std::string format = "table";
    std::vector<std::string> files;
    bool quiet = false;
    bool noStore = false;
    bool timing = false;                   // import: --timing
    bool force = false;                    // import: --force, also files whose content is already stored
    std::vector<std::string> limits;       // import: --limit NAME=VALUE
    std::string sipPorts;                  // import: --sip-ports
    std::vector<std::string> linkHeaders;  // import: --link-header NAME, more headers that link B2BUA legs
    std::string call;
    std::string output;  // export: file to write, "-" for standard output
    bool raw = false;
    bool byIp = false;
    bool toFile = false;  // export to a file: CSV keeps the packet bytes instead of terminal escapes
    // Listings: --sort FIELD, --reverse; messages: --grep REGEX, --ignore-case.
    std::string sort;
    bool reverse = false;
    std::optional<std::string> grep;
    bool ignoreCase = false;
    // show: --color, --aliases, --all-legs.
    std::string color = "auto";
    std::optional<std::string> aliases;
    bool allLegs = false;
    // stats: --by-host, --interval, --top.
    bool byHost = false;
    std::optional<std::string> interval;
    std::size_t top = 10;
    // Filters, as typed; checkFilters makes `filter` and `limit` of them.
    std::optional<std::string> from, to, callId, method, state, since, until, host, kind, event, status, limitText;
    std::size_t limit = 0;
    store::Filter filter;
};

Format formatOf(const std::string& name) {
    return name == "json" ? Format::Json : name == "csv" ? Format::Csv : Format::Table;
}

void addFormat(CLI::App* command, Options& options) {
    command->add_option("--format", options.format, "Output format")
        ->check(CLI::IsMember({"table", "csv", "json"}))
        ->default_str("table");
}

// The values each filter takes, for --help (the errors of store/filter_parse list the same).
template <std::size_t N>
std::string joined(const std::array<std::string_view, N>& names) {
    std::string list;
    for (std::string_view name : names)
        list += (list.empty() ? "" : " ") + std::string(name);
    return list;
}

void addFilters(CLI::App* command, Options& options, bool subscriptionStates = false) {
    command->add_option("--from", options.from, "From user or URI contains this (case-insensitive)");
    command->add_option("--to", options.to, "To user or URI contains this (case-insensitive)");
    command->add_option("--call-id", options.callId, "Exactly this Call-ID (or the call with this key)");
    command->add_option("--method", options.method, "Method (of the call's first request, or of the message)");
    command->add_option("--status", options.status,
                        "Final status code (calls) or status code (messages), 100-699, or a class: 1xx ... 6xx");
    command->add_option("--state", options.state,
                        subscriptionStates ? "Subscription state: " + joined(store::SubscriptionStates)
                                           : "Call state: " + joined(store::CallStates));
    command->add_option("--kind", options.kind, "Call kind: " + joined(store::CallKinds));
    command->add_option("--since", options.since,
                        "From this time on: ISO 8601 UTC (2024-05-01T12:00:00Z), a date (2024-05-01: from midnight "
                        "UTC) or epoch seconds");
    command->add_option("--until", options.until,
                        "Up to this time, included: ISO 8601 UTC, a date (2024-05-01: to the end of that day, UTC) "
                        "or epoch seconds");
    command->add_option("--host", options.host, "A host (ip, ip:port or [IPv6]:port) that sent or received a message");
    command->add_option("--limit", options.limitText, "At most this many rows (1 or more)")->type_name("N");
}

void addSort(CLI::App* command, Options& options) {
    command->add_option("--sort", options.sort, "Sort by this field (a JSON field name, e.g. start, duration, status)");
    command->add_flag("--reverse", options.reverse, "Reverse the order (largest or newest first)");
}

void addGrep(CLI::App* command, Options& options, bool ofCalls = false) {
    command->add_option("--grep", options.grep,
                        std::string(ofCalls ? "Only calls with a message" : "Only messages") +
                            " whose raw text matches this POSIX extended regular expression (first 64 KiB of each "
                            "message; no back-references)");
    command->add_flag("-i,--ignore-case", options.ignoreCase, "--grep ignores case");
}

void addAliases(CLI::App* command, Options& options) {
    command->add_option("--aliases", options.aliases,
                        "Host names file, lines 'ADDRESS = NAME' (default ./sipscope.aliases or "
                        "~/.config/sipscope/aliases; 'none' for no names)");
}

void addStatsOptions(CLI::App* command, Options& options) {
    command->add_flag("--by-host", options.byHost, "One row per host (ip:port): messages sent and received, failures");
    command->add_option("--interval", options.interval, "One row per time bucket: 30s, 1m, 5m, 1h, 1d");
    command->add_option("--top", options.top, "How many top talkers and failure codes (default 10)")
        ->check(CLI::Range(1, 1000000));
}

// Checks every filter value against what --help lists and makes options.filter and options.limit of them; a usage
// error (exit 1) names the option, the value and what it takes. `subscriptionStates`: --state of `subscriptions`.
void checkFilters(Options& options, bool subscriptionStates) {
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
    if (options.callId && !options.call.empty())
        throw CLI::ValidationError("--call-id", "--call and --call-id both choose the call: give one of them");
}

const store::Filter& filterOf(const Options& options) { return options.filter; }

// Whether any filter that chooses calls was given (export pcap takes --call or these, not both).
bool hasCallFilters(const Options& o) {
    return o.from || o.to || o.callId || o.method || o.status || o.state || o.kind || o.since || o.until || o.host;
}

Row messageRow(const store::MessageRow& message, bool withText) {
    Row row;
    row["ts"] = isoTimestamp(message.timestampUs);
    row["src"] = message.src;
    row["dst"] = message.dst;
    row["transport"] = message.transport;
    row["call_id"] = message.callId ? Row(*message.callId) : Row();
    if (message.method)
        row["method"] = *message.method;
    else
        row["status"] = message.status ? Row(*message.status) : Row();
    row["reason"] = message.status ? Row(message.reason) : Row();
    row["cseq"] = message.cseq;
    row["cseq_method"] = message.cseqMethod.empty() ? Row() : Row(message.cseqMethod);
    row["valid"] = message.valid;
    row["error"] = message.error ? Row(*message.error) : Row();
    row["retransmission"] = message.retransmission;
    row["sdp"] = message.hasSdp;
    row["frame"] = message.frame;
    if (withText)
        row["text"] = message.text;
    return row;
}

int runImport(const Options& options) {
    // A file that cannot be opened, or is no capture, is reported in place of its counts; when no file can be read
    // the database is not even created.
    std::vector<std::string> readable;
    bool unreadable = false;
    for (const std::string& file : options.files) {
        if (file == "-") {
            readable.push_back(file);
            continue;
        }
        try {
            capture::openCaptureFile(file);
            readable.push_back(file);
        } catch (const Error& error) {
            std::cerr << "sipscope: " << escapeForTerminal(error.what()) << '\n';
            unreadable = true;
        }
    }
    if (readable.empty()) {
        std::cerr << "sipscope: nothing imported: no file could be read";
        if (!options.noStore)
            std::cerr << " (" << escapeForTerminal(options.db)
                      << (std::filesystem::exists(options.db) ? " left as it was)" : " not created)");
        std::cerr << '\n';
        return ExitInput;
    }
    store::IngestOptions ingest;
    ingest.writeDatabase = !options.noStore;
    ingest.allowDuplicates = options.force;
    applyLimits(options.limits, ingest);
    if (!options.sipPorts.empty())
        ingest.decoder.sipPorts = parsePortList(options.sipPorts);
    for (const std::string& name : options.linkHeaders)
        ingest.correlator.linkHeaders.push_back(name);
    const bool showProgress = !options.quiet && isatty(STDERR_FILENO);
    const auto started = std::chrono::steady_clock::now();
    if (showProgress) {
        // A progress line on a terminal only: bytes and percent of the file, messages per second, time left.
        ingest.onProgress = [started](const store::IngestProgress& progress) {
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            const double rate = seconds > 0 ? static_cast<double>(progress.messages) / seconds : 0;
            const double megabytes = static_cast<double>(progress.bytesRead) / 1e6;
            if (progress.totalBytes) {
                const double done = static_cast<double>(progress.bytesRead) / static_cast<double>(progress.totalBytes);
                const double left = done > 0 ? seconds * (1 - done) / done : 0;
                std::fprintf(stderr, "\r%s: %3.0f%%  %.1f/%.1f MB  %llu SIP messages  %.0f msg/s  ETA %.0f s   ",
                             escapeForTerminal(progress.file).c_str(), 100.0 * done, megabytes,
                             static_cast<double>(progress.totalBytes) / 1e6,
                             static_cast<unsigned long long>(progress.messages), rate, left);
            } else {
                std::fprintf(stderr, "\r%s: %.1f MB  %llu SIP messages  %.0f msg/s   ",
                             escapeForTerminal(progress.file).c_str(), megabytes,
                             static_cast<unsigned long long>(progress.messages), rate);
            }
        };
    }
    const store::IngestReport report = store::importFiles(options.db, readable, ingest);
    if (showProgress)
        std::fputs("\n", stderr);
    for (const store::FileReport& file : report.files) {
        if (file.skipped) {
            std::cout << escapeForTerminal(*file.skipped) << '\n';
            continue;
        }
        std::cout << escapeForTerminal(file.path) << ": " << file.packets << " packets, " << file.sipMessages
                  << " SIP messages";
        if (file.invalidMessages)
            std::cout << " (" << file.invalidMessages << " malformed, stored with the reason)";
        std::cout << '\n';
        if (file.error)
            std::cerr << "sipscope: " << escapeForTerminal(*file.error) << '\n';
    }
    std::cout << (options.noStore ? "decoded " : "stored ") << report.sipMessages << " SIP messages in " << report.calls
              << " calls" << (options.noStore ? " (nothing written)" : " into " + options.db) << '\n';
    printLosses(std::cout, report);
    if (options.timing) {
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        char line[200];
        std::snprintf(line, sizeof line,
                      "timing: %.2f s wall; reading and decoding %.2f s CPU; writing %.2f s CPU; the reader waited "
                      "%.2f s for the writer",
                      wall, report.readCpuSeconds, report.writeCpuSeconds, report.waitSeconds);
        std::cout << line << '\n';
    }
    return report.hasErrors() || unreadable ? ExitInput : ExitOk;
}

// --sort FIELD must name a field of the listing's rows.
void checkSortField(const Options& options, const std::vector<Row>& examples) {
    if (options.sort.empty())
        return;
    std::string names;
    for (const Row& example : examples)
        for (const auto& item : example.items()) {
            if (item.key() == options.sort)
                return;
            if (names.find(" " + item.key() + ",") == std::string::npos)
                names += " " + item.key() + ",";
        }
    names.pop_back();
    throw CLI::ValidationError("--sort", "'" + options.sort + "' is not a field; use one of" + names);
}

// Sorting needs every row before --limit cuts them.
void sortAndLimit(const Options& options, std::vector<Row>& rows) {
    sortRows(rows, options.sort, options.reverse, options.limit);
}

// --grep as a TextSearch, or null without it; a bad pattern is a usage error.
std::unique_ptr<TextSearch> searchOf(const Options& options) {
    if (!options.grep)
        return nullptr;
    try {
        return std::make_unique<TextSearch>(*options.grep, options.ignoreCase);
    } catch (const std::invalid_argument& error) {
        throw CLI::ValidationError("--grep", error.what());
    }
}

int runCalls(const Options& options, std::ostream& out) {
    checkSortField(options, {callRow(store::CallRow{})});
    const std::unique_ptr<TextSearch> search = searchOf(options);
    store::Filter filter = filterOf(options);
    if (search || !options.sort.empty() || options.reverse)
        filter.limit = 0;  // counted here, after the search and the sort
    store::Reader reader(options.db);
    resolveCallIdFilter(reader, filter);
    std::vector<Row> rows;
    std::set<std::string> callIds;
    bool repeatsCallId = false;  // a Call-ID listed twice: copies from different captures
    for (const auto& call : reader.calls(filter)) {
        if (search) {
            // A call matches when any of its messages does; its messages are read until the first match.
            bool matches = false;
            reader.forEachCallMessage({call.key}, true, [&](store::MessageRow& message) {
                matches = search->matches(message.text);
                return !matches;
            });
            if (!matches)
                continue;
        }
        rows.push_back(callRow(call));
        repeatsCallId = !callIds.insert(call.callId).second || repeatsCallId;
        if (search && options.sort.empty() && !options.reverse && options.limit && rows.size() == options.limit)
            break;
    }
    sortAndLimit(options, rows);
    // On a narrow terminal: duration, source, destination, ended by, method, messages and reason are left out first.
    std::vector<Column> columns = {{"key", "Key", 10},
                                   {"start", "Start", 27},
                                   {"duration", "Duration", 10, false, 1},
                                   {"from", "From", 32, true},
                                   {"to", "To", 32, true},
                                   {"src", "Source", 24, false, 2},
                                   {"dst", "Destination", 24, false, 3},
                                   {"method", "Method", 10, false, 5},
                                   {"state", "State", 11},
                                   {"status", "Status", 6},
                                   {"reason", "Reason", 24, true, 7},
                                   {"ended_by", "Ended by", 8, false, 4},
                                   {"messages", "Msgs", 5, false, 6},
                                   {"call_id", "Call-ID", 40, true}};
    // Which capture each call came from tells the copies of a Call-ID apart (a capture imported twice, or the same
    // calls captured at two places).
    if (repeatsCallId && formatOf(options.format) == Format::Table) {
        columns.push_back({"capture", "Capture", 40, true});
        // "#2 trace.pcap": the same file imported twice is two captures. The table names the file without its
        // folder, so the column's width does not cut the part that tells captures apart; JSON keeps the path.
        for (Row& row : rows)
            if (!row["capture_id"].is_null())
                row["capture"] = "#" + row["capture_id"].dump() + " " +
                                 (row["capture"].is_string()
                                      ? std::filesystem::path(row["capture"].get<std::string>()).filename().string()
                                      : std::string());
    }
    printRows(out, formatOf(options.format), rows, columns, !options.toFile, {callRow(store::CallRow{})});
    return ExitOk;
}

int runMessages(const Options& options, std::ostream& out) {
    store::MessageRow request, response;
    request.method = "INVITE";
    response.status = 200;
    checkSortField(options, {messageRow(request, options.raw), messageRow(response, options.raw)});
    const std::unique_ptr<TextSearch> search = searchOf(options);
    store::Filter filter = filterOf(options);
    if (search || !options.sort.empty() || options.reverse)
        filter.limit = 0;  // counted here, after the search and the sort
    const bool keepAll = !options.sort.empty() || options.reverse;
    store::Reader reader(options.db);
    resolveCallIdFilter(reader, filter);
    if (!options.call.empty())
        filter.callKey = resolveCall(reader, options.call, options.db).key;
    std::vector<Row> rows;
    reader.forEachMessage(filter, options.raw || search, [&](store::MessageRow& message) {
        if (search && !search->matches(message.text))
            return true;
        rows.push_back(messageRow(message, options.raw));
        return keepAll || !options.limit || rows.size() < options.limit;
    });
    sortAndLimit(options, rows);
    std::vector<Column> columns = {{"ts", "Time", 27},
                                   {"src", "Source", 24},
                                   {"dst", "Destination", 24},
                                   {"transport", "Proto", 5, false, 1},
                                   {"method", "Method", 10},
                                   {"status", "Status", 6},
                                   {"cseq", "CSeq", 8, false, 3},
                                   {"cseq_method", "", 10, false, 4},
                                   {"retransmission", "Retrans", 7, false, 2},
                                   {"error", "Error", 40, true, 5},
                                   {"call_id", "Call-ID", 40, true}};
    if (options.raw)
        columns.push_back({"text", "Text", 200, true});
    printRows(out, formatOf(options.format), rows, columns, !options.toFile,
              {messageRow(request, options.raw), messageRow(response, options.raw)});
    return ExitOk;
}

int runRegistrations(const Options& options, std::ostream& out) {
    store::Filter filter = filterOf(options);
    store::Reader reader(options.db);
    resolveCallIdFilter(reader, filter);
    std::vector<Row> rows;
    for (const auto& r : reader.registrations(filter)) {
        Row row;
        row["ts"] = isoTimestamp(r.requestUs);
        row["aor"] = r.aor;
        row["contact"] = r.contact.empty() ? Row() : Row(r.contact);
        row["expires"] = r.expires ? Row(*r.expires) : Row();
        row["granted_expires"] = r.grantedExpires ? Row(*r.grantedExpires) : Row();
        row["status"] = r.status;
        row["delay_ms"] = static_cast<double>(r.responseUs - r.requestUs) / 1000.0;
        row["bindings"] = r.bindings.empty() ? Row() : Row(r.bindings);
        row["src"] = r.src;
        row["dst"] = r.dst;
        row["call_id"] = r.callId;
        rows.push_back(std::move(row));
    }
    printRows(out, formatOf(options.format), rows,
              {{"ts", "Time", 27},
               {"aor", "AOR", 36, true},
               {"contact", "Contact", 36, true},
               {"expires", "Expires", 7},
               {"granted_expires", "Granted", 7},
               {"status", "Status", 6},
               {"delay_ms", "Delay ms", 9},
               {"src", "Source", 24},
               {"call_id", "Call-ID", 40, true}},
              !options.toFile);
    return ExitOk;
}

// Subscriptions (SUBSCRIBE, a REFER's implicit one) and publications (PUBLISH), one row each.
int runSubscriptions(const Options& options, std::ostream& out) {
    store::Filter filter = filterOf(options);
    store::Reader reader(options.db);
    resolveCallIdFilter(reader, filter);
    std::vector<Row> rows;
    auto optional = [](const std::optional<int>& value) { return value ? Row(*value) : Row(); };
    auto text = [](const std::string& value) { return value.empty() ? Row() : Row(value); };
    for (const auto& s : reader.subscriptions(filter)) {
        Row row;
        row["ts"] = isoTimestamp(s.startUs);
        row["last"] = isoTimestamp(s.lastUs);
        row["method"] = s.method;
        row["event"] = s.event;
        row["event_id"] = text(s.eventId);
        row["resource"] = s.resource;
        row["subscriber"] = s.subscriber;
        row["state"] = text(s.state);
        row["reason"] = text(s.reason);
        row["expires"] = optional(s.expires);
        row["granted_expires"] = optional(s.grantedExpires);
        row["state_expires"] = optional(s.stateExpires);
        row["status"] = optional(s.status);
        row["requests"] = s.requests;
        row["notifies"] = s.notifies;
        row["etag"] = text(s.etag);
        row["if_match"] = text(s.ifMatch);
        row["terminated"] = s.terminatedUs ? Row(isoTimestamp(s.terminatedUs)) : Row();
        row["src"] = s.src;
        row["dst"] = s.dst;
        row["call_id"] = s.callId;
        rows.push_back(std::move(row));
    }
    printRows(out, formatOf(options.format), rows,
              {{"ts", "Time", 27},
               {"method", "Method", 9},
               {"event", "Event", 16},
               {"resource", "Resource", 32, true},
               {"subscriber", "Subscriber", 32, true},
               {"state", "State", 10},
               {"reason", "Reason", 12, true},
               {"status", "Status", 6},
               {"notifies", "NOTIFYs", 7},
               {"granted_expires", "Expires", 7},
               {"call_id", "Call-ID", 40, true}},
              !options.toFile);
    return ExitOk;
}

// --aliases FILE, else the default file when there is one; "none" reads none.
ladder::HostAliases loadAliases(const Options& options) {
    using ladder::HostAliases;
    if (options.aliases)
        return *options.aliases == "none" ? HostAliases() : HostAliases::load(*options.aliases);
    const std::string path = HostAliases::defaultPath();
    return path.empty() ? HostAliases() : HostAliases::load(path);
}

// --all-legs: a call (#1) and every call linked to it (#2...), their messages merged in capture order.
struct AllLegs {
    std::vector<store::MessageRow> messages;
    std::vector<std::size_t> legs;   // leg index (0 = this call) of each message
    std::vector<ladder::Leg> names;  // per leg: Call-ID and how it is linked
    std::vector<std::int64_t> keys;  // per leg: its call key
};

AllLegs allLegs(const store::Reader& reader, const store::CallRow& call, const std::vector<store::MessageRow>& own,
                bool withText) {
    std::vector<std::pair<std::size_t, store::MessageRow>> merged;
    for (const auto& message : own)
        merged.emplace_back(0, message);
    AllLegs all;
    all.names.push_back({call.callId, "this call"});
    all.keys.push_back(call.key);
    for (const auto& linked : reader.linkedCalls(call.key)) {
        if (linked.callId.empty())
            continue;  // not in the calls table: no messages to draw
        all.names.push_back({linked.callId, linked.kind});
        all.keys.push_back(linked.key);
        for (auto& message : reader.callMessages(linked.key, withText))
            merged.emplace_back(all.names.size() - 1, std::move(message));
    }
    // Time order, ties in capture order: the order of each leg's own messages (store::Reader::callMessages).
    std::stable_sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) {
        return std::pair(a.second.timestampUs, a.second.id) < std::pair(b.second.timestampUs, b.second.id);
    });
    for (auto& [leg, message] : merged) {
        all.legs.push_back(leg);
        all.messages.push_back(std::move(message));
    }
    return all;
}

// The ladder model of a call's messages (or of every leg's, with --all-legs), columns named by the aliases and
// labels with the codecs of their SDP.
ladder::Model ladderModel(const store::Reader& reader, const Options& options, const ladder::HostAliases& aliases,
                          const std::vector<store::MessageRow>& messages, const AllLegs* all, std::int64_t callKey) {
    ladder::ModelOptions model;
    model.grouping = options.byIp ? ladder::ColumnGrouping::Ip : ladder::ColumnGrouping::Endpoint;
    model.aliases = &aliases;
    std::vector<std::int64_t> keys = {callKey};
    if (all && all->names.size() > 1) {
        model.legOfMessage = all->legs;
        model.legs = all->names;
        keys = all->keys;
    }
    for (const std::int64_t key : keys) {
        auto media = reader.callMedia(key);
        model.media.insert(model.media.end(), std::make_move_iterator(media.begin()),
                           std::make_move_iterator(media.end()));
    }
    return ladder::buildModel(messages, model);
}

int runShow(const Options& options) {
    const ladder::HostAliases aliases = loadAliases(options);
    const bool color =
        options.color == "always" || (options.color == "auto" && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR"));
    store::Reader reader(options.db);
    const std::optional<store::CallRow> call = resolveCall(reader, options.call, options.db);
    const auto messages = reader.callMessages(call->key, options.raw);
    std::cout << "Call-ID: " << escapeForTerminal(call->callId) << '\n'
              << "From:    " << escapeForTerminal(call->fromUri) << '\n'
              << "To:      " << escapeForTerminal(call->toUri) << '\n'
              << "Start:   " << isoTimestamp(call->startUs) << "  duration "
              << static_cast<double>(call->endUs - call->startUs) / 1e6 << " s\n"
              << "State:   " << call->state;
    if (call->status)
        std::cout << " (" << *call->status << ")";
    std::cout << ", " << call->messages << " messages, " << call->dialogs << " dialogs";
    if (!call->endedBy.empty())
        std::cout << ", ended by " << call->endedBy;
    std::cout << '\n';
    if (!call->reason.empty())
        std::cout << "Reason:  " << escapeForTerminal(call->reason) << '\n';
    if (call->attemptUs && call->finalUs) {
        // Setup time is that of an answered call (RFC 6076); a rejected or cancelled one shows its final response.
        if (call->answeredUs)
            std::cout << "Timings: setup " << static_cast<double>(call->answeredUs - call->attemptUs) / 1000.0 << " ms";
        else
            std::cout << "Timings: final response after "
                      << static_cast<double>(call->finalUs - call->attemptUs) / 1000.0 << " ms";
        if (call->firstProvisionalUs)
            std::cout << ", first 18x after "
                      << static_cast<double>(call->firstProvisionalUs - call->attemptUs) / 1000.0 << " ms";
        if (call->answeredUs && call->byeUs)
            std::cout << ", talk " << static_cast<double>(call->byeUs - call->answeredUs) / 1e6 << " s";
        std::cout << '\n';
    }
    if (call->reinvites || call->hasEarlyMedia || call->hasGlare)
        std::cout << "Session: " << call->reinvites << " re-INVITEs, " << call->holds << " holds, " << call->resumes
                  << " resumes" << (call->hasEarlyMedia ? ", early media" : "")
                  << (call->hasGlare ? ", glare (491)" : "") << '\n';
    for (const auto& dialog : reader.callDialogs(call->key))
        std::cout << "Dialog:  " << escapeForTerminal(dialog.fromTag) << " / " << escapeForTerminal(dialog.toTag)
                  << "  " << dialog.state << '\n';
    for (const auto& media : reader.callMedia(call->key))
        std::cout << "Media:   " << (media.role.empty() ? "sdp" : media.role) << " " << escapeForTerminal(media.type)
                  << " " << escapeForTerminal(media.address) << ":" << media.port << " "
                  << escapeForTerminal(media.proto) << " " << media.direction << " " << escapeForTerminal(media.codecs)
                  << (media.ptimeMs ? " ptime " + std::to_string(*media.ptimeMs) : std::string()) << '\n';
    store::Filter ofThisCall;
    ofThisCall.callId = call->callId;
    for (const auto& s : reader.subscriptions(ofThisCall)) {
        std::cout << "Subscr.: " << s.method << " " << escapeForTerminal(s.event)
                  << (s.eventId.empty() ? std::string() : ";id=" + escapeForTerminal(s.eventId)) << " "
                  << escapeForTerminal(s.resource) << "  " << (s.state.empty() ? "-" : escapeForTerminal(s.state));
        if (!s.reason.empty())
            std::cout << " (" << escapeForTerminal(s.reason) << ")";
        if (s.status)
            std::cout << ", status " << *s.status;
        std::cout << ", " << s.notifies << " NOTIFYs";
        if (!s.etag.empty())
            std::cout << ", SIP-ETag " << escapeForTerminal(s.etag);
        std::cout << '\n';
    }
    for (const auto& linked : reader.linkedCalls(call->key)) {
        std::cout << "Linked:  "
                  << (linked.callId.empty() ? "call " + std::to_string(linked.key) : escapeForTerminal(linked.callId))
                  << "  " << linked.kind << " (" << escapeForTerminal(linked.detail) << ")";
        if (!linked.state.empty())
            std::cout << "  " << linked.state;
        if (linked.status)
            std::cout << " (" << *linked.status << ")";
        std::cout << '\n';
    }
    std::cout << '\n';
    LadderTextOptions ladderOptions;
    ladderOptions.withRaw = options.raw;
    ladderOptions.color = color;
    ladderOptions.maxWidth = terminalWidth(STDOUT_FILENO);
    if (!options.allLegs) {
        printLadder(std::cout, ladderModel(reader, options, aliases, messages, nullptr, call->key), messages,
                    ladderOptions);
        return ExitOk;
    }
    const AllLegs all = allLegs(reader, *call, messages, options.raw);
    for (std::size_t leg = 1; leg < all.names.size(); ++leg)
        std::cout << "Leg #" << leg + 1 << ": " << escapeForTerminal(all.names[leg].callId) << "  "
                  << escapeForTerminal(all.names[leg].link) << '\n';
    if (all.names.size() > 1)
        std::cout << "Leg #1: " << escapeForTerminal(all.names[0].callId) << "  this call\n\n";
    printLadder(std::cout, ladderModel(reader, options, aliases, all.messages, &all, call->key), all.messages,
                ladderOptions);
    return ExitOk;
}

int runStats(const Options& options, std::ostream& out) {
    store::Filter filter = filterOf(options);
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
        if (options.limit && hosts.size() > options.limit)
            hosts.resize(options.limit);
        printHostStats(out, format, hosts, !options.toFile);
    } else if (intervalUs)
        printIntervalStats(out, format, reader.intervalStats(filter, *intervalUs), *intervalUs, !options.toFile);
    else
        printStats(out, format, reader.stats(filter), options.top, !options.toFile);
    return ExitOk;
}

// Runs a listing into the export file (or standard output for "-").
// Runs an export into its file (or standard output for "-"); a failed export leaves the file as it was.
int runExport(const Options& options, int (*listing)(const Options&, std::ostream&)) {
    if (options.output == "-")
        return listing(options, std::cout);
    Options toFile = options;
    toFile.toFile = true;
    const int code = writeExportFile(options.output, [&](std::ostream& file) { return listing(toFile, file); });
    if (code == ExitOk)
        std::cerr << "sipscope: wrote " << escapeForTerminal(options.output) << '\n';
    return code;
}

int runExportLadder(const Options& options) {
    LadderFormat format;
    const bool png = options.format == "png";
    if (!png && !parseLadderFormat(options.format, format))
        throw CLI::ValidationError("--format", "'" + options.format +
                                                   "' is not a ladder format: svg, png, "
                                                   "plantuml, mermaid or text");
    return runExport(options, [](const Options& o, std::ostream& out) {
        const bool asPng = o.format == "png";
        LadderFormat f = LadderFormat::Svg;
        if (!asPng)
            parseLadderFormat(o.format, f);
        const ladder::HostAliases aliases = loadAliases(o);
        store::Reader reader(o.db);
        const std::optional<store::CallRow> call = resolveCall(reader, o.call, o.db);
        auto messages = reader.callMessages(call->key, false);
        std::optional<AllLegs> all;
        if (o.allLegs) {
            all = allLegs(reader, *call, messages, false);
            messages = all->messages;
        }
        const ladder::Model model = ladderModel(reader, o, aliases, messages, all ? &*all : nullptr, call->key);
        if (asPng) {
            std::ostringstream svg;
            writeLadderSvg(svg, *call, model);
            const std::string bytes = renderSvgToPng(svg.str());
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            return ExitOk;
        }
        exportLadder(out, f, *call, model);
        return ExitOk;
    });
}

// The messages of the calls the filters choose (or of one call), as a pcap of made-up frames around their text.
int runExportPcap(const Options& options) {
    if (!options.call.empty() && (hasCallFilters(options) || options.limitText))
        throw CLI::ValidationError("--call", "--call chooses one call and the filters choose calls: give one or the "
                                             "other");
    return runExport(options, [](const Options& o, std::ostream& out) {
        store::Reader reader(o.db);
        std::vector<store::CallRow> calls;
        if (!o.call.empty()) {
            calls.push_back(resolveCall(reader, o.call, o.db));
        } else {
            store::Filter filter = filterOf(o);
            resolveCallIdFilter(reader, filter);
            calls = reader.calls(filter);
        }
        // Streamed in time order (ties in capture order), one message in memory at a time.
        std::vector<std::int64_t> keys;
        for (const store::CallRow& call : calls)
            keys.push_back(call.key);
        PcapExporter exporter(out);
        reader.forEachCallMessage(keys, true, [&exporter](store::MessageRow& message) {
            exporter.add(message);
            return true;
        });
        const PcapExportReport& report = exporter.report();
        for (const std::string& skipped : report.skipped)
            std::cerr << "sipscope: left out " << escapeForTerminal(skipped) << '\n';
        if (report.skippedMessages > report.skipped.size())
            std::cerr << "sipscope: left out " << report.skippedMessages - report.skipped.size() << " more messages\n";
        std::cerr << "sipscope: " << report.messages << " messages of " << calls.size() << " calls in " << report.frames
                  << " packets\n";
        return ExitOk;
    });
}

// Starts sipscope-viewer on the database: next to this binary (installed), in ../viewer (build tree), or on PATH.
int runView(const Options& options) {
    std::error_code ignored;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ignored);
    std::vector<std::string> candidates = {(self.parent_path() / "sipscope-viewer").string(),
                                           (self.parent_path().parent_path() / "viewer" / "sipscope-viewer").string()};
    for (const std::string& candidate : candidates) {
        if (access(candidate.c_str(), X_OK) == 0) {
            execl(candidate.c_str(), candidate.c_str(), options.db.c_str(), static_cast<char*>(nullptr));
            break;
        }
    }
    execlp("sipscope-viewer", "sipscope-viewer", options.db.c_str(), static_cast<char*>(nullptr));
    std::cerr << "sipscope: cannot start sipscope-viewer (not next to sipscope, not on PATH); build it with "
                 "./setup.sh build\n";
    return ExitInput;
}

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{"sipscope: SIP traffic analyzer and call-flow viewer.\n"
                 "Import captures into a SQLite database, then list calls, messages and statistics, or draw a "
                 "call's ladder.",
                 "sipscope"};
    app.require_subcommand(1);
    Options options;
    app.add_option("--db", options.db, "Database file (default ./sipscope.db)")->default_str("sipscope.db");
    app.footer("Examples:\n  sipscope import call.pcap\n  sipscope calls --state answered\n"
               "  sipscope show CALL-ID --raw\n  sipscope stats --format json\n"
               "Exit codes: 0 ok, 1 usage error, 2 input error (damaged file, missing database).");

    CLI::App* import = app.add_subcommand("import", "Read pcap/pcapng files into the database");
    import->add_option("files", options.files, "Capture files (pcap or pcapng; - for standard input)")->required();
    import->add_flag("-q,--quiet", options.quiet, "No progress line");
    import->add_flag("--no-store", options.noStore, "Decode and correlate only, store nothing (to measure the store)");
    import->add_flag("--timing", options.timing,
                     "Also print where the time went: CPU of the reading and the writing thread, and how long "
                     "reading waited for the database");
    import->add_option("--sip-ports", options.sipPorts,
                       "Only look for SIP on these ports, e.g. 5060,5080,6000-6010 (default: any port)");
    import
        ->add_option("--link-header", options.linkHeaders,
                     "Also link calls (B2BUA/SBC legs) by this header, besides X-Call-ID, X-CID, X-Orig-Call-ID "
                     "and X-Original-Call-ID; repeatable")
        ->type_name("NAME");
    import->add_flag("--force", options.force,
                     "Import files even when the same content (same content hash) is already in the database");
    import->add_option("--limit", options.limits, limitsHelp())->type_name("NAME=VALUE")->allow_extra_args(false);
    import->footer("Example: sipscope import call.pcap other.pcapng --db calls.db");

    CLI::App* calls = app.add_subcommand("calls", "List calls (one per Call-ID)");
    addFormat(calls, options);
    addFilters(calls, options);
    addSort(calls, options);
    addGrep(calls, options, true);
    calls->footer("Examples:\n  sipscope calls --from alice --status 486 --format json\n"
                  "  sipscope calls --state rejected --status 5xx --since 2024-05-01\n"
                  "  sipscope calls --grep 'User-Agent: .*Polycom' -i\n"
                  "  sipscope calls --sort duration --reverse --limit 10   (the ten longest)");

    CLI::App* messages = app.add_subcommand("messages", "List SIP messages in capture order");
    addFormat(messages, options);
    addFilters(messages, options);
    messages->add_option("--call", options.call,
                         "Only messages of this call (Call-ID, call key, or a unique start of a Call-ID)");
    messages->add_flag("--raw", options.raw, "Include each message's text");
    addSort(messages, options);
    addGrep(messages, options);
    messages->footer("Examples:\n  sipscope messages --call a84b4c76e66710 --format json\n"
                     "  sipscope messages --grep 'User-Agent: .*Polycom' -i --raw");

    CLI::App* show = app.add_subcommand("show", "Draw one call's ladder diagram");
    show->add_option("call", options.call,
                     "Call-ID, the call's key (first column of `calls`), or the start of a Call-ID when only one "
                     "starts so")
        ->required();
    show->add_flag("--raw", options.raw, "Print each message's text under its arrow");
    show->add_flag("--by-ip", options.byIp, "One column per IP address instead of per ip:port");
    show->add_option("--color", options.color, "Colours: auto (on a terminal, unless NO_COLOR is set), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->default_str("auto");
    addAliases(show, options);
    show->add_flag("--all-legs", options.allLegs, "Draw the calls linked to this one (other legs) in the same ladder");
    show->footer("Examples:\n  sipscope show a84b4c76e66710 --raw\n"
                 "  sipscope show a84b4c76e66710 --by-ip --aliases hosts.aliases --color never");

    CLI::App* stats = app.add_subcommand("stats", "Requests by method, responses by code and class, calls by state "
                                                  "and outcome, top talkers and failures, RFC 6076 metrics");
    addFormat(stats, options);
    addFilters(stats, options);
    addStatsOptions(stats, options);
    stats->footer("Examples:\n  sipscope stats --format json\n  sipscope stats --by-host\n"
                  "  sipscope stats --interval 5m --format csv");

    CLI::App* registrations = app.add_subcommand("registrations", "REGISTER attempts: AOR, contact, expiry, result");
    addFormat(registrations, options);
    addFilters(registrations, options);
    registrations->footer("Example: sipscope registrations --to alice --status 200");

    CLI::App* subscriptions =
        app.add_subcommand("subscriptions", "SUBSCRIBE/NOTIFY subscriptions and PUBLISH: event, state, expiry");
    addFormat(subscriptions, options);
    addFilters(subscriptions, options, true);
    subscriptions->add_option("--event", options.event, "Only this Event package (presence, dialog, refer, ...)");
    subscriptions->footer("Example: sipscope subscriptions --event presence --state terminated\n"
                          "(--from matches the subscriber, --to the resource, --state the subscription's state)");

    CLI::App* migrate = app.add_subcommand("migrate", "Upgrade a database written by an older sipscope");
    migrate->footer("Example: sipscope migrate --db old.db   (read-only commands refuse an older database)");

    CLI::App* view = app.add_subcommand("view", "Open the database in sipscope-viewer");
    view->footer("Example: sipscope view --db today.db");

    CLI::App* exporter = app.add_subcommand("export", "Write calls, messages, statistics or a ladder to a file");
    exporter->require_subcommand(1);
    exporter->footer("Examples:\n  sipscope export ladder CALL-ID --format png -o call.png\n"
                     "  sipscope export pcap --state rejected -o rejected.pcap\n"
                     "  sipscope export calls --format csv -o calls.csv");
    CLI::App* exportLadderCommand =
        exporter->add_subcommand("ladder", "One call's ladder as SVG, PNG, PlantUML, Mermaid or text");
    exportLadderCommand->add_option("call", options.call, "Call-ID, call key, or a unique start of a Call-ID")
        ->required();
    exportLadderCommand
        ->add_option("--format", options.format,
                     std::string("svg, png (needs rsvg-convert, Debian package ") + PngRendererPackage +
                         "), plantuml, mermaid or text")
        ->required();
    exportLadderCommand->add_flag("--by-ip", options.byIp, "One column per IP address");
    exportLadderCommand->add_flag("--all-legs", options.allLegs,
                                  "Draw the calls linked to this one in the same ladder");
    addAliases(exportLadderCommand, options);
    exportLadderCommand->footer("Examples:\n  sipscope export ladder a84b4c76e66710 --format svg -o call.svg\n"
                                "  sipscope export ladder a84b4c76e66710 --format png -o call.png");
    CLI::App* exportCalls = exporter->add_subcommand("calls", "The call list as CSV or JSON");
    CLI::App* exportMessages = exporter->add_subcommand("messages", "The message list as CSV or JSON");
    CLI::App* exportStats = exporter->add_subcommand("stats", "The statistics as CSV or JSON");
    CLI::App* exportPcapCommand = exporter->add_subcommand(
        "pcap", "The messages of the calls the filters choose (or of --call) as a pcap file for Wireshark");
    exportPcapCommand->add_option("--call", options.call,
                                  "Only this call (Call-ID, call key, or a unique start of a Call-ID)");
    addFilters(exportPcapCommand, options);
    exportPcapCommand->footer("Examples:\n  sipscope export pcap --call a84b4c76e66710 -o call.pcap\n"
                              "  sipscope export pcap --status 503 --since 2024-05-01T12:00:00Z -o failed.pcap");
    for (CLI::App* sub : {exportLadderCommand, exportCalls, exportMessages, exportStats, exportPcapCommand}) {
        sub->add_option("-o,--output", options.output, "File to write (- for standard output)")->required();
        sub->add_option("--db", options.db, "Database file (default ./sipscope.db)");
    }
    for (CLI::App* sub : {exportCalls, exportMessages, exportStats}) {
        sub->add_option("--format", options.format, "csv or json")->check(CLI::IsMember({"csv", "json"}))->required();
        addFilters(sub, options);
    }
    exportMessages->add_flag("--raw", options.raw, "Include each message's text");
    addSort(exportCalls, options);
    addGrep(exportCalls, options, true);
    addSort(exportMessages, options);
    addGrep(exportMessages, options);
    addStatsOptions(exportStats, options);
    exportCalls->footer("Example: sipscope export calls --format csv -o calls.csv --status 486");
    exportMessages->footer(
        "Example: sipscope export messages --format csv --raw -o messages.csv --call a84b4c76e66710");
    exportStats->footer("Example: sipscope export stats --format json --interval 1h -o hourly.json");

    const CaptureCommand capture = addCaptureCommand(app);

    for (CLI::App* sub : {import, calls, messages, show, stats, registrations, subscriptions, migrate, view})
        sub->add_option("--db", options.db, "Database file (default ./sipscope.db)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& help) {
        return app.exit(help) == 0 ? ExitOk : ExitUsage;
    } catch (const CLI::CallForAllHelp& help) {
        return app.exit(help) == 0 ? ExitOk : ExitUsage;
    } catch (const CLI::ParseError& error) {
        app.exit(error);
        return ExitUsage;
    }

    try {
        checkFilters(options, subscriptions->parsed());
        if (!view->parsed())  // the viewer opens capture files itself
            refuseCaptureAsDatabase(options.db, import->parsed() || migrate->parsed() || capture.command->parsed());
        setTableWidth(terminalWidth(STDOUT_FILENO));
        if (import->parsed())
            return runImport(options);
        if (calls->parsed())
            return runCalls(options, std::cout);
        if (messages->parsed())
            return runMessages(options, std::cout);
        if (exportLadderCommand->parsed())
            return runExportLadder(options);
        if (exportCalls->parsed())
            return runExport(options, runCalls);
        if (exportMessages->parsed())
            return runExport(options, runMessages);
        if (exportStats->parsed())
            return runExport(options, runStats);
        if (exportPcapCommand->parsed())
            return runExportPcap(options);
        if (show->parsed())
            return runShow(options);
        if (stats->parsed())
            return runStats(options, std::cout);
        if (registrations->parsed())
            return runRegistrations(options, std::cout);
        if (subscriptions->parsed())
            return runSubscriptions(options, std::cout);
        if (view->parsed())
            return runView(options);
        if (migrate->parsed()) {
            if (!std::filesystem::exists(options.db))
                throw Error(options.db + ": no such database");
            store::Database upgraded(options.db, store::Database::Mode::ReadWrite);  // migrates on open
            std::cout << options.db << ": schema version " << store::SchemaVersion << '\n';
            return ExitOk;
        }
        if (capture.command->parsed())
            return runCapture(capture, options.db);
    } catch (const CLI::ValidationError& error) {
        std::cerr << "sipscope: " << escapeForTerminal(error.what()) << '\n';
        return ExitUsage;
    } catch (const EscapedError& error) {
        std::cerr << "sipscope: " << error.what();
        return ExitInput;
    } catch (const Error& error) {
        std::cerr << "sipscope: " << escapeForTerminal(error.what()) << '\n';
        return ExitInput;
    }
    return ExitUsage;
}

}  // namespace sipscope::cli
