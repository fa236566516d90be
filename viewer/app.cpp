// Frame loop: drain the UiQueue, draw the views, render; GLFW/ImGui setup and teardown around it.
#include "viewer/app.hpp"

#include "store/reader.hpp"
#include "viewer/call_list_view.hpp"
#include "viewer/query_thread.hpp"
#include "viewer/screenshot.hpp"
#include "viewer/ui_queue.hpp"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <utility>

namespace sipscope::viewer {

namespace {

constexpr int WindowWidthPx = 1280;
constexpr int WindowHeightPx = 720;
// A screenshot run that has not settled by then reports a hang instead of waiting for ctest's timeout.
constexpr auto ScreenshotDeadline = std::chrono::seconds(20);

void onGlfwError(int code, const char* description) {
    std::fprintf(stderr, "sipscope-viewer: GLFW error %d: %s\n", code, description);
}

} // namespace

struct App::Impl {
    AppOptions options;
    GLFWwindow* window = nullptr;
    UiQueue ui{[] { glfwPostEmptyEvent(); }};
    CallListView callList;
    std::optional<std::string> lastError;  // shown in the status bar; the exit reason of a screenshot run
    // Created after glfwInit (its results wake GLFW), reset before glfwTerminate.
    std::unique_ptr<QueryThread> queries;

    void refreshCalls();
    void drawFrame();
    int loop();
};

void App::Impl::refreshCalls() {
    callList.setLoading();
    queries->submit([this](const store::Reader& reader) {
        std::vector<store::CallRow> calls = reader.calls(store::Filter{});
        ui.post([this, calls = std::move(calls)]() mutable { callList.setCalls(std::move(calls)); });
    });
}

void App::Impl::drawFrame() {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::Begin("sipscope", nullptr, flags);
    ImGui::TextUnformatted("sipscope");
    ImGui::SameLine();
    ImGui::TextDisabled("%s", options.dbPath.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("Refresh")) {
        refreshCalls();
    }
    ImGui::Separator();
    callList.draw();
    ImGui::End();
}

int App::Impl::loop() {
    const bool isScreenshotRun = options.screenshotPath.has_value();
    const auto startedAt = std::chrono::steady_clock::now();
    int settledFrames = 0;
    while (!glfwWindowShouldClose(window)) {
        if (isScreenshotRun) {
            glfwPollEvents();
        } else {
            glfwWaitEventsTimeout(0.5);  // results from the query thread wake it through glfwPostEmptyEvent
        }
        // Idle before the drain means every result already posted is applied in this frame.
        const bool isSettled = queries->isIdle();
        ui.drain();

        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        drawFrame();
        ImGui::Render();
        int widthPx = 0;
        int heightPx = 0;
        glfwGetFramebufferSize(window, &widthPx, &heightPx);
        glViewport(0, 0, widthPx, heightPx);
        glClearColor(0.10f, 0.11f, 0.13f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

        if (isScreenshotRun) {
            settledFrames = isSettled ? settledFrames + 1 : 0;
            if (settledFrames >= options.screenshotFrames) {
                writeFramebufferPng(*options.screenshotPath, widthPx, heightPx);
                if (lastError) {
                    std::fprintf(stderr, "sipscope-viewer: %s\n", lastError->c_str());
                    return 2;
                }
                std::printf("sipscope-viewer: %zu calls, wrote %s\n", callList.callCount(),
                            options.screenshotPath->c_str());
                return 0;
            }
            if (std::chrono::steady_clock::now() - startedAt > ScreenshotDeadline) {
                std::fprintf(stderr, "sipscope-viewer: queries did not finish in time\n");
                return 2;
            }
        }
        glfwSwapBuffers(window);
    }
    return 0;
}

App::App(AppOptions options) : m_impl(std::make_unique<Impl>()) {
    m_impl->options = std::move(options);
}

App::~App() = default;

int App::run() {
    Impl& app = *m_impl;
    glfwSetErrorCallback(onGlfwError);
    if (glfwInit() == GLFW_FALSE) {
        std::fprintf(stderr, "sipscope-viewer: cannot initialise GLFW (no display?)\n");
        return 1;
    }
    // GL 3.0 + GLSL 130: what Mesa offers everywhere, including llvmpipe under Xvfb.
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    app.window = glfwCreateWindow(WindowWidthPx, WindowHeightPx, "sipscope", nullptr, nullptr);
    if (app.window == nullptr) {
        std::fprintf(stderr, "sipscope-viewer: cannot open an OpenGL 3.0 window\n");
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(app.window);
    glfwSwapInterval(app.options.screenshotPath ? 0 : 1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // no imgui.ini beside the user's database
    if (app.options.screenshotPath) {
        // Xvfb parks the pointer mid-screen; a hovered row and its tooltip would make shots differ.
        ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NoMouse;
    }
    ImGui::StyleColorsDark();
    ImGui_ImplGlfw_InitForOpenGL(app.window, true);
    ImGui_ImplOpenGL3_Init("#version 130");

    auto onError = [&app](const std::string& message) {
        app.lastError = message;
        app.callList.setError(message);
    };
    app.queries = std::make_unique<QueryThread>(app.options.dbPath, app.ui, std::move(onError));
    app.refreshCalls();

    int exitCode = 0;
    try {
        exitCode = app.loop();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sipscope-viewer: %s\n", e.what());
        exitCode = 2;
    }

    app.queries.reset();  // joins; nothing posts to the UiQueue or wakes GLFW after this
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(app.window);
    glfwTerminate();
    return exitCode;
}

} // namespace sipscope::viewer
