// Inspector drawing. The raw text is read once per selection on the query thread; parsing it for the headers table
// is cheap (zero-copy, one message) and done in the frame that draws it.
#include "viewer/inspector_view.hpp"

#include "decode/sip_parser.hpp"
#include "viewer/call_list_view.hpp"
#include "viewer/host_label.hpp"
#include "viewer/palette.hpp"
#include "viewer/query_thread.hpp"
#include "viewer/ui_queue.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>

namespace sipscope::viewer {

namespace {

constexpr unsigned HeaderNameColor = palette::rgba(120, 180, 255);
constexpr unsigned SdpKeyColor = palette::rgba(200, 160, 255);
constexpr unsigned FoundColor = palette::rgba(160, 130, 30, 110);

bool containsIgnoringCase(std::string_view text, std::string_view needle) {
    if (needle.empty())
        return false;
    const auto found = std::search(text.begin(), text.end(), needle.begin(), needle.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    return found != text.end();
}

void coloured(unsigned colour, std::string_view text) {
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::TextUnformatted(text.data(), text.data() + text.size());
    ImGui::PopStyleColor();
}

}  // namespace

InspectorView::InspectorView(QueryThread& queries, UiQueue& ui) : m_queries(queries), m_ui(ui) {}

void InspectorView::setCall(CallDataPtr call) {
    m_call = std::move(call);
    m_stream.reset();
    m_seriesOf.reset();
    m_series.reset();
    m_selected.reset();
    m_textOf.reset();
    m_text.clear();
}

void InspectorView::selectStream(std::optional<std::int64_t> streamId) {
    m_stream = streamId;
    if (!streamId || m_seriesOf == streamId)
        return;
    m_queries.submit([this, id = *streamId](const store::Reader& reader) {
        std::optional<store::StreamSeries> series = reader.streamSeries(id);
        m_ui.post([this, id, series = std::move(series)]() mutable {
            if (m_stream != id)
                return;
            m_seriesOf = id;
            m_series = std::move(series);
        });
    });
}

void InspectorView::select(std::optional<std::int64_t> messageId) {
    m_stream.reset();
    if (messageId == m_selected)
        return;
    m_selected = messageId;
    if (!messageId || !m_call)
        return;
    m_queries.submit([this, call = m_call, id = *messageId](const store::Reader& reader) {
        std::string text;
        // The text blocks are read in order; the call's messages before this one cost little (one block each).
        reader.forEachCallMessage(call->callKeys, true, [&](store::MessageRow& message) {
            if (message.id != id)
                return true;
            text = std::move(message.text);
            return false;
        });
        m_ui.post([this, id, text = std::move(text)]() mutable {
            if (m_selected != id)
                return;
            m_textOf = id;
            m_text = std::move(text);
        });
    });
}

void InspectorView::draw(bool hasFocus) {
    if (m_call && m_stream) {
        const auto stream = std::find_if(m_call->streams.begin(), m_call->streams.end(),
                                         [this](const store::StreamRow& row) { return row.id == *m_stream; });
        if (stream != m_call->streams.end()) {
            const bool isLoaded = m_seriesOf == m_stream;
            m_streamPage.draw(*stream, m_aliases, isLoaded && m_series ? &*m_series : nullptr, !isLoaded);
            return;
        }
    }
    if (!m_call || !m_selected) {
        ImGui::TextDisabled("Select a message in the ladder (click an arrow, or Up/Down) to inspect it.");
        return;
    }
    const auto found = std::find_if(m_call->messages.begin(), m_call->messages.end(),
                                    [this](const store::MessageRow& row) { return row.id == *m_selected; });
    if (found == m_call->messages.end()) {
        ImGui::TextDisabled("Message %lld is not in this call.", static_cast<long long>(*m_selected));
        return;
    }
    const store::MessageRow& message = *found;
    if (hasFocus && !ImGui::GetIO().WantTextInput) {
        for (const ImWchar c : ImGui::GetIO().InputQueueCharacters)
            if (c == 'r')
                m_isParsed = !m_isParsed;
        if (ImGui::IsKeyPressed(GLFW_KEY_UP) && onStep)
            onStep(-1);
        if (ImGui::IsKeyPressed(GLFW_KEY_DOWN) && onStep)
            onStep(+1);
    }
    ImGui::Text("#%lld  %s  %s -> %s  %s  %zu bytes", static_cast<long long>(message.id),
                formatTimestampUtc(message.timestampUs).c_str(), hostTitle(m_aliases, message.src).c_str(),
                hostTitle(m_aliases, message.dst).c_str(),
                std::string(capture::transportName(message.transport)).c_str(), m_text.size());
    ImGui::SameLine();
    if (ImGui::SmallButton(m_isParsed ? "Raw (r)" : "Parsed (r)"))
        m_isParsed = !m_isParsed;
    ImGui::SameLine();
    if (ImGui::SmallButton("Copy"))
        ImGui::SetClipboardText(m_text.c_str());
    ImGui::SameLine();
    ImGui::SetNextItemWidth(200);
    ImGui::InputTextWithHint("##find", "find in text", &m_find);
    if (!message.valid) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette::Error);
        ImGui::TextWrapped("Malformed: %s", message.error.value_or("unknown error").c_str());
        ImGui::PopStyleColor();
    }
    if (m_textOf != m_selected) {
        ImGui::TextDisabled("Loading the message text...");
        return;
    }
    ImGui::BeginChild("inspector-body", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
    if (m_isParsed)
        drawParsed(message);
    else
        drawRaw();
    ImGui::EndChild();
}

void InspectorView::drawRaw() {
    std::string_view rest = m_text;
    bool isFirst = true;
    bool isBody = false;
    std::size_t matches = 0;
    while (!rest.empty()) {
        const std::size_t end = rest.find('\n');
        std::string_view line = rest.substr(0, end);
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (containsIgnoringCase(line, m_find)) {
            ++matches;
            const ImVec2 at = ImGui::GetCursorScreenPos();
            ImGui::GetWindowDrawList()->AddRectFilled(
                at, ImVec2(at.x + ImGui::GetContentRegionAvail().x, at.y + ImGui::GetTextLineHeight()), FoundColor);
        }
        if (isFirst) {
            const bool isResponse = line.starts_with("SIP/");
            const int status = isResponse && line.size() >= 11 ? std::atoi(std::string(line.substr(8, 3)).c_str()) : 0;
            coloured(isResponse ? palette::statusColor(status) : palette::Text, line);
            isFirst = false;
            continue;
        }
        if (line.empty()) {
            isBody = true;
            ImGui::TextUnformatted("");
            continue;
        }
        const std::size_t split = isBody ? (line.size() > 1 && line[1] == '=' ? 2 : 0) : line.find(':');
        if (split == 0 || split == std::string_view::npos) {
            ImGui::TextUnformatted(line.data(), line.data() + line.size());
            continue;
        }
        coloured(isBody ? SdpKeyColor : HeaderNameColor, line.substr(0, split));
        ImGui::SameLine(0, 0);
        const std::string_view value = line.substr(split);
        ImGui::TextUnformatted(value.data(), value.data() + value.size());
    }
    if (!m_find.empty())
        ImGui::TextDisabled("%zu lines match '%s'", matches, m_find.c_str());
}

void InspectorView::drawParsed(const store::MessageRow& message) {
    decode::SipParser parser;
    const decode::SipMessageView& parsed = parser.parse(m_text);
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable |
                                  ImGuiTableFlags_SizingStretchProp;
    ImGui::TextUnformatted("Headers");
    if (ImGui::BeginTable("headers", 2, flags)) {
        ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("Value");
        for (const decode::HeaderField& header : parsed.headers()) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            coloured(HeaderNameColor, header.name);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(header.value.data(), header.value.data() + header.value.size());
        }
        ImGui::EndTable();
    }
    std::vector<const store::MediaRow*> media;
    for (const store::MediaRow& row : m_call->media)
        if (row.messageId == message.id)
            media.push_back(&row);
    if (!media.empty()) {
        ImGui::Spacing();
        const std::string role(decode::sdpRoleName(message.sdpRole));
        ImGui::Text("SDP media (%s)", role.empty() ? "no offer/answer role" : role.c_str());
        if (ImGui::BeginTable("media", 6, flags)) {
            for (const char* name : {"Type", "Address:port", "Transport", "Direction", "Codecs", "ptime"})
                ImGui::TableSetupColumn(name);
            ImGui::TableHeadersRow();
            for (const store::MediaRow* row : media) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(row->type.c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%s:%d", row->address.c_str(), row->port);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(row->proto.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(row->direction.empty() ? "sendrecv" : row->direction.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(row->codecs.c_str());
                ImGui::TableNextColumn();
                if (row->ptimeMs)
                    ImGui::Text("%d ms", *row->ptimeMs);
            }
            ImGui::EndTable();
        }
    }
    ImGui::Spacing();
    ImGui::Text("Transaction: CSeq %u %s", message.cseq, message.cseqMethod.c_str());
    for (const store::TransactionRow& transaction : m_call->transactions) {
        if (transaction.method != message.cseqMethod)
            continue;
        ImGui::BulletText("%s transaction #%lld: %u requests, %u responses, final %s%s", transaction.method.c_str(),
                          static_cast<long long>(transaction.key), transaction.requests, transaction.responses,
                          transaction.finalStatus ? std::to_string(*transaction.finalStatus).c_str() : "none",
                          transaction.isOrphan ? " (orphan)" : "");
    }
    ImGui::Text("Dialogs of the call: %zu", m_call->dialogs.size());
    for (const store::DialogRow& dialog : m_call->dialogs)
        ImGui::BulletText("from-tag %s, to-tag %s: %s", dialog.fromTag.c_str(),
                          dialog.toTag.empty() ? "-" : dialog.toTag.c_str(),
                          std::string(decode::dialogStateName(dialog.state)).c_str());
    if (parsed.error().code != decode::ParseErrorCode::None) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette::Error);
        ImGui::TextWrapped("Parse error: %s", message.error.value_or("malformed").c_str());
        ImGui::PopStyleColor();
    }
}

}  // namespace sipscope::viewer
