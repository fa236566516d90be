// SDP offer/answer roles and hold/resume of a call.
#include "decode/detail/offer_answer.hpp"

namespace sipscope::decode::detail {

SdpRole OfferAnswer::role(const SipMessageView& message) {
    const bool hasSdp = !message.sdp().empty();
    const CSeq& cseq = message.cseq();
    if (message.isRequest()) {
        const std::string_view method = message.method();
        if (method == "INVITE") {
            // RFC 3261 §13.2.1: an INVITE offers, or leaves the offer to the reliable 18x or the 2xx.
            m_offerCseq = cseq.number;
            m_offerMethod = method;
            m_isOfferInRequest = hasSdp;
            m_isResponseOfferPending = false;
            return hasSdp ? SdpRole::Offer : SdpRole::None;
        }
        if (!hasSdp)
            return SdpRole::None;
        if (method == "ACK" || (method == "PRACK" && m_isResponseOfferPending)) {
            m_isResponseOfferPending = false;
            return SdpRole::Answer;
        }
        // UPDATE (RFC 3311), PRACK with a new offer (RFC 3262 §5), and anything else carrying SDP offers.
        m_offerCseq = cseq.number;
        m_offerMethod = method;
        m_isOfferInRequest = true;
        return SdpRole::Offer;
    }
    const int status = message.statusCode();
    if (!hasSdp || status <= 100 || status >= 300 || cseq.number != m_offerCseq || cseq.method != m_offerMethod)
        return SdpRole::None;
    if (m_isOfferInRequest)
        return SdpRole::Answer;
    if (cseq.method == "INVITE") {
        m_isResponseOfferPending = true;
        return SdpRole::Offer;
    }
    return SdpRole::None;
}

void countHoldChange(CallSummary& call, SdpParser& parser, const SipMessageView& message) {
    const std::string_view body = message.sdp();
    if (body.empty())
        return;
    const SessionDescriptionView& session = parser.parse(body);
    bool anyActive = false;
    bool anySendingBothWays = false;
    bool anyMedia = false;
    for (const MediaDescriptionView& media : session.media()) {
        if (media.port == 0)
            continue;
        anyMedia = true;
        const bool isHeld = session.isHold(media);
        anyActive = anyActive || !isHeld;
        anySendingBothWays =
            anySendingBothWays || (!isHeld && session.effectiveDirection(media) == MediaDirection::SendRecv);
    }
    if (!anyMedia)
        return;
    if (!anyActive && !call.isOnHold) {
        call.isOnHold = true;
        ++call.holds;
    } else if (anySendingBothWays && call.isOnHold) {
        // Only sending again takes a call off hold: the recvonly answer to a sendonly hold (RFC 3264 §8.4), or
        // another sendonly offer after a 491 (glare), leaves it held.
        call.isOnHold = false;
        ++call.resumes;
    }
}

}  // namespace sipscope::decode::detail
