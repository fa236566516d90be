// SipMessageView's member functions: header lookups by name and the typed access of sip_message.hpp, each reading
// the header values it needs on demand and allocating nothing.
//
// Index
// [SECTION] Header lookups
// [SECTION] Typed access
#include "decode/sip_message.hpp"

#include "decode/detail/header_names.hpp"
#include "decode/detail/lex.hpp"
#include "decode/sip_parser.hpp"

namespace sipscope::decode {

//--------------------------------------------------------------------------------------------------
// [SECTION] Header lookups
//--------------------------------------------------------------------------------------------------

std::string_view SipMessageView::header(std::string_view name) const {
    const std::string_view wanted = detail::expandCompactName(name);
    for (const HeaderField& field : m_headers) {
        if (detail::equalsNoCase(detail::expandCompactName(field.name), wanted)) {
            return field.value;
        }
    }
    return {};
}

std::size_t SipMessageView::headerCount(std::string_view name) const {
    const std::string_view wanted = detail::expandCompactName(name);
    std::size_t count = 0;
    for (const HeaderField& field : m_headers) {
        if (detail::equalsNoCase(detail::expandCompactName(field.name), wanted)) {
            ++count;
        }
    }
    return count;
}

std::string_view SipMessageView::userAgent() const {
    // RFC 3261 §20.35, §20.41: a UAC names itself in User-Agent, a UAS in Server.
    const std::string_view primary = header(isResponse() ? "Server" : "User-Agent");
    return primary.empty() ? header(isResponse() ? "User-Agent" : "Server") : primary;
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Typed access
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

// The value of a header read by `parse`; nullopt when the header is absent or breaks its grammar.
template <typename Value>
std::optional<Value> readValue(std::string_view text, bool (*parse)(std::string_view, Value&)) {
    Value value;
    if (text.empty() || !parse(text, value))
        return std::nullopt;
    return value;
}

std::optional<NameAddr> nameAddrOf(std::string_view element) {
    if (element.empty())
        return std::nullopt;
    return parseNameAddr(element);
}

}  // namespace

ViaHop SipMessageView::topVia() const {
    if (m_hasTopVia)
        return m_topVia;
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
    return readValue(firstElement(*this, "Reason"), parseReason);
}

std::optional<EventValue> SipMessageView::event() const { return readValue(header("Event"), parseEvent); }

std::optional<SubscriptionStateValue> SipMessageView::subscriptionState() const {
    return readValue(header("Subscription-State"), parseSubscriptionState);
}

std::optional<NameAddr> SipMessageView::referTo() const { return nameAddrOf(header("Refer-To")); }

std::optional<NameAddr> SipMessageView::referredBy() const { return nameAddrOf(header("Referred-By")); }

std::optional<ReplacesValue> SipMessageView::replaces() const { return readValue(header("Replaces"), parseReplaces); }

std::optional<NameAddr> SipMessageView::assertedIdentity() const {
    return nameAddrOf(firstElement(*this, "P-Asserted-Identity"));
}

std::optional<SessionExpiresValue> SipMessageView::sessionExpires() const {
    return readValue(header("Session-Expires"), parseSessionExpires);
}

std::optional<AuthValue> SipMessageView::auth(std::string_view name) const {
    return readValue(header(name), parseAuth);
}

std::string_view SipMessageView::contentType() const { return header("Content-Type"); }

std::string_view SipMessageView::sdp() const {
    if (m_body.empty())
        return {};
    return findBodyPart(contentType(), m_body, "application/sdp");
}

}  // namespace sipscope::decode
