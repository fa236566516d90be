// The window's contents: menu, filter bar, the call list beside the ladder / stats / registrations tabs, the
// inspector below, the status bar, the key help overlay. Owns the views and routes the keys between them; every
// query goes through the one QueryThread. Draws only: no SQL in a frame.
#pragma once

#include "viewer/call_data.hpp"
#include "viewer/frame_report.hpp"
#include "viewer/ladder_view.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sipscope::viewer {

class QueryThread;
class UiQueue;

enum class Pane { List, Ladder, Inspector, Stats, Registrations, Subscriptions, Findings, Diff };

// "list", "ladder", ... and back; nullopt for a name that is none.
const char* paneName(Pane pane);
std::optional<Pane> paneOf(const std::string& name);

struct WorkspaceOptions {
    std::string dbPath;
    Pane view = Pane::List;
    std::optional<std::string> selectCall;  // Call-ID or key to open at start
    std::optional<std::int64_t> message;    // message id to select in it
    std::optional<std::string> filter;      // filter words at start
    std::string aliasesPath;                // host names file; empty: the CLI's default places
};

class Workspace {
public:
    // `queries` and `ui` must outlive the workspace.
    Workspace(WorkspaceOptions options, QueryThread& queries, UiQueue& ui);
    ~Workspace();
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;

    // GUI thread. Starts the first queries (count, pages, the call of --select).
    void start();
    // GUI thread. Draws the whole window; returns false when the user asked to quit.
    bool draw();
    // GUI thread. A query failed (the database cannot be read, ...).
    void setError(const std::string& message);
    // GUI thread. Looks, on the query thread, whether the database changed (a capture is writing it); when it did,
    // the list counts again and the open call is loaded again. Cheap enough to call a few times a second.
    void poll();

    // GUI thread. Imports capture files into the database on a background thread (one import at a time: files
    // given while one runs are imported after it).
    void importFiles(std::vector<std::string> paths);
    // True while an import runs or waits (the list is still filling), an export runs, or the stats are counted.
    bool isBusy() const;
    // GUI thread. Stops the threads the workspace has of its own (the stats'), before the app's query thread stops
    // and the UiQueue is drained for the last time for this workspace.
    void stopBackground();
    // A database chosen in File -> Open, once: the app opens it in place of this workspace's.
    std::optional<std::string> takeRequestedDatabase();

    FrameReport report() const;
    // The ladder's toolbar modes, kept between runs; set before start().
    LadderView::Modes ladderModes() const;
    void setLadderModes(const LadderView::Modes& modes);
    // With follow on, the key and start (µs since 1970) of the call under the list's cursor, once its row is in: the
    // newest call shown, for --timing's latency of a new call (cheap enough for every frame, unlike report()).
    std::optional<std::pair<std::int64_t, std::int64_t>> followedCall() const;
    const std::optional<std::string>& error() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace sipscope::viewer
