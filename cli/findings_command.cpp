// The findings listing and the findings lines of `show`.
#include "cli/findings_command.hpp"

#include "cli/call_lookup.hpp"
#include "cli/output.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iomanip>

namespace sipscope::cli {

Row findingRow(const store::FindingRow& finding) {
    Row row;
    row["key"] = finding.id;
    row["ts"] = isoTimestamp(finding.timestampUs);
    row["severity"] = decode::findingSeverityName(finding.severity);
    row["kind"] = finding.kind;
    row["call_id"] = finding.callKey ? Row(finding.callId) : Row();
    row["call_key"] = finding.callKey ? Row(finding.callKey) : Row();
    row["message_id"] = finding.messageId ? Row(finding.messageId) : Row();
    Row ids = Row::array();
    for (const std::int64_t id : finding.messageIds)
        ids.push_back(id);
    row["message_ids"] = ids;
    row["source"] = finding.source ? Row(finding.source->toString()) : Row();
    row["explanation"] = finding.explanation;
    row["rfc"] = finding.rfc;
    return row;
}

void addFindingFilters(CLI::App* command, ListingOptions& options) {
    command->remove_option(command->get_option("--kind"));  // here --kind is the finding's kind, not the call's
    command->add_option("--call", options.call,
                        "Only findings of this call (Call-ID, call key, or a unique start of a Call-ID)");
    command->add_option("--severity", options.severity, "Only this severity: error, warning or info")
        ->check(CLI::IsMember({"error", "warning", "info"}));
    command->add_option("--kind", options.kinds, "Only these kinds, comma-separated (README lists them)")
        ->delimiter(',');
}

CLI::App* addFindingsCommand(CLI::App& app, ListingOptions& options) {
    CLI::App* findings = app.add_subcommand(
        "findings", "Problems found in the traffic: each with its severity, evidence, messages and RFC section");
    addFormat(findings, options.format);
    addFilters(findings, options.filters);
    addFindingFilters(findings, options);
    findings->footer("Examples:\n  sipscope findings --severity error\n"
                     "  sipscope findings --kind unacked-2xx,timeout --format json\n"
                     "(call filters select the findings of those calls; --host and --since/--until are the "
                     "finding's own)");
    addDatabase(findings, options.db);
    return findings;
}

int runFindings(const ListingOptions& options, std::ostream& out, bool forTerminal) {
    store::FindingFilter only;
    if (!options.severity.empty())
        only.severity = decode::findingSeverityOf(options.severity);
    const auto& known = decode::findingKinds();
    for (const std::string& kind : options.kinds) {
        if (std::find(known.begin(), known.end(), kind) == known.end()) {
            std::string list;
            for (const std::string_view k : known)
                list += (list.empty() ? "" : ", ") + std::string(k);
            throw CLI::ValidationError("--kind", "'" + kind + "' is not a kind of finding; the kinds: " + list);
        }
        only.kinds.push_back(kind);
    }
    store::Filter filter = options.filters.filter;
    store::Reader reader(options.db);
    resolveCallIdFilter(reader, filter);
    if (!options.call.empty())
        filter.callKey = resolveCall(reader, options.call, options.db).key;
    std::vector<Row> rows;
    for (const store::FindingRow& finding : reader.findings(filter, only))
        rows.push_back(findingRow(finding));
    const std::vector<Column> columns = {{"ts", "Time", 27, false, 3}, {"severity", "Severity", 8},
                                         {"kind", "Kind", 22},         {"explanation", "Explanation", 120, true},
                                         {"rfc", "RFC", 18, false, 2}, {"call_id", "Call-ID", 40, true, 1}};
    printRows(out, formatOf(options.format), rows, columns, forTerminal, {findingRow(store::FindingRow{})});
    return ExitOk;
}

void printCallFindings(std::ostream& out, const store::Reader& reader, const store::CallRow& call,
                       decode::Redactor* redactor) {
    const std::vector<store::FindingRow> findings = reader.callFindings(call.key);
    if (findings.empty())
        return;
    out << "\nFindings:\n";
    for (const store::FindingRow& f : findings)
        out << "  " << std::left << std::setw(8) << decode::findingSeverityName(f.severity) << f.kind << ": "
            << escapeForTerminal(redactor ? redactor->text(f.explanation) : f.explanation) << " (" << f.rfc << ")\n";
}

}  // namespace sipscope::cli
