// Workspace: the panes laid out in one window, the keys that move between them, and the hand-offs between views
// (list -> ladder -> inspector, stats -> filter). Views talk through callbacks set here, never to each other.
#include "viewer/workspace.hpp"

#include "ladder/host_aliases.hpp"
#include "store/database.hpp"
#include "store/filter_parse.hpp"
#include "viewer/call_list_view.hpp"
#include "viewer/diff_view.hpp"
#include "viewer/export_menu.hpp"
#include "viewer/file_browser.hpp"
#include "viewer/filter_bar.hpp"
#include "viewer/finding_marks.hpp"
#include "viewer/findings_view.hpp"
#include "viewer/help_overlay.hpp"
#include "viewer/import_job.hpp"
#include "viewer/inspector_view.hpp"
#include "viewer/ladder_view.hpp"
#include "viewer/palette.hpp"
#include "viewer/query_thread.hpp"
#include "viewer/registrations_view.hpp"
#include "viewer/stats_view.hpp"
#include "viewer/ui_queue.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <exception>
#include <utility>

namespace sipscope::viewer {

namespace {

constexpr std::array PaneNames{"list",          "ladder",        "inspector", "stats",
                               "registrations", "subscriptions", "findings",  "diff"};
constexpr unsigned FocusBorder = palette::rgba(90, 150, 255);

ParsedFilter parseFilterText(std::string_view text) {
    store::FilterWords words = store::parseFilterWords(text);
    ParsedFilter parsed;
    parsed.filter = std::move(words.filter);
    parsed.filter.limit = 0;  // the list pages itself
    for (store::FilterWordError& error : words.errors)
        parsed.problems.push_back({std::move(error.word), std::move(error.error)});
    return parsed;
}

bool hasCharacter(ImWchar wanted) {
    const ImVector<ImWchar>& queue = ImGui::GetIO().InputQueueCharacters;
    return std::find(queue.begin(), queue.end(), wanted) != queue.end();
}

}  // namespace

const char* paneName(Pane pane) { return PaneNames[static_cast<std::size_t>(pane)]; }

std::optional<Pane> paneOf(const std::string& name) {
    for (std::size_t i = 0; i < PaneNames.size(); ++i)
        if (name == PaneNames[i])
            return static_cast<Pane>(i);
    return std::nullopt;
}

struct Workspace::Impl {
    Impl(WorkspaceOptions options_, QueryThread& queries_, UiQueue& ui_)
        : options(std::move(options_)), queries(queries_), ui(ui_), filterBar(parseFilterText), list(queries, ui),
          inspector(queries, ui), stats(options.dbPath, ui),
          registrations(RegistrationsView::Kind::Registrations, queries, ui),
          subscriptions(RegistrationsView::Kind::Subscriptions, queries, ui), findings(queries, ui), diff(queries, ui),
          exports(options.dbPath, ui) {}

    WorkspaceOptions options;
    QueryThread& queries;
    UiQueue& ui;
    FilterBar filterBar;
    CallListView list;
    LadderView ladder;
    InspectorView inspector;
    StatsView stats;
    RegistrationsView registrations;
    RegistrationsView subscriptions;
    FindingsView findings;
    DiffView diff;
    ladder::HostAliases aliases;
    std::optional<std::string> aliasError;

    Pane focus = Pane::List;
    Pane rightTab = Pane::Ladder;  // the tab shown beside the list
    bool isRightTabForced = true;  // select rightTab's tab in the next frame
    bool isHelpShown = false;
    bool isQuitAsked = false;
    std::optional<std::string> error;
    std::vector<std::int64_t> openedKeys;
    CallDataPtr shownCall;                       // what the ladder and the inspector have of openedKeys
    bool isOpenPending = false;                  // a load of openedKeys is on its way
    bool isFollowing = false;                    // follow mode: the newest call kept in view and selected
    std::optional<std::int64_t> dataVersion;     // the database's, when it was last looked at
    std::optional<std::int64_t> pendingMessage;  // --message, selected once its call is in
    std::uint64_t openGeneration = 0;
    std::unique_ptr<ImportJob> import;
    std::vector<std::string> waitingImports;
    std::string importMessage;  // the last import's summary and problems, in the status bar
    FileBrowser browser;
    bool isBrowserAsked = false;
    std::optional<std::string> requestedDatabase;
    ExportMenu exports;  // last: its destructor waits for a running export, which reads nothing of the above

    // What File -> Export writes: the ladder on screen, the marked calls (else those open in the ladder), the list.
    ExportSources exportSources() {
        ExportSources sources;
        sources.ladder = [this]() -> std::optional<LadderSnapshot> {
            LadderSnapshot snapshot;
            return ladder.snapshot(snapshot) ? std::optional(std::move(snapshot)) : std::nullopt;
        };
        sources.calls = [this] { return list.markedCount() ? list.callsToOpen() : openedKeys; };
        sources.filter = [this] { return list.query().filter; };
        sources.sort = [this] { return std::pair(list.query().sortField, list.query().isDescending); };
        return sources;
    }

    void pollImport() {
        if (import && import->isDone()) {
            importMessage = import->summary();
            for (const std::string& problem : import->problems())
                importMessage += "; " + problem;
            import.reset();
            list.refresh();  // its count clears the error of queries that ran before the file existed
            stats.setFilter(filterBar.filter());
            registrations.setFilter(filterBar.filter());
            subscriptions.setFilter(filterBar.filter());
            findings.setFilter(filterBar.filter());
        }
        if (!import && !waitingImports.empty()) {
            import = std::make_unique<ImportJob>(options.dbPath, std::move(waitingImports));
            waitingImports.clear();
        }
    }

    void focusPane(Pane pane) {
        focus = pane;
        if (pane != Pane::List && pane != Pane::Inspector && pane != rightTab) {
            rightTab = pane;
            isRightTabForced = true;
        }
    }
    void applyFilter() {
        ListQuery query = list.query();
        query.filter = filterBar.filter();
        list.setQuery(std::move(query));
        stats.setFilter(filterBar.filter());
        registrations.setFilter(filterBar.filter());
        subscriptions.setFilter(filterBar.filter());
        findings.setFilter(filterBar.filter());
    }
    // d or View -> Diff: the two marked calls compared in the Diff tab (the lower key is A).
    void openDiff() {
        const std::vector<std::int64_t> keys = list.callsToOpen();
        if (list.markedCount() != 2 || keys.size() != 2)
            return;
        diff.open(keys[0], keys[1]);
        focusPane(Pane::Diff);
    }
    void openCalls(std::vector<std::int64_t> keys) {
        if (keys.empty())
            return;
        openedKeys = keys;
        loadOpened();
        focusPane(Pane::Ladder);
    }
    // `isReload`: the same calls again (a capture added messages): the ladder keeps its selection, columns and
    // scroll, and nothing is redrawn when no message was added.
    void loadOpened(bool isReload = false) {
        const bool withLegs = ladder.isShowingLegs();
        const std::size_t shown = isReload && shownCall ? shownCall->messages.size() : SIZE_MAX;
        isOpenPending = true;
        // The ladder's model is built here too, off the frame (a 10,000-message call's took ~25 ms of a frame).
        queries.submit([this, generation = ++openGeneration, keys = openedKeys, withLegs, shown,
                        inputs = ladder.modelInputs()](const store::Reader& reader) {
            CallDataPtr data = loadCallData(reader, keys, withLegs);
            const bool isSame = data->messages.size() == shown;
            std::shared_ptr<ladder::Model> model = isSame ? nullptr : LadderView::buildModelFor(*data, inputs);
            ui.post([this, generation, isSame, isReload = shown != SIZE_MAX, data = std::move(data),
                     model = std::move(model), version = inputs.version]() mutable {
                if (generation != openGeneration)
                    return;
                isOpenPending = false;
                if (isSame)
                    return;
                shownCall = data;
                if (isReload) {
                    ladder.updateCall(data, std::move(model), version);
                    inspector.setCall(data);
                    inspector.select(ladder.selectedMessage());
                    inspector.selectStream(ladder.selectedStream());  // a stream on show stays on show
                    return;
                }
                ladder.setCall(data, std::move(model), version);
                inspector.setCall(data);
                std::optional<std::int64_t> message = pendingMessage;
                pendingMessage.reset();
                if (!message && !data->messages.empty())
                    message = data->messages.front().id;
                ladder.selectMessage(message);
                inspector.select(message);
            });
        });
    }
    // The database changed (a capture writes it): the list counts again, follow mode moves to the newest call, the
    // open call gets its new messages, and the stats, registrations and subscriptions read again.
    void onDatabaseChanged() {
        list.refresh();
        stats.refresh();  // each reads again when its tab is shown
        registrations.refresh();
        subscriptions.refresh();
        findings.refresh();
        if (isFollowing)
            list.showNewest();
        if (!openedKeys.empty() && !isOpenPending)
            loadOpened(true);
    }
    void setFollowing(bool isOn) {
        isFollowing = isOn;
        if (isFollowing)
            list.showNewest();
    }
    void openByName(const std::string& idOrKey) {
        queries.submit([this, idOrKey](const store::Reader& reader) {
            std::optional<store::CallRow> call = reader.findCall(idOrKey);
            ui.post([this, idOrKey, key = call ? std::optional(call->key) : std::nullopt] {
                if (key) {
                    openedKeys = {*key};
                    loadOpened();  // where the keyboard is stays as --view put it
                    list.showCall(*key, false);
                } else {
                    error = "no call '" + idOrKey + "' in " + options.dbPath;
                }
            });
        });
    }

    void handleGlobalKeys();
    void drawMenu();
    void drawPanes();
    void drawRightTabs(bool hasFocus);
    void drawStatusBar();
    void trackClickFocus(Pane pane);
};

Workspace::Workspace(WorkspaceOptions options, QueryThread& queries, UiQueue& ui)
    : m_impl(std::make_unique<Impl>(std::move(options), queries, ui)) {}

Workspace::~Workspace() = default;

void Workspace::start() {
    Impl& w = *m_impl;
    try {
        const std::string path =
            w.options.aliasesPath.empty() ? ladder::HostAliases::defaultPath() : w.options.aliasesPath;
        if (!path.empty() && path != "none")
            w.aliases = ladder::HostAliases::load(path);
    } catch (const std::exception& e) {
        w.aliasError = e.what();
    }
    w.ladder.setAliases(&w.aliases);
    w.list.setAliases(&w.aliases);
    w.inspector.setAliases(&w.aliases);
    // A rename is kept for the session only (the aliases file is the user's to edit).
    w.ladder.onRename = [&w](const capture::Host& host, const std::string& name) {
        w.aliases.rename(host, name);
        w.ladder.aliasesChanged();
    };
    w.list.onOpen = [&w](std::vector<std::int64_t> keys) { w.openCalls(std::move(keys)); };
    // The ladder previews the call under the list's cursor, as soon as it is there (Enter also moves the keyboard).
    w.list.onCursor = [&w](const store::CallRow& call, bool isByUser) {
        if ((isByUser || !w.options.selectCall) && w.focus == Pane::List && w.list.markedCount() == 0 &&
            w.openedKeys != std::vector<std::int64_t>{call.key}) {
            w.openedKeys = {call.key};
            w.loadOpened();
        }
    };
    w.list.onCounted = [&w](std::uint64_t) { w.error.reset(); };
    w.ladder.onSelect = [&w](std::optional<std::int64_t> id) { w.inspector.select(id); };
    w.ladder.onSelectStream = [&w](std::int64_t id) { w.inspector.selectStream(id); };
    w.ladder.onLegs = [&w](bool) {
        if (!w.openedKeys.empty())
            w.loadOpened();
    };
    // A finding chosen in the Findings tab, a step opened in the Diff tab: its call in the ladder, its message
    // selected.
    w.findings.onOpen = [&w](std::int64_t callKey, std::int64_t messageId) {
        w.pendingMessage = messageId ? std::optional(messageId) : std::nullopt;
        w.openCalls({callKey});
        w.list.showCall(callKey, false);
    };
    w.diff.onOpen = w.findings.onOpen;
    w.inspector.onStep = [&w](int step) { w.ladder.step(step); };
    w.stats.onFilter = [&w](std::string words) {
        if (w.filterBar.setText(std::move(words)))
            w.applyFilter();
        w.focusPane(Pane::List);
    };
    if (w.options.filter)
        w.filterBar.setText(*w.options.filter);
    // The first look at the database's version, queued on the query thread ahead of the first reads of the list,
    // the ladder and the two listings: a write that lands after those reads is then a change to it.
    poll();
    w.applyFilter();
    w.focusPane(w.options.view);
    w.pendingMessage = w.options.message;
    if (w.options.selectCall)
        w.openByName(*w.options.selectCall);
}

void Workspace::setError(const std::string& message) {
    m_impl->error = message;
    m_impl->list.setError(message);
}

const std::optional<std::string>& Workspace::error() const { return m_impl->error; }

void Workspace::poll() {
    Impl& w = *m_impl;
    // data_version reads no table: an idle database costs next to nothing, however many calls it holds.
    w.queries.submit([&w, seen = w.dataVersion](const store::Reader& reader) {
        const std::int64_t version = reader.dataVersion();
        if (seen && *seen == version)
            return;
        // Compared with the version known when the answer arrives, not when it was asked: two polls on their way
        // before the first answer must not both count as the first.
        w.ui.post([&w, version] {
            const std::optional<std::int64_t> known = std::exchange(w.dataVersion, version);
            if (known && *known != version)
                w.onDatabaseChanged();
            else if (!known)
                w.stats.refresh();  // the stats read on a thread of their own: they may have read before this look
        });
    });
}

void Workspace::importFiles(std::vector<std::string> paths) {
    Impl& w = *m_impl;
    w.waitingImports.insert(w.waitingImports.end(), paths.begin(), paths.end());
    w.pollImport();
}

std::optional<std::string> Workspace::takeRequestedDatabase() {
    return std::exchange(m_impl->requestedDatabase, std::nullopt);
}

bool Workspace::isBusy() const {
    return m_impl->import || !m_impl->waitingImports.empty() || m_impl->exports.isBusy() || m_impl->stats.isBusy();
}

void Workspace::stopBackground() { m_impl->stats.stop(); }

void Workspace::Impl::handleGlobalKeys() {
    const ImGuiIO& io = ImGui::GetIO();
    if (ImGui::IsKeyPressed(GLFW_KEY_F1, false) || (!io.WantTextInput && hasCharacter('?')))
        isHelpShown = !isHelpShown;
    if (io.WantTextInput) {
        if (filterBar.takeSubmitted())
            focus = Pane::List;
        return;
    }
    if (filterBar.takeSubmitted())
        focus = Pane::List;
    if (hasCharacter('/')) {
        filterBar.focus();
        ImGui::GetIO().InputQueueCharacters.resize(0);  // the '/' is not typed into the bar it opens
    }
    if (ImGui::IsKeyPressed(GLFW_KEY_TAB, false)) {
        const std::array<Pane, 3> cycle{Pane::List, rightTab, Pane::Inspector};
        const auto at = std::find(cycle.begin(), cycle.end(), focus);
        const std::size_t index = at == cycle.end() ? 0 : static_cast<std::size_t>(at - cycle.begin());
        focus = cycle[(index + (io.KeyShift ? 2 : 1)) % cycle.size()];
    }
    if (ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false)) {
        if (isHelpShown)
            isHelpShown = false;
        else if (focus == Pane::Inspector)
            focus = rightTab;
        else if (focus != Pane::List)
            focus = Pane::List;
        else if (!filterBar.text().empty() && filterBar.setText(""))
            applyFilter();
    }
    if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_Q, false))
        isQuitAsked = true;
    if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_O, false))
        isBrowserAsked = true;
    if (hasCharacter('d') && focus == Pane::List)
        openDiff();
    if (hasCharacter('f') && focus != Pane::Inspector)
        setFollowing(!isFollowing);
    exports.handleKeys();
}

void Workspace::Impl::trackClickFocus(Pane pane) {
    if (ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows) &&
        (ImGui::IsMouseClicked(ImGuiMouseButton_Left) || ImGui::IsMouseClicked(ImGuiMouseButton_Right)))
        focus = pane;
}

void Workspace::Impl::drawMenu() {
    if (!ImGui::BeginMenuBar())
        return;
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Open...", "Ctrl+O"))
            isBrowserAsked = true;
        ImGui::Separator();
        exports.drawMenuItems(ladder.hasCall(), list.markedCount() > 0 || !openedKeys.empty());
        ImGui::Separator();
        if (ImGui::MenuItem("Quit", "Ctrl+Q"))
            isQuitAsked = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        for (Pane pane : {Pane::List, Pane::Ladder, Pane::Inspector, Pane::Stats, Pane::Registrations,
                          Pane::Subscriptions, Pane::Findings, Pane::Diff})
            if (ImGui::MenuItem(paneName(pane), nullptr, focus == pane))
                focusPane(pane);
        ImGui::Separator();
        if (ImGui::MenuItem("Diff the two marked calls", "d", false, list.markedCount() == 2))
            openDiff();
        if (ImGui::MenuItem("Follow the newest call", "f", isFollowing))
            setFollowing(!isFollowing);
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("Keys", "F1"))
            isHelpShown = true;
        ImGui::EndMenu();
    }
    ImGui::EndMenuBar();
}

void Workspace::Impl::drawRightTabs(bool hasFocus) {
    if (!ImGui::BeginTabBar("right"))
        return;
    const std::array<Pane, 6> tabs{Pane::Ladder,        Pane::Stats,    Pane::Registrations,
                                   Pane::Subscriptions, Pane::Findings, Pane::Diff};
    const std::array<const char*, 6> labels{"Ladder", "Stats", "Registrations", "Subscriptions", "Findings", "Diff"};
    // A tab chosen while the tabs are drawn (a finding opens its call) is selected in the next frame.
    const bool isForced = std::exchange(isRightTabForced, false);
    for (std::size_t i = 0; i < tabs.size(); ++i) {
        const ImGuiTabItemFlags flags = isForced && rightTab == tabs[i] ? ImGuiTabItemFlags_SetSelected : 0;
        if (!ImGui::BeginTabItem(labels[i], nullptr, flags))
            continue;
        if (!isForced && !isRightTabForced && rightTab != tabs[i]) {
            rightTab = tabs[i];  // the user clicked this tab
            focus = tabs[i];
        }
        switch (tabs[i]) {
        case Pane::Ladder: ladder.draw(hasFocus); break;
        case Pane::Stats: stats.draw(); break;
        case Pane::Registrations: registrations.draw(); break;
        case Pane::Findings: findings.draw(focus == Pane::Findings); break;
        case Pane::Diff: diff.draw(focus == Pane::Diff); break;
        default: subscriptions.draw(); break;
        }
        ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
}

void Workspace::Impl::drawPanes() {
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float statusHeight = ImGui::GetTextLineHeightWithSpacing() + 4;
    const float inspectorHeight = std::max(120.0f, (avail.y - statusHeight) * 0.32f);
    const float topHeight =
        std::max(100.0f, avail.y - statusHeight - inspectorHeight - ImGui::GetStyle().ItemSpacing.y);
    const float listWidth = std::max(320.0f, avail.x * 0.45f);
    auto beginPane = [this](const char* id, Pane pane, ImVec2 size) {
        const bool hasFocus = focus == pane || (pane == Pane::Ladder && focus == rightTab);
        ImGui::PushStyleColor(ImGuiCol_Border, hasFocus ? FocusBorder : ImGui::GetColorU32(ImGuiCol_Border));
        ImGui::BeginChild(id, size, true);
        ImGui::PopStyleColor();
        return hasFocus;
    };
    const bool listFocus = beginPane("list-pane", Pane::List, ImVec2(listWidth, topHeight));
    trackClickFocus(Pane::List);
    list.draw(listFocus);
    ImGui::EndChild();
    ImGui::SameLine();
    const bool rightFocus = beginPane("right-pane", Pane::Ladder, ImVec2(0, topHeight));
    trackClickFocus(rightTab);
    drawRightTabs(rightFocus && focus == Pane::Ladder);
    ImGui::EndChild();
    const bool inspectorFocus = beginPane("inspector-pane", Pane::Inspector, ImVec2(0, inspectorHeight));
    trackClickFocus(Pane::Inspector);
    inspector.draw(inspectorFocus);
    ImGui::EndChild();
}

void Workspace::Impl::drawStatusBar() {
    exports.drawStatus();
    if (import) {
        const std::uint64_t total = import->totalBytes();
        const float fraction = total ? static_cast<float>(import->bytesRead()) / static_cast<float>(total) : 0.0f;
        char overlay[160];
        std::snprintf(overlay, sizeof overlay, "importing %zu/%zu: %.1f of %.1f MB, %llu SIP messages",
                      import->fileIndex() + 1, import->fileCount(), static_cast<double>(import->bytesRead()) / 1e6,
                      static_cast<double>(total) / 1e6, static_cast<unsigned long long>(import->messages()));
        ImGui::ProgressBar(fraction, ImVec2(ImGui::GetContentRegionAvail().x * 0.45f, 0), overlay);
        ImGui::SameLine();
    } else if (!importMessage.empty()) {
        ImGui::TextDisabled("%s ·", importMessage.c_str());
        ImGui::SameLine();
    }
    ImGui::TextDisabled("%s", store::databaseName(options.dbPath).c_str());  // a URL's password not shown
    ImGui::SameLine();
    if (list.total())
        ImGui::TextDisabled("· %llu calls listed", static_cast<unsigned long long>(*list.total()));
    ImGui::SameLine();
    ImGui::TextDisabled("· %s", paneName(focus));
    if (isFollowing) {
        ImGui::SameLine();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette::Success), "· following the newest call (f)");
    }
    if (error || aliasError) {
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Text, palette::Error);
        ImGui::TextUnformatted(error ? error->c_str() : aliasError->c_str());
        ImGui::PopStyleColor();
    }
    ImGui::SameLine();
    ImGui::TextDisabled("· F1: keys");
}

bool Workspace::draw() {
    Impl& w = *m_impl;
    w.pollImport();
    w.handleGlobalKeys();
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    // No background: the window covers the screen, and the frame's clear already paints it in the background's
    // colour (see App); under Xvfb, llvmpipe would otherwise shade and blend every pixel of the window once more.
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                   ImGuiWindowFlags_MenuBar | ImGuiWindowFlags_NoBackground;
    ImGui::Begin("sipscope", nullptr, flags);
    w.drawMenu();
    if (w.filterBar.draw(w.list.total()))
        w.applyFilter();
    w.drawPanes();
    w.drawStatusBar();
    // The popup opens at the window's level: OpenPopup and BeginPopupModal must share the ID stack.
    if (w.isBrowserAsked) {
        w.isBrowserAsked = false;
        w.browser.open();
    }
    if (const std::optional<FileBrowser::Choice> choice = w.browser.draw()) {
        if (choice->isDatabase)
            w.requestedDatabase = choice->path;
        else
            importFiles({choice->path});
    }
    w.exports.draw(w.exportSources());
    ImGui::End();
    if (w.isHelpShown)
        drawHelpOverlay(&w.isHelpShown);
    return !w.isQuitAsked;
}

LadderView::Modes Workspace::ladderModes() const { return m_impl->ladder.modes(); }

void Workspace::setLadderModes(const LadderView::Modes& modes) { m_impl->ladder.setModes(modes); }

std::optional<std::pair<std::int64_t, std::int64_t>> Workspace::followedCall() const {
    const store::CallRow* call = m_impl->isFollowing ? m_impl->list.cursorCall() : nullptr;
    return call ? std::optional(std::pair(call->key, call->startUs)) : std::nullopt;
}

FrameReport Workspace::report() const {
    const Impl& w = *m_impl;
    FrameReport out;
    out.view = paneName(w.focus);
    w.ladder.report(out);
    out.selectedMessage = w.inspector.selected();
    out.selectedStream = w.inspector.selectedStream();
    out.streamGraphPoints = w.inspector.streamGraphPoints();
    out.callsListed = w.list.total();
    out.listRange = w.list.visibleRange();
    if (w.focus == Pane::List || !w.ladder.hasCall())
        out.rowsVisible = out.listRange ? out.listRange->second - out.listRange->first + 1 : 0;
    else
        out.rowsVisible = out.ladderRange ? out.ladderRange->second - out.ladderRange->first + 1 : 0;
    out.filter = w.filterBar.text();
    for (const FilterProblem& problem : w.filterBar.problems())
        out.filterErrors.push_back(problem.word + ": " + problem.expected);
    out.sort = (w.list.query().isDescending ? "-" : "") + w.list.query().sortField;
    out.selectedCalls = w.list.markedCount();
    if (w.list.total())
        out.listCursor = w.list.cursor();
    if (const store::CallRow* call = w.list.cursorCall())
        out.listCursorCallId = call->callId;
    out.isFollowing = w.isFollowing;
    if (w.rightTab == Pane::Stats)
        out.statsTicks = w.stats.ticks();
    out.statsCalls = w.stats.calls();
    out.registrationsListed = w.registrations.rowsListed();
    out.subscriptionsListed = w.subscriptions.rowsListed();
    w.findings.report(out);
    out.findingMarkers = w.shownCall ? markedMessages(*w.shownCall) : 0;
    w.diff.report(out);
    out.error = w.error;
    return out;
}

}  // namespace sipscope::viewer
