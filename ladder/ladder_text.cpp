// Draws the ladder layout as text. Works in display cells so UTF-8 labels keep the columns straight.
#include "ladder/ladder_text.hpp"

#include "ladder/ladder_layout.hpp"
#include "ladder/text_format.hpp"

#include <algorithm>
#include <optional>
#include <string>

namespace sipscope::ladder {

namespace {

constexpr std::size_t GutterWidth = 30;        // "12:00:00.000000  +12345.678ms"
constexpr std::size_t NarrowGutterWidth = 16;  // "12:00:00.000000 ": the time alone, when fitting a narrow terminal
constexpr std::size_t DeltaAt = 17;
constexpr std::size_t MinColumnWidth = 22;
constexpr std::size_t LabelPadding = 10;    // "--" and a head each side of " label "
constexpr std::size_t FitLabelPadding = 6;  // the least: " label " with a shaft cell and a head each side
constexpr const char* SelfArrow = "<-- ";   // right of the lifeline, then the label
constexpr const char* SelfSuffix = " (to itself)";

// One line of display cells; each cell holds one (possibly multi-byte) character.
class CellLine {
public:
    explicit CellLine(std::size_t width) : m_cells(width, " ") {}
    void put(std::size_t at, const std::string& cell) {
        if (at < m_cells.size())
            m_cells[at] = cell;
    }
    // Writes text starting at `at`, one code point per cell.
    void write(std::size_t at, const std::string& text) {
        for (std::size_t i = 0; i < text.size();) {
            std::size_t length = 1;
            const auto c = static_cast<unsigned char>(text[i]);
            if (c >= 0xf0)
                length = 4;
            else if (c >= 0xe0)
                length = 3;
            else if (c >= 0xc0)
                length = 2;
            put(at++, text.substr(i, length));
            i += length;
        }
    }
    // Puts an SGR colour around cells [from, to], both included.
    void color(std::size_t from, std::size_t to, const std::string& sgr) {
        if (sgr.empty() || from > to || to >= m_cells.size())
            return;
        m_cells[from] = "\x1b[" + sgr + "m" + m_cells[from];
        m_cells[to] += "\x1b[0m";
    }
    std::string str() const {
        std::string out;
        for (const auto& cell : m_cells)
            out += cell;
        while (!out.empty() && out.back() == ' ')
            out.pop_back();
        return out;
    }

private:
    std::vector<std::string> m_cells;
};

// SGR parameters of an arrow, see LadderTextOptions::color.
std::string arrowColor(const ladder::Arrow& arrow) {
    std::string sgr;
    using C = ladder::MessageClass;
    if (arrow.hasError)
        sgr = "7;31";
    else
        switch (arrow.messageClass) {
        case C::Provisional: sgr = "33"; break;
        case C::Success: sgr = "32"; break;
        case C::Redirect: sgr = "36"; break;
        case C::ClientError: sgr = "31"; break;
        case C::ServerError:
        case C::GlobalError: sgr = "35"; break;
        case C::Request:
        case C::Unknown: sgr = "1"; break;
        }
    if (arrow.isRetransmission)
        sgr = "2;" + sgr;
    return sgr;
}

// `maxWidth` 0: the natural layout; else fitted to it, self-arrows without their " (to itself)".
ladder::Layout layOutText(const ladder::Model& model, std::size_t gutter, std::size_t labelPadding,
                          std::size_t maxWidth) {
    ladder::LayoutOptions options;
    options.measure = [](std::string_view text) { return static_cast<double>(ladder::codePointCount(text)); };
    options.left = static_cast<double>(gutter);
    options.minColumnWidth = MinColumnWidth;
    options.headerPadding = 2;
    options.labelPadding = static_cast<double>(labelPadding);
    options.selfLoopWidth = 1 + ladder::codePointCount(SelfArrow);
    options.selfTrailing = maxWidth ? 0 : static_cast<double>(ladder::codePointCount(SelfSuffix));
    options.wholeUnits = true;
    options.maxWidth = static_cast<double>(maxWidth);
    options.minFitColumnWidth = 8;
    return ladder::layOut(model, options);
}

std::size_t cell(double x) { return x <= 0 ? 0 : static_cast<std::size_t>(x); }

// A stream's start or stop (issue 15): a wavy shaft between its columns with the label on it (running past the shaft
// when it does not fit); a side that is no column leaves a short "~~" at the other (the label names both addresses).
std::string markLine(const ladder::Model& model, const ladder::Layout& layout, const ladder::StreamMark& mark,
                     std::size_t width, std::size_t maxWidth) {
    const ladder::StreamSpan& span = model.streams[mark.stream];
    const std::string label = ladder::escapeForTerminal(mark.isStart ? span.startLabel : span.stopLabel);
    const std::size_t labelCells = ladder::codePointCount(label);
    CellLine line(width + labelCells + 4);
    for (const ladder::PlacedColumn& column : layout.columns)
        line.put(cell(column.centerX), "|");
    line.write(0, ladder::clockTime(mark.timestampUs));
    auto centerOf = [&](std::size_t modelColumn) -> std::optional<std::size_t> {
        for (const ladder::PlacedColumn& column : layout.columns)
            if (column.column == modelColumn)
                return cell(column.centerX);
        return std::nullopt;
    };
    const auto from = centerOf(span.fromColumn), to = centerOf(span.toColumn);
    if (from && to && *from != *to) {
        const std::size_t left = std::min(*from, *to) + 1, right = std::max(*from, *to) - 1;
        for (std::size_t x = left; x <= right; ++x)
            line.put(x, "~");
        line.put(*to > *from ? right : left, *to > *from ? ">" : "<");
        if (labelCells + 4 <= right - left + 1)
            line.write(left + (right - left + 1 - labelCells) / 2 - 1, " " + label + " ");
        else  // from the left lifeline on, over the shaft and past the right one
            line.write(left + 1, " " + label + " ");
    } else {
        // A stream within one host, or with a side that is no column: "~~ label" at the side that is one.
        const std::size_t at = from ? *from : to ? *to : (layout.columns.empty() ? 0 : cell(layout.columns[0].centerX));
        line.write(at + 1, "~~ " + label);
    }
    const std::string text = line.str();
    return maxWidth ? ladder::cutToCells(text, maxWidth) : text;
}

}  // namespace

void printLadder(std::ostream& out, const ladder::Model& model, const std::vector<store::MessageRow>& messages,
                 const LadderTextOptions& options) {
    std::size_t gutter = GutterWidth;
    ladder::Layout layout = layOutText(model, gutter, LabelPadding, 0);
    bool fitted = false;
    if (options.maxWidth > 0 && layout.width > static_cast<double>(options.maxWidth)) {
        fitted = true;
        // Too wide for the terminal: drop the delta column when the columns would be narrow with it, then shrink.
        const std::size_t columns = std::max<std::size_t>(layout.columns.size(), 1);
        if (options.maxWidth < GutterWidth + columns * MinColumnWidth)
            gutter = NarrowGutterWidth;
        layout = layOutText(model, gutter, FitLabelPadding, options.maxWidth);
    }
    const std::size_t width = cell(layout.width) + 2;
    auto lifelines = [&](CellLine& line) {
        for (const ladder::PlacedColumn& column : layout.columns)
            line.put(cell(column.centerX), "|");
    };
    auto centred = [&](CellLine& line, const ladder::PlacedColumn& column, const std::string& text) {
        const std::size_t center = cell(column.centerX);
        line.write(center - std::min(center, ladder::codePointCount(text) / 2), text);
    };

    if (std::any_of(layout.columns.begin(), layout.columns.end(), [](const auto& c) { return !c.alias.empty(); })) {
        CellLine line(width);
        for (const ladder::PlacedColumn& column : layout.columns)
            centred(line, column, ladder::escapeForTerminal(column.alias));
        out << line.str() << '\n';
    }
    CellLine hosts(width);
    for (const ladder::PlacedColumn& column : layout.columns)
        centred(hosts, column, ladder::escapeForTerminal(column.host));
    out << hosts.str() << '\n';
    CellLine blank(width);
    lifelines(blank);
    out << blank.str() << '\n';

    const ladder::Arrow* previous = nullptr;
    auto mark = model.marks.begin();
    auto marksBefore = [&](std::size_t arrow) {
        for (; mark != model.marks.end() && mark->beforeArrow <= arrow; ++mark)
            out << markLine(model, layout, *mark, width, options.maxWidth) << '\n';
    };
    for (const ladder::PlacedArrow& placed : layout.arrows) {
        const ladder::Arrow& arrow = model.arrows[placed.arrow];
        marksBefore(placed.arrow);
        CellLine line(width);
        lifelines(line);
        line.write(0, ladder::clockTime(arrow.timestampUs));
        if (previous && gutter == GutterWidth)
            line.write(DeltaAt, ladder::deltaTime(arrow.timestampUs - previous->timestampUs));
        previous = &arrow;
        const std::string label = ladder::escapeForTerminal(placed.label);
        const std::size_t from = cell(placed.fromX);
        const std::size_t to = cell(placed.toX);
        if (placed.direction == ladder::Direction::Self) {
            line.write(from + 1, SelfArrow + label + (fitted ? "" : SelfSuffix));
        } else {
            const std::size_t left = std::min(from, to) + 1;
            const std::size_t right = std::max(from, to) - 1;
            for (std::size_t x = left; x <= right; ++x)
                line.put(x, "-");
            line.put(to > from ? right : left, to > from ? ">" : "<");
            const std::size_t labelAt = cell(placed.labelLeft);
            line.write(labelAt - 1, " " + label + " ");
            if (options.color)
                line.color(left, right, arrowColor(arrow));
        }
        out << line.str() << '\n';
        if (options.withRaw && arrow.message < messages.size()) {
            const std::string& text = messages[arrow.message].text;
            std::size_t begin = 0;
            while (begin < text.size()) {
                std::size_t end = text.find('\n', begin);
                if (end == std::string::npos)
                    end = text.size();
                std::string_view lineText(text.data() + begin, end - begin);
                if (!lineText.empty() && lineText.back() == '\r')
                    lineText.remove_suffix(1);
                out << std::string(gutter, ' ') << ladder::escapeForTerminal(lineText) << '\n';
                begin = end + 1;
            }
            out << '\n';
        }
    }
    marksBefore(model.arrows.size());
}

}  // namespace sipscope::ladder
