// Retransmission detection for one call: the same request or response sent again on the same hop (RFC 3261 §17)
// has the same signature as its first copy.
#pragma once

#include "decode/correlator.hpp"
#include "decode/detail/call_index.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace sipscope::decode::detail {

class Retransmissions {
public:
    static constexpr std::size_t MaxPerCall = 512;  // signatures remembered per call; later messages are not checked

    // Identity of a message for retransmission detection: method or status, CSeq, top Via branch, tags and the hop.
    static std::uint64_t signature(const SipMessageView& message, const MessageMeta& meta) {
        // A status code is 0 or three digits, never negative: it converts to the same value.
        std::uint64_t h = message.isRequest() ? hashText(1, message.method())
                                              : mix(2, static_cast<std::uint64_t>(message.statusCode()));
        h = mix(h, message.cseq().number);
        h = hashText(h, message.cseq().method);
        h = hashText(h, message.topViaBranch());
        h = hashText(h, message.from().tag);
        h = hashText(h, message.to().tag);
        h = hashEndpoint(h, meta.src);
        return hashEndpoint(h, meta.dst);
    }

    // Whether a message with this signature was seen in the call before; remembers it when not (up to MaxPerCall).
    bool isRepeat(std::uint64_t signature) {
        if (contains(signature))
            return true;
        if (m_count < MaxPerCall) {
            if (m_count < InlineCapacity)
                m_inline[m_count] = signature;
            else
                m_more.push_back(signature);
            ++m_count;
        }
        return false;
    }

private:
    static std::uint64_t hashEndpoint(std::uint64_t seed, const capture::Endpoint& endpoint) {
        // The 16 address bytes as two words (one mix per byte was a visible part of an import's profile).
        static_assert(sizeof endpoint.ip.bytes == 16);
        std::uint64_t words[2];
        std::memcpy(words, endpoint.ip.bytes.data(), sizeof words);
        return mix(mix(mix(seed, endpoint.port), words[0]), words[1]);
    }
    bool contains(std::uint64_t signature) const {
        for (std::size_t i = 0; i < std::min<std::size_t>(m_count, InlineCapacity); ++i)
            if (m_inline[i] == signature)
                return true;
        return std::find(m_more.begin(), m_more.end(), signature) != m_more.end();
    }

    // The first few inline, in the call's entry (a typical call's lookups touch no extra heap line), the rest on
    // the heap.
    static constexpr std::size_t InlineCapacity = 8;
    std::uint64_t m_inline[InlineCapacity] = {};
    std::uint32_t m_count = 0;
    std::vector<std::uint64_t> m_more;
};

}  // namespace sipscope::decode::detail
