// Typed readers of SIP header values (RFC 3261 §20, §25 and the extensions that correlation and display need); URIs
// are in sip_uri.hpp, included here. Every reader is zero-copy: results are views into the value it was given, and
// nothing allocates. Readers never throw; a value that breaks its grammar returns false / nullopt with whatever
// could be read filled in.
#pragma once

#include "decode/sip_uri.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sipscope::decode {

//--------------------------------------------------------------------------------------------------
// Lists and parameters
//--------------------------------------------------------------------------------------------------

// The elements of one comma-separated header value (RFC 3261 §7.3.1), split outside quoted strings and <...>,
// trimmed of LWS (folded lines included). Empty elements are skipped.
class ListReader {
public:
    explicit ListReader(std::string_view value) : m_rest(value) {}
    bool next(std::string_view& element);

private:
    std::string_view m_rest;
};

// ";name=value;flag" parameters (RFC 3261 §25.1 generic-param), in order. Quoted values come back without their
// quotes (escapes kept as on the wire); a flag has an empty value and `hasValue` false.
class ParamReader {
public:
    explicit ParamReader(std::string_view params) : m_rest(params) {}
    bool next(std::string_view& name, std::string_view& value, bool& hasValue);

private:
    std::string_view m_rest;
};

// The value of parameter `name` (case-insensitive) in a ";a=b;c" list; nullopt when absent, an empty view for a
// flag or an empty value.
std::optional<std::string_view> findParam(std::string_view params, std::string_view name);

// Whether a token list (Allow, Supported, Require, Proxy-Require, Unsupported, Allow-Events) holds `token`,
// compared case-insensitively.
bool listHasToken(std::string_view value, std::string_view token);

//--------------------------------------------------------------------------------------------------
// Header values
//--------------------------------------------------------------------------------------------------

// One via-parm (RFC 3261 §20.42, RFC 3581 rport).
struct ViaHop {
    std::string_view protocol;   // "SIP"
    std::string_view version;    // "2.0"
    std::string_view transport;  // "UDP", "TCP", "TLS", "WS", "WSS", "SCTP", as on the wire
    std::string_view sentBy;     // host[:port]
    std::string_view host;       // without the port; IPv6 with brackets
    std::optional<std::uint16_t> port;
    std::string_view branch;
    std::string_view received;
    std::string_view maddr;
    std::optional<std::uint8_t> ttl;
    bool hasRport = false;               // rport present, with or without a value
    std::optional<std::uint16_t> rport;  // the value a server filled in
    std::string_view params;             // every parameter, with the leading ';'
};
// One via-parm, read by the parser's own Via grammar (any protocol version): false when it breaks the grammar,
// with what came before the fault filled in.
bool parseViaHop(std::string_view element, ViaHop& out);

// Reason (RFC 3326): protocol; cause=N; text="..."
struct ReasonValue {
    std::string_view protocol;  // "SIP", "Q.850", ...
    std::optional<int> cause;
    std::string_view text;  // without quotes
};
bool parseReason(std::string_view element, ReasonValue& out);

// Event / Allow-Events element (RFC 6665 §8.2.1): package[.template]; id=...
struct EventValue {
    std::string_view package;  // "presence", "dialog", "refer", "message-summary", ...
    std::string_view id;       // the id parameter; empty when absent
    std::string_view params;
};
bool parseEvent(std::string_view value, EventValue& out);

// Subscription-State (RFC 6665 §8.2.3): active|pending|terminated; reason=...; expires=N; retry-after=N
struct SubscriptionStateValue {
    std::string_view state;
    std::string_view reason;
    std::optional<std::uint32_t> expires;
    std::optional<std::uint32_t> retryAfter;
};
bool parseSubscriptionState(std::string_view value, SubscriptionStateValue& out);

// Replaces (RFC 3891 §6.1): callid; to-tag=...; from-tag=...; early-only
struct ReplacesValue {
    std::string_view callId;
    std::string_view toTag;
    std::string_view fromTag;
    bool isEarlyOnly = false;
};
bool parseReplaces(std::string_view value, ReplacesValue& out);

// Session-Expires (RFC 4028 §4): delta-seconds; refresher=uac|uas
struct SessionExpiresValue {
    std::uint32_t seconds = 0;
    std::string_view refresher;  // "uac", "uas" or empty
};
bool parseSessionExpires(std::string_view value, SessionExpiresValue& out);

// Authorization, Proxy-Authorization, WWW-Authenticate, Proxy-Authenticate (RFC 3261 §25.1 credentials and
// challenge): a scheme and comma-separated auth-params.
struct AuthValue {
    std::string_view scheme;  // "Digest"
    std::string_view params;  // the auth-params as on the wire
    // An auth-param (username, realm, nonce, uri, response, algorithm, qop, opaque, stale, ...), without quotes.
    std::optional<std::string_view> param(std::string_view name) const;
};
bool parseAuth(std::string_view value, AuthValue& out);

// A delta-seconds value (Expires, Min-Expires, Max-Forwards...) that fits 32 bits.
std::optional<std::uint32_t> parseDeltaSeconds(std::string_view value);

//--------------------------------------------------------------------------------------------------
// Bodies
//--------------------------------------------------------------------------------------------------

// The media type of a Content-Type value without parameters ("application/sdp"), trimmed.
std::string_view mediaType(std::string_view contentType);

// The first body part of media type `wanted` (case-insensitive) in `body`, whose Content-Type is `contentType`:
// the body itself when it is of that type, or a part of a multipart body (RFC 2046 §5.1: mixed, alternative,
// related, nested up to 4 levels). Empty when there is none.
std::string_view findBodyPart(std::string_view contentType, std::string_view body, std::string_view wanted);

}  // namespace sipscope::decode
