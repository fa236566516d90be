// The listings: rows of the store as table, CSV or JSON lines, filtered, searched (--grep) and sorted.
#include "cli/listing_commands.hpp"

#include "cli/call_lookup.hpp"
#include "cli/output.hpp"
#include "export/rows.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <set>

namespace sipscope::cli {

namespace {

// The row of a call is the one the viewer's CSV writes too (export/rows.hpp).
using exports::callRow;
using exports::textOrNull;
using exports::valueOrNull;

Row messageRow(const store::MessageRow& message, bool withText) {
    Row row;
    row["ts"] = isoTimestamp(message.timestampUs);
    row["src"] = message.src.toString();
    row["dst"] = message.dst.toString();
    row["transport"] = capture::transportName(message.transport);
    row["call_id"] = valueOrNull(message.callId);
    if (message.method)
        row["method"] = *message.method;
    else
        row["status"] = valueOrNull(message.status);
    row["reason"] = message.status ? Row(message.reason) : Row();
    row["cseq"] = message.cseq;
    row["cseq_method"] = textOrNull(message.cseqMethod);
    row["valid"] = message.valid;
    row["error"] = valueOrNull(message.error);
    row["retransmission"] = message.retransmission;
    row["sdp"] = message.hasSdp;
    row["frame"] = message.frame;
    if (withText)
        row["text"] = message.text;
    return row;
}

}  // namespace

CLI::App* addCallsCommand(CLI::App& app, ListingOptions& options) {
    CLI::App* calls = app.add_subcommand("calls", "List calls (one per Call-ID)");
    addFormat(calls, options.format);
    addFilters(calls, options.filters);
    addSort(calls, options.sort);
    addGrep(calls, options.grep, true);
    calls->footer("Examples:\n  sipscope calls --from alice --status 486 --format json\n"
                  "  sipscope calls --state rejected --status 5xx --since 2024-05-01\n"
                  "  sipscope calls --grep 'User-Agent: .*Polycom' -i\n"
                  "  sipscope calls --sort duration --reverse --limit 10   (the ten longest)");
    addDatabase(calls, options.db);
    return calls;
}

CLI::App* addMessagesCommand(CLI::App& app, ListingOptions& options) {
    CLI::App* messages = app.add_subcommand("messages", "List SIP messages in capture order");
    addFormat(messages, options.format);
    addFilters(messages, options.filters);
    messages->add_option("--call", options.call,
                         "Only messages of this call (Call-ID, call key, or a unique start of a Call-ID)");
    messages->add_flag("--raw", options.raw, "Include each message's text");
    addSort(messages, options.sort);
    addGrep(messages, options.grep);
    messages->footer("Examples:\n  sipscope messages --call a84b4c76e66710 --format json\n"
                     "  sipscope messages --grep 'User-Agent: .*Polycom' -i --raw");
    addDatabase(messages, options.db);
    return messages;
}

CLI::App* addRegistrationsCommand(CLI::App& app, ListingOptions& options) {
    CLI::App* registrations = app.add_subcommand("registrations", "REGISTER attempts: AOR, contact, expiry, result");
    addFormat(registrations, options.format);
    addFilters(registrations, options.filters);
    registrations->footer("Example: sipscope registrations --to alice --status 200");
    addDatabase(registrations, options.db);
    return registrations;
}

CLI::App* addSubscriptionsCommand(CLI::App& app, ListingOptions& options) {
    CLI::App* subscriptions =
        app.add_subcommand("subscriptions", "SUBSCRIBE/NOTIFY subscriptions and PUBLISH: event, state, expiry");
    addFormat(subscriptions, options.format);
    addFilters(subscriptions, options.filters, true);
    subscriptions->add_option("--event", options.filters.event,
                              "Only this Event package (presence, dialog, refer, ...)");
    subscriptions->footer("Example: sipscope subscriptions --event presence --state terminated\n"
                          "(--from matches the subscriber, --to the resource, --state the subscription's state)");
    addDatabase(subscriptions, options.db);
    return subscriptions;
}

int runCalls(const ListingOptions& options, std::ostream& out, bool forTerminal) {
    checkSortField(options.sort, {callRow(store::CallRow{})});
    const std::unique_ptr<TextSearch> search = searchOf(options.grep);
    store::Filter filter = options.filters.filter;
    if (search || !options.sort.field.empty() || options.sort.reverse)
        filter.limit = 0;  // counted here, after the search and the sort
    store::Reader reader(options.db);
    resolveCallIdFilter(reader, filter);
    std::vector<Row> rows;
    std::set<std::string> callIds;
    bool repeatsCallId = false;  // a Call-ID listed twice: copies from different captures
    const std::unique_ptr<decode::Redactor> redactor = redactorOf(options.redact);
    for (auto& call : reader.calls(filter)) {
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
        if (redactor)
            redactCall(*redactor, call);
        rows.push_back(callRow(call));
        repeatsCallId = !callIds.insert(call.callId).second || repeatsCallId;
        if (search && options.sort.field.empty() && !options.sort.reverse && options.filters.limit &&
            rows.size() == options.filters.limit)
            break;
    }
    sortRows(rows, options.sort.field, options.sort.reverse, options.filters.limit);
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
    printRows(out, formatOf(options.format), rows, columns, forTerminal, {callRow(store::CallRow{})});
    return ExitOk;
}

int runMessages(const ListingOptions& options, std::ostream& out, bool forTerminal) {
    store::MessageRow request, response;
    request.method = "INVITE";
    response.status = 200;
    checkSortField(options.sort, {messageRow(request, options.raw), messageRow(response, options.raw)});
    const std::unique_ptr<TextSearch> search = searchOf(options.grep);
    store::Filter filter = options.filters.filter;
    if (search || !options.sort.field.empty() || options.sort.reverse)
        filter.limit = 0;  // counted here, after the search and the sort
    const bool keepAll = !options.sort.field.empty() || options.sort.reverse;
    store::Reader reader(options.db);
    resolveCallIdFilter(reader, filter);
    if (!options.call.empty())
        filter.callKey = resolveCall(reader, options.call, options.db).key;
    std::vector<Row> rows;
    const std::unique_ptr<decode::Redactor> redactor = redactorOf(options.redact);
    if (redactor && options.raw)  // a first reading: every name is known before the first text is written
        reader.forEachMessage(filter, true, [&](store::MessageRow& message) {
            redactMessage(*redactor, message);
            return true;
        });
    reader.forEachMessage(filter, options.raw || search, [&](store::MessageRow& message) {
        if (search && !search->matches(message.text))
            return true;
        if (redactor)
            redactMessage(*redactor, message);
        rows.push_back(messageRow(message, options.raw));
        return keepAll || !options.filters.limit || rows.size() < options.filters.limit;
    });
    sortRows(rows, options.sort.field, options.sort.reverse, options.filters.limit);
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
    printRows(out, formatOf(options.format), rows, columns, forTerminal,
              {messageRow(request, options.raw), messageRow(response, options.raw)});
    return ExitOk;
}

int runRegistrations(const ListingOptions& options, std::ostream& out) {
    store::Filter filter = options.filters.filter;
    store::Reader reader(options.db);
    resolveCallIdFilter(reader, filter);
    std::vector<Row> rows;
    for (const auto& r : reader.registrations(filter)) {
        Row row;
        row["ts"] = isoTimestamp(r.requestUs);
        row["aor"] = r.aor;
        row["contact"] = textOrNull(r.contact);
        row["expires"] = valueOrNull(r.expires);
        row["granted_expires"] = valueOrNull(r.grantedExpires);
        row["status"] = r.status;
        row["delay_ms"] = static_cast<double>(r.responseUs - r.requestUs) / 1000.0;
        row["bindings"] = textOrNull(r.bindings);
        row["src"] = exports::endpointValue(r.src);
        row["dst"] = exports::endpointValue(r.dst);
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
               {"call_id", "Call-ID", 40, true}});
    return ExitOk;
}

// Subscriptions (SUBSCRIBE, a REFER's implicit one) and publications (PUBLISH), one row each.
int runSubscriptions(const ListingOptions& options, std::ostream& out) {
    store::Filter filter = options.filters.filter;
    store::Reader reader(options.db);
    resolveCallIdFilter(reader, filter);
    std::vector<Row> rows;
    for (const auto& s : reader.subscriptions(filter)) {
        Row row;
        row["ts"] = isoTimestamp(s.startUs);
        row["last"] = isoTimestamp(s.lastUs);
        row["method"] = s.method;
        row["event"] = s.event;
        row["event_id"] = textOrNull(s.eventId);
        row["resource"] = s.resource;
        row["subscriber"] = s.subscriber;
        row["state"] = textOrNull(s.state);
        row["reason"] = textOrNull(s.reason);
        row["expires"] = valueOrNull(s.expires);
        row["granted_expires"] = valueOrNull(s.grantedExpires);
        row["state_expires"] = valueOrNull(s.stateExpires);
        row["status"] = valueOrNull(s.status);
        row["requests"] = s.requests;
        row["notifies"] = s.notifies;
        row["etag"] = textOrNull(s.etag);
        row["if_match"] = textOrNull(s.ifMatch);
        row["terminated"] = s.terminatedUs ? Row(isoTimestamp(s.terminatedUs)) : Row();
        row["src"] = exports::endpointValue(s.src);
        row["dst"] = exports::endpointValue(s.dst);
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
               {"call_id", "Call-ID", 40, true}});
    return ExitOk;
}

}  // namespace sipscope::cli
