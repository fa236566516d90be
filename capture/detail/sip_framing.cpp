// Start-line recognition and Content-Length framing: cheap, allocation-free scans of the first bytes.
#include "capture/detail/sip_framing.hpp"

#include "capture/packet_decoder.hpp"
#include "common/sip_chars.hpp"

namespace sipscope::capture::detail {
namespace {

constexpr std::string_view SipVersion = "SIP/2.0";
// Methods are tokens of any length (RFC 3261 §25.1), and the PROTOS suite (c07-sip-r2.cap) sends methods of
// thousands of bytes that tshark still counts as requests. The line's end bounds the scan anyway.
constexpr std::size_t MaxMethodLength = 65535;

bool isTokenChar(char c) { return isSipTokenChar(c); }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// The length of the field-name when `line` starts a header, RFC 3261 §7.3.1: field-name HCOLON, where
// HCOLON = *( SP / HTAB ) ":" SWS; else 0.
std::size_t headerNameLength(std::string_view line) {
    std::size_t nameEnd = 0;
    while (nameEnd < line.size() && isTokenChar(line[nameEnd]))
        ++nameEnd;
    std::size_t colon = nameEnd;
    while (colon < line.size() && (line[colon] == ' ' || line[colon] == '\t'))
        ++colon;
    return colon < line.size() && line[colon] == ':' ? nameEnd : 0;
}

bool isStatusLine(std::string_view line) {
    // RFC 3261 §7.2: SIP-Version SP Status-Code SP Reason-Phrase; some stacks omit the reason.
    if (line.size() < SipVersion.size() + 4 || !equalsIgnoreCase(line.substr(0, SipVersion.size()), SipVersion))
        return false;
    std::string_view rest = line.substr(SipVersion.size());
    if (rest[0] != ' ' || !isDigit(rest[1]) || !isDigit(rest[2]) || !isDigit(rest[3]))
        return false;
    return rest.size() == 4 || rest[4] == ' ';
}

bool isRequestLine(std::string_view line) {
    // RFC 3261 §7.1: Method SP Request-URI SP SIP-Version. The version decides, so unknown methods pass
    // and HTTP ("GET / HTTP/1.1") does not.
    std::size_t methodEnd = 0;
    while (methodEnd < line.size() && methodEnd <= MaxMethodLength && isTokenChar(line[methodEnd]))
        ++methodEnd;
    if (methodEnd == 0 || methodEnd > MaxMethodLength || methodEnd >= line.size() || line[methodEnd] != ' ')
        return false;
    const std::size_t uriStart = methodEnd + 1;
    const std::size_t uriEnd = line.find(' ', uriStart);
    if (uriEnd == std::string_view::npos || uriEnd == uriStart)
        return false;
    // Every SIP Request-URI is absolute (RFC 3261 §19.1.1, RFC 3966), so it has a scheme.
    if (line.substr(uriStart, uriEnd - uriStart).find(':') == std::string_view::npos)
        return false;
    std::string_view version = line.substr(uriEnd + 1);
    while (!version.empty() && (version.back() == ' ' || version.back() == '\t'))
        version.remove_suffix(1);
    return equalsIgnoreCase(version, SipVersion);
}

}  // namespace

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

bool isSipStartLine(std::string_view line) {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return isStatusLine(line) || isRequestLine(line);
}

namespace {

// digits "." digits at the start of `text`; returns the length, 0 when not there.
std::size_t versionNumberLength(std::string_view text) {
    std::size_t at = 0;
    while (at < text.size() && isDigit(text[at]))
        ++at;
    if (at == 0 || at >= text.size() || text[at] != '.')
        return 0;
    const std::size_t minor = ++at;
    while (at < text.size() && isDigit(text[at]))
        ++at;
    return at == minor ? 0 : at;
}

}  // namespace

bool hasStartLineShape(std::string_view line) {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    constexpr std::string_view Sip = "SIP/";
    if (line.size() > Sip.size() && equalsIgnoreCase(line.substr(0, Sip.size()), Sip)) {
        const std::size_t version = versionNumberLength(line.substr(Sip.size()));
        const std::size_t code = Sip.size() + version + 1;
        return version > 0 && code < line.size() && line[code - 1] == ' ' && isDigit(line[code]);
    }
    std::size_t methodEnd = 0;
    while (methodEnd < line.size() && methodEnd <= MaxMethodLength && isTokenChar(line[methodEnd]))
        ++methodEnd;
    if (methodEnd == 0 || methodEnd > MaxMethodLength || methodEnd >= line.size() || line[methodEnd] != ' ')
        return false;
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
        line.remove_suffix(1);
    // The version is the last word: SP "SIP/" digits "." digits, with the Request-URI's ':' somewhere before it.
    const std::size_t versionStart = line.find_last_of(" \t") + 1;
    if (versionStart <= methodEnd + 1)
        return false;
    const std::string_view version = line.substr(versionStart);
    if (version.size() <= Sip.size() || !equalsIgnoreCase(version.substr(0, Sip.size()), Sip) ||
        versionNumberLength(version.substr(Sip.size())) != version.size() - Sip.size())
        return false;
    return line.substr(methodEnd, versionStart - methodEnd).find(':') != std::string_view::npos;
}

bool hasSipCoreHeaders(std::string_view message) {
    bool hasVia = false;
    bool hasCallId = false;
    bool hasCSeq = false;
    std::size_t lineStart = message.find('\n');
    while (lineStart != std::string_view::npos && !(hasVia && hasCallId && hasCSeq)) {
        ++lineStart;
        const std::size_t lineEnd = message.find('\n', lineStart);
        std::string_view line =
            message.substr(lineStart, lineEnd == std::string_view::npos ? std::string_view::npos : lineEnd - lineStart);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty())
            break;  // the end of the header section
        if (const std::size_t nameEnd = headerNameLength(line); nameEnd > 0) {
            // RFC 3261 §7.3.3: "v" and "i" are the compact forms of Via and Call-ID; CSeq has none.
            const std::string_view name = line.substr(0, nameEnd);
            hasVia = hasVia || equalsIgnoreCase(name, "via") || equalsIgnoreCase(name, "v");
            hasCallId = hasCallId || equalsIgnoreCase(name, "call-id") || equalsIgnoreCase(name, "i");
            hasCSeq = hasCSeq || equalsIgnoreCase(name, "cseq");
        }
        lineStart = lineEnd;
    }
    return hasVia && hasCallId && hasCSeq;
}

std::size_t findStartLineInside(std::string_view line) {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    // A status line: "SIP/2.0 " somewhere after the first byte, and a status line from there on.
    for (std::size_t at = line.find("SIP/2.0 ", 1); at != std::string_view::npos; at = line.find("SIP/2.0 ", at + 1)) {
        if (isStatusLine(line.substr(at)))
            return at;
    }
    // A request line ends in " SIP/2.0"; its Request-URI is the word before, its method the token before that.
    constexpr std::string_view VersionSuffix = " SIP/2.0";
    if (line.size() <= VersionSuffix.size() ||
        !equalsIgnoreCase(line.substr(line.size() - VersionSuffix.size()), VersionSuffix))
        return std::string_view::npos;
    const std::size_t uriEnd = line.size() - VersionSuffix.size();
    const std::size_t methodEnd = line.rfind(' ', uriEnd - 1);
    if (methodEnd == std::string_view::npos || methodEnd == 0)
        return std::string_view::npos;
    std::size_t methodStart = methodEnd;
    while (methodStart > 0 && isTokenChar(line[methodStart - 1]))
        --methodStart;
    if (methodStart == methodEnd)
        return std::string_view::npos;
    // The bytes before may be token characters too ("...helloOPTIONS"): an RFC method at the end of the run wins.
    static constexpr std::string_view Methods[] = {"INVITE",   "ACK",   "BYE",       "CANCEL", "OPTIONS",
                                                   "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH",
                                                   "INFO",     "REFER", "MESSAGE",   "UPDATE"};
    const std::string_view run = line.substr(methodStart, methodEnd - methodStart);
    std::size_t start = methodStart == 0 ? std::string_view::npos : methodStart;
    std::size_t longest = 0;
    for (std::string_view method : Methods) {
        if (method.size() > longest && run.size() > method.size() && run.ends_with(method)) {
            longest = method.size();
            start = methodEnd - method.size();
        }
    }
    if (start == std::string_view::npos || !isRequestLine(line.substr(start)))
        return std::string_view::npos;
    return start;
}

bool isHeaderLineOrEnd(std::string_view line) {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (line.empty())
        return true;
    return headerNameLength(line) > 0;
}

std::string_view skipLineBreaks(std::string_view bytes) {
    std::size_t start = 0;
    while (start < bytes.size() && (bytes[start] == '\r' || bytes[start] == '\n'))
        ++start;
    return bytes.substr(start);
}

std::size_t findHeaderEnd(std::string_view bytes) {
    for (std::size_t at = bytes.find('\n'); at != std::string_view::npos; at = bytes.find('\n', at + 1)) {
        if (at + 1 < bytes.size() && bytes[at + 1] == '\n')
            return at + 2;
        if (at + 2 < bytes.size() && bytes[at + 1] == '\r' && bytes[at + 2] == '\n')
            return at + 3;
    }
    return std::string_view::npos;
}

namespace {

// Calls `visit(name, value)` for each header line after the start line; stops when it returns true.
template <typename Visit>
void forEachHeader(std::string_view headers, Visit&& visit) {
    std::size_t lineStart = headers.find('\n');
    while (lineStart != std::string_view::npos && lineStart + 1 < headers.size()) {
        ++lineStart;
        std::size_t lineEnd = headers.find('\n', lineStart);
        std::string_view line =
            headers.substr(lineStart, lineEnd == std::string_view::npos ? std::string_view::npos : lineEnd - lineStart);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        const std::size_t colon = line.find(':');
        if (colon != std::string_view::npos) {
            std::string_view name = line.substr(0, colon);
            while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
                name.remove_suffix(1);
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
                value.remove_prefix(1);
            while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
                value.remove_suffix(1);
            if (visit(name, value))
                return;
        }
        lineStart = lineEnd;
    }
}

}  // namespace

std::optional<std::size_t> contentLength(std::string_view headers, std::size_t maxValue) {
    std::optional<std::size_t> result = 0;
    forEachHeader(headers, [&](std::string_view name, std::string_view value) {
        // RFC 3261 §7.3.3: "l" is the compact form of Content-Length.
        if (!equalsIgnoreCase(name, "content-length") && !equalsIgnoreCase(name, "l"))
            return false;
        std::size_t length = 0;
        if (value.empty())
            result = std::nullopt;
        for (char c : value) {
            if (!isDigit(c) || length > maxValue) {
                result = std::nullopt;
                return true;
            }
            length = length * 10 + static_cast<std::size_t>(c - '0');
        }
        if (result && length > maxValue)
            result = std::nullopt;
        else if (result)
            result = length;
        return true;
    });
    return result;
}

std::string_view headerValue(std::string_view headers, std::string_view name) {
    std::string_view found;
    forEachHeader(headers, [&](std::string_view headerName, std::string_view value) {
        if (!equalsIgnoreCase(headerName, name))
            return false;
        found = value;
        return true;
    });
    return found;
}

bool listContainsToken(std::string_view list, std::string_view token) {
    while (!list.empty()) {
        std::size_t comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
            item.remove_suffix(1);
        if (equalsIgnoreCase(item, token))
            return true;
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

}  // namespace sipscope::capture::detail

namespace sipscope::capture {

bool looksLikeSip(std::string_view payload, bool isOnSipPort) {
    // Leading CRLFs are keepalives (RFC 5626 §4.4.1) or stray line ends; RFC 3261 §7.5 says to ignore them.
    payload = detail::skipLineBreaks(payload);
    const std::size_t lineEnd = payload.find('\n');
    if (lineEnd == std::string_view::npos)
        return false;  // a bare start line with no headers is not a SIP message
    const std::string_view line = payload.substr(0, lineEnd);
    if (detail::isSipStartLine(line))
        return true;
    // A start line that breaks the grammar (RFC 4475 badvers, bigcode, lwsstart, lwsruri) heads a message the
    // decoder stores as malformed with the reason, when the rest is plainly SIP: the core headers, or a header
    // line on a SIP port. Random bytes rarely have the shape, so this costs nothing on other traffic.
    if (!detail::hasStartLineShape(line))
        return false;
    if (detail::hasSipCoreHeaders(payload))
        return true;
    if (!isOnSipPort)
        return false;
    const std::size_t nextEnd = payload.find('\n', lineEnd + 1);
    const std::string_view next =
        payload.substr(lineEnd + 1, nextEnd == std::string_view::npos ? std::string_view::npos : nextEnd - lineEnd - 1);
    return !detail::skipLineBreaks(next).empty() && detail::isHeaderLineOrEnd(next);
}

}  // namespace sipscope::capture
