// sipscope-viewer [DB] [--screenshot FILE.png [--frames N]]: the desktop viewer's entry point.
#include "viewer/app.hpp"

#include <charconv>
#include <cstdio>
#include <string_view>

namespace {

constexpr const char* Usage =
    "usage: sipscope-viewer [DB] [--screenshot FILE.png] [--frames N]\n"
    "  DB                 sipscope database to browse (default ./sipscope.db)\n"
    "  --screenshot FILE  render, write the window to FILE as PNG, and exit (2 on error)\n"
    "  --frames N         frames to render once the data is in, before the screenshot (default 5)\n";

// Returns false (after printing why) when the command line is not one we understand.
bool parseArguments(int argc, char** argv, sipscope::viewer::AppOptions& options) {
    bool hasDb = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--screenshot" && hasValue) {
            options.screenshotPath = argv[++i];
        } else if (arg == "--frames" && hasValue) {
            const std::string_view value = argv[++i];
            const auto [end, error] =
                std::from_chars(value.data(), value.data() + value.size(), options.screenshotFrames);
            if (error != std::errc{} || end != value.data() + value.size() || options.screenshotFrames < 1) {
                std::fprintf(stderr, "sipscope-viewer: --frames wants a positive number\n%s", Usage);
                return false;
            }
        } else if (arg == "--help" || arg == "-h") {
            std::fputs(Usage, stdout);
            return false;
        } else if (!arg.starts_with("-") && !hasDb) {
            options.dbPath = arg;
            hasDb = true;
        } else {
            std::fprintf(stderr, "sipscope-viewer: unexpected argument '%s'\n%s", argv[i], Usage);
            return false;
        }
    }
    return true;
}

} // namespace

int main(int argc, char** argv) {
    sipscope::viewer::AppOptions options;
    if (!parseArguments(argc, argv, options)) {
        const std::string_view first = argc > 1 ? argv[1] : "";
        return first == "--help" || first == "-h" ? 0 : 1;
    }
    sipscope::viewer::App app(std::move(options));
    return app.run();
}
