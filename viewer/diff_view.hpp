// The Diff tab (issue 16): two calls marked in the list, side by side as two small ladders whose rows are the
// aligned steps of `sipscope diff` (ladder/call_comparison.hpp, read on the query thread), the steps where the calls
// part highlighted, and for the selected step the headers and SDP fields that differ.
#pragma once

#include "viewer/frame_report.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace sipscope::ladder {
struct CallComparison;
}

namespace sipscope::viewer {

class QueryThread;
class UiQueue;

class DiffView {
public:
    DiffView(QueryThread& queries, UiQueue& ui);
    ~DiffView();
    DiffView(const DiffView&) = delete;
    DiffView& operator=(const DiffView&) = delete;

    // GUI thread. Compares the calls `a` and `b` (call keys); the first step that differs is selected.
    void open(std::int64_t a, std::int64_t b);
    // Up/Down step through the aligned steps when `hasFocus`; a click selects one; Enter or a double click opens it.
    void draw(bool hasFocus);
    // The diff part of the report; nothing when no diff is open.
    void report(FrameReport& out) const;

    // A step opened: the call and message of its A side (of its B side when A has none).
    std::function<void(std::int64_t callKey, std::int64_t messageId)> onOpen;

private:
    void drawDetails();
    void openSelected();

    QueryThread& m_queries;
    UiQueue& m_ui;
    std::uint64_t m_generation = 0;
    bool m_isLoading = false;
    std::optional<std::string> m_error;
    std::shared_ptr<const ladder::CallComparison> m_comparison;
    std::size_t m_selected = 0;  // step index
    bool m_isSelectionMoved = false;
};

}  // namespace sipscope::viewer
