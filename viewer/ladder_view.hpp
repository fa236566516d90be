// The ladder of the opened call(s): one column per host, one arrow per message, drawn from the shared ladder
// layout (ladder/ladder_layout.hpp) onto an ImDrawList canvas. Compressed or time-proportional rows with folded
// gaps, a time column (absolute, delta, since start), zoom and pan, legs in colour with a legend, a tooltip per
// arrow, and a selection that the inspector follows.
#pragma once

#include "capture/packet.hpp"
#include "ladder/ladder_model.hpp"
#include "viewer/call_data.hpp"
#include "viewer/frame_report.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sipscope::ladder {
class HostAliases;
}

namespace sipscope::viewer {

struct LadderSnapshot;

class LadderView {
public:
    enum class TimeMode { Absolute, Delta, SinceStart };
    // The toggles of the toolbar (t, c, i, l, b), kept between runs (viewer/settings.hpp).
    struct Modes {
        TimeMode time = TimeMode::Absolute;
        bool isProportional = false;
        bool isPerIp = false;
        bool isShowingLegs = true;
        bool isShowingBrackets = false;
    };

    LadderView();
    ~LadderView();
    LadderView(const LadderView&) = delete;
    LadderView& operator=(const LadderView&) = delete;

    // What the ladder's model is built from besides the call, taken on the GUI thread so that the query thread can
    // build a call's model with it (buildModelFor) and the frame that receives the call only lays it out.
    struct ModelInputs {
        ladder::ColumnGrouping grouping = ladder::ColumnGrouping::Endpoint;
        std::shared_ptr<const ladder::HostAliases> aliases;  // a copy of the names; nullptr: none
        std::uint64_t version = 0;                           // changes with the grouping and the names
    };
    ModelInputs modelInputs() const;
    // Any thread.
    static std::shared_ptr<ladder::Model> buildModelFor(const CallData& call, const ModelInputs& inputs);

    // GUI thread. The calls to draw; the selection and the scroll start over. `model`: built by buildModelFor with
    // the inputs of `modelVersion` (built again here when they changed since, or when none is given).
    void setCall(CallDataPtr call, std::shared_ptr<ladder::Model> model = {}, std::uint64_t modelVersion = 0);
    // GUI thread. The same calls with more messages (a live capture): the selection, the column order and the
    // scroll stay; new hosts are added on the right. `model` as for setCall.
    void updateCall(CallDataPtr call, std::shared_ptr<ladder::Model> model = {}, std::uint64_t modelVersion = 0);
    // Names for the columns (kept by the caller for as long as the view lives); nullptr: none.
    void setAliases(const ladder::HostAliases* aliases);
    // GUI thread. The aliases changed (a rename): the columns take their new names, nothing else moves.
    void aliasesChanged();
    // GUI thread. Selects message `id` (nullopt: none) and scrolls to it.
    void selectMessage(std::optional<std::int64_t> id);
    // Steps the selection by `step` arrows (clamped).
    void step(int step);
    void draw(bool hasFocus);

    bool hasCall() const;
    std::optional<std::int64_t> selectedMessage() const;
    bool isShowingLegs() const { return m_isShowingLegs; }
    Modes modes() const;
    // GUI thread, before a call is opened (the legs are read with the call).
    void setModes(const Modes& modes);
    // The ladder as drawn, for File -> Export: its first call, the model and the column order (hidden columns left
    // out). False when no call is open.
    bool snapshot(LadderSnapshot& out) const;
    // Fills the ladder's part of the report: call, columns, arrows, legs, visible range and points.
    void report(FrameReport& out) const;

    // Called when the selection changes (click, Up/Down): the inspector follows.
    std::function<void(std::optional<std::int64_t> messageId)> onSelect;
    // Called when a stream's bar is clicked (issue 15): the inspector shows that stream (streams.id).
    std::function<void(std::int64_t streamId)> onSelectStream;
    // GUI thread. Marks stream `id` (nullopt: none) as the one the inspector shows.
    void selectStream(std::optional<std::int64_t> id);
    std::optional<std::int64_t> selectedStream() const;
    // Called when `l` asks for the linked legs to be loaded (true) or dropped (false).
    std::function<void(bool withLegs)> onLegs;
    // Called when the column menu renames a host (an empty name: back to its address); the owner of the aliases
    // renames it and calls aliasesChanged.
    std::function<void(const capture::Host& host, const std::string& name)> onRename;

private:
    struct State;
    std::unique_ptr<State> m_state;
    bool m_isShowingLegs = true;
};

}  // namespace sipscope::viewer
