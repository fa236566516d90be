// Ladder export as SVG, PlantUML, Mermaid and text, drawn from the shared model and layout. Each writer escapes
// packet text for its own syntax.
#include "ladder/ladder_export.hpp"

#include "common/concat.hpp"

#include "ladder/ladder_layout.hpp"
#include "ladder/ladder_text.hpp"
#include "ladder/text_format.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace sipscope::ladder {

namespace {

using ladder::printableText;

// SVG layout. Text is monospace, so a label's width is its code point count times CharWidthPx.
constexpr int MarginPx = 16;
constexpr int TitleHeightPx = 28;
constexpr int LegendLineHeightPx = 18;
constexpr int HeaderHeightPx = 44;  // host boxes above the lifelines
constexpr int HostBoxHeightPx = 24;
constexpr int GutterWidthPx = 210;  // "12:00:00.000000" and "+1.130000s" left of the first column
constexpr int DeltaOffsetPx = 120;  // delta's x within the gutter
constexpr int MinColumnWidthPx = 200;
constexpr int ColumnPaddingPx = 40;  // room around a label between two lifelines
constexpr int RowHeightPx = 34;
constexpr int FontSizePx = 12;
constexpr int TitleFontSizePx = 14;
constexpr double CharWidthPx = 7.3;  // advance of a 12 px monospace glyph (0.6 em), rounded up
constexpr int LabelRisePx = 6;       // label baseline above its arrow
constexpr int SelfLoopWidthPx = 30;
constexpr int SelfLoopHeightPx = 12;
constexpr int SelfLabelGapPx = 6;          // between a self-message loop and its label
constexpr std::size_t MaxLabelChars = 72;  // longer labels are cut with "…"
constexpr std::size_t MaxTitleChars = 200;

constexpr const char* InkColor = "#202020";
constexpr const char* LifelineColor = "#9e9e9e";
constexpr const char* HostFillColor = "#eef2f7";
constexpr const char* RetransmissionDash = "6 4";
constexpr const char* RtpColor = "#00838f";  // streams: their band, marks and labels
constexpr int StreamInsetPx = 6;             // a band's inset from the lifelines, and per lane

void appendFormatted(std::string& out, const char* format, unsigned value) {
    char buffer[12];
    std::snprintf(buffer, sizeof buffer, format, value);
    out += buffer;
}

// "Call-ID abc · sip:alice@a → sip:bob@b · answered (200)", printable but not yet escaped.
std::string titleText(const store::CallRow& call) {
    const std::string& from = call.fromUri.empty() ? call.fromUser : call.fromUri;
    const std::string& to = call.toUri.empty() ? call.toUser : call.toUri;
    std::string title =
        "Call-ID " + printableText(call.callId) + " · " + printableText(from) + " → " + printableText(to);
    {
        title += " · " + std::string(decode::callStateName(call.state));
        if (call.status)
            title += " (" + std::to_string(*call.status) + ")";
    }
    return ladder::cutToCells(title, MaxTitleChars);
}

// "12:00:00.000000 +120.000ms" for the comment above a PlantUML or Mermaid message.
std::string timeComment(const ladder::Model& model, std::size_t i) {
    std::string text = ladder::clockTime(model.arrows[i].timestampUs);
    if (i > 0)
        text.append(" ").append(ladder::deltaTime(model.arrows[i].timestampUs - model.arrows[i - 1].timestampUs));
    return text;
}

// "#2 leg-b@host (replaces)" for a legend line, printable.
std::string legText(const ladder::Model& model, std::size_t leg) {
    return concat("#", std::to_string(leg + 1), " ", model.legs[leg].callId, " (", model.legs[leg].link, ")");
}

bool isAsciiAlnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Replaces every ASCII character that is not alphanumeric and not in `safe` with `format` applied to its code.
// Bytes of multi-byte UTF-8 characters pass: no syntax of ours is spelled outside ASCII. A character of
// `safeAlone` stays literal unless its neighbour is the same character (Creole's "--" strikes through).
std::string entityEncode(std::string_view text, std::string_view safe, const char* format,
                         std::string_view safeAlone = {}) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        const auto c = static_cast<unsigned char>(ch);
        const bool alone = safeAlone.find(ch) != std::string_view::npos && (i == 0 || text[i - 1] != ch) &&
                           (i + 1 == text.size() || text[i + 1] != ch);
        if (c >= 0x80 || isAsciiAlnum(c) || safe.find(ch) != std::string_view::npos || alone)
            out += ch;
        else
            appendFormatted(out, format, c);
    }
    return out;
}

void svgText(std::ostream& out, int x, int y, const char* anchor, const std::string& color,
             const std::string& escaped) {
    out << "<text x=\"" << x << "\" y=\"" << y << "\" text-anchor=\"" << anchor << "\" fill=\"" << color << "\">"
        << escaped << "</text>\n";
}

// The SVG marker of an arrow head of each colour class, by name.
const char* markerName(const ladder::Arrow& arrow) {
    if (arrow.hasError)
        return "head-error";
    using C = ladder::MessageClass;
    switch (arrow.messageClass) {
    case C::Request: return "head-request";
    case C::Provisional: return "head-1xx";
    case C::Success: return "head-2xx";
    case C::Redirect: return "head-3xx";
    case C::ClientError: return "head-4xx";
    case C::ServerError: return "head-5xx";
    case C::GlobalError: return "head-6xx";
    case C::Unknown: break;
    }
    return "head-unknown";
}

ladder::Rgb arrowColor(const ladder::Arrow& arrow) {
    return arrow.hasError ? ladder::errorColor() : ladder::classColor(arrow.messageClass);
}

int px(double value) { return static_cast<int>(std::lround(value)); }

// The participants a stream mark's note spans in PlantUML and Mermaid ("P0, P1"): its sides that are columns, or
// the first participant when neither is one (the label names the addresses then).
std::string noteParticipants(const ladder::Model& model, const ladder::StreamMark& mark, std::string_view separator) {
    const ladder::StreamSpan& span = model.streams[mark.stream];
    std::vector<std::size_t> sides;
    for (const std::size_t column : {span.fromColumn, span.toColumn})
        if (column != ladder::NoColumn && std::find(sides.begin(), sides.end(), column) == sides.end())
            sides.push_back(column);
    if (sides.empty())
        sides.push_back(0);
    std::sort(sides.begin(), sides.end());
    std::string text = concat("P", std::to_string(sides.front()));
    if (sides.size() > 1)
        text.append(separator).append("P").append(std::to_string(sides.back()));
    return text;
}

// Where a stream's mark label starts when it is not centred between two columns: right of its leftmost side.
int streamLabelLeft(const ladder::PlacedStream& stream) {
    return px(std::min(stream.fromX, stream.toX)) + SelfLabelGapPx;
}

// The streams (issue 15): a translucent band between their sides' lifelines from the start mark's row to the stop
// mark's, inset per lane so overlapping streams stay apart; at each mark a dashed arrow (start) or line (stop) with
// its label and time. A side that is no column reaches the ladder's right edge.
void writeStreamsSvg(std::ostream& out, const ladder::Model& model, const ladder::Layout& layout) {
    for (const ladder::PlacedStream& placed : layout.streams) {
        const int inset = StreamInsetPx * static_cast<int>(placed.lane + 1);
        const int low = px(std::min(placed.fromX, placed.toX)) + inset;
        const int high = std::max(low + 2, px(std::max(placed.fromX, placed.toX)) - inset);
        out << "<rect class=\"stream\" x=\"" << low << "\" y=\"" << px(placed.y0) << "\" width=\"" << high - low
            << "\" height=\"" << std::max(1, px(placed.y1) - px(placed.y0)) << "\" fill=\"" << RtpColor
            << "\" fill-opacity=\"0.12\" stroke=\"" << RtpColor << "\" stroke-opacity=\"0.5\"><title>"
            << escapeXml(model.streams[placed.stream].summary) << "</title></rect>\n";
    }
    for (const ladder::PlacedMark& placed : layout.marks) {
        const ladder::StreamMark& mark = model.marks[placed.mark];
        const ladder::PlacedStream& stream = layout.streams[mark.stream];
        const ladder::StreamSpan& span = model.streams[mark.stream];
        const int y = px(placed.y);
        out << "<g class=\"rtp-mark\">\n";
        svgText(out, MarginPx, y + FontSizePx / 3, "start", RtpColor, ladder::clockTime(mark.timestampUs));
        const int fromX = px(stream.fromX), toX = px(stream.toX);
        out << "<line x1=\"" << fromX << "\" y1=\"" << y << "\" x2=\"" << toX << "\" y2=\"" << y << "\" stroke=\""
            << RtpColor << "\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\""
            << (mark.isStart && fromX != toX ? " marker-end=\"url(#head-rtp)\"" : "") << "/>\n";
        const std::string& label = mark.isStart ? span.startLabel : span.stopLabel;
        if (stream.isFromColumn && stream.isToColumn && fromX != toX)
            svgText(out, (fromX + toX) / 2, y - LabelRisePx, "middle", RtpColor, escapeXml(label));
        else
            svgText(out, streamLabelLeft(stream), y - LabelRisePx, "start", RtpColor, escapeXml(label));
        out << "</g>\n";
    }
}

}  // namespace

bool parseLadderFormat(std::string_view name, LadderFormat& format) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "svg")
        format = LadderFormat::Svg;
    else if (lower == "plantuml" || lower == "puml")
        format = LadderFormat::PlantUml;
    else if (lower == "mermaid" || lower == "mmd")
        format = LadderFormat::Mermaid;
    else if (lower == "text" || lower == "txt")
        format = LadderFormat::Text;
    else
        return false;
    return true;
}

std::string_view ladderFormatName(LadderFormat format) {
    switch (format) {
    case LadderFormat::Svg: return "svg";
    case LadderFormat::PlantUml: return "plantuml";
    case LadderFormat::Mermaid: return "mermaid";
    case LadderFormat::Text: return "text";
    }
    return "text";
}

std::string escapeXml(std::string_view text) {
    std::string out;
    for (const char c : printableText(text)) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;  // also keeps "]]>" out of character data (XML 1.0 §2.4)
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string escapePlantUml(std::string_view text) {
    // Creole (** // "" -- __ ~~ == |), HTML-like tags (<img:…>, <color>), \n, the preprocessor's $ % ! and block
    // comments /' all start with punctuation, so only harmless punctuation stays literal; a lone '-' (Call-ID) too,
    // as only "--" is Creole. <U+XXXX> and not &#NN;: PlantUML decodes &#NN; before it reads <U+…> and tags, and
    // 1.2020 throws on &#92; and &#36;.
    return entityEncode(printableText(text), " .,:;()+?@", "<U+%04X>", "-");
}

std::string escapeMermaid(std::string_view text) {
    // ; ends a statement, # starts an entity code or a comment, %% a comment or directive, <br> a line break.
    std::string out = entityEncode(printableText(text), " .,:()+?@/_=!'[]*-", "#%u;");
    // Mermaid leaves "style …:#…;" and "classDef …:#…;" out of entity decoding: never spell them.
    for (const std::string_view word : {std::string_view("style"), std::string_view("classDef")}) {
        for (std::size_t at = out.find(word); at != std::string::npos; at = out.find(word, at))
            out.replace(at, 1, concat("#", std::to_string(static_cast<unsigned char>(word[0])), ";"));  // "#115;tyle"
    }
    return out;
}

void writeLadderSvg(std::ostream& out, const store::CallRow& call, const ladder::Model& model,
                    const std::vector<std::size_t>& columnOrder) {
    const std::string title = titleText(call);
    const auto measure = [](std::string_view text) {
        return static_cast<double>(ladder::codePointCount(text)) * CharWidthPx;
    };
    const std::size_t legendLines = model.legs.size() > 1 ? model.legs.size() : 0;
    const int headerTopPx = MarginPx + TitleHeightPx + static_cast<int>(legendLines) * LegendLineHeightPx;
    const int lifelineTopPx = headerTopPx + HeaderHeightPx;

    ladder::LayoutOptions options;
    options.measure = measure;
    options.left = MarginPx + GutterWidthPx;
    options.top = lifelineTopPx + RowHeightPx;
    options.rowHeight = RowHeightPx;
    options.minColumnWidth = MinColumnWidthPx;
    options.headerPadding = ColumnPaddingPx;
    options.labelPadding = ColumnPaddingPx;
    options.selfLoopWidth = SelfLoopWidthPx + SelfLabelGapPx;
    options.wholeUnits = true;
    options.maxLabelWidth = static_cast<double>(MaxLabelChars) * CharWidthPx;
    options.columnOrder = columnOrder;
    options.markRows = true;
    const ladder::Layout layout = ladder::layOut(model, options);

    const int columnWidthPx = px(layout.columnWidth);
    double legendWidth = 0;
    for (std::size_t leg = 0; leg < legendLines; ++leg)
        legendWidth = std::max(legendWidth, measure(legText(model, leg)));
    double marksRight = 0;  // labels of marks not centred between two columns run right of their side
    for (const ladder::PlacedMark& placed : layout.marks) {
        const ladder::StreamMark& mark = model.marks[placed.mark];
        const ladder::PlacedStream& stream = layout.streams[mark.stream];
        const ladder::StreamSpan& span = model.streams[mark.stream];
        marksRight =
            std::max(marksRight, streamLabelLeft(stream) + measure(mark.isStart ? span.startLabel : span.stopLabel));
    }
    const int widthPx = std::max({px(layout.width), MarginPx + px(measure(title)) * TitleFontSizePx / FontSizePx,
                                  MarginPx + px(legendWidth), px(marksRight)}) +
                        MarginPx;
    const int heightPx =
        lifelineTopPx + (static_cast<int>(layout.arrows.size() + layout.marks.size()) + 1) * RowHeightPx + MarginPx;

    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << widthPx << "\" height=\"" << heightPx
        << "\" viewBox=\"0 0 " << widthPx << ' ' << heightPx << "\">\n"
        << "<title>" << escapeXml(title) << "</title>\n"
        << "<defs>\n";
    std::vector<std::string> markers;  // one per colour class used, in first-use order
    for (const ladder::Arrow& arrow : model.arrows) {
        const std::string name = markerName(arrow);
        if (std::find(markers.begin(), markers.end(), name) != markers.end())
            continue;
        markers.push_back(name);
        out << "<marker id=\"" << name << "\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"10\" "
            << "markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">"
            << "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"" << ladder::hexColor(arrowColor(arrow)) << "\"/></marker>\n";
    }
    if (!model.streams.empty())
        out << "<marker id=\"head-rtp\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"10\" "
            << "markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">"
            << "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"" << RtpColor << "\"/></marker>\n";
    out << "</defs>\n"
        << "<rect x=\"0\" y=\"0\" width=\"" << widthPx << "\" height=\"" << heightPx << "\" fill=\"#ffffff\"/>\n"
        << "<g font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"" << FontSizePx << "\">\n"
        << "<text x=\"" << MarginPx << "\" y=\"" << MarginPx + TitleFontSizePx << "\" font-size=\"" << TitleFontSizePx
        << "\" font-weight=\"bold\" fill=\"" << InkColor << "\">" << escapeXml(title) << "</text>\n";
    for (std::size_t leg = 0; leg < legendLines; ++leg)
        svgText(out, MarginPx, MarginPx + TitleHeightPx + static_cast<int>(leg + 1) * LegendLineHeightPx - 4, "start",
                ladder::hexColor(ladder::legColor(leg)), escapeXml(legText(model, leg)));

    const int hostBoxTopPx = headerTopPx + (HeaderHeightPx - HostBoxHeightPx) / 2 - 4;
    for (const ladder::PlacedColumn& column : layout.columns) {
        const int x = px(column.centerX);
        out << "<rect x=\"" << x - columnWidthPx / 2 + 10 << "\" y=\"" << hostBoxTopPx << "\" width=\""
            << columnWidthPx - 20 << "\" height=\"" << HostBoxHeightPx << "\" rx=\"3\" fill=\"" << HostFillColor
            << "\" stroke=\"" << LifelineColor << "\"/>\n";
        svgText(out, x, hostBoxTopPx + HostBoxHeightPx / 2 + FontSizePx / 2 - 2, "middle", InkColor,
                escapeXml(column.title));
        out << "<line x1=\"" << x << "\" y1=\"" << hostBoxTopPx + HostBoxHeightPx << "\" x2=\"" << x << "\" y2=\""
            << heightPx - MarginPx << "\" stroke=\"" << LifelineColor << "\" stroke-width=\"1\"/>\n";
    }

    writeStreamsSvg(out, model, layout);
    const ladder::Arrow* previous = nullptr;
    for (const ladder::PlacedArrow& placed : layout.arrows) {
        const ladder::Arrow& arrow = model.arrows[placed.arrow];
        const int y = px(placed.y);
        const std::string color = ladder::hexColor(arrowColor(arrow));
        std::string stroke =
            "stroke=\"" + color + "\" stroke-width=\"1.5\" marker-end=\"url(#" + markerName(arrow) + ")\"";
        if (arrow.isRetransmission)
            stroke += std::string(" stroke-dasharray=\"") + RetransmissionDash + "\"";
        out << "<g class=\"message\">\n";
        svgText(out, MarginPx, y + FontSizePx / 3, "start", InkColor, ladder::clockTime(arrow.timestampUs));
        if (previous)
            svgText(out, MarginPx + DeltaOffsetPx, y + FontSizePx / 3, "start", LifelineColor,
                    ladder::deltaTime(arrow.timestampUs - previous->timestampUs));
        previous = &arrow;
        const int fromX = px(placed.fromX);
        const int toX = px(placed.toX);
        if (placed.direction == ladder::Direction::Self) {
            out << "<path class=\"arrow\" d=\"M" << fromX << ',' << y << " h" << SelfLoopWidthPx << " v"
                << SelfLoopHeightPx << " h-" << SelfLoopWidthPx << "\" fill=\"none\" " << stroke << "/>\n";
            svgText(out, px(placed.labelLeft), y + SelfLoopHeightPx / 2 + FontSizePx / 3, "start", color,
                    escapeXml(placed.label));
        } else {
            out << "<line class=\"arrow\" x1=\"" << fromX << "\" y1=\"" << y << "\" x2=\"" << toX << "\" y2=\"" << y
                << "\" " << stroke << "/>\n";
            svgText(out, (fromX + toX) / 2, y - LabelRisePx, "middle", color, escapeXml(placed.label));
        }
        out << "</g>\n";
    }
    out << "</g>\n</svg>\n";
}

void writeLadderPlantUml(std::ostream& out, const store::CallRow& call, const ladder::Model& model) {
    out << "@startuml\n"
        << "title " << escapePlantUml(titleText(call)) << '\n';
    if (model.legs.size() > 1) {
        out << "legend top left\n";
        for (std::size_t leg = 0; leg < model.legs.size(); ++leg)
            out << escapePlantUml(legText(model, leg)) << '\n';
        out << "endlegend\n";
    }
    for (std::size_t c = 0; c < model.columns.size(); ++c)
        out << "participant \"" << escapePlantUml(ladder::columnTitle(model.columns[c])) << "\" as P" << c << '\n';
    // RTP streams' starts and stops as notes over their columns, in time order among the messages.
    auto mark = model.marks.begin();
    auto marksBefore = [&](std::size_t arrow) {
        for (; mark != model.marks.end() && mark->beforeArrow <= arrow && !model.columns.empty(); ++mark) {
            const ladder::StreamSpan& span = model.streams[mark->stream];
            out << "' " << ladder::clockTime(mark->timestampUs) << '\n'
                << "note over " << noteParticipants(model, *mark, ", ") << " : "
                << escapePlantUml(mark->isStart ? span.startLabel : span.stopLabel) << '\n';
        }
    };
    for (std::size_t i = 0; i < model.arrows.size(); ++i) {
        marksBefore(i);
        const ladder::Arrow& arrow = model.arrows[i];
        // Requests in the default ink; responses and malformed messages in their colour, as in the SVG.
        std::string shaft = "-";
        if (arrow.hasError || arrow.messageClass != ladder::MessageClass::Request)
            shaft.append("[").append(ladder::hexColor(arrowColor(arrow))).append("]");
        if (arrow.isRetransmission)
            shaft += "-";
        out << "' " << timeComment(model, i) << '\n'
            << 'P' << arrow.fromColumn << ' ' << shaft << "> P" << arrow.toColumn << " : "
            << escapePlantUml(arrow.label) << '\n';
    }
    marksBefore(model.arrows.size());
    out << "@enduml\n";
}

void writeLadderMermaid(std::ostream& out, const store::CallRow& call, const ladder::Model& model) {
    out << "sequenceDiagram\n"
        << "    title " << escapeMermaid(titleText(call)) << '\n';
    if (model.legs.size() > 1)
        for (std::size_t leg = 0; leg < model.legs.size(); ++leg)
            out << "    %% leg " << escapeMermaid(legText(model, leg)) << '\n';
    for (std::size_t c = 0; c < model.columns.size(); ++c)
        out << "    participant P" << c << " as " << escapeMermaid(ladder::columnTitle(model.columns[c])) << '\n';
    auto mark = model.marks.begin();  // RTP starts and stops as notes, as in the PlantUML
    auto marksBefore = [&](std::size_t arrow) {
        for (; mark != model.marks.end() && mark->beforeArrow <= arrow && !model.columns.empty(); ++mark) {
            const ladder::StreamSpan& span = model.streams[mark->stream];
            out << "    %% " << ladder::clockTime(mark->timestampUs) << '\n'
                << "    Note over " << noteParticipants(model, *mark, ",") << ": "
                << escapeMermaid(mark->isStart ? span.startLabel : span.stopLabel) << '\n';
        }
    };
    for (std::size_t i = 0; i < model.arrows.size(); ++i) {
        marksBefore(i);
        const ladder::Arrow& arrow = model.arrows[i];
        out << "    %% " << timeComment(model, i) << '\n'
            << "    P" << arrow.fromColumn << (arrow.isRetransmission ? "-->>" : "->>") << 'P' << arrow.toColumn << ": "
            << escapeMermaid(arrow.label) << '\n';
    }
    marksBefore(model.arrows.size());
}

void exportLadder(std::ostream& out, LadderFormat format, const store::CallRow& call, const ladder::Model& model) {
    switch (format) {
    case LadderFormat::Svg: writeLadderSvg(out, call, model); return;
    case LadderFormat::PlantUml: writeLadderPlantUml(out, call, model); return;
    case LadderFormat::Mermaid: writeLadderMermaid(out, call, model); return;
    case LadderFormat::Text: break;
    }
    out << "Call-ID: " << ladder::escapeForTerminal(call.callId) << '\n'
        << "From:    " << ladder::escapeForTerminal(call.fromUri) << '\n'
        << "To:      " << ladder::escapeForTerminal(call.toUri) << '\n'
        << "State:   " << decode::callStateName(call.state);
    if (call.status)
        out << " (" << *call.status << ')';
    out << "\n\n";
    printLadder(out, model, {}, {});
}

}  // namespace sipscope::ladder
