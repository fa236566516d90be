// Character classes and small scanners of the RFC 3261 §25 grammar, shared by the parser's pieces.
#pragma once

#include "common/sip_chars.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sipscope::decode::detail {

inline bool isDigit(char c) { return c >= '0' && c <= '9'; }
inline bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool isAlnum(char c) { return isDigit(c) || isAlpha(c); }
inline bool isWsp(char c) { return c == ' ' || c == '\t'; }
// Whitespace that may appear inside a folded header value (RFC 3261 §7.3.1 LWS, with its CR and LF).
inline bool isLwsChar(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

inline bool isTokenChar(char c) { return isSipTokenChar(c); }  // RFC 3261 §25.1 token

inline bool isToken(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!isTokenChar(c)) {
            return false;
        }
    }
    return true;
}

// The first character of `text` that is one of `set`, or npos: string_view::find_first_of, without libstdc++'s
// memchr over the set for every character of the text (a fifth of the parser's time on a typical INVITE).
inline std::size_t findAnyOf(std::string_view text, std::string_view set) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        for (char c : set) {
            if (text[i] == c) {
                return i;
            }
        }
    }
    return std::string_view::npos;
}

inline char toLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool equalsNoCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (toLower(a[i]) != toLower(b[i])) {
            return false;
        }
    }
    return true;
}

inline bool startsWithNoCase(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && equalsNoCase(s.substr(0, prefix.size()), prefix);
}

inline std::string_view trimLws(std::string_view s) {
    std::size_t begin = 0;
    std::size_t end = s.size();
    while (begin < end && isLwsChar(s[begin])) {
        ++begin;
    }
    while (end > begin && isLwsChar(s[end - 1])) {
        --end;
    }
    return s.substr(begin, end - begin);
}

// A cursor over one header value. Every read is bounds-checked; past the end it reads as '\0'.
class Cursor {
public:
    explicit Cursor(std::string_view text) : m_text(text) {}

    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }
    std::size_t pos() const { return m_pos; }
    void advance() {
        if (!atEnd()) {
            ++m_pos;
        }
    }
    // Moves `count` characters on, at most to the end.
    void skip(std::size_t count) {
        const std::size_t left = atEnd() ? 0 : m_text.size() - m_pos;
        m_pos += std::min(count, left);
    }
    std::string_view rest() const { return atEnd() ? std::string_view{} : m_text.substr(m_pos); }
    std::string_view slice(std::size_t from, std::size_t to) const { return m_text.substr(from, to - from); }

    // Skips LWS, including the CRLF of folded lines; returns whether any was skipped.
    bool skipLws() {
        const std::size_t start = m_pos;
        while (!atEnd() && isLwsChar(m_text[m_pos])) {
            ++m_pos;
        }
        return m_pos != start;
    }
    // Consumes `c` (with LWS on both sides, RFC 3261 §25.1 SEMI, COMMA, EQUAL, SLASH) if it is next.
    bool eatSeparator(char c) {
        const std::size_t start = m_pos;
        skipLws();
        if (peek() == c) {
            ++m_pos;
            skipLws();
            return true;
        }
        m_pos = start;
        return false;
    }
    std::string_view takeToken() {
        const std::size_t start = m_pos;
        while (!atEnd() && isTokenChar(m_text[m_pos])) {
            ++m_pos;
        }
        return m_text.substr(start, m_pos - start);
    }
    std::string_view takeWhile(bool (*accept)(char)) {
        const std::size_t start = m_pos;
        while (!atEnd() && accept(m_text[m_pos])) {
            ++m_pos;
        }
        return m_text.substr(start, m_pos - start);
    }
    // Consumes a quoted-string (RFC 3261 §25.1, with quoted-pair) starting at '"'. Returns the text between
    // the quotes, escapes left as they are, or nullopt (and consumes nothing) when the closing quote is missing.
    std::optional<std::string_view> takeQuoted() {
        if (peek() != '"') {
            return std::nullopt;
        }
        std::size_t i = m_pos + 1;
        while (i < m_text.size()) {
            if (m_text[i] == '\\') {
                i += 2;
                continue;
            }
            if (m_text[i] == '"') {
                const std::string_view inner = m_text.substr(m_pos + 1, i - m_pos - 1);
                m_pos = i + 1;
                return inner;
            }
            ++i;
        }
        return std::nullopt;
    }

private:
    std::string_view m_text;
    std::size_t m_pos = 0;
};

// 1*DIGIT as an unsigned number; nullopt when empty, not all digits, or above `max`.
inline std::optional<std::uint64_t> parseDecimal(std::string_view digits, std::uint64_t max) {
    if (digits.empty()) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (char c : digits) {
        if (!isDigit(c)) {
            return std::nullopt;
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
        if (value > max) {
            return std::nullopt;
        }
    }
    return value;
}

// A port: 1*DIGIT in 0..65535.
inline std::optional<std::uint16_t> parsePort(std::string_view digits) {
    const auto value = parseDecimal(digits, 65535);
    return value ? std::optional<std::uint16_t>(static_cast<std::uint16_t>(*value)) : std::nullopt;
}

// Splits "host[:port]" (host may be a bracketed IPv6 reference) of a URI or a Via sent-by; `port` is empty when
// absent or not a port.
inline void splitHostPort(std::string_view hostPort, std::string_view& host, std::optional<std::uint16_t>& port) {
    port.reset();
    std::size_t colon = std::string_view::npos;
    if (!hostPort.empty() && hostPort.front() == '[') {
        const std::size_t close = hostPort.find(']');
        if (close != std::string_view::npos && close + 1 < hostPort.size() && hostPort[close + 1] == ':')
            colon = close + 1;
    } else {
        colon = hostPort.find(':');
    }
    host = hostPort.substr(0, colon);
    if (colon != std::string_view::npos)
        port = parsePort(hostPort.substr(colon + 1));
}

// The first `stop` at or after `from` outside quoted strings (quoted-pair aware) and, when `angles` is set, outside
// <...>; npos when there is none. `isQuoteOpen` tells whether the text ended inside a quoted string.
inline std::size_t findUnquoted(std::string_view text, char stop, std::size_t from, bool angles, bool& isQuoteOpen) {
    bool inQuotes = false;
    bool inAngles = false;
    for (std::size_t i = from; i < text.size(); ++i) {
        const char c = text[i];
        if (inQuotes) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inQuotes = false;
        } else if (c == '"') {
            inQuotes = true;
        } else if (angles && c == '<') {
            inAngles = true;
        } else if (angles && c == '>') {
            inAngles = false;
        } else if (c == stop && !inAngles) {
            isQuoteOpen = false;
            return i;
        }
    }
    isQuoteOpen = inQuotes;
    return std::string_view::npos;
}

// Where the element of a comma-separated header value (RFC 3261 §7.3.1) that starts at `from` ends: the first ','
// outside quoted strings and <...>, or text.size().
inline std::size_t findListComma(std::string_view text, std::size_t from, bool& isQuoteOpen) {
    return std::min(findUnquoted(text, ',', from, true, isQuoteOpen), text.size());
}

}  // namespace sipscope::decode::detail
