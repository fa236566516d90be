// sipscope-viewer [DB] [options]: the desktop viewer's entry point.
#include "viewer/app.hpp"
#include "viewer/workspace.hpp"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>

namespace {

constexpr const char* Usage =
    "usage: sipscope-viewer [DB | CAPTURE...] [--db PATH] [--aliases FILE] [--view VIEW] [--select CALL] [--message N] "
    "[--filter TEXT]\n"
    "                       [--screenshot FILE.png] [--script FILE] [--size WxH] [--frames N] [--settings]\n"
    "  DB                 sipscope database to browse (default ./sipscope.db)\n"
    "  CAPTURE...         pcap/pcapng files, imported into --db in the background while the list fills\n"
    "  --db PATH          the database to browse and import into (default ./sipscope.db)\n"
    "  --aliases FILE     host names for the ladder's columns ('none' for none; default as `sipscope show`)\n"
    "  --view VIEW        pane with the keyboard: list, ladder, inspector, stats, registrations, subscriptions,\n"
    "                     findings, diff\n"
    "  --select CALL      open this call (Call-ID or key) in the ladder\n"
    "  --message N        select message id N of it (default its first)\n"
    "  --filter TEXT      filter words, as typed in the filter bar (from:alice status:5xx ...)\n"
    "  --screenshot FILE  render, write the window to FILE as PNG, print one JSON line describing it, exit\n"
    "                     (2 when the database cannot be read)\n"
    "  --script FILE      replay the input and checks in FILE (see viewer/input_script.hpp), then exit\n"
    "  --size WxH         window size in pixels (default: as the last run left it, else 1280x720)\n"
    "  --settings         with --screenshot or --script, read and write the settings as a run without them does\n"
    "                     ($XDG_CONFIG_HOME/sipscope/viewer.ini: window, tables, ladder modes)\n"
    "  --frames N         frames drawn with every answer in before each screenshot or step (default 3)\n"
    "  --timing FILE      write frame times and each script step's latency to FILE (bench/viewer_bench.sh)\n";

template <typename Number>
bool parseNumber(std::string_view text, Number& value) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc{} && end == text.data() + text.size();
}

// A file that starts like an SQLite database; anything else that exists is taken for a capture.
bool isDatabase(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return true;  // missing: the database to browse (its error names it)
    char magic[16] = {};
    file.read(magic, sizeof magic);
    return file.gcount() == 0 || std::memcmp(magic, "SQLite format 3", 16) == 0;
}

bool fail(const std::string& message) {
    std::fprintf(stderr, "sipscope-viewer: %s\n%s", message.c_str(), Usage);
    return false;
}

// Returns false (after printing why) when the command line is not one we understand.
bool parseArguments(int argc, char** argv, sipscope::viewer::AppOptions& options) {
    bool hasDb = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool hasValue = i + 1 < argc;
        const std::string_view value = hasValue ? argv[i + 1] : "";
        if (arg == "--help" || arg == "-h") {
            std::fputs(Usage, stdout);
            return false;
        }
        if (!arg.starts_with("-")) {
            if (!isDatabase(std::string(arg))) {
                options.captures.emplace_back(arg);
                continue;
            }
            if (hasDb)
                return fail("unexpected argument '" + std::string(arg) + "' (one database at a time)");
            options.dbPath = arg;
            hasDb = true;
            continue;
        }
        if (arg == "--settings") {  // the one option without a value
            options.keepsSettings = true;
            continue;
        }
        if (!hasValue)
            return fail(std::string(arg) + " wants a value");
        ++i;
        if (arg == "--db") {
            if (hasDb && options.dbPath != value)
                return fail("two databases given ('" + options.dbPath + "' and --db '" + std::string(value) + "')");
            options.dbPath = value;
            hasDb = true;
        } else if (arg == "--screenshot") {
            options.screenshotPath = value;
        } else if (arg == "--script") {
            options.scriptPath = value;
        } else if (arg == "--aliases") {
            options.aliasesPath = value;
        } else if (arg == "--view") {
            if (!sipscope::viewer::paneOf(std::string(value)))
                return fail("--view '" + std::string(value) +
                            "': use list, ladder, inspector, stats, registrations, subscriptions, "
                            "findings or diff");
            options.view = value;
        } else if (arg == "--select") {
            options.selectCall = value;
        } else if (arg == "--message") {
            std::int64_t id = 0;
            if (!parseNumber(value, id) || id < 1)
                return fail("--message wants a message id (a positive number), not '" + std::string(value) + "'");
            options.message = id;
        } else if (arg == "--filter") {
            options.filter = value;
        } else if (arg == "--size") {
            const std::size_t x = value.find('x');
            if (x == std::string_view::npos || !parseNumber(value.substr(0, x), options.widthPx) ||
                !parseNumber(value.substr(x + 1), options.heightPx) || options.widthPx < 320 ||
                options.heightPx < 240 || options.widthPx > 8192 || options.heightPx > 8192)
                return fail("--size wants WIDTHxHEIGHT in pixels, from 320x240 to 8192x8192, not '" +
                            std::string(value) + "'");
            options.isSizeGiven = true;
        } else if (arg == "--timing") {
            options.timingPath = value;
        } else if (arg == "--frames") {
            if (!parseNumber(value, options.settleFrames) || options.settleFrames < 1)
                return fail("--frames wants a positive number");
        } else {
            return fail("unexpected argument '" + std::string(arg) + "'");
        }
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    sipscope::viewer::AppOptions options;
    if (!parseArguments(argc, argv, options)) {
        bool isHelp = false;
        for (int i = 1; i < argc; ++i)
            isHelp = isHelp || std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h";
        return isHelp ? 0 : 1;
    }
    sipscope::viewer::App app(std::move(options));
    return app.run();
}
