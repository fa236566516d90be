// What the call diff compares of one message, owned: its step key and label, its headers with the parts that always
// differ between calls taken out, and its SDP per m= line. And the comparison of two of them.
#pragma once

#include "decode/call_diff.hpp"
#include "decode/sdp.hpp"
#include "decode/sip_parser.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sipscope::decode::detail {

struct SdpMediaSummary {
    std::string media, port, proto, address, direction, codecs, ptime;  // ptime empty when absent
};

struct MessageSummary {
    std::string key;    // what the alignment matches: "INVITE", "200 INVITE" (status and CSeq method)
    std::string label;  // "INVITE", "200 OK (INVITE)"
    bool isRequest = false;
    bool isFinal = false;  // a response of 200 or above
    std::string cseqMethod;
    struct Header {
        std::string key;   // the name in lower case, compact forms spelled out
        std::string name;  // as it is shown
        std::string value;
    };
    std::vector<Header> headers;  // in message order; the request line's URI first, as "Request-URI"
    bool hasSdp = false;
    std::vector<SdpMediaSummary> media;
};

// Reads one message. Without `allHeaders`, drops Call-ID, Date, Content-Length and Max-Forwards, the tags of From
// and To, Via's branch/received/rport, CSeq's number and the digest parameters that change on every request.
MessageSummary summarizeMessage(SipParser& sip, SdpParser& sdp, std::string_view text, bool allHeaders);

// The headers whose values differ, in the order they first appear in `a`, then in `b`.
std::vector<HeaderDifference> compareHeaders(const MessageSummary& a, const MessageSummary& b);
// The SDP fields that differ, m= line by m= line.
std::vector<SdpDifference> compareSdp(const MessageSummary& a, const MessageSummary& b);

}  // namespace sipscope::decode::detail
