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

namespace sipscope::ladder {
class HostAliases;
}

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
    static constexpr std::size_t MaxAnchors = 256;     // known rows kept for keyset paging

    // `queries` and `ui` must outlive the view.
    CallListView(QueryThread& queries, UiQueue& ui);

    // GUI thread. Draws into the current window, filling the space left. `hasFocus`: keys move the cursor.
    void draw(bool hasFocus);

    // GUI thread. A new filter or order: counts again and loads the pages in view.
    void setQuery(ListQuery query);
    // GUI thread. The same query again (new calls of a live capture), keeping the cursor; the rows on screen stay
    // drawn until their new pages are in.
    void refresh();
    void setError(std::string message);
    // Names for the Source and Destination cells (kept by the caller for as long as the view lives).
    void setAliases(const ladder::HostAliases* aliases) { m_aliases = aliases; }
    // GUI thread. Moves the cursor to call `key` (once the query thread has found its row), scrolls to it and
    // highlights it; nothing when the list does not hold it. `isByUser`: onCursor is told so (false for --select).
    void showCall(std::int64_t key, bool isByUser);
    // GUI thread. The same for the newest call the list holds (the latest start), whatever the sort: follow mode.
    void showNewest();

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
    // The cursor's row, and its call when that row's page is in (nullptr otherwise).
    std::size_t cursor() const { return m_cursor; }
    const store::CallRow* cursorCall() const;

private:
    struct Page {
        std::vector<store::CallRow> rows;
        std::uint64_t usedFrame = 0;
    };

    void requestCount();
    void requestPage(std::size_t page);
    // The row's call, asking for its page when it is not in. `orStale`: a page of before the last refresh will do
    // while the new one is on its way (for drawing; never for the cursor's key).
    const store::CallRow* rowAt(std::size_t row, bool orStale);
    void placeCursor(std::size_t row, std::int64_t key, bool isByUser);
    void evictPages(std::map<std::size_t, Page>& pages);
    void handleKeys();
    void drawTable();
    void drawRow(std::size_t row, const store::CallRow& call);

    const ladder::HostAliases* m_aliases = nullptr;
    QueryThread& m_queries;
    UiQueue& m_ui;
    ListQuery m_query;
    std::uint64_t m_generation = 0;  // bumped by every new query; answers of older ones are dropped
    std::optional<std::uint64_t> m_total;
    bool m_isCountFresh = false;  // m_total is this generation's
    std::map<std::size_t, Page> m_pages;
    std::map<std::size_t, Page> m_stalePages;  // from before the last refresh, drawn until their page is in again
    std::set<std::size_t> m_pending;           // pages asked for in this generation
    // Rows whose call is known in this generation (each page's first and last, the call showCall placed): a page
    // is read from the nearest one (keyset paging), so a page far down costs what a page near the top costs.
    std::map<std::size_t, std::int64_t> m_anchors;
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
