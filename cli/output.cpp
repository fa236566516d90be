// Table, CSV and JSON-lines printing, terminal escaping and timestamps.
#include "cli/output.hpp"

#include "export/rows.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>

namespace sipscope::cli {

namespace {

// Display width in code points (good enough for aligned columns of SIP text).
std::size_t displayWidth(std::string_view text) {
    std::size_t width = 0;
    for (unsigned char c : text)
        width += (c & 0xc0) != 0x80;
    return width;
}

std::size_t s_tableWidth = 0;  // setTableWidth

// Shrinks `widths` (with two spaces between columns) toward `limit`: the widest of the columns `mayShrink`
// allows loses one character at a time, none below `minimum`.
void shrinkColumns(std::vector<std::size_t>& widths, std::size_t limit, std::size_t minimum,
                   const std::function<bool(std::size_t)>& mayShrink) {
    auto total = [&widths] {
        std::size_t sum = widths.empty() ? 0 : 2 * (widths.size() - 1);
        for (std::size_t width : widths)
            sum += width;
        return sum;
    };
    for (std::size_t excess = total() > limit ? total() - limit : 0; excess > 0; --excess) {
        std::size_t widest = widths.size();
        for (std::size_t c = 0; c < widths.size(); ++c)
            if (mayShrink(c) && widths[c] > minimum && (widest == widths.size() || widths[c] > widths[widest]))
                widest = c;
        if (widest == widths.size())
            return;
        --widths[widest];
    }
}

std::string cut(const std::string& text, std::size_t maxWidth) {
    if (displayWidth(text) <= maxWidth)
        return text;
    if (maxWidth == 0)
        return std::string();
    std::string out;
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c & 0xc0) != 0x80 && ++width > maxWidth - 1)
            break;
        out += text[i];
    }
    return out + "…";
}

}  // namespace

std::size_t terminalWidth(int fd) {
    if (!isatty(fd))
        return 0;
    if (const char* columns = std::getenv("COLUMNS")) {
        std::size_t value = 0;
        const std::string_view text(columns);
        if (std::from_chars(text.data(), text.data() + text.size(), value).ec == std::errc() && value > 0)
            return value;
    }
    winsize size{};
    if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 80;
}

void setTableWidth(std::size_t columns) { s_tableWidth = columns; }

void printRows(std::ostream& out, Format format, const std::vector<Row>& rows, const std::vector<Column>& columns,
               bool forTerminal, const std::vector<Row>& examples) {
    if (format == Format::Json) {
        for (const Row& row : rows)
            out << row.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
        return;
    }
    if (format == Format::Csv) {
        std::vector<std::string> keys;
        for (const Column& column : columns)
            keys.push_back(column.key);
        exports::writeCsv(out, rows, forTerminal, examples, keys);
        return;
    }
    std::vector<std::vector<std::string>> cells;
    std::vector<std::size_t> widths;
    for (const Column& column : columns)
        widths.push_back(displayWidth(column.heading));
    for (const Row& row : rows) {
        auto& line = cells.emplace_back();
        for (std::size_t c = 0; c < columns.size(); ++c) {
            const auto it = row.find(columns[c].key);
            line.push_back(cut(it == row.end() ? std::string() : cellText(*it), columns[c].maxWidth));
            widths[c] = std::max(widths[c], displayWidth(line.back()));
        }
    }
    std::vector<bool> shown(columns.size(), true);
    if (s_tableWidth) {
        // Free text gives way first (down to 8 characters); then columns are left out by their hideOrder while the
        // rest would not fit with free text at 8; then every column shrinks (down to 3).
        constexpr std::size_t FreeTextMinimum = 8;
        auto narrowest = [&] {
            std::size_t sum = 0, count = 0;
            for (std::size_t c = 0; c < columns.size(); ++c)
                if (shown[c]) {
                    sum += columns[c].isFreeText ? std::min(widths[c], FreeTextMinimum) : widths[c];
                    ++count;
                }
            return sum + (count ? 2 * (count - 1) : 0);
        };
        while (narrowest() > s_tableWidth) {
            std::size_t next = columns.size();
            for (std::size_t c = 0; c < columns.size(); ++c)
                if (shown[c] && columns[c].hideOrder &&
                    (next == columns.size() || columns[c].hideOrder < columns[next].hideOrder))
                    next = c;
            if (next == columns.size())
                break;
            shown[next] = false;
        }
        std::vector<std::size_t> shownWidths;
        std::vector<std::size_t> shownIndex;
        for (std::size_t c = 0; c < columns.size(); ++c)
            if (shown[c]) {
                shownWidths.push_back(widths[c]);
                shownIndex.push_back(c);
            }
        shrinkColumns(shownWidths, s_tableWidth, FreeTextMinimum,
                      [&](std::size_t i) { return columns[shownIndex[i]].isFreeText; });
        shrinkColumns(shownWidths, s_tableWidth, 3, [](std::size_t) { return true; });
        for (std::size_t i = 0; i < shownIndex.size(); ++i)
            widths[shownIndex[i]] = shownWidths[i];
    }
    std::size_t lastShown = 0;
    for (std::size_t c = 0; c < columns.size(); ++c)
        if (shown[c])
            lastShown = c;
    auto printLine = [&](const std::vector<std::string>& line) {
        std::string text;
        for (std::size_t c = 0; c < line.size(); ++c) {
            if (!shown[c])
                continue;
            const std::string cell = cut(line[c], widths[c]);
            text += cell;
            if (c < lastShown)
                text += std::string(widths[c] - displayWidth(cell) + 2, ' ');
        }
        out << text << '\n';
    };
    std::vector<std::string> headings;
    for (const Column& column : columns)
        headings.push_back(column.heading);
    printLine(headings);
    for (const auto& line : cells)
        printLine(line);
}

void sortRows(std::vector<Row>& rows, const std::string& key, bool reverse, std::size_t limit) {
    // Each row's sort key is read once; the rows are then ordered by index, ties kept in listing order (reversed
    // with --reverse), so a partial sort for --limit gives the same rows as a full one.
    struct Key {
        int rank = 0;  // 0 missing or null, 1 number or boolean, 2 text, 3 anything else
        double number = 0;
        const std::string* text = nullptr;
    };
    std::vector<Key> keys(rows.size());
    if (!key.empty()) {
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto it = rows[i].find(key);
            if (it == rows[i].end() || it->is_null())
                continue;
            Key& k = keys[i];
            if (it->is_boolean()) {
                k.rank = 1;
                k.number = it->get<bool>() ? 1 : 0;
            } else if (it->is_number()) {
                k.rank = 1;
                k.number = it->get<double>();
            } else if (it->is_string()) {
                k.rank = 2;
                k.text = &it->get_ref<const std::string&>();
            } else {
                k.rank = 3;
            }
        }
    }
    auto less = [&keys](std::size_t a, std::size_t b) {
        const Key& x = keys[a];
        const Key& y = keys[b];
        if (x.rank != y.rank)
            return x.rank < y.rank;
        if (x.rank == 1 && x.number != y.number)
            return x.number < y.number;
        if (x.rank == 2 && *x.text != *y.text)
            return *x.text < *y.text;
        return a < b;
    };
    std::vector<std::size_t> order(rows.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    const std::size_t keep = limit && limit < rows.size() ? limit : rows.size();
    auto compare = [&](std::size_t a, std::size_t b) { return reverse ? less(b, a) : less(a, b); };
    if (keep < order.size())
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(), compare);
    else
        std::sort(order.begin(), order.end(), compare);
    std::vector<Row> sorted;
    sorted.reserve(keep);
    for (std::size_t i = 0; i < keep; ++i)
        sorted.push_back(std::move(rows[order[i]]));
    rows = std::move(sorted);
}

}  // namespace sipscope::cli
