// `sipscope import`: check that each file opens, then read them all into the database with a progress line.
#include "cli/import_command.hpp"

#include "capture/packet_source.hpp"
#include "cli/ingest_shared.hpp"
#include "cli/limits.hpp"
#include "cli/output.hpp"
#include "common/error.hpp"
#include "store/database.hpp"
#include "store/ingest.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace sipscope::cli {

ImportCommand addImportCommand(CLI::App& app) {
    ImportCommand import;
    import.options = std::make_unique<ImportOptions>();
    ImportOptions& o = *import.options;
    CLI::App* command = app.add_subcommand("import", "Read pcap/pcapng files into the database");
    command->add_option("files", o.files, "Capture files (pcap or pcapng; - for standard input)")->required();
    command->add_flag("-q,--quiet", o.quiet, "No progress line");
    command->add_flag("--no-store", o.noStore, "Decode and correlate only, store nothing (to measure the store)");
    command->add_flag("--timing", o.timing,
                      "Also print where the time went: CPU of the reading and the writing thread, and how long "
                      "reading waited for the database");
    command->add_option("--sip-ports", o.sipPorts,
                        "Only look for SIP on these ports, e.g. 5060,5080,6000-6010 (default: any port)");
    command
        ->add_option("--link-header", o.linkHeaders,
                     "Also link calls (B2BUA/SBC legs) by this header, besides X-Call-ID, X-CID, X-Orig-Call-ID "
                     "and X-Original-Call-ID; repeatable")
        ->type_name("NAME");
    command->add_flag("--force", o.force,
                      "Import files even when the same content (same content hash) is already in the database");
    command->add_option("--limit", o.limits, limitsHelp())->type_name("NAME=VALUE")->allow_extra_args(false);
    addFindingOptions(command, o.findingTimes);
    command->add_flag("--no-findings", o.noFindings,
                      "Look for no problems while importing (sipscope findings then lists none for these files)");
    command->add_flag("--no-skew-correction", o.noSkewCorrection,
                      "Files taken at several points of one path: keep each file's own times instead of setting its "
                      "clock to the first file's (the offset is still estimated and printed)");
    command->footer("Examples:\n  sipscope import call.pcap other.pcapng --db calls.db\n"
                    "  sipscope import phone-side.pcap carrier-side.pcap   # one path captured at two points");
    addDatabase(command, o.db);
    import.command = command;
    return import;
}

namespace {

// Files taken at several points of one path: each one's clock against the first and the messages kept once.
void printCapturePoints(std::ostream& out, const store::IngestReport& report) {
    const store::FileReport* first = nullptr;
    for (const store::FileReport& file : report.files) {
        if (file.skipped)
            continue;
        if (first == nullptr)
            first = &file;
        if (file.clockOffset) {
            char offset[64];
            std::snprintf(offset, sizeof offset, "%+.6f s", static_cast<double>(file.clockOffset->offsetUs) / 1e6);
            out << escapeForTerminal(file.path) << ": clock " << offset << " against " << escapeForTerminal(first->path)
                << " (median of " << file.clockOffset->pairs << " messages seen in both), "
                << (file.isClockCorrected ? "corrected" : "not corrected (--no-skew-correction)") << '\n';
        }
        if (file.copies)
            out << escapeForTerminal(file.path) << ": " << file.copies
                << " messages already seen on the same hop in another file, stored once\n";
    }
}

}  // namespace

int runImport(const ImportOptions& options) {
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
            std::cerr << " (" << escapeForTerminal(store::databaseName(options.db))
                      << (store::isPostgresDatabase(options.db) || std::filesystem::exists(options.db)
                              ? " left as it was)"
                              : " not created)");
        std::cerr << '\n';
        return ExitInput;
    }
    store::IngestOptions ingest;
    ingest.writeDatabase = !options.noStore;
    ingest.allowDuplicates = options.force;
    applyLimits(options.limits, ingest);
    applyFindingOptions(options.findingTimes, ingest);
    ingest.findFindings = !options.noFindings;
    ingest.correctClockSkew = !options.noSkewCorrection;
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
    printCapturePoints(std::cout, report);
    std::cout << (options.noStore ? "decoded " : "stored ") << report.sipMessages << " SIP messages in " << report.calls
              << " calls" << (options.noStore ? " (nothing written)" : " into " + store::databaseName(options.db))
              << '\n';
    if (!options.noStore)
        printFindingsFound(std::cout, report, store::databaseName(options.db));
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

}  // namespace sipscope::cli
