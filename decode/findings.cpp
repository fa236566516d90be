// FindingDetector: notes each message of the open calls (bounded), runs the message checks at once, the call checks
// when the correlator hands a call out, and the source checks at the end (decode/detail/*_findings.cpp).
#include "decode/findings.hpp"

#include "decode/detail/finding_rules.hpp"
#include "decode/detail/lex.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>

namespace sipscope::decode {

std::string_view findingSeverityName(FindingSeverity severity) {
    switch (severity) {
    case FindingSeverity::Error: return "error";
    case FindingSeverity::Warning: return "warning";
    case FindingSeverity::Info: return "info";
    }
    return "info";
}

std::optional<FindingSeverity> findingSeverityOf(std::string_view name) {
    for (const FindingSeverity s : {FindingSeverity::Error, FindingSeverity::Warning, FindingSeverity::Info})
        if (findingSeverityName(s) == name)
            return s;
    return std::nullopt;
}

const std::vector<std::string_view>& findingKinds() {
    // clang-format off
    static const std::vector<std::string_view> Kinds = {
        "malformed", "content-length", "missing-header", "orphan-response", "unacked-2xx", "unknown-dialog", "481",
        "cseq-backwards", "timeout", "retransmission-timing", "slow-provisional", "missing-prack", "slow-srd",
        "challenge-loop", "codec-mismatch", "cancel-race", "glare", "forked-answers", "private-address", "via-nat",
        "zero-address", "registration-shortened", "registration-failed", "registration-lapsed", "scanner",
        "brute-force", "toll-fraud", "media-none", "media-one-way", "media-wrong-address", "media-late"};
    // clang-format on
    return Kinds;
}

std::optional<Finding> mediaFinding(std::uint64_t callKey, std::int64_t answeredUs, const MediaAssessment& media) {
    Finding finding;
    switch (media.verdict) {
    case MediaVerdict::Ok: return std::nullopt;
    case MediaVerdict::None:
        finding.kind = "media-none";
        finding.severity = FindingSeverity::Error;
        break;
    case MediaVerdict::OneWay:
        finding.kind = "media-one-way";
        finding.severity = FindingSeverity::Error;
        break;
    case MediaVerdict::WrongAddress:
        finding.kind = "media-wrong-address";
        finding.severity = FindingSeverity::Warning;
        break;
    case MediaVerdict::Late:
        finding.kind = "media-late";
        finding.severity = FindingSeverity::Info;
        break;
    }
    finding.callKey = callKey;
    finding.timestampUs = answeredUs;
    finding.explanation = "answered call, RTP " + std::string(mediaVerdictName(media.verdict)) + ": " + media.reason;
    // The SDP offer and answer say where each side receives; RTP elsewhere, or not at all, is what went wrong.
    finding.rfc = "RFC 3264 5.1";
    return finding;
}

namespace detail {

SipMethod sipMethodOf(std::string_view name) {
    static constexpr std::pair<std::string_view, SipMethod> Methods[] = {
        {"INVITE", SipMethod::Invite}, {"ACK", SipMethod::Ack},           {"BYE", SipMethod::Bye},
        {"CANCEL", SipMethod::Cancel}, {"REGISTER", SipMethod::Register}, {"OPTIONS", SipMethod::Options},
        {"PRACK", SipMethod::Prack},   {"UPDATE", SipMethod::Update}};
    for (const auto& [text, method] : Methods)
        if (name == text)
            return method;
    return SipMethod::Other;
}

std::string durationText(std::int64_t us) {
    char text[32];
    const double seconds = static_cast<double>(us) / 1e6;
    if (us >= 100'000'000 || us <= -100'000'000)
        std::snprintf(text, sizeof text, "%.0f s", seconds);
    else if (us >= 1'000'000 || us <= -1'000'000)
        std::snprintf(text, sizeof text, "%.3g s", seconds);
    else
        std::snprintf(text, sizeof text, "%lld ms", static_cast<long long>(us / 1000));
    return text;
}

std::string codecsText(const SessionDescriptionView& sdp) {
    std::string text;
    for (const MediaDescriptionView& media : sdp.media()) {
        if (!text.empty())
            text += "; ";
        text += media.media;
        for (const std::string_view format : media.formats) {
            if (text.size() > 200)
                break;
            text += ' ';
            const auto pt = parseDecimal(format, 127);
            const std::string_view name = pt ? media.codecName(static_cast<std::uint8_t>(*pt)) : std::string_view{};
            text += name.empty() ? format : name;
        }
    }
    return text;
}

bool isNonPublic(const capture::IpAddress& a) {
    const auto& b = a.bytes;
    if (a.version == 4)
        return b[0] == 10 || b[0] == 127 || b[0] == 0 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
               (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && (b[1] & 0xc0) == 64);
    const bool isZeroPrefix = std::all_of(b.begin(), b.begin() + 15, [](std::uint8_t x) { return x == 0; });
    return isZeroPrefix || (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
}

bool isPrivateText(std::string_view host) {
    const auto ip = capture::parseIpAddress(host);
    if (!ip)
        return false;
    const auto& b = ip->bytes;
    // Only the private ranges: loopback and 0.0.0.0 in a header are other mistakes.
    if (ip->version == 4)
        return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
               (b[0] == 100 && (b[1] & 0xc0) == 64);
    return (b[0] & 0xfe) == 0xfc;
}

Finding makeFinding(std::string_view kind, FindingSeverity severity, std::uint64_t callKey, const MessageNote* note,
                    std::string explanation, std::string_view rfc) {
    Finding finding;
    finding.kind = kind;
    finding.severity = severity;
    finding.callKey = callKey;
    if (note) {
        finding.timestampUs = note->timestampUs;
        finding.messages.push_back(note->sequence);
        finding.source = note->src;
    }
    finding.explanation = std::move(explanation);
    finding.rfc = rfc;
    return finding;
}

}  // namespace detail

struct FindingDetector::Impl {
    explicit Impl(FindingOptions o) : options(o), sources(o) {}

    detail::CallNotes* notesOf(std::uint64_t callKey) {
        if (callKey == 0)
            return nullptr;
        if (auto it = calls.find(callKey); it != calls.end())
            return &it->second;
        if (callKey <= highestKey)
            return nullptr;  // handed out or evicted already: a late copy
        highestKey = callKey;
        if (calls.size() >= options.maxOpenCalls) {
            calls.erase(calls.begin());  // the oldest call: keys rise with the calls' first messages
            ++stats.callsEvicted;
        }
        detail::CallNotes& notes = calls[callKey];
        notes.messages.reserve(8);  // a plain call's messages, in one allocation
        return &notes;
    }

    FindingOptions options;
    detail::SourceChecks sources;
    std::map<std::uint64_t, detail::CallNotes> calls;  // open calls by key
    std::uint64_t highestKey = 0;                      // keys rise: a lower one not in `calls` is gone
    std::vector<Finding> findings;
    FindingStats stats;
};

FindingDetector::FindingDetector(FindingOptions options) : m_impl(std::make_unique<Impl>(options)) {}
FindingDetector::~FindingDetector() = default;

void FindingDetector::onMessage(const SipMessageView& message, const MessageMeta& meta, const Correlation& correlation,
                                std::uint64_t sequence, std::string_view datagram, const SessionDescriptionView* sdp) {
    Impl& d = *m_impl;
    detail::MessageNote note;
    note.sequence = sequence;
    note.timestampUs = meta.timestampUs;
    note.src = meta.src;
    note.dst = meta.dst;
    note.transactionKey = correlation.transactionKey;
    note.dialogKey = correlation.dialogKey;
    note.cseq = message.cseq().number;
    note.isRequest = message.isRequest();
    note.status = message.statusCode();
    const std::string_view methodName = note.isRequest ? message.method() : message.cseq().method;
    note.method = detail::sipMethodOf(methodName);
    note.methodName = methodName.substr(0, 15);
    note.transport = meta.transport;
    note.isRetransmission = correlation.isRetransmission;
    note.hasCredentials =
        note.isRequest && (!message.header("Authorization").empty() || !message.header("Proxy-Authorization").empty());
    if (isAuthChallenge(note.status)) {
        const auto challenge = message.auth(note.status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate");
        const auto stale = challenge ? challenge->param("stale") : std::nullopt;
        note.isStaleChallenge = stale && detail::equalsNoCase(*stale, "true");
    }
    note.isReliable = note.status > 100 && note.status < 200 && message.hasToken("Require", "100rel");
    if (note.isRequest)
        note.fromTagHash = std::hash<std::string_view>{}(message.from().tag);
    detail::CallNotes* notes = d.notesOf(correlation.callKey);
    const std::size_t first = d.findings.size();
    detail::checkMessage(message, meta, note, datagram, sdp, notes, d.findings);
    if (message.isValid()) {
        if (note.isRequest) {
            d.sources.onRequest(message, note, correlation.callKey, d.stats, d.findings);
        } else if (note.status >= 200) {
            const detail::MessageNote* request = nullptr;
            if (notes)
                for (auto it = notes->messages.rbegin(); it != notes->messages.rend() && !request; ++it)
                    if (it->isRequest && it->transactionKey == note.transactionKey)
                        request = &*it;
            d.sources.onFinalResponse(message, note, request, d.stats);
        }
    }
    for (std::size_t i = first; i < d.findings.size(); ++i)
        d.findings[i].callKey = correlation.callKey;
    if (notes == nullptr)
        return;
    if (sdp && correlation.sdpRole == SdpRole::Offer) {
        notes->offerCodecs = detail::codecsText(*sdp);
        notes->offerSequence = sequence;
    }
    if (!note.isRequest && note.status / 100 == 2 && note.method == detail::SipMethod::Invite)
        notes->isEstablished = true;
    if (notes->messages.size() < d.options.maxMessagesPerCall)
        notes->messages.push_back(note);
    else
        ++d.stats.messagesDropped;
}

void FindingDetector::onCallFinished(const CallSummary& call, std::int64_t nowUs) {
    Impl& d = *m_impl;
    auto it = d.calls.find(call.key);
    if (it == d.calls.end())
        return;  // evicted (counted), or no message of it was seen
    detail::checkCall(call, it->second, d.options, nowUs, d.findings);
    d.calls.erase(it);
}

void FindingDetector::finish() { m_impl->sources.finish(m_impl->findings); }

void FindingDetector::takeFindings(std::vector<Finding>& out) {
    Impl& d = *m_impl;
    d.stats.findings += d.findings.size();
    for (Finding& finding : d.findings)
        out.push_back(std::move(finding));
    d.findings.clear();
}

const FindingStats& FindingDetector::stats() const { return m_impl->stats; }

}  // namespace sipscope::decode
