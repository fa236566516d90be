// The viewer application: GLFW window, ImGui context, the frame loop, and the one place that lists the views.
#pragma once

#include <memory>
#include <optional>
#include <string>

namespace sipscope::viewer {

struct AppOptions {
    std::string dbPath = "sipscope.db";
    std::optional<std::string> screenshotPath;  // render, write this PNG, exit
    int screenshotFrames = 5;                   // frames rendered with all query results in before the shot
};

class App {
public:
    explicit App(AppOptions options);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Main thread. Opens the window and runs frames until it closes, or until the screenshot is written.
    // Returns the exit code: 0, 1 when no window can be opened, 2 when a screenshot run met an error.
    int run();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace sipscope::viewer
