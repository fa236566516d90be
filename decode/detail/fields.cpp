// Header value grammars: name-addr, Contact, Via, CSeq, Content-Length, Max-Forwards, Date, Request-URI.
#include "decode/detail/fields.hpp"

#include "decode/detail/lex.hpp"
#include "decode/sip_uri.hpp"

#include <array>
#include <cctype>

namespace sipscope::decode::detail {

namespace {

// Bytes no URI carries unescaped (RFC 3986 §2): controls, SP, and the delimiters that frame a URI in SIP.
bool isForbiddenInUri(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7F || c == '<' || c == '>' || c == '"';
}

// hostport = host [ ":" port ], host = hostname / IPv4address / IPv6reference (RFC 3261 §25.1). An IPv6
// address must be in brackets (RFC 5118 §4.2).
bool isValidHostPort(std::string_view hostPort) {
    std::size_t i = 0;
    if (!hostPort.empty() && hostPort[0] == '[') {
        const std::size_t close = hostPort.find(']');
        if (close == std::string_view::npos || close == 1) {
            return false;
        }
        for (char c : hostPort.substr(1, close - 1)) {
            if (!isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
                return false;
            }
        }
        i = close + 1;
    } else {
        // '_' is not in the grammar, but real hosts carry it; tolerate it.
        while (i < hostPort.size() &&
               (isAlnum(hostPort[i]) || hostPort[i] == '.' || hostPort[i] == '-' || hostPort[i] == '_')) {
            ++i;
        }
        if (i == 0) {
            return false;
        }
    }
    if (i == hostPort.size()) {
        return true;
    }
    if (hostPort[i] != ':' || i + 1 == hostPort.size()) {
        return false;
    }
    for (char c : hostPort.substr(i + 1)) {
        if (!isDigit(c)) {
            return false;
        }
    }
    return true;
}

// The hostport of a sip/sips URI must be well formed; other schemes are opaque to us.
std::string_view checkSipHost(const SipUri& parts) {
    if (parts.isSip() && !isValidHostPort(parts.hostPort)) {
        return "SIP URI with a malformed host or port (IPv6 without brackets?)";
    }
    return {};
}

std::string_view checkUri(std::string_view uri, const SipUri& parts) {
    if (uri.empty()) {
        return "empty URI";
    }
    for (char c : uri) {
        if (isLwsChar(c)) {
            return "URI contains whitespace";
        }
        if (isForbiddenInUri(c)) {
            return "URI contains <, >, \" or a control character";
        }
    }
    if (parts.scheme.empty()) {
        return "URI without a scheme";
    }
    return checkSipHost(parts);
}

bool isHostChar(char c) { return isAlnum(c) || c == '.' || c == '-' || c == '_' || c == '[' || c == ']' || c == ':'; }

// gen-value = token / host / quoted-string (RFC 3261 §25.1); we accept any run of bytes that cannot end it.
bool isParamValueChar(char c) {
    return !isLwsChar(c) && c != ';' && c != ',' && c != '"' && c != '<' && c != '>' && c != '\0';
}

bool isUnquotedDisplayNameChar(char c) { return isTokenChar(c) || isLwsChar(c); }

// ( SEMI generic-param ) list; the value of "tag" (or of `wanted`) goes to `found`.
std::string_view readParams(Cursor& c, std::string_view wanted, std::string_view& found) {
    while (true) {
        c.skipLws();
        if (c.atEnd()) {
            return {};
        }
        if (c.peek() != ';') {
            return "unexpected text after the URI or a parameter";
        }
        c.advance();
        c.skipLws();
        const std::string_view name = c.takeToken();
        if (name.empty()) {
            return "empty parameter (';;' or a trailing ';')";
        }
        std::string_view value;
        if (c.eatSeparator('=')) {
            if (c.peek() == '"') {
                const auto quoted = c.takeQuoted();
                if (!quoted) {
                    return "unterminated quoted parameter value";
                }
                value = *quoted;
            } else {
                value = c.takeWhile(isParamValueChar);
                if (value.empty()) {
                    return "parameter with '=' but no value";
                }
            }
        }
        if (equalsNoCase(name, wanted) && found.empty()) {
            found = value;
        }
    }
}

// Best effort for a display name whose closing quote is missing: read the <uri> that follows, if any.
void salvageUri(std::string_view rest, NameAddr& out) {
    const std::size_t lt = rest.find('<');
    if (lt == std::string_view::npos) {
        return;
    }
    const std::size_t gt = rest.find('>', lt);
    if (gt == std::string_view::npos) {
        return;
    }
    out.uri = rest.substr(lt + 1, gt - lt - 1);
    SipUri parts;
    splitUri(out.uri, parts);
    out.user = parts.user;
    out.host = parts.hostPort;
}

}  // namespace

std::string_view readNameAddr(std::string_view value, NameAddr& out) {
    out = NameAddr{};
    Cursor c(value);
    c.skipLws();
    bool isNameAddr = false;
    std::string_view reason;
    if (c.peek() == '"') {
        const auto quoted = c.takeQuoted();
        if (!quoted) {
            salvageUri(c.rest().substr(1), out);
            return "unterminated quoted display name";
        }
        out.displayName = *quoted;
        c.skipLws();
        if (c.peek() != '<') {
            return "quoted display name not followed by <URI>";
        }
        isNameAddr = true;
    } else {
        const std::size_t lt = c.rest().find('<');
        if (lt != std::string_view::npos) {
            // RFC 3261 §25.1: display-name = *(token LWS) / quoted-string
            const std::size_t start = c.pos();
            out.displayName = trimLws(c.slice(start, start + lt));
            for (char ch : out.displayName) {
                if (!isUnquotedDisplayNameChar(ch)) {
                    reason = "unquoted display name with non-token characters";
                    break;
                }
            }
            c.skip(lt);
            isNameAddr = true;
        }
    }

    if (isNameAddr) {
        c.advance();  // '<'
        const std::size_t uriStart = c.pos();
        const std::size_t gt = c.rest().find('>');
        if (gt == std::string_view::npos) {
            return "'<' without a closing '>'";
        }
        out.uri = c.slice(uriStart, uriStart + gt);
        c.skip(gt + 1);
        if (!out.uri.empty() && (isLwsChar(out.uri.front()) || isLwsChar(out.uri.back()))) {
            // RFC 4475 §3.1.2.14: no LWS between the brackets and the addr-spec.
            if (reason.empty()) {
                reason = "whitespace inside <URI>";
            }
            out.uri = trimLws(out.uri);
        }
    } else {
        // RFC 3261 §20.10: in an addr-spec, ';' starts the header parameters, so the URI ends there.
        out.uri = c.takeWhile([](char ch) { return !isLwsChar(ch) && ch != ';'; });
        if (reason.empty() && findAnyOf(out.uri, ",?") != std::string_view::npos) {
            reason = "URI with ',' or '?' not enclosed in <>";
        }
    }
    SipUri parts;
    splitUri(out.uri, parts);
    out.user = parts.user;
    out.host = parts.hostPort;
    if (reason.empty()) {
        reason = checkUri(out.uri, parts);
    }
    out.params = trimLws(c.rest());
    const std::string_view paramReason = readParams(c, "tag", out.tag);
    return reason.empty() ? paramReason : reason;
}

std::string_view checkContact(std::string_view value) {
    if (trimLws(value) == "*") {
        return {};  // RFC 3261 §10.2.2: the wildcard of a REGISTER that removes all bindings
    }
    std::size_t start = 0;
    while (true) {
        bool isQuoteOpen = false;
        const std::size_t end = findListComma(value, start, isQuoteOpen);
        if (isQuoteOpen) {
            return "unterminated quoted display name";
        }
        const std::string_view element = trimLws(value.substr(start, end - start));
        if (element.empty()) {
            return "empty Contact element";
        }
        NameAddr ignored;
        if (const std::string_view reason = readNameAddr(element, ignored); !reason.empty()) {
            return reason;
        }
        if (end == value.size()) {
            return {};
        }
        start = end + 1;
    }
}

namespace {

// One via-parm (RFC 3261 §20.42, RFC 3581 rport) from `c`, up to the ',' before the next one or the end. Fills
// `out` (when not null) as it reads, so a fault leaves what came before it; returns the fault, or empty.
// `isSip20` tells whether the sent-protocol is SIP/2.0: the parser's check, left to it so that a SIP/7.0 Via
// still yields its sent-by and branch. What follows the parameters is the callers' to check.
std::string_view readViaParm(Cursor& c, ViaHop* out, bool& isSip20) {
    isSip20 = false;
    c.skipLws();
    if (c.atEnd() || c.peek() == ',') {
        return "empty Via value";
    }
    // sent-protocol = protocol-name SLASH protocol-version SLASH transport (RFC 3261 §25.1)
    const std::string_view protocol = c.takeToken();
    if (!c.eatSeparator('/')) {
        return "Via without SIP/2.0/transport";
    }
    const std::string_view version = c.takeToken();
    if (!c.eatSeparator('/')) {
        return "Via without SIP/2.0/transport";
    }
    const std::string_view transport = c.takeToken();
    if (transport.empty()) {
        return "Via without a transport";
    }
    isSip20 = equalsNoCase(protocol, "SIP") && version == "2.0";
    c.skipLws();
    const std::string_view sentBy = c.takeWhile(isHostChar);
    if (sentBy.empty()) {
        return "Via without sent-by";
    }
    if (out != nullptr) {
        out->protocol = protocol;
        out->version = version;
        out->transport = transport;
        out->sentBy = sentBy;
        splitHostPort(sentBy, out->host, out->port);
    }
    const std::size_t paramsStart = c.pos();
    while (c.eatSeparator(';')) {
        const std::string_view name = c.takeToken();
        if (name.empty()) {
            return "empty Via parameter (';;' or a trailing ';')";
        }
        std::string_view value;
        const bool hasValue = c.eatSeparator('=');
        if (hasValue) {
            if (c.peek() == '"') {
                const auto quoted = c.takeQuoted();
                if (!quoted) {
                    return "unterminated quoted Via parameter";
                }
                value = *quoted;
            } else {
                value = c.takeWhile(isParamValueChar);
            }
            if (value.empty()) {
                return "Via parameter with '=' but no value";
            }
        }
        if (out == nullptr) {
            continue;
        }
        out->params = trimLws(c.slice(paramsStart, c.pos()));
        if (equalsNoCase(name, "branch")) {
            if (out->branch.empty()) {
                out->branch = value;  // the first branch counts
            }
        } else if (equalsNoCase(name, "received")) {
            out->received = value;
        } else if (equalsNoCase(name, "maddr")) {
            out->maddr = value;
        } else if (equalsNoCase(name, "ttl")) {
            if (const auto ttl = parseDecimal(value, 255)) {
                out->ttl = static_cast<std::uint8_t>(*ttl);
            }
        } else if (equalsNoCase(name, "rport")) {
            out->hasRport = true;
            if (hasValue) {
                out->rport = parsePort(value);
            }
        }
    }
    return {};
}

}  // namespace

std::string_view readViaHop(std::string_view element, ViaHop& out) {
    out = ViaHop{};
    Cursor c(element);
    bool isSip20 = false;  // any protocol will do for the typed reader
    if (const std::string_view reason = readViaParm(c, &out, isSip20); !reason.empty()) {
        return reason;
    }
    c.skipLws();
    return c.atEnd() ? std::string_view{} : "unexpected text in Via";
}

std::string_view readVia(std::string_view value, ViaHop* top) {
    if (top != nullptr) {
        *top = ViaHop{};
    }
    Cursor c(value);
    while (true) {
        ViaHop* const hop = top;
        top = nullptr;  // only the first via-parm is kept
        bool isSip20 = false;
        if (const std::string_view reason = readViaParm(c, hop, isSip20); !reason.empty()) {
            return reason;
        }
        if (!isSip20) {
            return "Via protocol is not SIP/2.0";
        }
        c.skipLws();
        if (c.atEnd()) {
            return {};
        }
        if (c.peek() != ',') {
            return "unexpected text in Via";
        }
        c.advance();
    }
}

std::string_view readCSeq(std::string_view value, CSeq& out) {
    out = CSeq{};
    Cursor c(value);
    c.skipLws();
    const std::string_view digits = c.takeWhile(isDigit);
    if (digits.empty()) {
        return "CSeq without a sequence number";
    }
    std::string_view reason;
    if (const auto number = parseDecimal(digits, 0xFFFFFFFFu)) {
        out.number = static_cast<std::uint32_t>(*number);
    } else {
        reason = "CSeq number does not fit 32 bits";  // RFC 3261 §8.1.1.5
    }
    if (!c.skipLws()) {
        return reason.empty() ? "CSeq without a space before the method" : reason;
    }
    out.method = c.takeToken();
    if (out.method.empty()) {
        return reason.empty() ? "CSeq without a method" : reason;
    }
    c.skipLws();
    if (!c.atEnd() && reason.empty()) {
        reason = "unexpected text after the CSeq method";
    }
    return reason;
}

std::string_view readContentLength(std::string_view value, std::uint32_t& out) {
    const std::string_view digits = trimLws(value);
    if (!digits.empty() && digits[0] == '-') {
        return "negative Content-Length";
    }
    const auto number = parseDecimal(digits, 0xFFFFFFFFu);
    if (!number) {
        return "Content-Length is not a number below 2^32";
    }
    out = static_cast<std::uint32_t>(*number);
    return {};
}

std::string_view checkMaxForwards(std::string_view value) {
    if (!parseDecimal(trimLws(value), 255)) {
        return "Max-Forwards is not an integer in 0..255";
    }
    return {};
}

std::string_view checkDate(std::string_view value) {
    // rfc1123-date = wkday "," SP date1 SP time SP "GMT", date1 = 2DIGIT SP month SP 4DIGIT (RFC 2616 §3.3.1)
    static constexpr std::array<std::string_view, 7> Days{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static constexpr std::array<std::string_view, 12> Months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    constexpr std::string_view Reason = "Date is not an RFC 1123 date in GMT";
    const std::string_view date = trimLws(value);
    // "Sun, 06 Nov 1994 08:49:37 GMT" is 29 bytes; a one-digit day (seen in the wild) makes 28.
    std::size_t pos = 0;
    auto take = [&](std::size_t n) {
        const std::string_view part = pos + n <= date.size() ? date.substr(pos, n) : std::string_view{};
        pos += n;
        return part;
    };
    auto allDigits = [](std::string_view s) {
        for (char ch : s) {
            if (!isDigit(ch)) {
                return false;
            }
        }
        return !s.empty();
    };
    auto isOneOf = [](std::string_view s, const auto& list) {
        for (std::string_view item : list) {
            if (s == item) {
                return true;
            }
        }
        return false;
    };
    if (!isOneOf(take(3), Days) || take(2) != ", ") {
        return Reason;
    }
    const std::size_t dayDigits = (pos + 1 < date.size() && date[pos + 1] == ' ') ? 1 : 2;
    if (!allDigits(take(dayDigits)) || take(1) != " " || !isOneOf(take(3), Months) || take(1) != " " ||
        !allDigits(take(4)) || take(1) != " ") {
        return Reason;
    }
    if (!allDigits(take(2)) || take(1) != ":" || !allDigits(take(2)) || take(1) != ":" || !allDigits(take(2)) ||
        take(1) != " " || take(3) != "GMT" || pos != date.size()) {
        return Reason;
    }
    return {};
}

std::string_view checkRequestUri(std::string_view uri) {
    if (uri.empty()) {
        return "empty Request-URI";
    }
    if (uri.front() == '<') {
        return "Request-URI enclosed in <>";  // RFC 4475 §3.1.2.7
    }
    for (char c : uri) {
        if (isLwsChar(c)) {
            return "Request-URI contains whitespace";  // RFC 4475 §3.1.2.8
        }
        if (isForbiddenInUri(c)) {
            return "Request-URI contains <, >, \" or a control character";
        }
    }
    SipUri parts;
    splitUri(uri, parts);
    if (parts.scheme.empty()) {
        return "Request-URI without a scheme";
    }
    // RFC 3261 §19.1.1 table: headers are not allowed in a Request-URI.
    if (parts.isSip() && parts.hasHeaders) {
        return "escaped headers in a SIP Request-URI";
    }
    return checkSipHost(parts);
}

}  // namespace sipscope::decode::detail
