// A parsed SIP message as views into the payload that carried it (RFC 3261 §7). Nothing here owns bytes.
#pragma once

#include "decode/sip_headers.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace sipscope::decode {

enum class ParseErrorCode : std::uint8_t {
    None = 0,
    Empty,                // no bytes, or only whitespace
    BadStartLine,         // neither "METHOD URI SIP/2.0" nor "SIP/2.0 CODE REASON"
    BadVersion,           // a SIP version other than 2.0
    BadStatusCode,        // status code not three digits in 100..699
    BadHeader,            // a header line without a name and colon
    HeadersUnterminated,  // no empty line ends the headers
    TooManyHeaders,
    MissingHeader,     // a mandatory header (Call-ID, CSeq, From, To, Via) is absent
    BadCSeq,           // CSeq not "number method", or its method differs from the request's
    BadContentLength,  // not a number, or more than one different value
    BodyTruncated,     // fewer body bytes than Content-Length says
    BadHeaderValue,    // a header whose value breaks its grammar (e.g. a From/To without a URI)
    DuplicateHeader,   // a single-value header (Call-ID, CSeq, From, To, Max-Forwards, Content-Type) repeated
};

// Why a message is malformed: a static reason text and the byte offset in the message where it was found.
struct ParseError {
    ParseErrorCode code = ParseErrorCode::None;
    std::string_view reason;  // static text, never from the packet
    std::uint32_t offset = 0;
};

struct HeaderField {
    std::string_view name;   // as on the wire (may be compact, any case)
    std::string_view value;  // trimmed; folded lines stay inside as they were
};

// name-addr / addr-spec of From, To, Contact, Route (RFC 3261 §20.10, §25.1).
struct NameAddr {
    std::string_view displayName;  // without quotes; empty when absent
    std::string_view uri;          // "sip:alice@example.com", without < >
    std::string_view user;         // user part of a sip/sips/tel URI; empty when absent
    std::string_view host;         // host part (with port when given)
    std::string_view tag;          // the tag parameter; empty when absent
    std::string_view params;       // every header parameter after the URI, with the leading ';' (tag included)
};

// Case-insensitive header name match that also accepts compact forms (RFC 3261 §7.3.3); see sip_parser.hpp.
bool headerNameIs(std::string_view wire, std::string_view canonical);

// A 401 or 407: the server asks for credentials (RFC 3261 §22); the request is usually sent again with them.
constexpr bool isAuthChallenge(int status) { return status == 401 || status == 407; }
// A failure response: 4xx-6xx other than the 401/407 challenges. The one definition of what the correlator, the
// stored counts and the statistics call a failure.
constexpr bool isFailureStatus(int status) { return status >= 400 && status <= 699 && !isAuthChallenge(status); }

struct CSeq {
    std::uint32_t number = 0;
    std::string_view method;
};

class SipMessageView {
public:
    bool isRequest() const { return m_isRequest; }
    bool isResponse() const { return !m_isRequest && m_statusCode != 0; }
    std::string_view method() const { return m_method; }          // requests only
    std::string_view requestUri() const { return m_requestUri; }  // requests only
    int statusCode() const { return m_statusCode; }               // responses only, else 0
    std::string_view reasonPhrase() const { return m_reason; }

    std::span<const HeaderField> headers() const { return m_headers; }
    // First value of a header, matching names case-insensitively and compact forms both ways
    // (header("Call-ID") finds "i:"). Empty when absent.
    std::string_view header(std::string_view name) const;
    std::size_t headerCount(std::string_view name) const;

    std::string_view callId() const { return m_callId; }
    const NameAddr& from() const { return m_from; }
    const NameAddr& to() const { return m_to; }
    const CSeq& cseq() const { return m_cseq; }
    std::string_view topViaBranch() const { return m_topVia.branch; }
    std::string_view topViaSentBy() const { return m_topVia.sentBy; }
    std::optional<std::uint32_t> contentLength() const { return m_contentLength; }
    std::string_view body() const { return m_body; }
    std::string_view userAgent() const;  // User-Agent, or Server in responses

    // Typed access (sip_headers.cpp). Lazy: each call reads the header values it needs, allocating nothing.
    // Every value of the headers called `name`, in message order (a header repeated on several lines).
    template <typename Visit>
    void forEachHeader(std::string_view name, Visit&& visit) const {
        for (const HeaderField& field : m_headers)
            if (headerNameIs(field.name, name))
                visit(field.value);
    }
    // Every comma-separated element of those headers (Via, Contact, Route, Record-Route, Allow, Supported, ...),
    // split outside quotes and <>, trimmed; folded lines are read through.
    template <typename Visit>
    void forEachElement(std::string_view name, Visit&& visit) const {
        forEachHeader(name, [&](std::string_view value) {
            ListReader reader(value);
            std::string_view element;
            while (reader.next(element))
                visit(element);
        });
    }
    ViaHop topVia() const;            // the first via-parm; empty when there is no Via
    std::size_t viaHopCount() const;  // via-parms in all Via headers
    NameAddr contact() const;         // first Contact element; uri "*" for the wildcard; empty when absent
    std::optional<std::uint32_t> maxForwards() const;
    std::optional<std::uint32_t> expires() const;  // the Expires header (not a Contact parameter)
    // Whether any header called `name` lists `token` (Allow: methods; Supported/Require: option tags).
    bool hasToken(std::string_view name, std::string_view token) const;
    std::optional<ReasonValue> reasonHeader() const;  // the first Reason element (RFC 3326)
    std::optional<EventValue> event() const;
    std::optional<SubscriptionStateValue> subscriptionState() const;
    std::optional<NameAddr> referTo() const;
    std::optional<NameAddr> referredBy() const;
    std::optional<ReplacesValue> replaces() const;
    std::optional<NameAddr> assertedIdentity() const;  // the first P-Asserted-Identity element
    std::optional<SessionExpiresValue> sessionExpires() const;
    // Authorization, Proxy-Authorization, WWW-Authenticate or Proxy-Authenticate: the first of that name.
    std::optional<AuthValue> auth(std::string_view name) const;
    std::string_view contentType() const;
    // The SDP of the body: the body itself for application/sdp, or the SDP part of a multipart body; empty when
    // there is none.
    std::string_view sdp() const;

    bool isValid() const { return m_error.code == ParseErrorCode::None; }
    const ParseError& error() const { return m_error; }
    // The bytes of this message alone: start line through the end of its body (trailing bytes of a datagram
    // beyond Content-Length excluded, RFC 3261 §18.3).
    std::string_view raw() const { return m_raw; }

private:
    friend class SipParser;

    bool m_isRequest = false;
    std::string_view m_method;
    std::string_view m_requestUri;
    int m_statusCode = 0;
    std::string_view m_reason;
    std::vector<HeaderField> m_headers;
    std::string_view m_callId;
    NameAddr m_from;
    NameAddr m_to;
    CSeq m_cseq;
    ViaHop m_topVia;  // as the parser read it (topVia() reads it again only when its header broke a rule)
    bool m_hasTopVia = false;
    std::optional<std::uint32_t> m_contentLength;
    std::string_view m_body;
    std::string_view m_raw;
    ParseError m_error;
};

}  // namespace sipscope::decode
