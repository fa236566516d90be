// The call list, like sngrep's but paged from SQL: it holds the count and the pages around what is on screen, never
// every call, so a million-call database opens and scrolls like a small one. Sort by any column of `sipscope
// calls` (click its header), columns chosen by right-clicking the header row, several calls marked for one ladder.
#pragma once

#include "store/reader.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sipscope::viewer {

class QueryThread;
class UiQueue;

// Which calls the list shows and in what order. Changing it drops every page.
struct ListQuery {
    store::Filter filter;
    std::string sortField = "start";  // a field of `sipscope calls`
    bool isDescending = false;
};

class CallListView {
public:
    static constexpr std::size_t PageRows = 100;
    static constexpr std::size_t MaxPages = 12;        // rows held: at most PageRows * MaxPages
    static constexpr std::size_t MaxMarkedCalls = 64;  // calls opened together in one ladder

    // `queries` and `ui` must outlive the view.
    CallListView(QueryThread& queries, UiQueue& ui);

    // GUI thread. Draws into the current window, filling the space left. `hasFocus`: keys move the cursor.
    void draw(bool hasFocus);

    // GUI thread. A new filter or order: counts again and loads the pages in view.
    void setQuery(ListQuery query);
    // GUI thread. The same query again (new calls of a live capture), keeping the cursor.
    void refresh();
    void setError(std::string message);

    // Called with the calls to open (the marked ones, else the one under the cursor): Enter or a double click.
    std::function<void(std::vector<std::int64_t>)> onOpen;
    // Called when a count of the calls arrives: the database could be read.
    std::function<void(std::uint64_t total)> onCounted;
    // Called when the cursor moves onto a loaded call: `isByUser` false when it is only the first row arriving.
    std::function<void(const store::CallRow&, bool isByUser)> onCursor;

    const ListQuery& query() const { return m_query; }
    std::optional<std::uint64_t> total() const { return m_total; }
    const std::string& error() const { return m_error; }
    std::size_t markedCount() const { return m_marked.size(); }
    // Rows on screen in the last frame: [first, last], or nullopt when none.
    std::optional<std::pair<std::size_t, std::size_t>> visibleRange() const { return m_visible; }
    // The calls Enter would open.
    std::vector<std::int64_t> callsToOpen() const;
    // Moves the cursor to row `row` (clamped) and scrolls to it.
    void moveCursorTo(std::size_t row);

private:
    struct Page {
        std::vector<store::CallRow> rows;
        std::uint64_t usedFrame = 0;
    };

    void requestCount();
    void requestPage(std::size_t page);
    const store::CallRow* rowAt(std::size_t row);
    void handleKeys();
    void drawTable();
    void drawRow(std::size_t row, const store::CallRow& call);
    void evictPages();

    QueryThread& m_queries;
    UiQueue& m_ui;
    ListQuery m_query;
    std::uint64_t m_generation = 0;  // bumped by every new query; answers of older ones are dropped
    std::optional<std::uint64_t> m_total;
    std::map<std::size_t, Page> m_pages;
    std::set<std::size_t> m_pending;  // pages asked for in this generation
    std::string m_error;
    std::uint64_t m_frame = 0;

    std::size_t m_cursor = 0;
    std::optional<std::int64_t> m_cursorKey;  // the call under the cursor, once its page is in
    std::set<std::int64_t> m_marked;          // ids, never indexes: the pages are replaced
    bool m_scrollToCursor = false;
    bool m_isCursorMoved = false;  // by the user, since the list began
    float m_rowHeightPx = 0;
    std::optional<std::pair<std::size_t, std::size_t>> m_visible;
};

// "2024-05-01 12:34:56.789" (UTC) for a timestamp in µs since the epoch.
std::string formatTimestampUtc(std::int64_t timestampUs);

}  // namespace sipscope::viewer
