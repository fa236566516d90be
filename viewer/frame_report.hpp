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

    // A finding row of the Findings tab (issue 16).
    struct FindingLine {
        std::int64_t id = 0;  // findings.id, the `key` of `sipscope findings --format json`
        std::string severity, kind, callId;
    };

    // What the Diff tab drew (issue 16): its two calls, each aligned step, the selected step's differences.
    struct DiffDrawn {
        std::string callA, callB;
        struct Step {
            std::string kind;                 // same, changed, only_a, only_b (decode::diffStepKindName)
            std::optional<std::string> a, b;  // the labels of its two messages; nullopt: that side has none
            bool isHighlighted = false;       // drawn as a place where the calls part (or headers/SDP differ)
        };
        std::vector<Step> steps;
        std::optional<std::size_t> firstDifference;  // 1-based, as `sipscope diff`
        std::size_t selectedStep = 0;                // 1-based; 0: none
        std::vector<std::string> headers;            // header names differing in the selected step, as listed
        std::vector<std::string> sdp;                // its SDP fields: "sdp", "m=0 codecs", ...
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
    // The Findings tab: the rows loaded (nullopt until loaded), the severity and kind chosen ("" every one), the
    // first 200 rows; the ladder's arrows marked as having a finding.
    std::optional<std::uint64_t> findingsListed;
    std::string findingsSeverity, findingsKind;
    std::vector<FindingLine> findings;
    std::size_t findingMarkers = 0;
    std::optional<DiffDrawn> diff;     // nullopt: no diff open
    std::optional<std::string> error;  // a query failed (the database cannot be read, ...)

    std::string toJson() const;
    static std::string diffJson(const DiffDrawn& diff);
};

// `text` as a JSON string literal, quotes included; bytes that are not valid UTF-8 become U+FFFD.
std::string jsonQuote(const std::string& text);

}  // namespace sipscope::viewer
