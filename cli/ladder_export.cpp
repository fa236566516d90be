// Ladder export as SVG, PlantUML, Mermaid and text. Each writer escapes packet text for its own
// syntax.
#include "cli/ladder_export.hpp"

#include "cli/ladder_text.hpp"
#include "cli/output.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdint>

namespace sipscope::cli {

namespace {

// SVG layout. Text is monospace, so a label's width is its code point count times CharWidthPx.
constexpr int MarginPx = 16;
constexpr int TitleHeightPx = 28;
constexpr int HeaderHeightPx = 44;  // host boxes above the lifelines
constexpr int HostBoxHeightPx = 24;
constexpr int GutterWidthPx = 190;  // "12:00:00.000" and "+120.000ms" left of the first column
constexpr int DeltaOffsetPx = 100;  // delta's x within the gutter
constexpr int MinColumnWidthPx = 200;
constexpr int ColumnPaddingPx = 40;  // room around a label between two lifelines
constexpr int RowHeightPx = 34;
constexpr int FontSizePx = 12;
constexpr int TitleFontSizePx = 14;
constexpr double CharWidthPx = 7.3;  // advance of a 12 px monospace glyph (0.6 em), rounded up
constexpr int LabelRisePx = 6;       // label baseline above its arrow
constexpr int SelfLoopWidthPx = 30;
constexpr int SelfLoopHeightPx = 12;
constexpr int SelfLabelGapPx = 6;  // between a self-message loop and its label
constexpr std::size_t MaxLabelChars = 72;  // longer labels are cut with "…"
constexpr std::size_t MaxTitleChars = 200;

constexpr const char* InkColor = "#202020";
constexpr const char* ErrorColor = "#c62828";
constexpr const char* LifelineColor = "#9e9e9e";
constexpr const char* HostFillColor = "#eef2f7";
constexpr const char* RetransmissionDash = "6 4";

// Length and code point of a well-formed UTF-8 sequence at text[i] (RFC 3629 §4: no overlong forms,
// no surrogates, nothing above U+10FFFF), or length 0.
std::size_t decodeUtf8(std::string_view text, std::size_t i, std::uint32_t& codePoint) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t minimum = 0;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2, minimum = 0x80, codePoint = lead & 0x1fu;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3, minimum = 0x800, codePoint = lead & 0x0fu;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4, minimum = 0x10000, codePoint = lead & 0x07u;
    } else {
        return 0;
    }
    if (i + length > text.size())
        return 0;
    for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        if ((next & 0xc0) != 0x80)
            return 0;
        codePoint = (codePoint << 6) | (next & 0x3fu);
    }
    if (codePoint < minimum || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff))
        return 0;
    return length;
}

void appendFormatted(std::string& out, const char* format, unsigned value) {
    char buffer[12];
    std::snprintf(buffer, sizeof buffer, format, value);
    out += buffer;
}

std::size_t codePointCount(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
    }));
}

// Cuts valid UTF-8 to at most `maxChars` code points, the last one "…".
std::string cut(std::string text, std::size_t maxChars) {
    if (codePointCount(text) <= maxChars)
        return text;
    std::size_t chars = 0;
    std::size_t end = 0;
    for (; end < text.size(); ++end)
        if ((static_cast<unsigned char>(text[end]) & 0xc0) != 0x80 && ++chars == maxChars)
            break;
    text.resize(end);
    return text + "…";
}

// The label every format shows, marked like the terminal ladder: "!" malformed, "(SDP)",
// "(retrans)".
std::string decoratedLabel(const store::LadderArrow& arrow) {
    std::string label = printableText(arrow.label);
    if (label.empty())
        label = "?";
    if (arrow.hasSdp)
        label += " (SDP)";
    if (arrow.isRetransmission)
        label += " (retrans)";
    if (!arrow.isValid)
        label = "!" + label;
    return label;
}

// "Call-ID abc · sip:alice@a → sip:bob@b · answered (200)", printable but not yet escaped.
std::string titleText(const store::CallRow& call) {
    const std::string& from = call.fromUri.empty() ? call.fromUser : call.fromUri;
    const std::string& to = call.toUri.empty() ? call.toUser : call.toUri;
    std::string title = "Call-ID " + printableText(call.callId) + " · " + printableText(from) +
                        " → " + printableText(to);
    if (!call.state.empty() || call.status) {
        title += " ·";
        if (!call.state.empty())
            title += " " + printableText(call.state);
        if (call.status)
            title += " (" + std::to_string(*call.status) + ")";
    }
    return cut(std::move(title), MaxTitleChars);
}

std::string clockTime(std::int64_t timestampUs) {
    return isoTimestamp(timestampUs).substr(11, 12);  // HH:MM:SS.mmm
}

std::string delta(std::int64_t us) {
    char buffer[32];
    if (us < 1'000'000)
        std::snprintf(buffer, sizeof buffer, "+%.3fms", static_cast<double>(us) / 1000.0);
    else
        std::snprintf(buffer, sizeof buffer, "+%.3fs", static_cast<double>(us) / 1e6);
    return buffer;
}

// "12:00:00.000 +120.000ms" for the comment above a PlantUML or Mermaid message.
std::string timeComment(const store::Ladder& ladder, std::size_t i) {
    std::string text = clockTime(ladder.arrows[i].timestampUs);
    if (i > 0)
        text += " " + delta(ladder.arrows[i].timestampUs - ladder.arrows[i - 1].timestampUs);
    return text;
}

int textWidthPx(std::string_view text) {
    return static_cast<int>(static_cast<double>(codePointCount(text)) * CharWidthPx + 0.5);
}

bool isAsciiAlnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Replaces every ASCII character that is not alphanumeric and not in `safe` with `format` applied
// to its code. Bytes of multi-byte UTF-8 characters pass: no syntax of ours is spelled outside
// ASCII.
std::string entityEncode(std::string_view text, std::string_view safe, const char* format) {
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80 || isAsciiAlnum(c) || safe.find(ch) != std::string_view::npos)
            out += ch;
        else
            appendFormatted(out, format, c);
    }
    return out;
}

void svgText(std::ostream& out, int x, int y, const char* anchor, const char* color,
             const std::string& escaped) {
    out << "<text x=\"" << x << "\" y=\"" << y << "\" text-anchor=\"" << anchor << "\" fill=\""
        << color << "\">" << escaped << "</text>\n";
}

} // namespace

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

std::string printableText(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if (c >= 0x20 && c != 0x7f)
                out += static_cast<char>(c);
            else if (c == '\n')
                out += "\\n";
            else if (c == '\r')
                out += "\\r";
            else if (c == '\t')
                out += "\\t";
            else
                appendFormatted(out, "\\x%02x", c);
            ++i;
            continue;
        }
        std::uint32_t codePoint = 0;
        const std::size_t length = decodeUtf8(text, i, codePoint);
        if (length == 0) {
            appendFormatted(out, "\\x%02x", c);
            ++i;
        } else {
            // C1 controls act as escapes on terminals; XML 1.0 §2.2 excludes U+FFFE and U+FFFF.
            if (codePoint <= 0x9f || codePoint == 0xfffe || codePoint == 0xffff)
                appendFormatted(out, "\\u%04x", codePoint);
            else
                out.append(text.substr(i, length));
            i += length;
        }
    }
    return out;
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
    // Creole (** // "" -- __ ~~ == |), HTML-like tags (<img:…>, <color>), \n, the preprocessor's $
    // % ! and block comments /' all start with punctuation, so only harmless punctuation stays
    // literal. <U+XXXX> and not &#NN;: PlantUML decodes &#NN; before it reads <U+…> and tags,
    // and 1.2020 throws on &#92; and &#36;.
    return entityEncode(printableText(text), " .,:;()+?@", "<U+%04X>");
}

std::string escapeMermaid(std::string_view text) {
    // ; ends a statement, # starts an entity code or a comment, %% a comment or directive, <br> a
    // line break.
    std::string out = entityEncode(printableText(text), " .,:()+?@/_=!'[]*-", "#%u;");
    // Mermaid leaves "style …:#…;" and "classDef …:#…;" out of entity decoding: never spell them.
    for (const std::string_view word : {std::string_view("style"), std::string_view("classDef")}) {
        for (std::size_t at = out.find(word); at != std::string::npos; at = out.find(word, at))
            out.replace(at, 1,
                        "#" + std::to_string(static_cast<unsigned char>(word[0])) +
                            ";");  // "#115;tyle"
    }
    return out;
}

void writeLadderSvg(std::ostream& out, const store::CallRow& call, const store::Ladder& ladder) {
    std::vector<std::string> labels;
    int columnWidthPx = MinColumnWidthPx;
    int rightOverhangPx = 0;  // how far a self-message label reaches past the last column's centre
    for (const std::string& host : ladder.columns)
        columnWidthPx = std::max(columnWidthPx, textWidthPx(printableText(host)) + ColumnPaddingPx);
    for (const store::LadderArrow& arrow : ladder.arrows) {
        labels.push_back(cut(decoratedLabel(arrow), MaxLabelChars));
        const int labelPx = textWidthPx(labels.back());
        if (arrow.fromColumn == arrow.toColumn) {
            const int loopAndLabelPx = SelfLoopWidthPx + SelfLabelGapPx + labelPx;
            columnWidthPx = std::max(columnWidthPx, loopAndLabelPx + ColumnPaddingPx / 2);
            rightOverhangPx = std::max(rightOverhangPx, loopAndLabelPx);
        } else {
            const std::size_t span = arrow.fromColumn > arrow.toColumn
                                         ? arrow.fromColumn - arrow.toColumn
                                         : arrow.toColumn - arrow.fromColumn;
            columnWidthPx =
                std::max(columnWidthPx, (labelPx + ColumnPaddingPx) / static_cast<int>(span));
        }
    }
    const std::string title = titleText(call);
    const int columns = static_cast<int>(ladder.columns.size());
    const int firstColumnX = MarginPx + GutterWidthPx;
    auto centerX = [&](std::size_t column) {
        return firstColumnX + static_cast<int>(column) * columnWidthPx + columnWidthPx / 2;
    };
    const int ladderRight =
        firstColumnX + columns * columnWidthPx + std::max(0, rightOverhangPx - columnWidthPx / 2);
    const int widthPx =
        std::max(ladderRight, MarginPx + textWidthPx(title) * TitleFontSizePx / FontSizePx) +
        MarginPx;
    const int lifelineTopPx = MarginPx + TitleHeightPx + HeaderHeightPx;
    const int heightPx =
        lifelineTopPx + (static_cast<int>(ladder.arrows.size()) + 1) * RowHeightPx + MarginPx;

    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << widthPx
        << "\" height=\"" << heightPx << "\" viewBox=\"0 0 " << widthPx << ' ' << heightPx
        << "\">\n"
        << "<title>" << escapeXml(title) << "</title>\n"
        << "<defs>\n";
    for (const auto& [id, color] :
         {std::pair{"head", InkColor}, std::pair{"head-error", ErrorColor}})
        out << "<marker id=\"" << id
            << "\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"10\" "
            << "markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">"
            << "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"" << color << "\"/></marker>\n";
    out << "</defs>\n"
        << "<rect x=\"0\" y=\"0\" width=\"" << widthPx << "\" height=\"" << heightPx
        << "\" fill=\"#ffffff\"/>\n"
        << "<g font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\""
        << FontSizePx << "\">\n"
        << "<text x=\"" << MarginPx << "\" y=\"" << MarginPx + TitleFontSizePx << "\" font-size=\""
        << TitleFontSizePx << "\" font-weight=\"bold\" fill=\"" << InkColor << "\">"
        << escapeXml(title) << "</text>\n";

    const int hostBoxTopPx = MarginPx + TitleHeightPx + (HeaderHeightPx - HostBoxHeightPx) / 2 - 4;
    for (std::size_t c = 0; c < ladder.columns.size(); ++c) {
        const int x = centerX(c);
        out << "<rect x=\"" << x - columnWidthPx / 2 + 10 << "\" y=\"" << hostBoxTopPx
            << "\" width=\"" << columnWidthPx - 20 << "\" height=\"" << HostBoxHeightPx
            << "\" rx=\"3\" fill=\"" << HostFillColor << "\" stroke=\"" << LifelineColor
            << "\"/>\n";
        svgText(out, x, hostBoxTopPx + HostBoxHeightPx / 2 + FontSizePx / 2 - 2, "middle", InkColor,
                escapeXml(ladder.columns[c]));
        out << "<line x1=\"" << x << "\" y1=\"" << hostBoxTopPx + HostBoxHeightPx << "\" x2=\"" << x
            << "\" y2=\"" << heightPx - MarginPx << "\" stroke=\"" << LifelineColor
            << "\" stroke-width=\"1\"/>\n";
    }

    for (std::size_t i = 0; i < ladder.arrows.size(); ++i) {
        const store::LadderArrow& arrow = ladder.arrows[i];
        const int y = lifelineTopPx + static_cast<int>(i + 1) * RowHeightPx;
        const char* color = arrow.isValid ? InkColor : ErrorColor;
        std::string stroke = std::string("stroke=\"") + color +
                             "\" stroke-width=\"1.5\" marker-end=\"url(#" +
                             (arrow.isValid ? "head" : "head-error") + ")\"";
        if (arrow.isRetransmission)
            stroke += std::string(" stroke-dasharray=\"") + RetransmissionDash + "\"";
        out << "<g class=\"message\">\n";
        svgText(out, MarginPx, y + FontSizePx / 3, "start", InkColor, clockTime(arrow.timestampUs));
        if (i > 0)
            svgText(out, MarginPx + DeltaOffsetPx, y + FontSizePx / 3, "start", LifelineColor,
                    delta(arrow.timestampUs - ladder.arrows[i - 1].timestampUs));
        const int fromX = centerX(arrow.fromColumn);
        const int toX = centerX(arrow.toColumn);
        if (fromX == toX) {
            out << "<path class=\"arrow\" d=\"M" << fromX << ',' << y << " h" << SelfLoopWidthPx
                << " v" << SelfLoopHeightPx << " h-" << SelfLoopWidthPx << "\" fill=\"none\" "
                << stroke << "/>\n";
            svgText(out, fromX + SelfLoopWidthPx + SelfLabelGapPx,
                    y + SelfLoopHeightPx / 2 + FontSizePx / 3, "start", color, escapeXml(labels[i]));
        } else {
            out << "<line class=\"arrow\" x1=\"" << fromX << "\" y1=\"" << y << "\" x2=\"" << toX
                << "\" y2=\"" << y << "\" " << stroke << "/>\n";
            svgText(out, (fromX + toX) / 2, y - LabelRisePx, "middle", color, escapeXml(labels[i]));
        }
        out << "</g>\n";
    }
    out << "</g>\n</svg>\n";
}

void writeLadderPlantUml(std::ostream& out, const store::CallRow& call,
                         const store::Ladder& ladder) {
    out << "@startuml\n"
        << "title " << escapePlantUml(titleText(call)) << '\n';
    for (std::size_t c = 0; c < ladder.columns.size(); ++c)
        out << "participant \"" << escapePlantUml(ladder.columns[c]) << "\" as P" << c << '\n';
    for (std::size_t i = 0; i < ladder.arrows.size(); ++i) {
        const store::LadderArrow& arrow = ladder.arrows[i];
        const char* shaft = arrow.isRetransmission ? "--" : "-";
        out << "' " << timeComment(ladder, i) << '\n'
            << 'P' << arrow.fromColumn << ' '
            << (arrow.isValid            ? shaft
                : arrow.isRetransmission ? "-[#red]-"
                                         : "-[#red]")
            << "> P" << arrow.toColumn << " : " << escapePlantUml(decoratedLabel(arrow)) << '\n';
    }
    out << "@enduml\n";
}

void writeLadderMermaid(std::ostream& out, const store::CallRow& call,
                        const store::Ladder& ladder) {
    out << "sequenceDiagram\n"
        << "    title " << escapeMermaid(titleText(call)) << '\n';
    for (std::size_t c = 0; c < ladder.columns.size(); ++c)
        out << "    participant P" << c << " as " << escapeMermaid(ladder.columns[c]) << '\n';
    for (std::size_t i = 0; i < ladder.arrows.size(); ++i) {
        const store::LadderArrow& arrow = ladder.arrows[i];
        out << "    %% " << timeComment(ladder, i) << '\n'
            << "    P" << arrow.fromColumn << (arrow.isRetransmission ? "-->>" : "->>") << 'P'
            << arrow.toColumn << ": " << escapeMermaid(decoratedLabel(arrow)) << '\n';
    }
}

void exportLadder(std::ostream& out, LadderFormat format, const store::CallRow& call,
                  const store::Ladder& ladder, const std::vector<store::MessageRow>& messages) {
    switch (format) {
    case LadderFormat::Svg: writeLadderSvg(out, call, ladder); return;
    case LadderFormat::PlantUml: writeLadderPlantUml(out, call, ladder); return;
    case LadderFormat::Mermaid: writeLadderMermaid(out, call, ladder); return;
    case LadderFormat::Text: break;
    }
    out << "Call-ID: " << escapeForTerminal(call.callId) << '\n'
        << "From:    " << escapeForTerminal(call.fromUri) << '\n'
        << "To:      " << escapeForTerminal(call.toUri) << '\n'
        << "State:   " << escapeForTerminal(call.state);
    if (call.status)
        out << " (" << *call.status << ')';
    out << "\n\n";
    printLadder(out, ladder, messages, {});
}

} // namespace sipscope::cli
