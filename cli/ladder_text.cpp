// Draws a store::Ladder as text. Works in display cells so UTF-8 labels keep the columns straight.
#include "cli/ladder_text.hpp"

#include "cli/aliases.hpp"
#include "cli/output.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <tuple>

namespace sipscope::cli {

namespace {

constexpr std::size_t GutterWidth = 30;  // "12:00:00.000000  +12345.678ms"
constexpr std::size_t MinColumnWidth = 22;

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
            if (c >= 0xf0) length = 4;
            else if (c >= 0xe0) length = 3;
            else if (c >= 0xc0) length = 2;
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

std::size_t cellCount(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(),
                                                  [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

std::string clockTime(std::int64_t us) {
    return isoTimestamp(us).substr(11, 15);  // HH:MM:SS.ffffff
}

std::string delta(std::int64_t us) {
    char buffer[32];
    if (us < 1'000'000)
        std::snprintf(buffer, sizeof buffer, "+%.3fms", static_cast<double>(us) / 1000.0);
    else
        std::snprintf(buffer, sizeof buffer, "+%.3fs", static_cast<double>(us) / 1e6);
    return buffer;
}

// SGR parameters of an arrow, see LadderTextOptions::color.
std::string arrowColor(const store::MessageRow* message, const store::LadderArrow& arrow) {
    std::string sgr;
    if (!arrow.isValid)
        sgr = "7;31";
    else if (message && message->status)
        sgr = *message->status < 200 ? "33" : *message->status < 300 ? "32" : *message->status < 400 ? "36"
            : *message->status < 500 ? "31" : "35";
    else
        sgr = "1";
    if (arrow.isRetransmission)
        sgr = "2;" + sgr;
    return sgr;
}

} // namespace

std::vector<SdpRole> sdpRoles(const std::vector<store::MessageRow>& messages) {
    std::vector<SdpRole> roles(messages.size(), SdpRole::None);
    std::set<std::tuple<std::string, std::uint32_t, std::string>> offeringRequests;  // call, CSeq, method
    std::set<std::string> responseOffers;  // calls with an offer in a response, not yet answered
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const store::MessageRow& m = messages[i];
        if (!m.hasSdp)
            continue;
        const std::string call = m.callId.value_or("");
        if (m.method) {
            if ((*m.method == "ACK" || *m.method == "PRACK") && responseOffers.count(call)) {
                roles[i] = SdpRole::Answer;
                responseOffers.erase(call);
            } else {
                roles[i] = SdpRole::Offer;
                offeringRequests.insert({call, m.cseq, *m.method});
            }
        } else if (m.status) {
            if (offeringRequests.count({call, m.cseq, m.cseqMethod})) {
                roles[i] = SdpRole::Answer;
            } else {
                roles[i] = SdpRole::Offer;
                responseOffers.insert(call);
            }
        }
    }
    return roles;
}

void printLadder(std::ostream& out, const store::Ladder& ladder, const std::vector<store::MessageRow>& messages,
                 const LadderTextOptions& options) {
    std::vector<std::string> labels;
    std::size_t columnWidth = MinColumnWidth;
    std::vector<std::string> names;  // alias of each column, or empty
    bool anyName = false;
    for (const auto& host : ladder.columns) {
        columnWidth = std::max(columnWidth, cellCount(escapeForTerminal(host)) + 2);
        names.push_back(options.aliases ? escapeForTerminal(options.aliases->lookup(host)) : std::string());
        columnWidth = std::max(columnWidth, cellCount(names.back()) + 2);
        anyName = anyName || !names.back().empty();
    }
    const bool sameMessages = messages.size() == ladder.arrows.size();
    const std::vector<SdpRole> roles = sameMessages ? sdpRoles(messages) : std::vector<SdpRole>();
    for (std::size_t i = 0; i < ladder.arrows.size(); ++i) {
        const store::LadderArrow& arrow = ladder.arrows[i];
        std::string label = escapeForTerminal(arrow.label);
        if (i < options.legs.size())
            label = "#" + std::to_string(options.legs[i]) + " " + label;
        if (arrow.hasSdp)
            label += i < roles.size() && roles[i] == SdpRole::Offer    ? " (SDP offer)"
                     : i < roles.size() && roles[i] == SdpRole::Answer ? " (SDP answer)"
                                                                       : " (SDP)";
        if (arrow.isRetransmission)
            label += " (retrans)";
        if (!arrow.isValid)
            label = "!" + label;
        columnWidth = std::max(columnWidth, cellCount(label) + 10);  // room for the label and "--" plus a head each side
        labels.push_back(std::move(label));
    }
    const std::size_t width = GutterWidth + columnWidth * std::max<std::size_t>(ladder.columns.size(), 1) + 2;
    auto center = [&](std::size_t column) { return GutterWidth + column * columnWidth + columnWidth / 2; };
    auto lifelines = [&](CellLine& line) {
        for (std::size_t c = 0; c < ladder.columns.size(); ++c)
            line.put(center(c), "|");
    };

    if (anyName) {
        CellLine line(width);
        for (std::size_t c = 0; c < ladder.columns.size(); ++c)
            line.write(center(c) - std::min(center(c), cellCount(names[c]) / 2), names[c]);
        out << line.str() << '\n';
    }
    CellLine hosts(width);
    for (std::size_t c = 0; c < ladder.columns.size(); ++c) {
        const std::string host = escapeForTerminal(ladder.columns[c]);
        hosts.write(center(c) - std::min(center(c), cellCount(host) / 2), host);
    }
    out << hosts.str() << '\n';
    CellLine blank(width);
    lifelines(blank);
    out << blank.str() << '\n';

    for (std::size_t i = 0; i < ladder.arrows.size(); ++i) {
        const store::LadderArrow& arrow = ladder.arrows[i];
        CellLine line(width);
        lifelines(line);
        line.write(0, clockTime(arrow.timestampUs));
        if (i > 0)
            line.write(17, delta(arrow.timestampUs - ladder.arrows[i - 1].timestampUs));
        const std::string& label = labels[i];
        const std::size_t from = center(arrow.fromColumn);
        const std::size_t to = center(arrow.toColumn);
        if (from == to) {
            line.write(from + 1, "<-- " + label + " (to itself)");
        } else {
            const std::size_t left = std::min(from, to) + 1;
            const std::size_t right = std::max(from, to) - 1;
            for (std::size_t x = left; x <= right; ++x)
                line.put(x, "-");
            if (to > from)
                line.put(right, ">");
            else
                line.put(left, "<");
            const std::size_t span = right - left + 1;
            const std::size_t labelCells = cellCount(label) + 2;
            const std::size_t start = left + (span > labelCells ? (span - labelCells) / 2 : 0);
            line.write(start, " " + label + " ");
            if (options.color)
                line.color(left, right, arrowColor(sameMessages ? &messages[i] : nullptr, arrow));
        }
        out << line.str() << '\n';
        if (options.withRaw && i < messages.size()) {
            std::string text = messages[i].text;
            std::size_t begin = 0;
            while (begin < text.size()) {
                std::size_t end = text.find('\n', begin);
                if (end == std::string::npos)
                    end = text.size();
                std::string_view lineText(text.data() + begin, end - begin);
                if (!lineText.empty() && lineText.back() == '\r')
                    lineText.remove_suffix(1);
                out << std::string(GutterWidth, ' ') << escapeForTerminal(lineText) << '\n';
                begin = end + 1;
            }
            out << '\n';
        }
    }
}

} // namespace sipscope::cli
