// What a call's SDP bodies do (RFC 3264, RFC 6337): which one offers and which one answers, and whether the call's
// media went on hold or came off it.
#pragma once

#include "decode/correlator.hpp"
#include "decode/sdp.hpp"

#include <cstdint>
#include <string>

namespace sipscope::decode::detail {

// The offer/answer exchange of one call: the latest request that opened one, and whether its offer was in the
// request (else the INVITE's reliable 18x or 2xx offers, and the ACK or PRACK answers).
class OfferAnswer {
public:
    // The role of the message's SDP body. Takes every message with a body and every INVITE, retransmissions too:
    // an INVITE without a body opens an exchange all the same, its 2xx will offer (RFC 3261 §13.2.1).
    SdpRole role(const SipMessageView& message);

private:
    std::uint32_t m_offerCseq = 0;
    std::string m_offerMethod;
    bool m_isOfferInRequest = false;
    bool m_isResponseOfferPending = false;
};

// Counts a hold or resume in `call` when the message's SDP (a re-INVITE or UPDATE, or an answer) puts every stream
// on hold while the call was not, or sends both ways again while it was. `parser` is reused for every call.
void countHoldChange(CallSummary& call, SdpParser& parser, const SipMessageView& message);

}  // namespace sipscope::decode::detail
