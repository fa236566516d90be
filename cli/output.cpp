// Table, CSV and JSON-lines printing, terminal escaping and timestamps.
#include "cli/output.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace sipscope::cli {

namespace {

// Display width in code points (good enough for aligned columns of SIP text).
std::size_t displayWidth(std::string_view text) {
    std::size_t width = 0;
    for (unsigned char c : text)
        width += (c & 0xc0) != 0x80;
    return width;
}

std::string cut(const std::string& text, std::size_t maxWidth) {
    if (displayWidth(text) <= maxWidth)
        return text;
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

std::string cellText(const Row& value) {
    if (value.is_null())
        return "";
    if (value.is_string())
        return escapeForTerminal(value.get_ref<const std::string&>());
    if (value.is_boolean())
        return value.get<bool>() ? "true" : "false";
    return value.dump();
}

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos)
        return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + '"';
}

} // namespace

bool parseTimestamp(std::string_view text, std::int64_t& microseconds) {
    // Epoch seconds, optionally with a fraction.
    if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; })) {
        const double seconds = std::strtod(std::string(text).c_str(), nullptr);
        microseconds = static_cast<std::int64_t>(seconds * 1e6 + 0.5);
        return true;
    }
    std::tm parts{};
    int fractionDigits = 0;
    long long fraction = 0;
    int consumed = 0;
    const std::string copy(text);
    if (std::sscanf(copy.c_str(), "%4d-%2d-%2d%*c%2d:%2d:%2d%n", &parts.tm_year, &parts.tm_mon, &parts.tm_mday,
                    &parts.tm_hour, &parts.tm_min, &parts.tm_sec, &consumed) != 6)
        return false;
    std::size_t i = static_cast<std::size_t>(consumed);
    if (i < copy.size() && copy[i] == '.') {
        for (++i; i < copy.size() && copy[i] >= '0' && copy[i] <= '9'; ++i)
            if (fractionDigits < 6) {
                fraction = fraction * 10 + (copy[i] - '0');
                ++fractionDigits;
            }
        while (fractionDigits < 6) {
            fraction *= 10;
            ++fractionDigits;
        }
    }
    if (i < copy.size() && copy[i] == 'Z')
        ++i;
    if (i != copy.size())
        return false;
    parts.tm_year -= 1900;
    parts.tm_mon -= 1;
    microseconds = static_cast<std::int64_t>(timegm(&parts)) * 1'000'000 + fraction;
    return true;
}

void printRows(std::ostream& out, Format format, const std::vector<Row>& rows, const std::vector<Column>& columns,
               bool forTerminal, const std::vector<Row>& examples) {
    if (format == Format::Json) {
        for (const Row& row : rows)
            out << row.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
        return;
    }
    if (format == Format::Csv) {
        std::vector<std::string> keys;
        if (rows.empty() && examples.empty()) {
            for (const Column& column : columns)
                keys.push_back(column.key);
        }
        for (const Row& row : rows.empty() ? examples : rows) {
            // A key not seen yet goes right before the next key of this row that is already in the header.
            std::vector<std::string> rowKeys;
            for (const auto& item : row.items())
                rowKeys.push_back(item.key());
            for (std::size_t k = 0; k < rowKeys.size(); ++k) {
                if (std::find(keys.begin(), keys.end(), rowKeys[k]) != keys.end())
                    continue;
                auto at = keys.end();
                for (std::size_t next = k + 1; next < rowKeys.size() && at == keys.end(); ++next)
                    at = std::find(keys.begin(), keys.end(), rowKeys[next]);
                keys.insert(at, rowKeys[k]);
            }
        }
        std::string line;
        for (const std::string& key : keys)
            line += (line.empty() ? "" : ",") + csvField(key);
        out << line << "\r\n";
        for (const Row& row : rows) {
            line.clear();
            for (std::size_t k = 0; k < keys.size(); ++k) {
                const auto it = row.find(keys[k]);
                std::string text;
                if (it != row.end())
                    text = !forTerminal && it->is_string() ? it->get_ref<const std::string&>() : cellText(*it);
                line += (k ? "," : "") + csvField(text);
            }
            out << line << "\r\n";
        }
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
    auto printLine = [&](const std::vector<std::string>& line) {
        std::string text;
        for (std::size_t c = 0; c < line.size(); ++c) {
            text += line[c];
            if (c + 1 < line.size())
                text += std::string(widths[c] - displayWidth(line[c]) + 2, ' ');
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

} // namespace sipscope::cli
