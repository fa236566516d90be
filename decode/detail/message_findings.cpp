// The checks one message answers alone: malformed, Content-Length, mandatory headers, 481, 488/415 with the codecs,
// private addresses from a public source, Via received/rport, c=0.0.0.0 outside a hold, scanner User-Agents.
#include "decode/detail/finding_rules.hpp"

#include "decode/detail/lex.hpp"

#include <array>
#include <cstdio>

namespace sipscope::decode::detail {

namespace {

// What a message is, for an explanation: "INVITE (CSeq 1)", "486 Busy Here to INVITE (CSeq 1)".
std::string what(const SipMessageView& message) {
    std::string text;
    if (message.isRequest())
        text = std::string(message.method());
    else
        text = std::to_string(message.statusCode()) + " " + std::string(message.reasonPhrase()) + " to " +
               std::string(message.cseq().method);
    return message.cseq().method.empty() ? text : text + " (CSeq " + std::to_string(message.cseq().number) + ")";
}

std::string hostOf(std::string_view hostPort) {
    if (!hostPort.empty() && hostPort.front() == '[') {
        const std::size_t end = hostPort.find(']');
        return std::string(hostPort.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
    }
    const std::size_t colon = hostPort.find(':');
    return std::string(colon != std::string_view::npos && hostPort.find(':', colon + 1) == std::string_view::npos
                           ? hostPort.substr(0, colon)
                           : hostPort);
}

bool containsNoCase(std::string_view text, std::string_view word) {
    if (word.size() > text.size())
        return false;
    for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
        std::size_t j = 0;
        while (j < word.size() && toLower(text[i + j]) == word[j])
            ++j;
        if (j == word.size())
            return true;
    }
    return false;
}

void checkValidity(const SipMessageView& message, const MessageMeta& meta, const MessageNote& note,
                   std::string_view datagram, CallNotes* notes, std::uint64_t callKey, std::vector<Finding>& out) {
    const ParseError& error = message.error();
    // Made only when there is something to say: most messages have nothing wrong.
    const auto from = [&meta] { return " from " + meta.src.toString(); };
    switch (error.code) {
    case ParseErrorCode::None: break;
    case ParseErrorCode::MissingHeader:
        out.push_back(makeFinding("missing-header", FindingSeverity::Error, callKey, &note,
                                  what(message) + from() + ": " + std::string(error.reason) +
                                      " (To, From, CSeq, Call-ID and Via are mandatory)",
                                  "RFC 3261 8.1.1"));
        return;
    case ParseErrorCode::BodyTruncated:
    case ParseErrorCode::BadContentLength: {
        const std::string said = message.contentLength()
                                     ? "Content-Length says " + std::to_string(*message.contentLength()) + " bytes"
                                     : std::string("Content-Length is unreadable");
        out.push_back(makeFinding("content-length", FindingSeverity::Error, callKey, &note,
                                  what(message) + from() + ": " + std::string(error.reason) + "; " + said +
                                      ", the body has " + std::to_string(message.body().size()),
                                  "RFC 3261 20.14"));
        return;
    }
    default:
        out.push_back(makeFinding("malformed", FindingSeverity::Error, callKey, &note,
                                  "malformed message" + from() + ": " + std::string(error.reason) + " at byte " +
                                      std::to_string(error.offset),
                                  "RFC 3261 25.1"));
        return;
    }
    // RFC 3261 §18.3: over UDP, bytes past Content-Length are discarded; anything but line ends there is a body
    // longer than the header says (a broken stack, or a rewrite that forgot to fix the length).
    const std::string_view raw = message.raw();
    std::string_view tail;  // the rest of the same datagram after the message
    if (!raw.empty() && raw.data() >= datagram.data() && raw.data() + raw.size() <= datagram.data() + datagram.size())
        tail = datagram.substr(static_cast<std::size_t>(raw.data() - datagram.data()) + raw.size());
    const std::size_t extra = tail.size();
    if (extra && message.contentLength() &&
        tail.find_first_not_of(std::string_view("\r\n \t\0", 5)) != std::string_view::npos) {
        out.push_back(makeFinding("content-length", FindingSeverity::Error, callKey, &note,
                                  what(message) + from() + ": Content-Length says " +
                                      std::to_string(*message.contentLength()) + " bytes, the datagram carries " +
                                      std::to_string(extra) + " more after them",
                                  "RFC 3261 18.3"));
    }
    if (message.isRequest()) {
        // Older (RFC 2543) stacks leave it out on every request: said once per call.
        if (!message.maxForwards() && sipMethodOf(message.method()) != SipMethod::Ack &&
            sipMethodOf(message.method()) != SipMethod::Cancel && reportOnce(notes, ReportedNoMaxForwards))
            out.push_back(makeFinding("missing-header", FindingSeverity::Warning, callKey, &note,
                                      what(message) + from() + " has no Max-Forwards header (an RFC 2543 stack?)",
                                      "RFC 3261 8.1.1.6"));
        if (sipMethodOf(message.method()) == SipMethod::Invite && message.contact().uri.empty())
            out.push_back(makeFinding("missing-header", FindingSeverity::Error, callKey, &note,
                                      what(message) + from() + " has no Contact: the callee cannot reach the caller " +
                                          "inside the dialog",
                                      "RFC 3261 8.1.1.8"));
    } else if (message.statusCode() / 100 == 2 && message.cseq().method == "INVITE" && message.contact().uri.empty()) {
        out.push_back(makeFinding("missing-header", FindingSeverity::Error, callKey, &note,
                                  what(message) + from() + " has no Contact: the caller cannot send ACK or BYE to " +
                                      "the callee",
                                  "RFC 3261 12.1.1"));
    }
}

void checkNat(const SipMessageView& message, const MessageMeta& meta, const MessageNote& note,
              const SessionDescriptionView* sdp, CallNotes* notes, std::uint64_t callKey, std::vector<Finding>& out) {
    const auto once = [notes](std::uint8_t bit) { return reportOnce(notes, bit); };
    if (!isNonPublic(meta.src.ip)) {
        std::string where;  // "top Via 10.0.0.1, Contact 192.168.1.20"
        auto add = [&where](std::string_view header, const std::string& address) {
            where += (where.empty() ? "" : ", ") + std::string(header) + " " + address;
        };
        const ViaHop via = message.topVia();
        if (message.isRequest() && isPrivateText(hostOf(via.sentBy)))
            add("top Via", hostOf(via.sentBy));
        // A response's Contact is the sender's own, except a REGISTER 2xx (the UA's bindings) and a 3xx (targets).
        const bool isOwnContact =
            message.isRequest() || (message.cseq().method != "REGISTER" && message.statusCode() / 100 != 3);
        if (const NameAddr contact = message.contact();
            isOwnContact && !contact.host.empty() && isPrivateText(hostOf(contact.host)))
            add("Contact", hostOf(contact.host));
        if (sdp) {
            for (const MediaDescriptionView& media : sdp->media())
                if (const auto c = sdp->effectiveConnection(media); c && isPrivateText(c->address)) {
                    add("SDP c=", std::string(c->address));
                    break;
                }
        }
        if (!where.empty() && once(ReportedPrivateAddress))
            out.push_back(makeFinding("private-address", FindingSeverity::Warning, callKey, &note,
                                      what(message) + " came from public " + meta.src.toString() +
                                          " but names private addresses (" + where +
                                          "): a NAT the endpoint does not know about; replies and media will miss",
                                      "RFC 1918 3"));
    }
    if (message.isResponse()) {
        const ViaHop via = message.topVia();
        const std::string sentBy = hostOf(via.sentBy);
        const bool isReceivedOther = !via.received.empty() && via.received != sentBy;
        const std::uint16_t port = via.port.value_or(5060);
        const bool isRportOther = via.rport && *via.rport != port;
        if ((isReceivedOther || isRportOther) && once(ReportedViaNat))
            out.push_back(makeFinding(
                "via-nat", FindingSeverity::Info, callKey, &note,
                what(message) + ": the request's top Via says sent-by " + std::string(via.sentBy) +
                    " but the server saw it from " + (via.received.empty() ? sentBy : std::string(via.received)) + ":" +
                    std::to_string(via.rport.value_or(port)) + " (received/rport): a NAT is on the path",
                isRportOther ? "RFC 3581 4" : "RFC 3261 18.2.1"));
    }
    if (sdp && !(notes && notes->isEstablished)) {
        for (const MediaDescriptionView& media : sdp->media()) {
            const auto c = sdp->effectiveConnection(media);
            if (!c || c->address != "0.0.0.0" || media.port == 0 || !media.candidates.empty() ||
                !media.iceUfrag.empty() || !sdp->iceUfrag().empty())
                continue;
            if (once(ReportedZeroAddress))
                out.push_back(makeFinding("zero-address", FindingSeverity::Warning, callKey, &note,
                                          what(message) + " from " + meta.src.toString() + " offers " +
                                              std::string(media.media) + " on c=0.0.0.0 port " +
                                              std::to_string(media.port) +
                                              " before any session was up: not a hold, RTP goes nowhere",
                                          "RFC 3264 8.4"));
            break;
        }
    }
}

}  // namespace

void checkMessage(const SipMessageView& message, const MessageMeta& meta, const MessageNote& note,
                  std::string_view datagram, const SessionDescriptionView* sdp, CallNotes* notes,
                  std::vector<Finding>& out) {
    if (note.isRetransmission)
        return;  // its original was looked at
    const std::size_t first = out.size();
    checkValidity(message, meta, note, datagram, notes, 0, out);
    if (!message.isValid()) {
        for (std::size_t i = first; i < out.size(); ++i)
            out[i].source = meta.src;
        return;
    }
    checkNat(message, meta, note, sdp, notes, 0, out);
    const int status = message.statusCode();
    if (status == 481)
        out.push_back(makeFinding("481", FindingSeverity::Warning, 0, &note,
                                  meta.src.toString() + " answered " + std::string(message.cseq().method) + " (CSeq " +
                                      std::to_string(message.cseq().number) + ") with 481 " +
                                      std::string(message.reasonPhrase()) +
                                      ": it knows no such dialog or transaction (lost state, a restart, or wrong tags)",
                                  "RFC 3261 21.4.19"));
    if (status == 488 || status == 415 || status == 606) {
        std::string answer = sdp ? codecsText(*sdp) : std::string();
        if (answer.empty())
            answer = std::string(status == 415 ? message.header("Accept") : message.header("Warning"));
        std::string text = what(message) + " from " + meta.src.toString() + ": offer [" +
                           (notes && !notes->offerCodecs.empty() ? notes->offerCodecs : std::string("no SDP seen")) +
                           "] vs answer [" + (answer.empty() ? std::string("nothing said") : answer) + "]";
        Finding finding = makeFinding("codec-mismatch", FindingSeverity::Warning, 0, &note, std::move(text),
                                      status == 415 ? "RFC 3261 21.4.13" : "RFC 3264 6");
        if (notes && notes->offerSequence && notes->offerSequence != note.sequence)
            finding.messages.push_back(notes->offerSequence);
        out.push_back(std::move(finding));
    }
    if (status == 491)
        out.push_back(makeFinding("glare", FindingSeverity::Info, 0, &note,
                                  what(message) + " from " + meta.src.toString() +
                                      ": both sides changed the session at once; each retries after a random wait",
                                  "RFC 3261 14.1"));
    for (std::size_t i = first; i < out.size(); ++i)
        if (!out[i].source)
            out[i].source = meta.src;
}

bool reportOnce(CallNotes* notes, std::uint8_t bit) {
    if (notes == nullptr)
        return true;
    if (notes->reportedOnce & bit)
        return false;
    notes->reportedOnce = static_cast<std::uint8_t>(notes->reportedOnce | bit);
    return true;
}

bool isScannerUserAgent(std::string_view userAgent) {
    static constexpr std::array<std::string_view, 9> Scanners = {"friendly-scanner", "sipvicious", "sipcli/",
                                                                 "sip-scan",         "sipscan",    "vaxsipuseragent",
                                                                 "pplsip",           "iwar",       "sundayddr"};
    for (const std::string_view scanner : Scanners)
        if (containsNoCase(userAgent, scanner))
            return true;
    return false;
}

}  // namespace sipscope::decode::detail
