// libFuzzer target: one SIP message through SipParser, then every accessor, checking that each view stays
// inside the input and that the parser state is reset between messages.
#include "decode/sip_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using sipscope::decode::NameAddr;
using sipscope::decode::SipMessageView;

void require(bool condition) {
    if (!condition) {
        __builtin_trap();
    }
}

void requireInside(std::string_view view, std::string_view input) {
    if (view.empty()) {
        return;
    }
    require(view.data() >= input.data() && view.data() + view.size() <= input.data() + input.size());
}

void requireInside(const NameAddr& nameAddr, std::string_view input) {
    requireInside(nameAddr.displayName, input);
    requireInside(nameAddr.uri, input);
    requireInside(nameAddr.user, input);
    requireInside(nameAddr.host, input);
    requireInside(nameAddr.tag, input);
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
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static sipscope::decode::SipParser parser;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check(parser.parse(input), input);
    // Again after a message that fills every field, so stale state from the previous parse would show.
    const std::string_view half = input.substr(0, size / 2);
    check(parser.parse(half), half);
    return 0;
}
