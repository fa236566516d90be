// Frame loop: drain the UiQueue, play the script's input, draw the workspace, render, run the script's checks.
// GLFW/ImGui setup and teardown around it.
#include "viewer/app.hpp"

#include "store/database.hpp"
#include "viewer/input_replay.hpp"
#include "viewer/query_thread.hpp"
#include "viewer/screenshot.hpp"
#include "viewer/settings.hpp"
#include "viewer/ui_queue.hpp"
#include "viewer/workspace.hpp"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace sipscope::viewer {

namespace {

// A script step that has not settled by then reports a hang instead of waiting for ctest's timeout.
constexpr auto StepDeadline = std::chrono::seconds(20);
// How often the viewer looks whether a capture added calls or messages (new ones show within a second).
constexpr auto LivePollPeriod = std::chrono::milliseconds(250);
constexpr const char* DejaVuSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr float FontSizePx = 15.0f;

// CPU time of the calling thread, in ms (for --timing: a frame that took longer than this waited for a core).
double threadCpuMs() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

void onGlfwError(int code, const char* description) {
    std::fprintf(stderr, "sipscope-viewer: GLFW error %d: %s\n", code, description);
}

// $XDG_CONFIG_HOME/sipscope (default ~/.config/sipscope), created; empty when there is no home to put it in.
std::string configDirectory() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    std::filesystem::path dir;
    if (xdg && *xdg)
        dir = std::filesystem::path(xdg) / "sipscope";
    else if (home && *home)
        dir = std::filesystem::path(home) / ".config" / "sipscope";
    else
        return {};
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    return error ? std::string() : dir.string();
}

}  // namespace

struct App::Impl {
    AppOptions options;
    GLFWwindow* window = nullptr;
    UiQueue ui{[] { glfwPostEmptyEvent(); }};
    std::string iniPath;  // ImGui keeps the pointer: it must live as long as the context
    // Created after glfwInit (their results wake GLFW), reset before glfwTerminate.
    std::unique_ptr<QueryThread> queries;
    std::unique_ptr<Workspace> workspace;
    std::unique_ptr<InputReplay> replay;
    ViewerSettings settings;  // read and written with ImGui's ini (viewer/settings.hpp)

    // --timing: when things happened, for bench/viewer_bench.sh (a report, never a test's assertion).
    struct Timing {
        std::chrono::steady_clock::time_point startedAt = std::chrono::steady_clock::now();
        double firstFrameMs = -1, firstSettledMs = -1;
        std::vector<double> frameMs;  // every frame's CPU+GPU time (llvmpipe under Xvfb: both are CPU)
        std::vector<double> uiMs;     // of which the UI: answers applied, the windows built (ImGui)
        std::vector<double> uiCpuMs;  // the CPU time the GUI thread spent on that (less than uiMs when it waited for
                                      // a core: the machine is busy)
        std::vector<std::pair<int, double>> stepMs;   // script line -> ms from its input to the next settled frame
        std::vector<std::array<double, 4>> frameLog;  // each frame: wall clock (ms since 1970), frame, UI, UI CPU ms
        std::vector<std::pair<double, double>> newestLag;  // follow: wall clock when a newer call showed, its age
        std::optional<std::int64_t> newestKey;
    };
    Timing timing;

    int loop();
    void setUpFont();
    // The query thread and the workspace on `dbPath` (at start, and for File -> Open).
    void openDatabase(std::string dbPath);
    void writeTiming() const;
    // Files dropped on the window (GLFW's drop event, or a script's `drop`): imported like files named on the
    // command line.
    void onDrop(std::vector<std::string> paths) { workspace->importFiles(std::move(paths)); }
    // The window's size and the ladder's modes into `settings`, for the ini ImGui writes.
    void keepSettings() {
        glfwGetWindowSize(window, &settings.widthPx, &settings.heightPx);
        if (workspace)
            settings.ladder = workspace->ladderModes();
    }
};

void App::Impl::writeTiming() const {
    if (!options.timingPath)
        return;
    std::FILE* file = std::fopen(options.timingPath->c_str(), "w");
    if (file == nullptr) {
        std::fprintf(stderr, "sipscope-viewer: cannot write %s\n", options.timingPath->c_str());
        return;
    }
    auto percentile = [](std::vector<double> values, double p) {
        std::sort(values.begin(), values.end());
        return values.empty() ? 0.0
                              : values[std::min(values.size() - 1,
                                                static_cast<std::size_t>(p * static_cast<double>(values.size())))];
    };
    const std::vector<double>& frames = timing.frameMs;
    std::fprintf(file,
                 "first_frame_ms %.1f\nfirst_settled_ms %.1f\nframes %zu\nframe_p50_ms %.2f\nframe_p99_ms %.2f\n"
                 "frame_max_ms %.2f\nframe_ui_p50_ms %.2f\nframe_ui_p99_ms %.2f\nframe_ui_cpu_p50_ms %.2f\n"
                 "frame_ui_cpu_p99_ms %.2f\n",
                 timing.firstFrameMs, timing.firstSettledMs, frames.size(), percentile(frames, 0.5),
                 percentile(frames, 0.99), percentile(frames, 1.0), percentile(timing.uiMs, 0.5),
                 percentile(timing.uiMs, 0.99), percentile(timing.uiCpuMs, 0.5), percentile(timing.uiCpuMs, 0.99));
    for (const auto& [line, ms] : timing.stepMs)
        std::fprintf(file, "step_line_%d_ms %.1f\n", line, ms);
    // Per frame and per newer call followed, for a benchmark that takes the frames of a time window (a capture).
    for (const auto& [wallMs, frameMs, uiMs, uiCpuMs] : timing.frameLog)
        std::fprintf(file, "frame_at %.1f %.2f %.2f %.2f\n", wallMs, frameMs, uiMs, uiCpuMs);
    for (const auto& [wallMs, lagMs] : timing.newestLag)
        std::fprintf(file, "newest_at %.1f %.1f\n", wallMs, lagMs);
    std::fclose(file);
}

void App::Impl::setUpFont() {
    float scale = 1.0f;
    float scaleY = 1.0f;
    glfwGetWindowContentScale(window, &scale, &scaleY);
    ImGuiIO& io = ImGui::GetIO();
    if (std::filesystem::exists(DejaVuSans) && io.Fonts->AddFontFromFileTTF(DejaVuSans, FontSizePx * scale)) {
        ImGui::GetStyle().ScaleAllSizes(scale);
        return;
    }
    ImFontConfig config;
    config.SizePixels = 13.0f * scale;
    io.Fonts->AddFontDefault(&config);
    ImGui::GetStyle().ScaleAllSizes(scale);
}

void App::Impl::openDatabase(std::string dbPath) {
    if (queries) {
        keepSettings();
        workspace->stopBackground();
        queries.reset();  // joins: no job of the old database runs after this
        ui.drain();       // their answers go to the old workspace while it still exists
        workspace.reset();
    }
    options.dbPath = std::move(dbPath);
    WorkspaceOptions workspaceOptions;
    workspaceOptions.dbPath = options.dbPath;
    workspaceOptions.view = paneOf(options.view).value_or(Pane::List);
    workspaceOptions.selectCall = options.selectCall;
    workspaceOptions.message = options.message;
    workspaceOptions.filter = options.filter;
    workspaceOptions.aliasesPath = options.aliasesPath;
    auto onError = [this](const std::string& message) { workspace->setError(message); };
    queries = std::make_unique<QueryThread>(options.dbPath, ui, std::move(onError));
    workspace = std::make_unique<Workspace>(std::move(workspaceOptions), *queries, ui);
    if (settings.ladder)
        workspace->setLadderModes(*settings.ladder);
    workspace->start();
    glfwSetWindowTitle(window, ("sipscope - " + store::databaseName(options.dbPath)).c_str());
}

int App::Impl::loop() {
    const bool isScripted = replay != nullptr;
    ImGuiIO& io = ImGui::GetIO();
    // The workspace's window fills the screen with no background of its own (a full-screen blended rectangle is the
    // most of what llvmpipe shades in a frame): the clear paints what its background would have, over this colour.
    const ImVec4 windowBg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    auto over = [&windowBg](float under, float bg) { return bg * windowBg.w + under * (1 - windowBg.w); };
    const ImVec4 clearColour(over(0.10f, windowBg.x), over(0.11f, windowBg.y), over(0.13f, windowBg.z), 1.0f);
    int settledFrames = 0;
    auto stepStartedAt = std::chrono::steady_clock::now();
    auto polledAt = std::chrono::steady_clock::now();
    while (!glfwWindowShouldClose(window)) {
        if (isScripted)
            glfwPollEvents();
        else
            glfwWaitEventsTimeout(0.25);  // results from the query thread wake it through glfwPostEmptyEvent
        const auto frameStartedAt = std::chrono::steady_clock::now();
        const double frameCpuStartMs = options.timingPath ? threadCpuMs() : 0;
        // Idle before the drain means every answer asked for so far is applied in this frame.
        const bool isIdleAtStart = queries->isIdle();
        const std::uint64_t submittedBefore = queries->submitted();
        ui.drain();

        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        InputReplay::Checks checks;
        if (isScripted) {
            bool isAdvancing = (settledFrames >= options.settleFrames && !replay->isDone()) || replay->isNextTap();
            if (const auto waited = replay->waited(); waited && isAdvancing) {
                const FrameReport report = workspace->report();
                const auto& [what, count] = *waited;
                const std::optional<std::uint64_t> shown = what == "calls"           ? report.callsListed
                                                           : what == "stats"         ? report.statsCalls
                                                           : what == "registrations" ? report.registrationsListed
                                                           : what == "findings"      ? report.findingsListed
                                                                                     : report.subscriptionsListed;
                isAdvancing = shown && *shown >= count;
            }
            checks = replay->apply(io, isAdvancing);
            if (isAdvancing) {
                settledFrames = 0;
                stepStartedAt = std::chrono::steady_clock::now();
            }
        }
        ImGui::NewFrame();
        const bool isOpen = workspace->draw();
        ImGui::Render();
        const auto builtAt = std::chrono::steady_clock::now();
        const double builtCpuMs = options.timingPath ? threadCpuMs() : 0;
        int widthPx = 0;
        int heightPx = 0;
        glfwGetFramebufferSize(window, &widthPx, &heightPx);
        glViewport(0, 0, widthPx, heightPx);
        glClearColor(clearColour.x, clearColour.y, clearColour.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        const bool isSettled = isIdleAtStart && queries->submitted() == submittedBefore && !workspace->isBusy();
        if (options.timingPath) {
            glFinish();
            const auto now = std::chrono::steady_clock::now();
            auto ms = [](auto duration) { return std::chrono::duration<double, std::milli>(duration).count(); };
            timing.frameMs.push_back(ms(now - frameStartedAt));
            timing.uiMs.push_back(ms(builtAt - frameStartedAt));
            timing.uiCpuMs.push_back(builtCpuMs - frameCpuStartMs);
            const double wallMs =
                std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch()).count();
            timing.frameLog.push_back({wallMs, timing.frameMs.back(), timing.uiMs.back(), timing.uiCpuMs.back()});
            // The capture stamps packets with the same clock: a call's start to the frame that first shows it.
            if (const auto followed = workspace->followedCall(); followed && followed->first != timing.newestKey) {
                timing.newestKey = followed->first;
                timing.newestLag.emplace_back(wallMs, wallMs - static_cast<double>(followed->second) / 1000.0);
            }
            if (timing.firstFrameMs < 0)
                timing.firstFrameMs = ms(now - timing.startedAt);
            if (isSettled && timing.firstSettledMs < 0)
                timing.firstSettledMs = ms(now - timing.startedAt);
            if (isSettled && settledFrames == 0 && replay && replay->line() > 0 &&
                (timing.stepMs.empty() || timing.stepMs.back().first != replay->line()))
                timing.stepMs.emplace_back(replay->line(), ms(now - stepStartedAt));
        }
        settledFrames = isSettled ? settledFrames + 1 : 0;

        if (!checks.dropped.empty())
            onDrop(checks.dropped);  // as the platform's drop event below
        if (checks.screenshotPath)
            writeFramebufferPng(*checks.screenshotPath, widthPx, heightPx);
        if (checks.isDump) {
            std::printf("%s\n", workspace->report().toJson().c_str());
            std::fflush(stdout);
        }
        if (isScripted) {
            if (replay->isDone() && settledFrames >= options.settleFrames) {
                if (workspace->error()) {
                    std::fprintf(stderr, "sipscope-viewer: %s\n", workspace->error()->c_str());
                    return 2;
                }
                return 0;
            }
            if (std::chrono::steady_clock::now() - stepStartedAt > StepDeadline) {
                if (const auto waited = replay->waited()) {
                    std::fprintf(stderr, "sipscope-viewer: script: `wait %s %llu` (after line %d) not met in %lld s\n",
                                 waited->first.c_str(), static_cast<unsigned long long>(waited->second), replay->line(),
                                 static_cast<long long>(StepDeadline.count()));
                    return 2;
                }
                std::fprintf(stderr, "sipscope-viewer: script line %d: the queries did not finish in %lld s\n",
                             replay->line(), static_cast<long long>(StepDeadline.count()));
                return 2;
            }
        }
        // Scripts too: a test checks that a database another process writes is followed.
        if (std::chrono::steady_clock::now() - polledAt > LivePollPeriod) {
            workspace->poll();
            polledAt = std::chrono::steady_clock::now();
        }
        if (!isOpen)
            break;
        if (std::optional<std::string> database = workspace->takeRequestedDatabase())
            openDatabase(std::move(*database));
        glfwSwapBuffers(window);
    }
    return 0;
}

App::App(AppOptions options) : m_impl(std::make_unique<Impl>()) { m_impl->options = std::move(options); }

App::~App() = default;

int App::run() {
    Impl& app = *m_impl;
    // The script first: a mistake in it is a usage error, found before any window opens.
    std::vector<ScriptStep> steps;
    if (app.options.scriptPath) {
        std::ifstream file(*app.options.scriptPath, std::ios::binary);
        if (!file) {
            std::fprintf(stderr, "sipscope-viewer: cannot read script %s\n", app.options.scriptPath->c_str());
            return 1;
        }
        std::stringstream text;
        text << file.rdbuf();
        try {
            steps = parseScript(text.str());
        } catch (const ScriptError& e) {
            std::fprintf(stderr, "sipscope-viewer: script %s: %s\n", app.options.scriptPath->c_str(), e.what());
            return 1;
        }
    }
    if (app.options.screenshotPath) {
        ScriptStep shot;
        shot.kind = ScriptStep::Kind::Screenshot;
        shot.text = *app.options.screenshotPath;
        steps.push_back(shot);
        ScriptStep dump;
        dump.kind = ScriptStep::Kind::Dump;
        steps.push_back(dump);
    }
    const bool isTestRun = app.options.scriptPath || app.options.screenshotPath;
    if (isTestRun)
        app.replay = std::make_unique<InputReplay>(std::move(steps));

    glfwSetErrorCallback(onGlfwError);
    if (glfwInit() == GLFW_FALSE) {
        std::fprintf(stderr, "sipscope-viewer: cannot initialise GLFW (no display?)\n");
        return 1;
    }
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    // Layout, table settings, the window's size and the ladder's modes, kept beside the aliases file; a test run
    // neither reads nor writes them unless told to (--settings). Read before the window opens: it has their size.
    const std::string config = isTestRun && !app.options.keepsSettings ? std::string() : configDirectory();
    app.iniPath = config.empty() ? std::string() : config + "/viewer.ini";
    ImGui::GetIO().IniFilename = app.iniPath.empty() ? nullptr : app.iniPath.c_str();
    registerSettings(app.settings);
    if (!app.iniPath.empty())
        ImGui::LoadIniSettingsFromDisk(app.iniPath.c_str());
    if (!app.options.isSizeGiven && app.settings.widthPx > 0) {
        app.options.widthPx = app.settings.widthPx;
        app.options.heightPx = app.settings.heightPx;
    }
    // GL 3.0 + GLSL 130: what Mesa offers everywhere, including llvmpipe under Xvfb.
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    app.window = glfwCreateWindow(app.options.widthPx, app.options.heightPx, "sipscope", nullptr, nullptr);
    if (app.window == nullptr) {
        std::fprintf(stderr, "sipscope-viewer: cannot open an OpenGL 3.0 window\n");
        ImGui::DestroyContext();
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(app.window);
    glfwSwapInterval(isTestRun ? 0 : 1);
    ImGui::StyleColorsDark();
    app.setUpFont();
    ImGui_ImplGlfw_InitForOpenGL(app.window, true);
    ImGui_ImplOpenGL3_Init("#version 130");

    app.openDatabase(app.options.dbPath);
    if (!app.options.captures.empty())
        app.workspace->importFiles(app.options.captures);
    // Files dropped on the window are imported like files named on the command line.
    glfwSetWindowUserPointer(app.window, &app);
    glfwSetDropCallback(app.window, [](GLFWwindow* window, int count, const char** paths) {
        static_cast<Impl*>(glfwGetWindowUserPointer(window))->onDrop(std::vector<std::string>(paths, paths + count));
    });

    int exitCode = 0;
    try {
        exitCode = app.loop();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sipscope-viewer: %s\n", e.what());
        exitCode = 2;
    }
    app.writeTiming();

    glfwSetDropCallback(app.window, nullptr);
    app.keepSettings();  // written by ImGui::DestroyContext below
    app.workspace->stopBackground();
    app.queries.reset();  // joins; nothing posts to the UiQueue or wakes GLFW after this
    app.workspace.reset();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(app.window);
    glfwTerminate();
    return exitCode;
}

}  // namespace sipscope::viewer
