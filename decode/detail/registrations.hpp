// The REGISTER bookkeeping of one call (RFC 3261 §10): what each REGISTER asked for, joined with its final response
// into a RegistrationRecord. The correlator's transaction matching says which request a response answers.
#pragma once

#include "decode/correlator.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace sipscope::decode::detail {

class Registrations {
public:
    // A REGISTER (first copy or retransmission) of the call's transaction `transactionIndex`: remembers its AOR,
    // Contact and requested expiry, once per transaction.
    void onRequest(std::uint32_t transactionIndex, const SipMessageView& request);
    // The first final response of the transaction: when it answers a REGISTER, appends the registration to `out`
    // (at most `maxRecords`, the rest not kept) and forgets the request. Other transactions: nothing.
    void onFinalResponse(std::uint32_t transactionIndex, const TransactionRecord& transaction,
                         const SipMessageView& response, const MessageMeta& meta, std::size_t maxRecords,
                         std::vector<RegistrationRecord>& out);

private:
    struct Request {
        std::string aor;
        std::string contact;
        int expires = -1;
    };
    // Transaction index -> its REGISTER, until the final response. Bounded by the call's transactions (at most
    // 0xffff indexes); answered ones are erased.
    std::unordered_map<std::uint32_t, Request> m_pending;
};

}  // namespace sipscope::decode::detail
