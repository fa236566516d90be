// Entry point of the `sipscope` command: registers every command (each in its own file, with its own options),
// parses the arguments, checks them, and runs the one chosen. Exit codes: 0 ok, 1 usage, 2 input error.
#include "cli/call_lookup.hpp"
#include "cli/capture_command.hpp"
#include "cli/command_options.hpp"
#include "cli/diff_command.hpp"
#include "cli/export_command.hpp"
#include "cli/findings_command.hpp"
#include "cli/import_command.hpp"
#include "cli/listing_commands.hpp"
#include "cli/migrate_view_commands.hpp"
#include "cli/output.hpp"
#include "cli/show_command.hpp"
#include "cli/stats_command.hpp"
#include "cli/streams_command.hpp"
#include "common/error.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace sipscope::cli {
namespace {

int run(int argc, char** argv) {
    CLI::App app{"sipscope: SIP traffic analyzer and call-flow viewer.\n"
                 "Import captures into a SQLite database, then list calls, messages and statistics, or draw a "
                 "call's ladder.",
                 "sipscope"};
    app.require_subcommand(1);
    std::string globalDb = DefaultDatabase;
    app.add_option("--db", globalDb, "SQLite file or postgresql:// URL (default ./sipscope.db)")
        ->default_str("sipscope.db");
    app.footer("Examples:\n  sipscope import call.pcap\n  sipscope calls --state answered\n"
               "  sipscope show CALL-ID --raw\n  sipscope diff GOOD-CALL BAD-CALL\n  sipscope stats --format json\n"
               "Exit codes: 0 ok, 1 usage error, 2 input error (damaged file, missing database).");

    // Added in the order --help lists them.
    const ImportCommand import = addImportCommand(app);
    const auto listing = std::make_unique<ListingOptions>();
    CLI::App* calls = addCallsCommand(app, *listing);
    CLI::App* messages = addMessagesCommand(app, *listing);
    const ShowCommand show = addShowCommand(app);
    const StatsCommand stats = addStatsCommand(app);
    CLI::App* registrations = addRegistrationsCommand(app, *listing);
    CLI::App* subscriptions = addSubscriptionsCommand(app, *listing);
    CLI::App* streams = addStreamsCommand(app, *listing);
    CLI::App* findings = addFindingsCommand(app, *listing);
    const DiffCommand diff = addDiffCommand(app);
    const MigrateViewCommands migrateView = addMigrateViewCommands(app);
    const ExportCommands exports = addExportCommands(app);
    const CaptureCommand capture = addCaptureCommand(app);

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

    // Each command that works on a database: its subcommand, its database option and how it runs.
    struct Command {
        CLI::App* command;
        std::string* db;
        std::function<int()> run;
    };
    ExportOptions& exported = *exports.options;
    const std::vector<Command> commands = {
        {import.command, &import.options->db, [&] { return runImport(*import.options); }},
        {calls, &listing->db, [&] { return runCalls(*listing, std::cout); }},
        {messages, &listing->db, [&] { return runMessages(*listing, std::cout); }},
        {show.command, &show.options->db, [&] { return runShow(*show.options); }},
        {stats.command, &stats.options->db, [&] { return runStats(*stats.options, std::cout); }},
        {registrations, &listing->db, [&] { return runRegistrations(*listing, std::cout); }},
        {subscriptions, &listing->db, [&] { return runSubscriptions(*listing, std::cout); }},
        {streams, &listing->db, [&] { return runStreams(*listing, std::cout); }},
        {findings, &listing->db, [&] { return runFindings(*listing, std::cout); }},
        {diff.command, &diff.options->db, [&] { return runDiff(*diff.options, std::cout); }},
        {migrateView.migrate, &migrateView.options->db, [&] { return runMigrate(*migrateView.options); }},
        {migrateView.view, &migrateView.options->db, [&] { return runView(*migrateView.options); }},
        {exports.ladder, &exported.ladder.db, [&] { return runExportLadder(exported); }},
        {exports.calls, &exported.calls.db, [&] { return runExportCalls(exported); }},
        {exports.messages, &exported.messages.db, [&] { return runExportMessages(exported); }},
        {exports.stats, &exported.stats.db, [&] { return runExportStats(exported); }},
        {exports.pcap, &exported.pcap.db, [&] { return runExportPcap(exported); }},
        {exports.hep, &exported.hep.db, [&] { return runExportHep(exported); }},
        {exports.streams, &exported.streams.db, [&] { return runExportStreams(exported); }},
        {exports.findings, &exported.findings.db, [&] { return runExportFindings(exported); }},
        {exports.audio, &exported.audio.db, [&] { return runExportAudio(exported); }},
    };

    try {
        // Filter values first: a usage error (exit 1) before any file is looked at. Only the chosen command's
        // options are set; the others' checks find nothing to check.
        checkFilters(listing->filters, subscriptions->parsed(), listing->call);
        checkFilters(stats.options->filters, false);
        checkFilters(exported.calls.filters, false);
        checkFilters(exported.messages.filters, false);
        checkFilters(exported.stats.filters, false);
        checkFilters(exported.pcap.filters, false, exported.pcap.call);
        checkFilters(exported.hep.filters, false);
        checkFilters(exported.streams.filters, false, exported.streams.call);
        checkFilters(exported.findings.filters, false, exported.findings.call);
        setTableWidth(terminalWidth(STDOUT_FILENO));
        if (capture.command->parsed()) {
            refuseCaptureAsDatabase(globalDb, true);
            return runCapture(capture, globalDb);
        }
        for (const Command& chosen : commands) {
            if (!chosen.command->parsed())
                continue;
            // A subcommand's own --db wins over the top-level one.
            if (chosen.command->count("--db") == 0)
                *chosen.db = globalDb;
            if (chosen.command != migrateView.view)  // the viewer opens capture files itself
                refuseCaptureAsDatabase(*chosen.db,
                                        chosen.command == import.command || chosen.command == migrateView.migrate);
            return chosen.run();
        }
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

}  // namespace
}  // namespace sipscope::cli

int main(int argc, char** argv) { return sipscope::cli::run(argc, argv); }
