// Table, CSV and JSON-lines printing, terminal escaping and timestamps.
#include "cli/output.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace sipscope::cli {

namespace {

// Length of a valid UTF-8 sequence starting at text[i], or 0 if it is not one.
std::size_t utf8Length(std::string_view text, std::size_t i) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    if (length == 0 || i + length > text.size())
        return 0;
    for (std::size_t k = 1; k < length; ++k)
        if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80)
            return 0;
    return length;
}

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

std::string escapeForTerminal(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
            ++i;
        } else if (std::size_t length = c >= 0x80 ? utf8Length(text, i) : 0) {
            // C1 controls (U+0080..U+009F, encoded C2 80..C2 9F) act as escapes on some terminals.
            if (length == 2 && c == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned char>(text[i + 1]));
                out += buffer;
            } else {
                out.append(text.substr(i, length));
            }
            i += length;
        } else {
            switch (c) {
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default: {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
                out += buffer;
            }
            }
            ++i;
        }
    }
    return out;
}

std::string isoTimestamp(std::int64_t microseconds) {
    std::int64_t seconds = microseconds / 1'000'000;
    std::int64_t fraction = microseconds % 1'000'000;
    if (fraction < 0) {
        fraction += 1'000'000;
        --seconds;
    }
    const std::time_t time = static_cast<std::time_t>(seconds);
    std::tm parts{};
    gmtime_r(&time, &parts);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", parts.tm_year + 1900,
                  parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                  static_cast<long long>(fraction));
    return buffer;
}

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

void printRows(std::ostream& out, Format format, const std::vector<Row>& rows, const std::vector<Column>& columns) {
    if (format == Format::Json) {
        for (const Row& row : rows)
            out << row.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
        return;
    }
    if (format == Format::Csv) {
        if (rows.empty()) {
            std::string header;
            for (const Column& column : columns)
                header += (header.empty() ? "" : ",") + csvField(column.key);
            out << header << "\r\n";
            return;
        }
        std::string line;
        for (const auto& item : rows.front().items())
            line += (line.empty() ? "" : ",") + csvField(item.key());
        out << line << "\r\n";
        for (const Row& row : rows) {
            line.clear();
            bool first = true;
            for (const auto& item : row.items()) {
                line += (first ? "" : ",") + csvField(cellText(item.value()));
                first = false;
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

} // namespace sipscope::cli
