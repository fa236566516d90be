// The SIP message parser: zero-copy, never throws, reuses its header storage between messages.
#pragma once

#include "decode/sip_message.hpp"

#include <string_view>

namespace sipscope::decode {

struct ParserLimits {
    std::size_t maxHeaders = 256;
};

class SipParser {
public:
    explicit SipParser(ParserLimits limits = {}) : m_limits(limits) {}

    // Parses one SIP message. The views point into `bytes` and live as long as it does, and until the next
    // parse() call. Never throws: malformed input returns a message whose error() says why, with every field that
    // could still be read filled in. Not thread-safe; one parser per ingest thread.
    const SipMessageView& parse(std::string_view bytes);

private:
    ParserLimits m_limits;
    SipMessageView m_message;
};

// Splits a name-addr or addr-spec header value ("Alice" <sip:a@b>;tag=x) into its parts.
NameAddr parseNameAddr(std::string_view value);
// Case-insensitive header name match that also accepts the compact forms of RFC 3261 §7.3.3 (i f t v l m c s k e o
// r u x y), e.g. headerNameIs("i", "Call-ID") is true.
bool headerNameIs(std::string_view wire, std::string_view canonical);

}  // namespace sipscope::decode
