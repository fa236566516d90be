// The per-call media verdict of issue 15, from the call's answer time and its streams' first/last times, senders
// and address checks.
#include "decode/media_tracker.hpp"

#include <algorithm>
#include <cstdio>

namespace sipscope::decode {

std::string_view mediaPartyName(MediaParty party) {
    switch (party) {
    case MediaParty::Offerer: return "offerer";
    case MediaParty::Answerer: return "answerer";
    case MediaParty::Unknown: break;
    }
    return "";
}

std::string_view mediaVerdictName(MediaVerdict verdict) {
    switch (verdict) {
    case MediaVerdict::Ok: return "ok";
    case MediaVerdict::OneWay: return "one-way";
    case MediaVerdict::None: return "none";
    case MediaVerdict::WrongAddress: return "wrong-address";
    case MediaVerdict::Late: return "late";
    }
    return "ok";
}

namespace {

std::string seconds(std::int64_t us) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f s", static_cast<double>(us) / 1e6);
    return text;
}

void addReason(std::string& reason, const std::string& part) {
    if (!reason.empty())
        reason += "; ";
    reason += part;
}

}  // namespace

NegotiatedMedia negotiatedMedia(std::string_view offerDirection, std::string_view answerDirection, bool isRefused) {
    const auto sends = [](std::string_view direction) { return direction != "recvonly" && direction != "inactive"; };
    const auto receives = [](std::string_view direction) { return direction != "sendonly" && direction != "inactive"; };
    NegotiatedMedia media;
    media.offerDirection = std::string(offerDirection);
    media.answerDirection = std::string(answerDirection);
    media.offererSends = !isRefused && sends(offerDirection) && receives(answerDirection);
    media.answererSends = !isRefused && sends(answerDirection) && receives(offerDirection);
    return media;
}

std::optional<MediaAssessment> assessMedia(std::int64_t answeredUs, std::span<const StreamOfCall> streams,
                                           bool isRtpInCapture, const NegotiatedMedia& negotiated) {
    if (answeredUs == 0)
        return std::nullopt;
    std::uint64_t fromOfferer = 0;
    std::uint64_t fromAnswerer = 0;
    std::uint64_t fromUnknown = 0;
    std::optional<std::int64_t> firstAfter;
    std::string mismatches;
    bool anyBefore = false;
    for (const StreamOfCall& stream : streams) {
        if (stream.packets == 0)
            continue;
        if (stream.addressMismatch)
            addReason(mismatches, "RTP " + stream.src.toString() + " -> " + stream.dst.toString() +
                                      " is not between the addresses the SDP gave");
        if (stream.lastUs < answeredUs) {
            anyBefore = true;
            continue;
        }
        (stream.sender == MediaParty::Offerer    ? fromOfferer
         : stream.sender == MediaParty::Answerer ? fromAnswerer
                                                 : fromUnknown) += stream.packets;
        const std::int64_t first = std::max(stream.firstUs, answeredUs);
        firstAfter = firstAfter ? std::min(*firstAfter, first) : first;
    }
    MediaAssessment result;
    std::string& reason = result.reason;
    const std::string asNegotiated =
        "as the SDP negotiated (offer " + (negotiated.offerDirection.empty() ? "sendrecv" : negotiated.offerDirection) +
        ", answer " + (negotiated.answerDirection.empty() ? "sendrecv" : negotiated.answerDirection) + ")";
    if (!firstAfter && !negotiated.offererSends && !negotiated.answererSends) {
        addReason(reason, "no RTP after the answer, " + asNegotiated);
        return result;
    }
    const bool isNone = !firstAfter;
    bool isOneWay = !isNone && fromUnknown == 0 && (fromOfferer == 0 || fromAnswerer == 0);
    // The silent party was not meant to send: one-way is what the call asked for.
    const bool isOneWayAsNegotiated =
        isOneWay && !(fromOfferer == 0 ? negotiated.offererSends : negotiated.answererSends);
    if (isOneWayAsNegotiated) {
        isOneWay = false;
        addReason(reason, std::string("RTP from the ") + (fromOfferer != 0 ? "offerer" : "answerer") + " only, " +
                              asNegotiated);
    }
    const bool isLate = firstAfter && *firstAfter - answeredUs > LateMediaUs;
    if (isNone && !isRtpInCapture)
        addReason(reason, "answered, but no RTP anywhere in this capture: captured with a signalling-only filter?");
    else if (isNone)
        addReason(reason, anyBefore ? "RTP stopped before the answer; none after it"
                                    : "answered, but no RTP of the call in the capture");
    if (isOneWay)
        addReason(reason, std::string("after the answer RTP came from the ") +
                              (fromOfferer != 0 ? "offerer" : "answerer") + " only (" +
                              std::to_string(fromOfferer + fromAnswerer) + " packets), none from the " +
                              (fromOfferer != 0 ? "answerer" : "offerer"));
    if (!mismatches.empty())
        addReason(reason, mismatches);
    if (isLate)
        addReason(reason, "first RTP " + seconds(*firstAfter - answeredUs) + " after the answer");
    if (isNone)
        result.verdict = MediaVerdict::None;
    else if (isOneWay)
        result.verdict = MediaVerdict::OneWay;
    else if (!mismatches.empty())
        result.verdict = MediaVerdict::WrongAddress;
    else if (isLate)
        result.verdict = MediaVerdict::Late;
    else if (!isOneWayAsNegotiated)
        addReason(reason, "RTP both ways, from " + seconds(*firstAfter - answeredUs) + " after the answer");
    return result;
}

}  // namespace sipscope::decode
