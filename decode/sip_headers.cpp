// Typed readers of header values, URIs and multipart bodies. Views only; see sip_headers.hpp.
//
// Index
// [SECTION] Lists and parameters
// [SECTION] URIs
// [SECTION] Header values
// [SECTION] Bodies
// [SECTION] SipMessageView typed access
#include "decode/sip_headers.hpp"

#include "decode/detail/lex.hpp"
#include "decode/sip_message.hpp"
#include "decode/sip_parser.hpp"

namespace sipscope::decode {

namespace {

using detail::equalsNoCase;
using detail::isLwsChar;
using detail::trimLws;

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::optional<std::uint16_t> parsePort(std::string_view digits) {
    const auto value = detail::parseDecimal(digits, 65535);
    return value ? std::optional<std::uint16_t>(static_cast<std::uint16_t>(*value)) : std::nullopt;
}

// Splits "host[:port]" (host may be a bracketed IPv6 reference).
void splitHostPort(std::string_view hostPort, std::string_view& host, std::optional<std::uint16_t>& port) {
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

// Index of the first `stop` character outside a quoted string, or npos.
std::size_t findOutsideQuotes(std::string_view text, char stop, std::size_t from = 0) {
    bool inQuotes = false;
    for (std::size_t i = from; i < text.size(); ++i) {
        const char c = text[i];
        if (inQuotes) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inQuotes = false;
        } else if (c == '"') {
            inQuotes = true;
        } else if (c == stop) {
            return i;
        }
    }
    return std::string_view::npos;
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
        bool inQuotes = false;
        bool inAngles = false;
        std::size_t i = 0;
        for (; i < m_rest.size(); ++i) {
            const char c = m_rest[i];
            if (inQuotes) {
                if (c == '\\')
                    ++i;
                else if (c == '"')
                    inQuotes = false;
            } else if (c == '"') {
                inQuotes = true;
            } else if (c == '<') {
                inAngles = true;
            } else if (c == '>') {
                inAngles = false;
            } else if (c == ',' && !inAngles) {
                break;
            }
        }
        const std::size_t end = i < m_rest.size() ? i : m_rest.size();
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
// [SECTION] URIs
//--------------------------------------------------------------------------------------------------

bool SipUri::isSip() const { return equalsNoCase(scheme, "sip") || equalsNoCase(scheme, "sips"); }
bool SipUri::isTel() const { return equalsNoCase(scheme, "tel"); }

std::optional<std::string_view> SipUri::header(std::string_view name) const {
    std::string_view rest = headers;
    while (!rest.empty()) {
        const std::size_t amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? rest.substr(rest.size()) : rest.substr(amp + 1);
        const std::size_t equals = pair.find('=');
        if (equalsNoCase(pair.substr(0, equals), name))
            return equals == std::string_view::npos ? pair.substr(pair.size()) : pair.substr(equals + 1);
    }
    return std::nullopt;
}

bool parseUri(std::string_view text, SipUri& out) {
    out = SipUri{};
    text = trimLws(text);
    if (!text.empty() && text.front() == '<') {
        const std::size_t close = text.find('>');
        text = text.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
    }
    std::size_t colon = 0;
    while (colon < text.size() &&
           (detail::isAlnum(text[colon]) || text[colon] == '+' || text[colon] == '-' || text[colon] == '.'))
        ++colon;
    if (colon == 0 || colon >= text.size() || text[colon] != ':' || !detail::isAlpha(text[0]))
        return false;
    out.scheme = text.substr(0, colon);
    out.opaque = text.substr(colon + 1);
    std::string_view rest = out.opaque;
    if (out.isTel()) {
        // RFC 3966 §3: telephone-subscriber, then ;params. No headers.
        const std::size_t semi = rest.find(';');
        out.user = rest.substr(0, semi);
        out.params = semi == std::string_view::npos ? rest.substr(rest.size()) : rest.substr(semi);
        return !out.user.empty();
    }
    if (!out.isSip())
        return true;
    // RFC 3261 §19.1.1: userinfo ends at the first '@' (escaped in the user otherwise); headers start at '?'.
    const std::size_t question = rest.find('?');
    if (question != std::string_view::npos) {
        out.headers = rest.substr(question + 1);
        rest = rest.substr(0, question);
    }
    const std::size_t at = rest.find('@');
    if (at != std::string_view::npos) {
        const std::string_view userInfo = rest.substr(0, at);
        const std::size_t passwordColon = userInfo.find(':');
        out.user = userInfo.substr(0, passwordColon);
        if (passwordColon != std::string_view::npos)
            out.password = userInfo.substr(passwordColon + 1);
        rest = rest.substr(at + 1);
    }
    const std::size_t semi = rest.find(';');
    out.params = semi == std::string_view::npos ? rest.substr(rest.size()) : rest.substr(semi);
    splitHostPort(rest.substr(0, semi), out.host, out.port);
    return !out.host.empty();
}

namespace {

// The byte a "%XX" escape at `k` stands for, advancing `k` past it; any other byte as it is.
char decodeAt(std::string_view s, std::size_t& k, bool& isBadEscape) {
    const char c = s[k];
    if (c == '%') {
        const int high = k + 1 < s.size() ? hexValue(s[k + 1]) : -1;
        const int low = k + 2 < s.size() ? hexValue(s[k + 2]) : -1;
        if (high >= 0 && low >= 0) {
            k += 3;
            return static_cast<char>(high * 16 + low);
        }
        isBadEscape = true;
    }
    ++k;
    return c;
}

}  // namespace

bool unescape(std::string_view text, std::string& out) {
    bool isBadEscape = false;
    std::size_t k = 0;
    while (k < text.size())
        out += decodeAt(text, k, isBadEscape);
    return !isBadEscape;
}

namespace {

bool sameEscapedText(std::string_view a, std::string_view b, bool ignoreCase) {
    std::size_t i = 0, j = 0;
    bool ignored = false;
    while (i < a.size() && j < b.size()) {
        char x = decodeAt(a, i, ignored);
        char y = decodeAt(b, j, ignored);
        if (ignoreCase) {
            x = detail::toLower(x);
            y = detail::toLower(y);
        }
        if (x != y)
            return false;
    }
    return i == a.size() && j == b.size();
}

bool sameTelNumber(std::string_view a, std::string_view b) {
    // RFC 3966 §5.1.1: visual separators ("-", ".", "(", ")") do not count.
    auto isVisual = [](char c) { return c == '-' || c == '.' || c == '(' || c == ')'; };
    std::size_t i = 0, j = 0;
    while (true) {
        while (i < a.size() && isVisual(a[i]))
            ++i;
        while (j < b.size() && isVisual(b[j]))
            ++j;
        if (i == a.size() || j == b.size())
            return i == a.size() && j == b.size();
        if (detail::toLower(a[i]) != detail::toLower(b[j]))
            return false;
        ++i;
        ++j;
    }
}

}  // namespace

bool sameAddress(std::string_view uriA, std::string_view uriB) {
    SipUri a, b;
    if (!parseUri(uriA, a) || !parseUri(uriB, b))
        return false;
    if (a.isTel() && b.isTel())
        return sameTelNumber(a.user, b.user);
    if (!a.isSip() || !b.isSip())
        return equalsNoCase(a.scheme, b.scheme) && a.opaque == b.opaque;
    if (!sameEscapedText(a.user, b.user, false) || !sameEscapedText(a.host, b.host, true))
        return false;
    return !a.port || !b.port || *a.port == *b.port;
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Header values
//--------------------------------------------------------------------------------------------------

bool parseViaHop(std::string_view element, ViaHop& out) {
    out = ViaHop{};
    detail::Cursor c(element);
    c.skipLws();
    out.protocol = c.takeToken();
    if (!c.eatSeparator('/'))
        return false;
    out.version = c.takeToken();
    if (!c.eatSeparator('/'))
        return false;
    out.transport = c.takeToken();
    c.skipLws();
    out.sentBy = c.takeWhile([](char ch) {
        return detail::isAlnum(ch) || ch == '.' || ch == '-' || ch == '_' || ch == '[' || ch == ']' || ch == ':';
    });
    splitHostPort(out.sentBy, out.host, out.port);
    if (out.protocol.empty() || out.transport.empty() || out.host.empty())
        return false;
    out.params = trimLws(c.rest());
    ParamReader params(out.params);
    std::string_view name, value;
    bool hasValue = false;
    while (params.next(name, value, hasValue)) {
        if (equalsNoCase(name, "branch"))
            out.branch = value;
        else if (equalsNoCase(name, "received"))
            out.received = value;
        else if (equalsNoCase(name, "maddr"))
            out.maddr = value;
        else if (equalsNoCase(name, "ttl")) {
            if (const auto ttl = detail::parseDecimal(value, 255))
                out.ttl = static_cast<std::uint8_t>(*ttl);
        } else if (equalsNoCase(name, "rport")) {
            out.hasRport = true;
            if (hasValue)
                out.rport = parsePort(value);
        }
    }
    return out.params.empty() || out.params.front() == ';';
}

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

//--------------------------------------------------------------------------------------------------
// [SECTION] SipMessageView typed access
//--------------------------------------------------------------------------------------------------

namespace {

// The first comma-separated element of the first header called `name`; empty when absent.
std::string_view firstElement(const SipMessageView& message, std::string_view name) {
    std::string_view first;
    bool found = false;
    message.forEachElement(name, [&](std::string_view element) {
        if (!found) {
            first = element;
            found = true;
        }
    });
    return first;
}

std::optional<NameAddr> nameAddrOf(std::string_view element) {
    if (element.empty())
        return std::nullopt;
    return parseNameAddr(element);
}

}  // namespace

ViaHop SipMessageView::topVia() const {
    ViaHop hop;
    const std::string_view element = firstElement(*this, "Via");
    if (!element.empty())
        parseViaHop(element, hop);
    return hop;
}

std::size_t SipMessageView::viaHopCount() const {
    std::size_t count = 0;
    forEachElement("Via", [&count](std::string_view) { ++count; });
    return count;
}

NameAddr SipMessageView::contact() const {
    const std::string_view element = firstElement(*this, "Contact");
    if (element == "*") {
        NameAddr wildcard;
        wildcard.uri = element;
        return wildcard;
    }
    return element.empty() ? NameAddr{} : parseNameAddr(element);
}

std::optional<std::uint32_t> SipMessageView::maxForwards() const {
    const std::string_view value = header("Max-Forwards");
    return value.empty() ? std::nullopt : parseDeltaSeconds(value);
}

std::optional<std::uint32_t> SipMessageView::expires() const {
    const std::string_view value = header("Expires");
    return value.empty() ? std::nullopt : parseDeltaSeconds(value);
}

bool SipMessageView::hasToken(std::string_view name, std::string_view token) const {
    bool found = false;
    forEachHeader(name, [&](std::string_view value) { found = found || listHasToken(value, token); });
    return found;
}

std::optional<ReasonValue> SipMessageView::reasonHeader() const {
    const std::string_view element = firstElement(*this, "Reason");
    ReasonValue reason;
    if (element.empty() || !parseReason(element, reason))
        return std::nullopt;
    return reason;
}

std::optional<EventValue> SipMessageView::event() const {
    const std::string_view value = header("Event");
    EventValue event;
    if (value.empty() || !parseEvent(value, event))
        return std::nullopt;
    return event;
}

std::optional<SubscriptionStateValue> SipMessageView::subscriptionState() const {
    const std::string_view value = header("Subscription-State");
    SubscriptionStateValue state;
    if (value.empty() || !parseSubscriptionState(value, state))
        return std::nullopt;
    return state;
}

std::optional<NameAddr> SipMessageView::referTo() const { return nameAddrOf(header("Refer-To")); }

std::optional<NameAddr> SipMessageView::referredBy() const { return nameAddrOf(header("Referred-By")); }

std::optional<ReplacesValue> SipMessageView::replaces() const {
    const std::string_view value = header("Replaces");
    ReplacesValue replaces;
    if (value.empty() || !parseReplaces(value, replaces))
        return std::nullopt;
    return replaces;
}

std::optional<NameAddr> SipMessageView::assertedIdentity() const {
    return nameAddrOf(firstElement(*this, "P-Asserted-Identity"));
}

std::optional<SessionExpiresValue> SipMessageView::sessionExpires() const {
    const std::string_view value = header("Session-Expires");
    SessionExpiresValue sessionExpires;
    if (value.empty() || !parseSessionExpires(value, sessionExpires))
        return std::nullopt;
    return sessionExpires;
}

std::optional<AuthValue> SipMessageView::auth(std::string_view name) const {
    const std::string_view value = header(name);
    AuthValue auth;
    if (value.empty() || !parseAuth(value, auth))
        return std::nullopt;
    return auth;
}

std::string_view SipMessageView::contentType() const { return header("Content-Type"); }

std::string_view SipMessageView::sdp() const {
    if (m_body.empty())
        return {};
    return findBodyPart(contentType(), m_body, "application/sdp");
}

}  // namespace sipscope::decode
