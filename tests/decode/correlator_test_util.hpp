// Helpers the correlator tests share: endpoints on 10.0.0.x, feeding one message text to a correlator, and finding
// a call by its Call-ID in what the correlator handed out.
#pragma once

#include "decode/correlator.hpp"
#include "decode/sip_parser.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::decode::test {

// 10.0.0.`last`:`port`.
inline capture::Endpoint endpoint(std::uint8_t last, std::uint16_t port = 5060) {
    capture::Endpoint e;
    e.ip = capture::IpAddress::v4(0x0a000000u | last);
    e.port = port;
    return e;
}

// Parses `text` (which must be a valid SIP message: the test fails otherwise) and correlates it.
inline Correlation correlate(Correlator& correlator, SipParser& parser, std::string_view text,
                             const MessageMeta& meta) {
    const SipMessageView& message = parser.parse(text);
    EXPECT_TRUE(message.isValid()) << message.error().reason << "\n" << text;
    return correlator.onMessage(message, meta);
}

// The call with this Call-ID among `calls`; a test failure (and the first call) when there is none.
inline const CallSummary& callOf(const std::vector<CallSummary>& calls, const std::string& callId) {
    for (const CallSummary& call : calls)
        if (call.callId == callId)
            return call;
    ADD_FAILURE() << "no call " << callId;
    return calls.front();
}
// The same, in a test's run result (anything with a `calls` vector).
template <typename Run>
const CallSummary& callOf(const Run& run, const std::string& callId) {
    return callOf(run.calls, callId);
}

}  // namespace sipscope::decode::test
