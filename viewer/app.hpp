// The viewer application: GLFW window, ImGui context, the frame loop, the test hooks (--screenshot, --script).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sipscope::viewer {

struct AppOptions {
    std::string dbPath = "sipscope.db";
    std::vector<std::string> captures;          // imported into dbPath on a background thread
    std::optional<std::string> screenshotPath;  // render, write this PNG, print the JSON line, exit
    std::optional<std::string> scriptPath;      // replay this --script, then exit
    int settleFrames = 3;                       // frames drawn with every answer in before a script step goes on
    std::string view = "list";                  // list, ladder, inspector, stats, registrations, subscriptions
    std::optional<std::string> selectCall;      // Call-ID or key opened at start
    std::optional<std::int64_t> message;        // message id selected in it
    std::optional<std::string> filter;          // filter words at start
    std::string aliasesPath;                    // host names; empty: the CLI's default places; "none": no names
    int widthPx = 1280, heightPx = 720;
    bool isSizeGiven = false;               // --size: else the size kept from the last run, if any
    bool keepsSettings = false;             // --settings: a test run reads and writes the settings too
    std::optional<std::string> timingPath;  // bench/: frame times and each script step's latency, written here
};

class App {
public:
    explicit App(AppOptions options);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Main thread. Opens the window and runs frames until it closes, or until the script has run.
    // Returns the exit code: 0; 1 when no window can be opened or the script cannot be read; 2 when a test run
    // met an error (the database cannot be read, a query failed, a step never settled).
    int run();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace sipscope::viewer
