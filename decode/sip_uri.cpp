// The URI grammar of decode/: splitting, %XX unescaping and address comparison. Views only; see sip_uri.hpp.
#include "decode/sip_uri.hpp"

#include "decode/detail/lex.hpp"
#include "decode/sip_headers.hpp"

namespace sipscope::decode {

using detail::equalsNoCase;

bool SipUri::isSip() const { return equalsNoCase(scheme, "sip") || equalsNoCase(scheme, "sips"); }
bool SipUri::isTel() const { return equalsNoCase(scheme, "tel"); }

std::optional<std::string_view> SipUri::param(std::string_view name) const { return findParam(params, name); }

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

bool splitUri(std::string_view uri, SipUri& out) {
    out = SipUri{};
    // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), followed by ':'.
    std::size_t colon = 0;
    while (colon < uri.size() &&
           (detail::isAlnum(uri[colon]) || uri[colon] == '+' || uri[colon] == '-' || uri[colon] == '.'))
        ++colon;
    if (colon == 0 || colon >= uri.size() || uri[colon] != ':' || !detail::isAlpha(uri[0]))
        return false;
    out.scheme = uri.substr(0, colon);
    out.opaque = uri.substr(colon + 1);
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
    const std::size_t at = rest.find('@');
    if (at != std::string_view::npos) {
        const std::string_view userInfo = rest.substr(0, at);
        const std::size_t passwordColon = userInfo.find(':');
        out.user = userInfo.substr(0, passwordColon);
        if (passwordColon != std::string_view::npos)
            out.password = userInfo.substr(passwordColon + 1);
        rest = rest.substr(at + 1);
    }
    const std::size_t question = rest.find('?');
    if (question != std::string_view::npos) {
        out.hasHeaders = true;
        out.headers = rest.substr(question + 1);
        rest = rest.substr(0, question);
    }
    const std::size_t semi = rest.find(';');
    out.params = semi == std::string_view::npos ? rest.substr(rest.size()) : rest.substr(semi);
    out.hostPort = rest.substr(0, semi);
    detail::splitHostPort(out.hostPort, out.host, out.port);
    return !out.host.empty();
}

bool parseUri(std::string_view text, SipUri& out) {
    text = detail::trimLws(text);
    if (!text.empty() && text.front() == '<') {
        const std::size_t close = text.find('>');
        text = text.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
    }
    return splitUri(text, out);
}

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

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

bool unescape(std::string_view text, std::string& out) {
    bool isBadEscape = false;
    std::size_t k = 0;
    while (k < text.size())
        out += decodeAt(text, k, isBadEscape);
    return !isBadEscape;
}

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

}  // namespace sipscope::decode
