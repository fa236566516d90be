// What a frame drew, as the one JSON line the --screenshot and --script test hooks print: tests compare it with
// the database (`sipscope calls`, `show`) instead of reading pixels.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sipscope::viewer {

struct FrameReport {
    // A visible arrow's label centre in window pixels, so a script can click it.
    struct ArrowPoint {
        std::int64_t messageId = 0;
        float x = 0, y = 0;
    };

    // A visible stream bar's centre in window pixels (issue 15), so a script can hover or click it.
    struct StreamPoint {
        std::int64_t streamId = 0;  // streams.id
        float x = 0, y = 0;
    };

    std::string view;                   // the focused pane: list, ladder, inspector, stats, registrations, ...
    std::optional<std::string> callId;  // the call in the ladder (its first leg when several)
    std::vector<std::string> columns;   // ladder column labels, left to right
    std::size_t arrows = 0;             // arrows in the ladder (its messages, hidden columns' left out)
    std::size_t legs = 0;               // calls in the ladder
    std::size_t brackets = 0;           // transaction brackets drawn in the ladder's margin (0 when off)
    std::optional<std::int64_t> selectedMessage;  // message id in the inspector
    std::size_t rowsVisible = 0;                  // list rows (view list) or ladder arrows (otherwise) on screen
    std::optional<std::uint64_t> callsListed;     // calls the filter selects; nullopt until counted
    std::optional<std::pair<std::size_t, std::size_t>> listRange;    // first and last list row on screen
    std::optional<std::pair<std::size_t, std::size_t>> ladderRange;  // first and last arrow on screen
    double zoom = 1;                                                 // ladder zoom factor
    std::string rowMode;                                             // compressed / proportional
    std::string timeMode;                                            // absolute / delta / since-start
    std::string filter;                                              // the filter bar's text
    std::vector<std::string> filterErrors;                           // its bad words, as shown in red
    std::string sort;                                                // list sort field, "-field" when descending
    std::size_t selectedCalls = 0;                                   // calls marked in the list
    std::optional<std::size_t> listCursor;                           // the list's cursor row; nullopt until counted
    std::optional<std::string> listCursorCallId;                     // its call's Call-ID, once its page is in
    bool isFollowing = false;                                        // follow mode: the newest call kept selected
    std::vector<ArrowPoint> arrowPoints;                             // visible arrows, in order (at most 200)
    std::vector<std::pair<float, float>> columnPoints;  // each ladder column's name centre in window pixels
    // The stats charts' axis values as drawn ("srd x" -> "0 ms", "2 ms", ...); empty unless the stats tab is shown.
    std::vector<std::pair<std::string, std::vector<std::string>>> statsTicks;
    // What the Stats, Registrations and Subscriptions tabs show: the calls the stats count, the rows of the two
    // tables; nullopt until that tab has loaded them.
    std::optional<std::uint64_t> statsCalls, registrationsListed, subscriptionsListed;
    std::size_t streams = 0;                     // RTP streams of the ladder's call(s), each a bar beside the ladder
    std::vector<StreamPoint> streamPoints;       // the bars drawn in view, in stream order
    std::optional<std::int64_t> hoveredStream;   // the bar under the pointer, its figures in a tooltip
    std::optional<std::int64_t> selectedStream;  // the stream the inspector shows (a bar clicked)
    std::size_t streamGraphPoints = 0;           // points of the selected stream's jitter/loss graph drawn
    std::optional<std::string> error;            // a query failed (the database cannot be read, ...)

    std::string toJson() const;
};

// `text` as a JSON string literal, quotes included; bytes that are not valid UTF-8 become U+FFFD.
std::string jsonQuote(const std::string& text);

}  // namespace sipscope::viewer
