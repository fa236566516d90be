// Typed readers of header values and multipart bodies. Views only; see sip_headers.hpp. URIs: sip_uri.cpp;
// SipMessageView's typed access: sip_message.cpp.
//
// Index
// [SECTION] Lists and parameters
// [SECTION] Header values
// [SECTION] Bodies
#include "decode/sip_headers.hpp"

#include "decode/detail/fields.hpp"
#include "decode/detail/lex.hpp"

namespace sipscope::decode {

namespace {

using detail::equalsNoCase;
using detail::isLwsChar;
using detail::trimLws;

// Index of the first `stop` character outside a quoted string, or npos.
std::size_t findOutsideQuotes(std::string_view text, char stop) {
    bool isQuoteOpen = false;
    return detail::findUnquoted(text, stop, 0, false, isQuoteOpen);
}

std::string_view unquote(std::string_view value) {
    value = trimLws(value);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        return value.substr(1, value.size() - 2);
    return value;
}

// The first token of a value and the ";params" after it.
std::string_view splitValueAndParams(std::string_view value, std::string_view& params) {
    value = trimLws(value);
    const std::size_t semi = findOutsideQuotes(value, ';');
    params = semi == std::string_view::npos ? value.substr(value.size()) : value.substr(semi);
    return trimLws(value.substr(0, semi));
}

}  // namespace

//--------------------------------------------------------------------------------------------------
// [SECTION] Lists and parameters
//--------------------------------------------------------------------------------------------------

bool ListReader::next(std::string_view& element) {
    while (!m_rest.empty()) {
        bool isQuoteOpen = false;
        const std::size_t end = detail::findListComma(m_rest, 0, isQuoteOpen);
        element = trimLws(m_rest.substr(0, end));
        m_rest = end < m_rest.size() ? m_rest.substr(end + 1) : m_rest.substr(m_rest.size());
        if (!element.empty())
            return true;
    }
    return false;
}

bool ParamReader::next(std::string_view& name, std::string_view& value, bool& hasValue) {
    while (!m_rest.empty()) {
        std::size_t start = 0;
        while (start < m_rest.size() && (isLwsChar(m_rest[start]) || m_rest[start] == ';'))
            ++start;
        std::string_view rest = m_rest.substr(start);
        const std::size_t end = findOutsideQuotes(rest, ';');
        const std::string_view param = trimLws(rest.substr(0, end));
        m_rest = end == std::string_view::npos ? rest.substr(rest.size()) : rest.substr(end);
        if (param.empty())
            continue;
        const std::size_t equals = param.find('=');
        name = trimLws(param.substr(0, equals));
        hasValue = equals != std::string_view::npos;
        value = hasValue ? unquote(param.substr(equals + 1)) : param.substr(param.size());
        return true;
    }
    return false;
}

std::optional<std::string_view> findParam(std::string_view params, std::string_view name) {
    ParamReader reader(params);
    std::string_view paramName, value;
    bool hasValue = false;
    while (reader.next(paramName, value, hasValue))
        if (equalsNoCase(paramName, name))
            return value;
    return std::nullopt;
}

bool listHasToken(std::string_view value, std::string_view token) {
    ListReader reader(value);
    std::string_view element;
    while (reader.next(element)) {
        std::string_view params;
        if (equalsNoCase(splitValueAndParams(element, params), token))
            return true;
    }
    return false;
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Header values
//--------------------------------------------------------------------------------------------------

bool parseViaHop(std::string_view element, ViaHop& out) { return detail::readViaHop(element, out).empty(); }

bool parseReason(std::string_view element, ReasonValue& out) {
    out = ReasonValue{};
    std::string_view params;
    out.protocol = splitValueAndParams(element, params);
    if (const auto cause = findParam(params, "cause"))
        if (const auto number = detail::parseDecimal(*cause, 0x7fffffff))
            out.cause = static_cast<int>(*number);
    if (const auto text = findParam(params, "text"))
        out.text = *text;
    return detail::isToken(out.protocol);
}

bool parseEvent(std::string_view value, EventValue& out) {
    out = EventValue{};
    out.package = splitValueAndParams(value, out.params);
    if (const auto id = findParam(out.params, "id"))
        out.id = *id;
    return detail::isToken(out.package);
}

bool parseSubscriptionState(std::string_view value, SubscriptionStateValue& out) {
    out = SubscriptionStateValue{};
    std::string_view params;
    out.state = splitValueAndParams(value, params);
    if (const auto reason = findParam(params, "reason"))
        out.reason = *reason;
    if (const auto expires = findParam(params, "expires"))
        out.expires = parseDeltaSeconds(*expires);
    if (const auto retry = findParam(params, "retry-after"))
        out.retryAfter = parseDeltaSeconds(*retry);
    return detail::isToken(out.state);
}

bool parseReplaces(std::string_view value, ReplacesValue& out) {
    out = ReplacesValue{};
    std::string_view params;
    out.callId = splitValueAndParams(value, params);
    if (const auto tag = findParam(params, "to-tag"))
        out.toTag = *tag;
    if (const auto tag = findParam(params, "from-tag"))
        out.fromTag = *tag;
    out.isEarlyOnly = findParam(params, "early-only").has_value();
    return !out.callId.empty();
}

bool parseSessionExpires(std::string_view value, SessionExpiresValue& out) {
    out = SessionExpiresValue{};
    std::string_view params;
    const auto seconds = parseDeltaSeconds(splitValueAndParams(value, params));
    if (const auto refresher = findParam(params, "refresher"))
        out.refresher = *refresher;
    if (!seconds)
        return false;
    out.seconds = *seconds;
    return true;
}

std::optional<std::string_view> AuthValue::param(std::string_view name) const {
    // auth-params are comma-separated (RFC 3261 §25.1 digest-response), each name=value.
    ListReader reader(params);
    std::string_view element;
    while (reader.next(element)) {
        const std::size_t equals = element.find('=');
        if (equals != std::string_view::npos && equalsNoCase(trimLws(element.substr(0, equals)), name))
            return unquote(element.substr(equals + 1));
    }
    return std::nullopt;
}

bool parseAuth(std::string_view value, AuthValue& out) {
    out = AuthValue{};
    value = trimLws(value);
    std::size_t end = 0;
    while (end < value.size() && detail::isTokenChar(value[end]))
        ++end;
    out.scheme = value.substr(0, end);
    out.params = trimLws(value.substr(end));
    return !out.scheme.empty() && (end == value.size() || isLwsChar(value[end]));
}

std::optional<std::uint32_t> parseDeltaSeconds(std::string_view value) {
    const auto number = detail::parseDecimal(trimLws(value), 0xffffffffu);
    return number ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(*number)) : std::nullopt;
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Bodies
//--------------------------------------------------------------------------------------------------

std::string_view mediaType(std::string_view contentType) {
    return trimLws(contentType.substr(0, contentType.find(';')));
}

namespace {

constexpr int MaxMultipartDepth = 4;

// Where a line that starts at `pos` ends, and where the next one begins (CRLF or a bare LF).
std::size_t lineEnd(std::string_view text, std::size_t pos, std::size_t& next) {
    const std::size_t lf = text.find('\n', pos);
    if (lf == std::string_view::npos) {
        next = text.size();
        return text.size();
    }
    next = lf + 1;
    return lf > pos && text[lf - 1] == '\r' ? lf - 1 : lf;
}

std::string_view findPart(std::string_view contentType, std::string_view body, std::string_view wanted, int depth) {
    const std::string_view type = mediaType(contentType);
    if (equalsNoCase(type, wanted))
        return body;
    if (depth >= MaxMultipartDepth || !detail::startsWithNoCase(type, "multipart/"))
        return {};
    std::string_view params;
    splitValueAndParams(contentType, params);
    const auto boundary = findParam(params, "boundary");
    if (!boundary || boundary->empty())
        return {};
    // RFC 2046 §5.1.1: each part starts after a line "--boundary"; "--boundary--" closes the body. The CRLF before
    // a delimiter belongs to the delimiter.
    std::size_t partStart = std::string_view::npos;  // first byte of the current part's headers
    std::size_t pos = 0;
    while (pos < body.size()) {
        std::size_t next = 0;
        const std::size_t end = lineEnd(body, pos, next);
        const std::string_view line = body.substr(pos, end - pos);
        const bool isDelimiter = line.size() >= 2 + boundary->size() && line.substr(0, 2) == "--" &&
                                 line.substr(2, boundary->size()) == *boundary;
        if (isDelimiter) {
            if (partStart != std::string_view::npos) {
                std::size_t partEnd = pos;
                if (partEnd > partStart && body[partEnd - 1] == '\n')
                    --partEnd;
                if (partEnd > partStart && body[partEnd - 1] == '\r')
                    --partEnd;
                const std::string_view part = body.substr(partStart, partEnd - partStart);
                // Part headers up to an empty line; no headers means text/plain (RFC 2046 §5.1).
                std::string_view partType = "text/plain";
                std::size_t headerPos = 0;
                std::size_t partBody = part.size();
                while (headerPos < part.size()) {
                    std::size_t headerNext = 0;
                    const std::size_t headerEnd = lineEnd(part, headerPos, headerNext);
                    if (headerEnd == headerPos) {
                        partBody = headerNext;
                        break;
                    }
                    const std::string_view header = part.substr(headerPos, headerEnd - headerPos);
                    const std::size_t colon = header.find(':');
                    if (colon != std::string_view::npos &&
                        equalsNoCase(trimLws(header.substr(0, colon)), "Content-Type"))
                        partType = trimLws(header.substr(colon + 1));
                    headerPos = headerNext;
                }
                const std::string_view found =
                    findPart(partType, part.substr(std::min(partBody, part.size())), wanted, depth + 1);
                if (!found.empty())
                    return found;
            }
            if (line.substr(2 + boundary->size()).substr(0, 2) == "--")
                return {};
            partStart = next;
        }
        pos = next;
    }
    return {};
}

}  // namespace

std::string_view findBodyPart(std::string_view contentType, std::string_view body, std::string_view wanted) {
    if (body.empty())
        return {};
    return findPart(contentType, body, wanted, 0);
}

}  // namespace sipscope::decode
