// Printable text, widths and time formats shared by the cli and the viewer.
#include "ladder/text_format.hpp"

#include <cstdio>
#include <ctime>

namespace sipscope::ladder {

namespace {

// Length and code point of a well-formed UTF-8 sequence at text[i] (RFC 3629 §4: no overlong forms, no
// surrogates, nothing above U+10FFFF), or length 0.
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

// The one escaping loop behind printableText and escapeForTerminal; `xmlSafe` also escapes U+FFFE and U+FFFF.
std::string escaped(std::string_view text, bool xmlSafe) {
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
            continue;
        }
        // C1 controls act as escapes on terminals; XML 1.0 §2.2 excludes U+FFFE and U+FFFF.
        if (codePoint <= 0x9f || (xmlSafe && (codePoint == 0xfffe || codePoint == 0xffff)))
            appendFormatted(out, "\\u%04x", codePoint);
        else
            out.append(text.substr(i, length));
        i += length;
    }
    return out;
}

}  // namespace

std::string printableText(std::string_view text) { return escaped(text, true); }

std::string escapeForTerminal(std::string_view text) { return escaped(text, false); }

std::size_t codePointCount(std::string_view text) {
    std::size_t count = 0;
    for (const char c : text)
        count += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
    return count;
}

std::string cutToCells(std::string_view text, std::size_t maxCells) {
    if (codePointCount(text) <= maxCells)
        return std::string(text);
    if (maxCells == 0)
        return {};
    std::size_t cells = 0;
    std::size_t end = 0;
    for (; end < text.size(); ++end)
        if ((static_cast<unsigned char>(text[end]) & 0xc0) != 0x80 && ++cells == maxCells)
            break;  // `end` starts the code point that "…" replaces
    return std::string(text.substr(0, end)) + "…";
}

std::string isoTimestamp(std::int64_t microseconds) {
    std::int64_t seconds = microseconds / 1'000'000;
    std::int64_t fraction = microseconds % 1'000'000;
    if (fraction < 0) {
        fraction += 1'000'000;
        --seconds;
    }
    const auto time = static_cast<std::time_t>(seconds);
    std::tm parts{};
    gmtime_r(&time, &parts);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", parts.tm_year + 1900,
                  parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                  static_cast<long long>(fraction));
    return buffer;
}

std::string clockTime(std::int64_t microseconds) {
    return isoTimestamp(microseconds).substr(11, 15);  // HH:MM:SS.ffffff
}

namespace {

// "+S.ffffff" or "-S.ffffff" from integer µs, so no rounding ever makes two different times read the same.
std::string signedSeconds(std::int64_t us) {
    const bool negative = us < 0;
    const auto magnitude = static_cast<unsigned long long>(negative ? -(us + 1) + 1 : us);
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%c%llu.%06llus", negative ? '-' : '+', magnitude / 1'000'000ULL,
                  magnitude % 1'000'000ULL);
    return buffer;
}

}  // namespace

std::string deltaTime(std::int64_t microseconds) {
    if (microseconds >= 1'000'000 || microseconds <= -1'000'000)
        return signedSeconds(microseconds);
    const bool negative = microseconds < 0;
    const auto magnitude = static_cast<unsigned long long>(negative ? -microseconds : microseconds);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%c%llu.%03llums", negative ? '-' : '+', magnitude / 1000ULL,
                  magnitude % 1000ULL);
    return buffer;
}

std::string offsetTime(std::int64_t microseconds) { return signedSeconds(microseconds); }

}  // namespace sipscope::ladder
