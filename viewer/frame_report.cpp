// FrameReport as one line of JSON, keys in a fixed order.
#include "viewer/frame_report.hpp"

#include "common/concat.hpp"

#include <cstdio>

namespace sipscope::viewer {

namespace {

// Length of the valid UTF-8 sequence at `text[at]`, 0 when it is not one.
std::size_t utf8Length(const std::string& text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    const std::size_t length = lead < 0x80           ? 1
                               : (lead >> 5) == 0x6  ? 2
                               : (lead >> 4) == 0xe  ? 3
                               : (lead >> 3) == 0x1e ? 4
                                                     : 0;
    if (length == 0 || at + length > text.size())
        return 0;
    for (std::size_t i = 1; i < length; ++i)
        if ((byte(at + i) & 0xc0) != 0x80)
            return 0;
    return length;
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", value);
    return text;
}

std::string range(const std::optional<std::pair<std::size_t, std::size_t>>& span) {
    return span ? concat("[", std::to_string(span->first), ",", std::to_string(span->second), "]") : "null";
}

std::string optionalText(const std::optional<std::string>& text) { return text ? jsonQuote(*text) : "null"; }

}  // namespace

std::string FrameReport::diffJson(const DiffDrawn& diff) {
    std::string steps = "[";
    for (const DiffDrawn::Step& step : diff.steps)
        steps.append(steps.size() > 1 ? ",[" : "[")
            .append(concat(jsonQuote(step.kind), ",", optionalText(step.a), ",", optionalText(step.b), ",",
                           step.isHighlighted ? "true" : "false", "]"));
    std::string headers = "[", sdp = "[";
    for (const std::string& name : diff.headers)
        headers.append(headers.size() > 1 ? "," : "").append(jsonQuote(name));
    for (const std::string& field : diff.sdp)
        sdp.append(sdp.size() > 1 ? "," : "").append(jsonQuote(field));
    return concat(
        "{\"a\":", jsonQuote(diff.callA), ",\"b\":", jsonQuote(diff.callB), ",\"steps\":", steps,
        "],\"first_difference\":", diff.firstDifference ? std::to_string(*diff.firstDifference) : std::string("null"),
        ",\"selected_step\":", std::to_string(diff.selectedStep), ",\"headers\":", headers, "],\"sdp\":", sdp, "]}");
}

std::string jsonQuote(const std::string& text) {
    std::string out = "\"";
    for (std::size_t at = 0; at < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[at]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            ++at;
        } else if (c < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
            out += escaped;
            ++at;
        } else if (const std::size_t length = utf8Length(text, at); length > 0) {
            out.append(text, at, length);
            at += length;
        } else {
            out += "\\ufffd";
            ++at;
        }
    }
    return out + "\"";
}

std::string FrameReport::toJson() const {
    auto strings = [](const std::vector<std::string>& items) {
        std::string out = "[";
        for (const std::string& item : items)
            out.append(out.size() > 1 ? "," : "").append(jsonQuote(item));
        return out + "]";
    };
    std::string points = "[";
    for (const ArrowPoint& point : arrowPoints)
        points.append(points.size() > 1 ? ",[" : "[")
            .append(std::to_string(point.messageId))
            .append(",")
            .append(number(point.x))
            .append(",")
            .append(number(point.y))
            .append("]");
    points += "]";
    std::string json = "{\"view\":" + jsonQuote(view);
    json += ",\"call_id\":" + (callId ? jsonQuote(*callId) : "null");
    json += ",\"columns\":" + strings(columns);
    json += ",\"arrows\":" + std::to_string(arrows);
    json += ",\"legs\":" + std::to_string(legs);
    json += ",\"brackets\":" + std::to_string(brackets);
    json += ",\"selected_message\":" + (selectedMessage ? std::to_string(*selectedMessage) : "null");
    json += ",\"rows_visible\":" + std::to_string(rowsVisible);
    json += ",\"calls_listed\":" + (callsListed ? std::to_string(*callsListed) : "null");
    json += ",\"list_range\":" + range(listRange);
    json += ",\"ladder_range\":" + range(ladderRange);
    json += ",\"zoom\":" + number(zoom);
    json += ",\"row_mode\":" + jsonQuote(rowMode);
    json += ",\"time_mode\":" + jsonQuote(timeMode);
    json += ",\"filter\":" + jsonQuote(filter);
    json += ",\"filter_errors\":" + strings(filterErrors);
    json += ",\"sort\":" + jsonQuote(sort);
    json += ",\"selected_calls\":" + std::to_string(selectedCalls);
    json += ",\"list_cursor\":" + (listCursor ? std::to_string(*listCursor) : "null");
    json += ",\"list_cursor_call_id\":" + (listCursorCallId ? jsonQuote(*listCursorCallId) : "null");
    json += ",\"follow\":" + std::string(isFollowing ? "true" : "false");
    json += ",\"arrow_points\":" + points;
    std::string columnsAt = "[";
    for (const auto& [x, y] : columnPoints)
        columnsAt.append(columnsAt.size() > 1 ? ",[" : "[").append(number(x)).append(",").append(number(y)).append("]");
    json += ",\"column_points\":" + columnsAt + "]";
    std::string ticks = "{";
    for (const auto& [axis, values] : statsTicks)
        ticks.append(ticks.size() > 1 ? "," : "").append(jsonQuote(axis)).append(":").append(strings(values));
    json += ",\"stats_ticks\":" + ticks + "}";
    auto count = [](const std::optional<std::uint64_t>& value) { return value ? std::to_string(*value) : "null"; };
    json += ",\"stats_calls\":" + count(statsCalls);
    json += ",\"registrations\":" + count(registrationsListed);
    json += ",\"subscriptions\":" + count(subscriptionsListed);
    json += ",\"findings_listed\":" + count(findingsListed);
    json += ",\"findings_severity\":" + jsonQuote(findingsSeverity);
    json += ",\"findings_kind\":" + jsonQuote(findingsKind);
    std::string lines = "[";
    for (const FindingLine& line : findings)
        lines.append(lines.size() > 1 ? ",[" : "[")
            .append(concat(std::to_string(line.id), ",", jsonQuote(line.severity), ",", jsonQuote(line.kind), ",",
                           jsonQuote(line.callId), "]"));
    json += ",\"findings\":" + lines + "]";
    json += ",\"finding_markers\":" + std::to_string(findingMarkers);
    json += ",\"diff\":" + (diff ? diffJson(*diff) : std::string("null"));
    json += ",\"streams\":" + std::to_string(streams);
    std::string bars = "[";
    for (const StreamPoint& point : streamPoints)
        bars.append(bars.size() > 1 ? ",[" : "[")
            .append(std::to_string(point.streamId))
            .append(",")
            .append(number(point.x))
            .append(",")
            .append(number(point.y))
            .append("]");
    json += ",\"stream_points\":" + bars + "]";
    auto key = [](const std::optional<std::int64_t>& value) { return value ? std::to_string(*value) : "null"; };
    json += ",\"hovered_stream\":" + key(hoveredStream);
    json += ",\"selected_stream\":" + key(selectedStream);
    json += ",\"stream_graph_points\":" + std::to_string(streamGraphPoints);
    json += ",\"error\":" + (error ? jsonQuote(*error) : "null");
    return json + "}";
}

}  // namespace sipscope::viewer
