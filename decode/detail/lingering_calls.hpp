// The calls already handed out as final while copies of their messages may still come: a retransmission can arrive
// up to 32 s after the last message (Timer J/K, 64 × T1). What a call keeps here is only what matching such a copy
// needs: the call's key and, per message seen, its signature, transaction, dialog and SDP role (SeenMessage, 16
// bytes), about 200 bytes for a call of seven messages instead of the kilobytes of its open entry.
#pragma once

#include "decode/correlator.hpp"
#include "decode/detail/retransmissions.hpp"

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sipscope::decode::detail {

class LingeringCalls {
public:
    struct Call {
        std::uint64_t key = 0;
        std::int64_t lastUs = 0;  // the capture time of its latest message
        std::vector<SeenMessage> messages;
    };

    // The lingering call whose Call-ID has this hash (OpenCallTable::hashOf), or null. Calls are told apart by the
    // 64-bit hash alone (the Call-ID is not kept): two Call-IDs sharing one among the calls of the last 32 s is a
    // chance of about one in 10^13 at 20,000 calls/s.
    Call* find(std::uint64_t callIdHash) {
        const auto it = m_calls.find(callIdHash);
        return it == m_calls.end() ? nullptr : &it->second;
    }
    void add(std::uint64_t callIdHash, std::uint64_t key, std::int64_t lastUs, std::vector<SeenMessage> messages) {
        m_calls[callIdHash] = Call{key, lastUs, std::move(messages)};
        m_expiry.emplace_back(lastUs, callIdHash);
    }
    // A message of the lingering `call` (found by its Call-ID's hash), with this retransmission signature: a copy
    // of one of its messages takes the transaction, dialog and SDP role of the first copy; any other message is
    // counted in the call and remembered, changing nothing else (the call's summary is written). Appends what the
    // stored call counts to `late`; the call lingers from this message on.
    Correlation onMessage(Call& call, std::uint64_t callIdHash, std::uint64_t signature, bool isRequest,
                          std::int64_t atUs, std::vector<LateMessage>& late);
    // Forgets the calls without a message for `lingerUs` as of `nowUs`.
    void expire(std::int64_t nowUs, std::int64_t lingerUs) {
        while (!m_expiry.empty() && nowUs - m_expiry.front().first >= lingerUs) {
            const auto [lastUs, callIdHash] = m_expiry.front();
            m_expiry.pop_front();
            const auto it = m_calls.find(callIdHash);
            // A call touched since this entry was queued has a later one.
            if (it != m_calls.end() && it->second.lastUs == lastUs)
                m_calls.erase(it);
        }
    }
    std::size_t size() const { return m_calls.size(); }

private:
    std::unordered_map<std::uint64_t, Call> m_calls;
    // (lastUs when queued, Call-ID hash), in the order queued: the capture's order, so the oldest first.
    std::deque<std::pair<std::int64_t, std::uint64_t>> m_expiry;
};

}  // namespace sipscope::decode::detail
