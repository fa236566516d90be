// The checks over one finished call: responses to no request, 2xx never ACKed, ACK/BYE of an unknown dialog, CSeq
// going backwards, Timer B/F expiry, retransmission intervals, slow SRD, challenge loops, CANCEL racing the 200,
// forks answering twice, and the registrations' expiries and failures.
#include "decode/detail/finding_rules.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace sipscope::decode::detail {

namespace {

std::string_view methodText(SipMethod method) {
    switch (method) {
    case SipMethod::Invite: return "INVITE";
    case SipMethod::Ack: return "ACK";
    case SipMethod::Bye: return "BYE";
    case SipMethod::Cancel: return "CANCEL";
    case SipMethod::Register: return "REGISTER";
    case SipMethod::Options: return "OPTIONS";
    case SipMethod::Prack: return "PRACK";
    case SipMethod::Update: return "UPDATE";
    case SipMethod::Other: break;
    }
    return "request";
}

std::string noteText(const MessageNote& note) {
    const std::string method = note.methodName.empty() ? std::string(methodText(note.method)) : note.methodName;
    std::string text = note.isRequest ? method : std::to_string(note.status) + " to " + method;
    return text + " (CSeq " + std::to_string(note.cseq) + ")";
}

// Copies closer than this are one packet captured twice (two interfaces, a mirror port), not a retransmission.
constexpr std::int64_t SameSendUs = 5'000;

std::string hop(const MessageNote& note) { return note.src.toString() + " -> " + note.dst.toString(); }

const MessageNote* firstWith(const CallNotes& notes, auto&& predicate) {
    for (const MessageNote& note : notes.messages)
        if (predicate(note))
            return &note;
    return nullptr;
}

void checkTransactions(const CallSummary& call, const CallNotes& notes, const FindingOptions& options,
                       std::int64_t nowUs, std::vector<Finding>& out) {
    const std::int64_t timeoutUs = 64 * options.t1Us;
    for (const TransactionRecord& t : call.transactions) {
        const SipMethod method = sipMethodOf(t.method);
        if (t.isOrphan) {
            if (const MessageNote* response =
                    firstWith(notes, [&](const MessageNote& n) { return !n.isRequest && n.transactionKey == t.key; }))
                out.push_back(
                    makeFinding("orphan-response", FindingSeverity::Warning, call.key, response,
                                noteText(*response) + " on " + hop(*response) + " answers no request seen on that hop",
                                "RFC 3261 17.1.3"));
            continue;
        }
        if (method == SipMethod::Ack || t.finalUs != 0)
            continue;
        // Timer B runs only while an INVITE has no response at all; Timer F until a non-INVITE's final one.
        const bool isExpired = method == SipMethod::Invite ? t.responses == 0 : true;
        const std::int64_t waitedUs = std::max(nowUs, call.endUs) - t.startUs;
        if (!isExpired || waitedUs < timeoutUs)
            continue;
        const MessageNote* request =
            firstWith(notes, [&](const MessageNote& n) { return n.isRequest && n.transactionKey == t.key; });
        const bool isInvite = method == SipMethod::Invite;
        out.push_back(makeFinding("timeout", FindingSeverity::Error, call.key, request,
                                  t.method +
                                      (request ? " (CSeq " + std::to_string(request->cseq) + ")" : std::string()) +
                                      " sent " + std::to_string(t.requests) + (t.requests == 1 ? " time" : " times") +
                                      (t.responses ? ", provisional responses only" : ", never answered") + ": Timer " +
                                      (isInvite ? "B" : "F") + " (64×T1 = " + durationText(timeoutUs) + ") expired",
                                  isInvite ? "RFC 3261 17.1.1.2" : "RFC 3261 17.1.2.2"));
    }
}

void checkAcksAndDialogs(const CallSummary& call, const CallNotes& notes, const FindingOptions& options,
                         std::vector<Finding>& out) {
    // 2xx to an INVITE with no ACK of its CSeq: the UAS retransmits it, then gives up and BYEs (RFC 3261 §13.3.1.4).
    std::set<std::uint32_t> reported;
    for (const MessageNote& ok : notes.messages) {
        if (ok.isRequest || ok.status / 100 != 2 || ok.method != SipMethod::Invite || ok.isRetransmission ||
            reported.count(ok.cseq))
            continue;
        const bool isAcked = firstWith(notes, [&](const MessageNote& n) {
                                 return n.isRequest && n.method == SipMethod::Ack && n.cseq == ok.cseq;
                             }) != nullptr;
        if (isAcked)
            continue;
        std::uint32_t copies = 0;
        std::int64_t lastUs = ok.timestampUs;
        for (const MessageNote& n : notes.messages)
            if (!n.isRequest && n.status == ok.status && n.cseq == ok.cseq && n.src == ok.src && n.dst == ok.dst &&
                (copies == 0 || n.timestampUs - lastUs >= SameSendUs)) {
                ++copies;
                lastUs = std::max(lastUs, n.timestampUs);
            }
        const MessageNote* bye = firstWith(notes, [&](const MessageNote& n) {
            return n.isRequest && n.method == SipMethod::Bye && n.timestampUs > ok.timestampUs;
        });
        if (copies < 2 && bye == nullptr)
            continue;  // the capture may just have ended: no evidence yet
        reported.insert(ok.cseq);
        Finding finding =
            makeFinding("unacked-2xx", FindingSeverity::Error, call.key, &ok,
                        noteText(ok) + " on " + hop(ok) +
                            (copies == 1 ? std::string(" sent once")
                                         : " sent " + std::to_string(copies) + " times over " +
                                               durationText(lastUs - ok.timestampUs)) +
                            " and never ACKed" +
                            (bye ? "; BYE " + durationText(bye->timestampUs - ok.timestampUs) + " after it"
                                 : "; the UAS gives up after 64×T1 = " + durationText(64 * options.t1Us)),
                        "RFC 3261 13.3.1.4");
        if (bye)
            finding.messages.push_back(bye->sequence);
        out.push_back(std::move(finding));
    }
    // ACK or BYE naming a dialog that no response to an INVITE created (RFC 3261 §12.2.2).
    const bool hasInvite =
        firstWith(notes, [](const MessageNote& n) { return n.isRequest && n.method == SipMethod::Invite; });
    for (const MessageNote& request : notes.messages) {
        if (!request.isRequest || request.isRetransmission || request.dialogKey == 0 ||
            (request.method != SipMethod::Ack && request.method != SipMethod::Bye))
            continue;
        const bool isKnown =
            firstWith(notes, [&](const MessageNote& n) {
                return !n.isRequest && n.method == SipMethod::Invite && n.dialogKey == request.dialogKey;
            }) != nullptr;
        if (isKnown)
            continue;
        out.push_back(makeFinding("unknown-dialog", hasInvite ? FindingSeverity::Warning : FindingSeverity::Info,
                                  call.key, &request,
                                  noteText(request) + " on " + hop(request) +
                                      (hasInvite ? " names a dialog (tags) that no response to the INVITE created"
                                                 : " for a dialog whose INVITE is not in the capture"),
                                  "RFC 3261 12.2.2"));
        break;  // once per call: the rest follow from it
    }
}

void checkCSeqAndChallenges(const CallSummary& call, const CallNotes& notes, std::vector<Finding>& out) {
    // RFC 3261 §12.2.1.1: each new request of a UA in a dialog has a higher CSeq (ACK and CANCEL reuse theirs).
    // (sender's From tag, hop) -> its highest CSeq so far; a call has a few, so a vector searched in order.
    using Sender = std::tuple<std::uint64_t, capture::Endpoint, capture::Endpoint>;
    std::vector<std::pair<Sender, const MessageNote*>> highest;
    for (const MessageNote& n : notes.messages) {
        // In a dialog (RFC 3261 §12.2.1.1), and REGISTER refreshes (§10.2.4); other requests outside a dialog may
        // start anywhere.
        if (!n.isRequest || n.isRetransmission || n.method == SipMethod::Ack || n.method == SipMethod::Cancel ||
            (n.dialogKey == 0 && n.method != SipMethod::Register))
            continue;
        const Sender sender{n.fromTagHash, n.src, n.dst};
        auto at = std::find_if(highest.begin(), highest.end(), [&](const auto& h) { return h.first == sender; });
        if (at == highest.end())
            at = highest.insert(highest.end(), {sender, nullptr});
        const MessageNote*& top = at->second;
        if (top && n.cseq < top->cseq) {
            Finding finding =
                makeFinding("cseq-backwards", FindingSeverity::Warning, call.key, &n,
                            noteText(n) + " on " + hop(n) + " came after " + noteText(*top) + ": CSeq went backwards",
                            "RFC 3261 12.2.1.1");
            finding.messages.push_back(top->sequence);
            out.push_back(std::move(finding));
            break;
        }
        if (!top || n.cseq > top->cseq)
            top = &n;
    }
    // The same request challenged again and again, with no success between: the credentials are refused, or the
    // nonce never accepted. A refresh challenged once each time (a new nonce per REGISTER) is no loop.
    struct Run {
        std::set<std::uint32_t> cseqs;
        const MessageNote* first = nullptr;
        bool isReported = false;
    };
    std::map<SipMethod, Run> runs;
    auto report = [&](SipMethod method, Run& run) {
        if (run.cseqs.size() <= 2 || run.isReported)
            return;
        run.isReported = true;
        std::string list;
        for (const std::uint32_t cseq : run.cseqs)
            list += (list.empty() ? "" : ", ") + std::to_string(cseq);
        out.push_back(makeFinding("challenge-loop", FindingSeverity::Warning, call.key, run.first,
                                  std::string(methodText(method)) + " challenged " + std::to_string(run.cseqs.size()) +
                                      " times in a row (401/407 at CSeq " + list +
                                      "): the credentials are refused or the nonce never accepted",
                                  "RFC 3261 22.1"));
    };
    for (const MessageNote& n : notes.messages) {
        if (n.isRequest || n.isRetransmission || n.status < 200)
            continue;
        if (isAuthChallenge(n.status)) {
            Run& run = runs[n.method];
            if (run.cseqs.empty())
                run.first = &n;
            run.cseqs.insert(n.cseq);
            report(n.method, run);
        } else if (auto it = runs.find(n.method); it != runs.end()) {
            it->second = Run{};  // answered: the next challenge starts a new run
        }
    }
}

void checkRetransmissions(const CallSummary& call, const CallNotes& notes, const FindingOptions& options,
                          std::vector<Finding>& out) {
    // The correlator flags every copy after the first: a call without one has no intervals to look at.
    if (std::none_of(notes.messages.begin(), notes.messages.end(),
                     [](const MessageNote& n) { return n.isRetransmission; }))
        return;
    constexpr std::int64_t T2Us = 4'000'000;
    // Copies of one request (or of one 2xx to an INVITE) on one UDP hop, in time order.
    std::map<std::tuple<std::uint64_t, int, capture::Endpoint, capture::Endpoint>, std::vector<const MessageNote*>>
        copies;
    for (const MessageNote& n : notes.messages) {
        if (n.transport != capture::Transport::Udp || n.method == SipMethod::Ack)
            continue;
        const bool isOk2xx = !n.isRequest && n.status / 100 == 2 && n.method == SipMethod::Invite;
        if (!n.isRequest && !isOk2xx)
            continue;
        auto& list = copies[{n.transactionKey, n.status, n.src, n.dst}];
        if (list.empty() || n.timestampUs - list.back()->timestampUs >= SameSendUs)
            list.push_back(&n);
    }
    for (const auto& [key, list] : copies) {
        if (list.size() < 2)
            continue;
        const MessageNote& first = *list.front();
        const bool isCapped = first.method != SipMethod::Invite || !first.isRequest;  // non-INVITE and 2xx: up to T2
        std::string seen, expected;
        bool isOff = false;
        std::int64_t interval = options.t1Us;
        for (std::size_t i = 1; i < list.size() && i < 8; ++i) {
            const std::int64_t actual = list[i]->timestampUs - list[i - 1]->timestampUs;
            const std::int64_t want = isCapped ? std::min(interval, T2Us) : interval;
            // A non-INVITE in Proceeding retransmits every T2 (RFC 3261 §17.1.2.2): that is right too.
            const bool isFine = (2 * actual >= want && 2 * actual <= 5 * want) ||
                                (isCapped && 2 * actual >= T2Us && 2 * actual <= 5 * T2Us);
            isOff = isOff || !isFine;
            seen += (seen.empty() ? "" : ", ") + durationText(actual);
            expected += (expected.empty() ? "" : ", ") + durationText(want);
            interval *= 2;
        }
        if (!isOff)
            continue;
        const bool isInvite = first.method == SipMethod::Invite && first.isRequest;
        out.push_back(makeFinding("retransmission-timing", FindingSeverity::Warning, call.key, &first,
                                  noteText(first) + " on " + hop(first) + " repeated after " + seen +
                                      "; T1 doubling (T1 = " + durationText(options.t1Us) + ") expects " + expected,
                                  isInvite          ? "RFC 3261 17.1.1.2"
                                  : first.isRequest ? "RFC 3261 17.1.2.2"
                                                    : "RFC 3261 13.3.1.4"));
    }
}

void checkSetup(const CallSummary& call, const CallNotes& notes, const FindingOptions& options,
                std::vector<Finding>& out) {
    if (call.kind != CallKind::Call || call.attemptUs == 0)
        return;
    const MessageNote* invite = firstWith(notes, [&](const MessageNote& n) {
        return n.isRequest && n.method == SipMethod::Invite && n.timestampUs == call.attemptUs;
    });
    // RFC 6076 §4.2: SRD runs from the INVITE to the first response that is not 100 Trying.
    const std::int64_t respondedUs = call.firstProvisionalUs ? call.firstProvisionalUs : call.finalUs;
    if (respondedUs && respondedUs - call.attemptUs > options.srdWarnUs) {
        const MessageNote* response =
            firstWith(notes, [&](const MessageNote& n) { return !n.isRequest && n.timestampUs == respondedUs; });
        Finding finding = makeFinding("slow-srd", FindingSeverity::Warning, call.key, invite ? invite : response,
                                      "post-dial delay " + durationText(respondedUs - call.attemptUs) +
                                          " from the INVITE to the first " +
                                          (call.firstProvisionalUs ? std::string("18x") : std::string("final")) +
                                          " response, above the " + durationText(options.srdWarnUs) + " threshold",
                                      "RFC 6076 4.2");
        if (invite && response)
            finding.messages.push_back(response->sequence);
        out.push_back(std::move(finding));
    }
    // CANCEL racing the 200: the callee answered after the caller cancelled; the caller must ACK and BYE (§9.1).
    const MessageNote* cancel =
        firstWith(notes, [](const MessageNote& n) { return n.isRequest && n.method == SipMethod::Cancel; });
    if (cancel && call.answeredUs && call.answeredUs >= cancel->timestampUs) {
        const MessageNote* ok = firstWith(notes, [&](const MessageNote& n) {
            return !n.isRequest && n.method == SipMethod::Invite && n.status / 100 == 2;
        });
        Finding finding = makeFinding("cancel-race", FindingSeverity::Warning, call.key, cancel,
                                      "CANCEL on " + hop(*cancel) + " crossed the 200 OK (answered " +
                                          durationText(call.answeredUs - cancel->timestampUs) +
                                          " after it): the call was set up anyway and must be ACKed and ended by BYE",
                                      "RFC 3261 9.1");
        if (ok)
            finding.messages.push_back(ok->sequence);
        out.push_back(std::move(finding));
    }
    // More than one dialog answered 2xx to the same INVITE: forks both answered (RFC 3261 §13.2.2.4).
    // Per destination: a B2BUA that keeps the Call-ID but changes the tags answers each hop with its own dialog.
    std::map<std::pair<std::uint32_t, capture::Endpoint>, std::vector<const MessageNote*>> answers;
    for (const MessageNote& n : notes.messages)
        if (!n.isRequest && n.method == SipMethod::Invite && n.status / 100 == 2 && n.dialogKey != 0) {
            auto& list = answers[{n.cseq, n.dst}];
            if (std::none_of(list.begin(), list.end(),
                             [&](const MessageNote* a) { return a->dialogKey == n.dialogKey; }))
                list.push_back(&n);
        }
    for (const auto& [at, list] : answers) {
        const std::uint32_t cseq = at.first;
        if (list.size() < 2)
            continue;
        std::string from;
        for (const MessageNote* a : list)
            from += (from.empty() ? "" : ", ") + a->src.toString();
        Finding finding =
            makeFinding("forked-answers", FindingSeverity::Warning, call.key, list.front(),
                        "INVITE (CSeq " + std::to_string(cseq) + ") answered 2xx by " + std::to_string(list.size()) +
                            " forks (" + from + "): the caller must ACK each and BYE all but one",
                        "RFC 3261 13.2.2.4");
        for (std::size_t i = 1; i < list.size(); ++i)
            finding.messages.push_back(list[i]->sequence);
        out.push_back(std::move(finding));
    }
}

void checkRegistrations(const CallSummary& call, const CallNotes& notes, std::vector<Finding>& out) {
    const auto noteOf = [&](const RegistrationRecord& r) {
        return firstWith(notes, [&](const MessageNote& n) {
            return !n.isRequest && n.transactionKey == r.transactionKey && n.status == r.status;
        });
    };
    std::map<std::string, std::pair<std::uint32_t, const RegistrationRecord*>> failures;
    const RegistrationRecord* bound = nullptr;  // the latest 2xx that granted an expiry
    for (const RegistrationRecord& r : call.registrations) {
        if (r.status >= 300 && !isAuthChallenge(r.status)) {
            auto& [count, last] = failures[r.aor];
            ++count;
            last = &r;
            continue;
        }
        if (r.status / 100 != 2 || r.contact.empty() || r.contact == "*")
            continue;
        if (r.expires > 0 && r.grantedExpires >= 0 && r.grantedExpires < r.expires)
            out.push_back(makeFinding("registration-shortened", FindingSeverity::Info, call.key, noteOf(r),
                                      r.aor + " asked for " + std::to_string(r.expires) + " s, the registrar granted " +
                                          std::to_string(r.grantedExpires) + " s: it refreshes more often",
                                      "RFC 3261 10.3"));
        if (bound && r.contact == bound->contact && bound->grantedExpires > 0) {
            const std::int64_t expiredUs = bound->responseUs + bound->grantedExpires * std::int64_t{1'000'000};
            if (r.requestUs > expiredUs + 1'000'000)  // a second's grace: registrars allow for the round trip
                out.push_back(makeFinding("registration-lapsed", FindingSeverity::Warning, call.key, noteOf(r),
                                          r.aor + " refreshed " + durationText(r.requestUs - expiredUs) +
                                              " after its binding expired (" + std::to_string(bound->grantedExpires) +
                                              " s granted): the phone was unreachable meanwhile",
                                          "RFC 3261 10.2.4"));
        }
        if (r.grantedExpires > 0)
            bound = &r;
    }
    for (const auto& [aor, failure] : failures)
        out.push_back(makeFinding("registration-failed", FindingSeverity::Warning, call.key, noteOf(*failure.second),
                                  "REGISTER of " + aor + " refused " + std::to_string(failure.first) +
                                      (failure.first == 1 ? " time" : " times") + ", last status " +
                                      std::to_string(failure.second->status),
                                  "RFC 3261 10.3"));
}

void checkProvisionals(const CallSummary& call, const CallNotes& notes, const FindingOptions& options,
                       std::vector<Finding>& out) {
    // RFC 3261 §17.2.1: a server that will not answer an INVITE within 200 ms sends 100 Trying at once. Past T1 the
    // caller (over UDP) has already retransmitted: the next hop is slow to say it is working on it.
    for (const MessageNote& invite : notes.messages) {
        if (!invite.isRequest || invite.isRetransmission || invite.method != SipMethod::Invite ||
            invite.transport != capture::Transport::Udp)
            continue;
        const MessageNote* response = firstWith(notes, [&](const MessageNote& n) {
            return !n.isRequest && n.transactionKey == invite.transactionKey && n.src == invite.dst &&
                   n.dst == invite.src && n.timestampUs >= invite.timestampUs;
        });
        const std::int64_t delayUs = response ? response->timestampUs - invite.timestampUs : 0;
        if (response == nullptr || delayUs <= options.t1Us || delayUs > 64 * options.t1Us)
            continue;  // past Timer B the caller gave up: that response answers something else
        Finding finding = makeFinding("slow-provisional", FindingSeverity::Warning, call.key, &invite,
                                      "first response to " + noteText(invite) + " on " + hop(invite) + " came " +
                                          durationText(delayUs) + " after it (" + std::to_string(response->status) +
                                          "), later than T1 = " + durationText(options.t1Us) + ": no prompt 100 Trying",
                                      "RFC 3261 17.2.1");
        finding.messages.push_back(response->sequence);
        out.push_back(std::move(finding));
        break;  // once per call
    }
    // RFC 3262 §3, §4: a provisional response sent reliably is retransmitted until a PRACK acknowledges it.
    for (const MessageNote& provisional : notes.messages) {
        if (!provisional.isReliable || provisional.isRetransmission)
            continue;
        const bool isAcknowledged =
            firstWith(notes, [&](const MessageNote& n) {
                return n.isRequest && n.method == SipMethod::Prack && n.timestampUs >= provisional.timestampUs;
            }) != nullptr;
        std::uint32_t copies = 0;
        std::int64_t lastUs = 0;
        for (const MessageNote& n : notes.messages)
            if (!n.isRequest && n.status == provisional.status && n.cseq == provisional.cseq &&
                n.src == provisional.src && n.dst == provisional.dst &&
                (copies == 0 || n.timestampUs - lastUs >= SameSendUs)) {
                ++copies;
                lastUs = n.timestampUs;
            }
        if (isAcknowledged || copies < 2)
            continue;
        out.push_back(makeFinding("missing-prack", FindingSeverity::Warning, call.key, &provisional,
                                  noteText(provisional) + " on " + hop(provisional) + " requires 100rel and was sent " +
                                      std::to_string(copies) +
                                      " times, never PRACKed: the caller ignores reliable provisionals",
                                  "RFC 3262 4"));
        break;
    }
}

}  // namespace

void checkCall(const CallSummary& call, const CallNotes& notes, const FindingOptions& options, std::int64_t nowUs,
               std::vector<Finding>& out) {
    checkProvisionals(call, notes, options, out);
    checkTransactions(call, notes, options, nowUs, out);
    checkAcksAndDialogs(call, notes, options, out);
    checkCSeqAndChallenges(call, notes, out);
    checkRetransmissions(call, notes, options, out);
    checkSetup(call, notes, options, out);
    checkRegistrations(call, notes, out);
}

}  // namespace sipscope::decode::detail
