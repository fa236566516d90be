// The checks across calls, per source address and per AOR: scanners (by User-Agent, and by asking many users and
// being mostly refused), brute force on one AOR, and calls to international or premium numbers after a source
// failed to authenticate (the toll fraud pattern).
#include "decode/detail/finding_rules.hpp"

#include "decode/detail/lex.hpp"
#include "decode/sip_uri.hpp"

#include <algorithm>
#include <functional>

namespace sipscope::decode::detail {

namespace {

// International (00, 011, +) or premium-rate (900, 0900, 1900) dialling: what toll fraud calls.
bool isTollNumber(std::string_view user) {
    if (!user.empty() && user.front() == '+')
        return user.size() > 4;
    std::size_t digits = 0;
    while (digits < user.size() && isDigit(user[digits]))
        ++digits;
    if (digits < 7)
        return false;
    return user.starts_with("00") || user.starts_with("011") || user.starts_with("900") || user.starts_with("0900") ||
           user.starts_with("1900");
}

}  // namespace

SourceChecks::Source* SourceChecks::source(const capture::IpAddress& ip, FindingStats& stats) {
    if (auto it = m_sources.find(ip); it != m_sources.end())
        return &it->second;
    if (m_sources.size() >= m_options.maxSources) {
        ++stats.sourcesDropped;
        return nullptr;
    }
    return &m_sources[ip];
}

void SourceChecks::onRequest(const SipMessageView& request, const MessageNote& note, std::uint64_t callKey,
                             FindingStats& stats, std::vector<Finding>& out) {
    if (note.isRetransmission)
        return;
    Source* s = source(note.src.ip, stats);
    if (s == nullptr)
        return;
    if (s->requests++ == 0) {
        s->firstSequence = note.sequence;
        s->firstUs = note.timestampUs;
    }
    const std::string_view userAgent = request.userAgent();
    // A source keeps its User-Agent: looked at again only when it changes.
    const std::size_t userAgentHash = std::hash<std::string_view>{}(userAgent);
    const bool isNewUserAgent = s->requests == 1 || userAgentHash != s->userAgentHash;
    s->userAgentHash = userAgentHash;
    if (!s->isReportedUserAgent && isNewUserAgent && isScannerUserAgent(userAgent)) {
        s->isReportedUserAgent = true;
        Finding finding =
            makeFinding("scanner", FindingSeverity::Warning, callKey, &note,
                        note.src.ip.toString() + " sends " + std::string(request.method()) + " with User-Agent \"" +
                            std::string(userAgent.substr(0, 60)) + "\": a known SIP scanner (SIPVicious family)",
                        "RFC 3261 26.1");
        finding.source = note.src;
        out.push_back(std::move(finding));
    }
    const SipMethod method = note.method;
    if (method == SipMethod::Register || method == SipMethod::Invite || method == SipMethod::Options) {
        const std::string_view user = request.to().user;
        if (!user.empty() && s->users.size() < 4 * m_options.scannerUsers &&
            std::find(s->users.begin(), s->users.end(), user) == s->users.end())
            s->users.emplace_back(user);
    }
    if (method == SipMethod::Invite && s->hasFailedAuth && !s->isReportedTollFraud) {
        SipUri uri;
        const std::string_view dialled =
            splitUri(request.requestUri(), uri) && !uri.user.empty() ? uri.user : request.to().user;
        if (isTollNumber(dialled)) {
            s->isReportedTollFraud = true;
            Finding finding = makeFinding("toll-fraud", FindingSeverity::Error, callKey, &note,
                                          note.src.ip.toString() + " failed to authenticate, then called " +
                                              std::string(dialled.substr(0, 40)) +
                                              " (international or premium rate): the toll fraud pattern",
                                          "RFC 3261 26.1");
            finding.source = note.src;
            out.push_back(std::move(finding));
        }
    }
}

void SourceChecks::onFinalResponse(const SipMessageView& response, const MessageNote& note, const MessageNote* request,
                                   FindingStats& stats) {
    if (note.isRetransmission)
        return;
    Source* s = source(note.dst.ip, stats);
    if (s == nullptr)
        return;
    const int status = note.status;
    ++s->finals;
    const bool isRefusal = status == 401 || status == 403 || status == 404 || status == 407;
    if (isRefusal)
        ++s->refusals;
    // A failed authentication: credentials were sent and refused (challenged again, or forbidden).
    const bool isFailedAuth =
        request && request->hasCredentials && ((isAuthChallenge(status) && !note.isStaleChallenge) || status == 403);
    if (!isFailedAuth)
        return;
    s->hasFailedAuth = true;
    const std::string aor(response.to().uri.substr(0, 200));
    auto it = m_aors.find(aor);
    if (it == m_aors.end()) {
        if (m_aors.size() >= m_options.maxSources) {
            ++stats.sourcesDropped;
            return;
        }
        it = m_aors.emplace(aor, Aor{}).first;
        it->second.firstUs = note.timestampUs;
    }
    Aor& a = it->second;
    ++a.failures;
    a.lastSource = note.dst;
    if (a.messages.size() < 8)
        a.messages.push_back(note.sequence);
}

void SourceChecks::finish(std::vector<Finding>& out) {
    for (const auto& [ip, s] : m_sources) {
        const auto users = static_cast<std::uint32_t>(s.users.size());
        // Mostly refused: at least 4 in 5 final responses were 401/403/404/407.
        if (users < m_options.scannerUsers || s.finals == 0 || 5 * s.refusals < 4 * s.finals || s.isReportedUserAgent)
            continue;
        Finding finding;
        finding.kind = "scanner";
        finding.severity = FindingSeverity::Warning;
        finding.timestampUs = s.firstUs;
        finding.messages.push_back(s.firstSequence);
        finding.source = capture::Endpoint{ip, 0};
        finding.explanation = ip.toString() + " asked for " + std::to_string(users) +
                              (users >= 4 * m_options.scannerUsers ? "+" : "") + " distinct users in " +
                              std::to_string(s.requests) + " requests; " + std::to_string(s.refusals) + " of " +
                              std::to_string(s.finals) + " answers were 401/403/404/407: it scans for accounts";
        finding.rfc = "RFC 3261 26.1";
        out.push_back(std::move(finding));
    }
    for (const auto& [aor, a] : m_aors) {
        if (a.failures < m_options.bruteForceFailures)
            continue;
        Finding finding;
        finding.kind = "brute-force";
        finding.severity = FindingSeverity::Error;
        finding.timestampUs = a.firstUs;
        finding.messages = a.messages;
        finding.source = a.lastSource;
        finding.explanation = aor + ": " + std::to_string(a.failures) +
                              " authentications with credentials failed (last from " + a.lastSource.ip.toString() +
                              "): password guessing";
        finding.rfc = "RFC 3261 22.4";
        out.push_back(std::move(finding));
    }
}

}  // namespace sipscope::decode::detail
