// Statistics of the calls the filter selects, as `sipscope stats` counts them, with charts drawn on ImDrawList
// (Debian has no ImPlot): responses by class, calls per interval (answered / failed), a setup-time (SRD)
// histogram with percentiles, top failure codes. Clicking a failure bar filters the list to that status.
#pragma once

#include "store/reader.hpp"
#include "viewer/refresh_gate.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sipscope::viewer {

class QueryThread;
class UiQueue;

class StatsView {
public:
    // Calls read for the setup-time histogram, at most; the figures above it count every call.
    static constexpr std::size_t MaxHistogramCalls = 50000;

    // Reads `dbPath` on a query thread of its own: on a large database the figures take many seconds (the calls
    // per interval group every message), and the list and the ladder do not wait behind them.
    StatsView(const std::string& dbPath, UiQueue& ui);
    ~StatsView();
    StatsView(const StatsView&) = delete;
    StatsView& operator=(const StatsView&) = delete;
    // GUI thread. Stops its thread after the running read (joins); its answers still wait in the UiQueue.
    void stop();
    // True while a read runs or waits.
    bool isBusy() const;

    // GUI thread. Counts again for `filter` (on the query thread), when the view is shown.
    void setFilter(const store::Filter& filter);
    // GUI thread. The database changed (a capture writes it): counts again when the view is shown, at most once a
    // second and one count at a time, the figures on screen kept until the new ones are in.
    void refresh();
    void draw();
    // The calls the figures on screen count; nullopt until the first figures are in.
    std::optional<std::uint64_t> calls() const;

    // Called with filter words to apply ("status:486") when a bar is clicked.
    std::function<void(std::string words)> onFilter;
    // The axis values the last frame drew, per chart axis ("srd x" -> "0 ms", "5 ms", ...), for the test report.
    const std::vector<std::pair<std::string, std::vector<std::string>>>& ticks() const { return m_ticks; }

private:
    struct Figures {
        store::Stats stats;
        std::vector<store::IntervalStats> intervals;
        std::int64_t intervalUs = 0;
        std::vector<double> srdMs;  // sorted
        bool isSrdSampled = false;
    };

    void load();

    UiQueue& m_ui;
    std::optional<std::string> m_error;  // the last read failed (the database cannot be read yet)
    store::Filter m_filter;
    std::uint64_t m_generation = 0;
    RefreshGate m_gate;
    std::shared_ptr<const Figures> m_figures;
    std::vector<std::pair<std::string, std::vector<std::string>>> m_ticks;
    std::unique_ptr<QueryThread> m_queries;  // last: its jobs use the members above
};

}  // namespace sipscope::viewer
