// The inspector: the selected message's raw text (start line, header names and SDP coloured) with find and copy,
// and a parsed view: headers as a table, SDP media lines, the call's transactions and dialogs, the parse error.
#pragma once

#include "viewer/call_data.hpp"
#include "viewer/stream_inspector.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace sipscope::ladder {
class HostAliases;
}

namespace sipscope::viewer {

class QueryThread;
class UiQueue;

class InspectorView {
public:
    InspectorView(QueryThread& queries, UiQueue& ui);

    // GUI thread. The calls the messages belong to; clears the selection.
    void setCall(CallDataPtr call);
    // GUI thread. Shows message `id` of the current call (nullopt: none); its text is loaded on the query thread.
    void select(std::optional<std::int64_t> messageId);
    // GUI thread. Shows RTP stream `id` of the current call (streams.id) instead of a message, until a message is
    // selected; nullopt: back to the message. Its timeline is loaded on the query thread.
    void selectStream(std::optional<std::int64_t> streamId);
    std::optional<std::int64_t> selectedStream() const { return m_stream; }
    std::size_t streamGraphPoints() const { return m_stream ? m_streamPage.graphPoints() : 0; }
    // GUI thread. Draws into the current window. `hasFocus`: `r` switches raw/parsed, Up/Down step messages.
    void draw(bool hasFocus);

    std::optional<std::int64_t> selected() const { return m_selected; }
    // Names for the hosts in the message's line (kept by the caller for as long as the view lives).
    void setAliases(const ladder::HostAliases* aliases) { m_aliases = aliases; }
    // Called with -1 / +1 when the user steps to the previous / next message (the ladder follows).
    std::function<void(int step)> onStep;

private:
    void drawRaw();
    void drawParsed(const store::MessageRow& message);

    QueryThread& m_queries;
    UiQueue& m_ui;
    const ladder::HostAliases* m_aliases = nullptr;
    CallDataPtr m_call;
    std::optional<std::int64_t> m_selected;
    std::optional<std::int64_t> m_stream;
    std::optional<std::int64_t> m_seriesOf;  // the stream m_series belongs to (loaded, found or not)
    std::optional<store::StreamSeries> m_series;
    StreamInspector m_streamPage;
    std::optional<std::int64_t> m_textOf;  // the message m_text belongs to
    std::string m_text;
    std::string m_find;
    bool m_isParsed = false;
};

}  // namespace sipscope::viewer
