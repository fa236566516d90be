// Retransmission detection for one call: the same request or response sent again on the same hop (RFC 3261 §17)
// has the same signature as its first copy. Each first copy keeps what a copy of it gets: its transaction, dialog
// and SDP role in the call; that is also all a call keeps once written (LingeringCalls) while late copies may come.
#pragma once

#include "decode/correlator.hpp"
#include "decode/detail/call_index.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace sipscope::decode::detail {

// A message seen in a call, as its retransmissions will be correlated: 16 bytes.
struct SeenMessage {
    std::uint64_t signature = 0;
    std::uint16_t transaction = 0;  // index in the call (recordIndex), 0: none
    std::uint16_t dialog = 0;
    SdpRole role = SdpRole::None;
};
static_assert(sizeof(SeenMessage) == 16, "a lingering call keeps one per message: keep it small");

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
        m_isLastRemembered = false;
        if (find(signature))
            return true;
        if (m_count < MaxPerCall) {
            (m_count < InlineCapacity ? m_inline[m_count] : m_more.emplace_back()) = SeenMessage{signature};
            ++m_count;
            m_isLastRemembered = true;
        }
        return false;
    }
    // What the message isRepeat just remembered was correlated to (nothing when it was not remembered).
    void noteLast(std::uint64_t transactionKey, std::uint64_t dialogKey, SdpRole role) {
        if (!m_isLastRemembered)
            return;
        SeenMessage& seen = m_count <= InlineCapacity ? m_inline[m_count - 1] : m_more.back();
        seen.transaction = static_cast<std::uint16_t>(recordIndex(transactionKey));
        seen.dialog = static_cast<std::uint16_t>(recordIndex(dialogKey));
        seen.role = role;
        m_isLastRemembered = false;
    }
    // The first copy of the message with this signature, or null.
    const SeenMessage* find(std::uint64_t signature) const {
        for (std::size_t i = 0; i < std::min<std::size_t>(m_count, InlineCapacity); ++i)
            if (m_inline[i].signature == signature)
                return &m_inline[i];
        for (const SeenMessage& seen : m_more)
            if (seen.signature == signature)
                return &seen;
        return nullptr;
    }
    // Every message remembered, in order, exactly sized (for LingeringCalls).
    std::vector<SeenMessage> all() const {
        std::vector<SeenMessage> out;
        out.reserve(m_count);
        out.insert(out.end(), m_inline, m_inline + std::min<std::size_t>(m_count, InlineCapacity));
        out.insert(out.end(), m_more.begin(), m_more.end());
        return out;
    }

private:
    static std::uint64_t hashEndpoint(std::uint64_t seed, const capture::Endpoint& endpoint) {
        // The 16 address bytes as two words (one mix per byte was a visible part of an import's profile).
        static_assert(sizeof endpoint.ip.bytes == 16);
        std::uint64_t words[2];
        std::memcpy(words, endpoint.ip.bytes.data(), sizeof words);
        return mix(mix(mix(seed, endpoint.port), words[0]), words[1]);
    }
    // The first few inline, in the call's entry (a typical call's lookups touch no extra heap line), the rest on
    // the heap.
    static constexpr std::size_t InlineCapacity = 8;
    SeenMessage m_inline[InlineCapacity] = {};
    std::uint32_t m_count = 0;
    std::vector<SeenMessage> m_more;
    bool m_isLastRemembered = false;  // the latest isRepeat remembered its message (the last one)
};

}  // namespace sipscope::decode::detail
