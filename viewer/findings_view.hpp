// The Findings tab (issue 16): the rows of `sipscope findings` for the filter, narrowed by severity and kind,
// loaded on the query thread (the first MaxRows of them). Choosing one opens its call with its message selected.
#pragma once

#include "store/reader.hpp"
#include "viewer/frame_report.hpp"
#include "viewer/refresh_gate.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sipscope::viewer {

class QueryThread;
class UiQueue;

// A finding's severity as drawn: error red, warning orange, info grey.
unsigned severityColour(decode::FindingSeverity severity);

class FindingsView {
public:
    static constexpr std::size_t MaxRows = 5000;

    FindingsView(QueryThread& queries, UiQueue& ui);
    void setFilter(const store::Filter& filter);  // loaded when next drawn
    // The database changed: loaded again when drawn, within a second, the rows on screen kept until then.
    void refresh();
    // Up/Down and Enter move and choose with the keyboard when `hasFocus` (a click chooses too); s and k step
    // through the severities and the kinds.
    void draw(bool hasFocus);
    // The findings part of the report: the rows loaded, the severity and kind chosen.
    void report(FrameReport& out) const;

    // A finding was chosen: its call and its message (0: it names none).
    std::function<void(std::int64_t callKey, std::int64_t messageId)> onOpen;

private:
    void load();
    void choose(std::size_t row);

    QueryThread& m_queries;
    UiQueue& m_ui;
    store::Filter m_filter;
    int m_severity = 0;  // 0: every severity, else decode::FindingSeverity + 1
    int m_kind = 0;      // 0: every kind, else decode::findingKinds()[m_kind - 1]
    std::uint64_t m_generation = 0;
    RefreshGate m_gate;
    bool m_isLoaded = false;
    std::vector<store::FindingRow> m_rows;
    std::optional<std::size_t> m_cursor;
    bool m_isCursorMoved = false;  // scroll the cursor's row into view in the next frame
};

}  // namespace sipscope::viewer
