// File -> Export: the ladder on screen as PNG or SVG (the exporter of `sipscope export ladder`, with the viewer's
// column order), the selected calls as pcap (that of `sipscope export pcap`) and the list, with its filter and sort,
// as CSV (that of `sipscope export calls --format csv`). A file-name prompt drawn in ImGui; the file is written on
// a thread of its own (with its own read-only store::Reader for pcap and CSV), never in a frame and never holding
// up the list's queries; a failed export leaves the file it would have replaced as it was.
#pragma once

#include "ladder/ladder_model.hpp"
#include "store/reader.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sipscope::viewer {

class UiQueue;

enum class ExportKind { LadderPng, LadderSvg, CallsPcap, ListCsv };

// The ladder as it is on screen, copied when the export starts (the view may change while the file is written).
struct LadderSnapshot {
    store::CallRow call;  // the first of the opened calls: the title
    ladder::Model model;
    std::vector<std::size_t> columnOrder;  // the view's order, hidden columns left out; empty: all
};

// What the workspace hands over when the user confirms a file name.
struct ExportSources {
    std::function<std::optional<LadderSnapshot>()> ladder;  // nullopt: no ladder open
    std::function<std::vector<std::int64_t>()> calls;       // the selected calls
    std::function<store::Filter()> filter;                  // the list's filter
    std::function<std::pair<std::string, bool>()> sort;     // the list's sort field and whether it is descending
};

class ExportMenu {
public:
    // `ui` (to wake the frame loop when an export ends) must outlive the menu.
    ExportMenu(std::string dbPath, UiQueue& ui);
    // Waits for a running export, asking it to stop first (its file is then left as it was).
    ~ExportMenu();
    ExportMenu(const ExportMenu&) = delete;
    ExportMenu& operator=(const ExportMenu&) = delete;

    // GUI thread, inside the File menu: the four items. `hasLadder`/`hasCalls` enable them.
    void drawMenuItems(bool hasLadder, bool hasCalls);
    // GUI thread: Ctrl+P (ladder PNG), Ctrl+S (ladder SVG), Ctrl+E (calls pcap), Ctrl+L (list CSV). Call where a
    // text field has not the keyboard.
    void handleKeys();
    // GUI thread: asks for a file name for `kind`.
    void ask(ExportKind kind);
    // GUI thread, at the level of the window whose ID stack opened it: the prompt, and the start of the export when
    // the user confirms a name.
    void draw(const ExportSources& sources);
    // GUI thread: the last export's outcome for the status bar ("wrote FILE", or what went wrong), once it ended.
    void drawStatus();

    // True while an export runs (a test script waits for it like for a query).
    bool isBusy() const;
    // The last export's outcome; empty before the first has ended.
    std::string status() const;
    bool hasFailed() const;

private:
    void start(ExportKind kind, const std::string& path, const ExportSources& sources);

    std::string m_dbPath;
    UiQueue& m_ui;
    std::optional<ExportKind> m_asked;   // a prompt to open in the next draw()
    std::optional<ExportKind> m_prompt;  // the prompt open
    bool m_isFocusAsked = false;
    char m_path[1024] = {};
    std::string m_promptError;  // shown in the prompt: why it cannot start

    mutable std::mutex m_mutex;
    std::string m_status;      // guarded by m_mutex
    bool m_hasFailed = false;  // guarded by m_mutex
    std::atomic<bool> m_isRunning{false};
    std::jthread m_worker;  // last: joined before the members above go
};

// The file name a prompt starts with: "ladder.png", "ladder.svg", "calls.pcap", "calls.csv" (in the current
// directory).
std::string defaultExportName(ExportKind kind);

}  // namespace sipscope::viewer
