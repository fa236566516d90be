// libFuzzer target: one SIP message through SipParser, then every accessor, checking that each view stays
// inside the input and that the parser state is reset between messages.
#include "decode/sip_parser.hpp"
#include "fuzz_require.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using sipscope::decode::NameAddr;
using sipscope::decode::SipMessageView;

using sipscope::fuzz::require;
using sipscope::fuzz::requireInside;

void requireInside(const NameAddr& nameAddr, std::string_view input) {
    requireInside(nameAddr.displayName, input);
    requireInside(nameAddr.uri, input);
    requireInside(nameAddr.user, input);
    requireInside(nameAddr.host, input);
    requireInside(nameAddr.tag, input);
}

// The typed readers of sip_headers.hpp on one header value: every view they return stays inside the input.
void checkTypedValue(std::string_view value, std::string_view input) {
    namespace d = sipscope::decode;
    d::ListReader list(value);
    std::string_view element;
    for (int count = 0; list.next(element) && count < 64; ++count) {
        requireInside(element, input);
        d::ViaHop hop;
        d::parseViaHop(element, hop);
        for (std::string_view part :
             {hop.transport, hop.sentBy, hop.host, hop.branch, hop.received, hop.maddr, hop.params})
            requireInside(part, input);
        d::ReasonValue reason;
        d::parseReason(element, reason);
        requireInside(reason.protocol, input);
        requireInside(reason.text, input);
        requireInside(d::parseNameAddr(element).params, input);
    }
    d::EventValue event;
    d::parseEvent(value, event);
    requireInside(event.package, input);
    requireInside(event.id, input);
    d::SubscriptionStateValue state;
    d::parseSubscriptionState(value, state);
    requireInside(state.state, input);
    requireInside(state.reason, input);
    d::ReplacesValue replaces;
    d::parseReplaces(value, replaces);
    requireInside(replaces.callId, input);
    requireInside(replaces.toTag, input);
    requireInside(replaces.fromTag, input);
    d::SessionExpiresValue sessionExpires;
    d::parseSessionExpires(value, sessionExpires);
    requireInside(sessionExpires.refresher, input);
    d::AuthValue auth;
    d::parseAuth(value, auth);
    requireInside(auth.scheme, input);
    if (const auto realm = auth.param("realm"))
        requireInside(*realm, input);
    d::SipUri uri;
    d::parseUri(value, uri);
    for (std::string_view part : {uri.scheme, uri.user, uri.password, uri.host, uri.params, uri.headers, uri.opaque})
        requireInside(part, input);
    if (const auto header = uri.header("Replaces"))
        requireInside(*header, input);
    if (const auto param = d::findParam(value, "tag"))
        requireInside(*param, input);
    (void)d::listHasToken(value, "100rel");
    (void)d::sameAddress(value, "sip:a@b");
    std::string unescaped;
    d::unescape(value.substr(0, 4096), unescaped);
    require(unescaped.size() <= value.size());
    requireInside(d::findBodyPart(value, input, "application/sdp"), input);
}

void check(const SipMessageView& message, std::string_view input) {
    requireInside(message.method(), input);
    requireInside(message.requestUri(), input);
    requireInside(message.reasonPhrase(), input);
    requireInside(message.callId(), input);
    requireInside(message.from(), input);
    requireInside(message.to(), input);
    requireInside(message.cseq().method, input);
    requireInside(message.topViaBranch(), input);
    requireInside(message.topViaSentBy(), input);
    requireInside(message.body(), input);
    requireInside(message.raw(), input);
    requireInside(message.userAgent(), input);
    require(message.error().offset <= input.size());
    require(message.isValid() == message.error().reason.empty());
    if (message.isValid()) {
        require(message.isRequest() != message.isResponse());
        require(!message.callId().empty() && !message.cseq().method.empty());
    }
    for (const auto& header : message.headers()) {
        requireInside(header.name, input);
        requireInside(header.value, input);
        requireInside(message.header(header.name), input);
        requireInside(sipscope::decode::parseNameAddr(header.value), input);
        (void)message.headerCount(header.name);
        (void)sipscope::decode::headerNameIs(header.name, "Call-ID");
        checkTypedValue(header.value, input);
    }
    const auto via = message.topVia();
    requireInside(via.sentBy, input);
    requireInside(via.received, input);
    requireInside(message.contact(), input);
    requireInside(message.sdp(), input);
    requireInside(message.contentType(), input);
    if (const auto referTo = message.referTo())
        requireInside(*referTo, input);
    if (const auto identity = message.assertedIdentity())
        requireInside(*identity, input);
    (void)message.viaHopCount();
    (void)message.maxForwards();
    (void)message.expires();
    (void)message.hasToken("Supported", "timer");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static sipscope::decode::SipParser parser;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check(parser.parse(input), input);
    // Again after a message that fills every field, so stale state from the previous parse would show.
    const std::string_view half = input.substr(0, size / 2);
    check(parser.parse(half), half);
    return 0;
}
