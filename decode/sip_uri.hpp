// SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966): the one URI grammar of decode/. The parser's From, To,
// Contact and Request-URI checks and the typed readers of sip_headers.hpp all split URIs here. Zero-copy: parts are
// views into the text given, and nothing allocates except unescape(), which appends to a string the caller owns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sipscope::decode {

// A sip, sips or tel URI split into its parts (RFC 3261 §19.1.1, RFC 3966). Parts keep their %XX escapes; use
// unescape() for the text. Other schemes fill `scheme` and `opaque` only.
struct SipUri {
    std::string_view scheme;    // "sip", "sips", "tel", ... as on the wire
    std::string_view user;      // sip/sips user part; the number of a tel URI
    std::string_view password;  // after ':' in the userinfo; empty when absent
    std::string_view hostPort;  // host[:port] as written; empty for tel
    std::string_view host;      // hostname, IPv4, or [IPv6] with its brackets; empty for tel
    std::optional<std::uint16_t> port;
    std::string_view params;   // ";transport=tcp;lr" with its leading ';', or empty
    std::string_view headers;  // "Replaces=...&Subject=..." after '?', without the '?'
    bool hasHeaders = false;   // a '?' follows the host, even with nothing after it
    std::string_view opaque;   // everything after "scheme:"

    bool isSip() const;  // sip or sips
    bool isTel() const;
    // The value of a URI parameter (case-insensitive name); nullopt when absent, empty for a flag.
    std::optional<std::string_view> param(std::string_view name) const;
    // The value of an escaped URI header ("?Replaces=..."), still escaped; nullopt when absent.
    std::optional<std::string_view> header(std::string_view name) const;
};

// Splits a URI exactly as written (no LWS or < > around it). RFC 3261 §19.1.1: the userinfo ends at the first '@'
// (a user may hold ';' and '?', RFC 4475 §3.1.1.9, but never an unescaped '@'), the headers start at the first '?'
// after it, the parameters at the first ';' after the userinfo. Fills what it could read; false when the URI has no
// scheme, a tel URI no number, or a sip/sips URI no host.
bool splitUri(std::string_view uri, SipUri& out);

// splitUri() of a URI that may have LWS or < > around it.
bool parseUri(std::string_view text, SipUri& out);

// Appends `text` with its %XX escapes decoded (RFC 3261 §19.1.2) to `out`. A '%' not followed by two hex digits is
// copied as it is and makes the result false.
bool unescape(std::string_view text, std::string& out);

// Whether two URIs name the same user at the same host (scheme sip/sips alike, user compared after unescaping,
// host case-insensitively, ports compared only when both give one). tel URIs compare their numbers without visual
// separators (RFC 3966 §5.1.1).
bool sameAddress(std::string_view uriA, std::string_view uriB);

}  // namespace sipscope::decode
