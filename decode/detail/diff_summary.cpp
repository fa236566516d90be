// One message read for the call diff: its headers without what always differs between two calls, its SDP per m= line.
#include "decode/detail/diff_summary.hpp"

#include "decode/detail/header_names.hpp"
#include "decode/detail/lex.hpp"

#include <algorithm>
#include <array>

namespace sipscope::decode::detail {

namespace {

// Headers that differ between any two calls (or on every hop), left out unless --all-headers.
constexpr std::array<std::string_view, 4> AlwaysDifferent{"call-id", "date", "content-length", "max-forwards"};
// Parameters that differ between any two calls: a dialog's tags (RFC 3261 §19.3), a transaction's branch and what a
// server writes into Via (RFC 3261 §18.2.1, RFC 3581).
constexpr std::array<std::string_view, 1> TagParams{"tag"};
constexpr std::array<std::string_view, 3> ViaParams{"branch", "received", "rport"};
// Digest parameters that change with every challenge or request (RFC 2617 §3.2, RFC 3261 §22.4).
constexpr std::array<std::string_view, 5> DigestParams{"nonce", "cnonce", "response", "nc", "opaque"};

std::string lowerCase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), toLower);
    return out;
}

template <std::size_t N>
bool isOneOf(std::string_view name, const std::array<std::string_view, N>& names) {
    return std::any_of(names.begin(), names.end(), [&](std::string_view each) { return equalsNoCase(name, each); });
}

// `value` without the ";name[=value]" parameters that `drop` names. `params` is a view into `value`: its parameters
// from the first ';' to the end; the rest of each kept parameter stays as it was.
template <std::size_t N>
std::string withoutParams(std::string_view value, std::string_view params,
                          const std::array<std::string_view, N>& drop) {
    if (params.empty() || params.data() < value.data() || params.data() > value.data() + value.size())
        return std::string(value);
    const auto start = static_cast<std::size_t>(params.data() - value.data());
    std::string out(trimLws(value.substr(0, start)));
    const std::string_view rest = value.substr(start);
    // Split on ';' outside quoted strings (a quoted parameter value may hold one).
    bool isQuoted = false;
    std::size_t from = 0;
    for (std::size_t i = 0; i <= rest.size(); ++i) {
        if (i < rest.size() && rest[i] == '"')
            isQuoted = !isQuoted;
        if (i < rest.size() && (rest[i] != ';' || isQuoted))
            continue;
        const std::string_view param = trimLws(rest.substr(from, i - from));
        from = i + 1;
        if (param.empty() || isOneOf(trimLws(param.substr(0, param.find('='))), drop))
            continue;
        out += ';';
        out += param;
    }
    return out;
}

// Authorization and the challenges: the scheme and every auth-param but the ones that change each time.
std::string withoutChangingDigestParams(std::string_view value) {
    AuthValue auth;
    if (!parseAuth(value, auth))
        return std::string(value);
    std::string out(auth.scheme);
    ListReader params(auth.params);
    std::string_view param;
    bool isFirst = true;
    while (params.next(param)) {
        if (isOneOf(trimLws(param.substr(0, param.find('='))), DigestParams))
            continue;
        out += isFirst ? " " : ", ";
        out += param;
        isFirst = false;
    }
    return out;
}

// The values of one header line as the diff compares them: one per Via element, else the line.
void addHeader(MessageSummary& summary, std::string_view wireName, std::string_view value, bool allHeaders) {
    const std::string_view name = expandCompactName(wireName);
    std::string key = lowerCase(name);
    auto add = [&](std::string text) { summary.headers.push_back({key, std::string(name), std::move(text)}); };
    if (allHeaders) {
        add(std::string(value));
        return;
    }
    if (isOneOf(key, AlwaysDifferent))
        return;
    if (key == "from" || key == "to") {
        add(withoutParams(value, parseNameAddr(value).params, TagParams));
    } else if (key == "via") {
        ListReader elements(value);
        std::string_view element;
        while (elements.next(element)) {
            ViaHop hop;
            parseViaHop(element, hop);  // a hop that breaks the grammar is compared by what was read
            add(withoutParams(element, hop.params, ViaParams));
        }
    } else if (key == "cseq") {
        // The method only: the numbers differ between calls (RFC 3261 §8.1.1.5: the first one is arbitrary).
        const std::size_t space = value.find_first_of(" \t");
        add(std::string(space == std::string_view::npos ? value : trimLws(value.substr(space))));
    } else if (key == "authorization" || key == "proxy-authorization" || key == "www-authenticate" ||
               key == "proxy-authenticate") {
        add(withoutChangingDigestParams(value));
    } else {
        add(std::string(value));
    }
}

void summarizeSdp(MessageSummary& summary, SdpParser& parser, std::string_view body) {
    summary.hasSdp = true;
    const SessionDescriptionView& session = parser.parse(body);
    for (const MediaDescriptionView& media : session.media()) {
        SdpMediaSummary& out = summary.media.emplace_back();
        out.media = media.media;
        out.port = std::to_string(media.port);
        out.proto = media.protocol;
        if (const auto connection = session.effectiveConnection(media))
            out.address = connection->address;
        out.direction = mediaDirectionName(session.effectiveDirection(media));
        appendCodecNames(media, out.codecs);
        if (media.ptimeMs)
            out.ptime = std::to_string(*media.ptimeMs);
    }
}

}  // namespace

MessageSummary summarizeMessage(SipParser& sip, SdpParser& sdp, std::string_view text, bool allHeaders) {
    MessageSummary summary;
    const SipMessageView& message = sip.parse(text);
    summary.cseqMethod = message.cseq().method;
    if (message.isRequest()) {
        summary.isRequest = true;
        summary.key = message.method();
        summary.label = message.method();
        summary.headers.push_back({"request-uri", "Request-URI", std::string(message.requestUri())});
    } else if (message.isResponse()) {
        const std::string status = std::to_string(message.statusCode());
        summary.isFinal = message.statusCode() >= 200;
        summary.key = status + " " + summary.cseqMethod;
        summary.label = status;
        if (!message.reasonPhrase().empty())
            summary.label.append(" ").append(message.reasonPhrase());
        summary.label.append(" (").append(summary.cseqMethod).append(")");
    } else {
        summary.key = "?";
        summary.label = "(malformed)";
    }
    for (const HeaderField& field : message.headers())
        addHeader(summary, field.name, field.value, allHeaders);
    if (const std::string_view body = message.sdp(); !body.empty())
        summarizeSdp(summary, sdp, body);
    return summary;
}

std::vector<HeaderDifference> compareHeaders(const MessageSummary& a, const MessageSummary& b) {
    std::vector<const MessageSummary::Header*> names;  // the first of each name, A's then B's
    for (const MessageSummary* side : {&a, &b})
        for (const MessageSummary::Header& header : side->headers)
            if (std::none_of(names.begin(), names.end(), [&](const auto* seen) { return seen->key == header.key; }))
                names.push_back(&header);
    auto valuesOf = [](const MessageSummary& side, const std::string& key) {
        std::vector<std::string> values;
        for (const MessageSummary::Header& header : side.headers)
            if (header.key == key)
                values.push_back(header.value);
        return values;
    };
    std::vector<HeaderDifference> differences;
    for (const MessageSummary::Header* name : names) {
        std::vector<std::string> inA = valuesOf(a, name->key), inB = valuesOf(b, name->key);
        if (inA != inB)
            differences.push_back({name->name, std::move(inA), std::move(inB)});
    }
    return differences;
}

std::vector<SdpDifference> compareSdp(const MessageSummary& a, const MessageSummary& b) {
    std::vector<SdpDifference> differences;
    if (a.hasSdp != b.hasSdp) {
        differences.push_back({std::nullopt, "sdp", a.hasSdp ? "present" : "", b.hasSdp ? "present" : ""});
        return differences;
    }
    auto line = [](const SdpMediaSummary& m) { return m.media + " " + m.port + " " + m.proto; };
    for (std::size_t i = 0; i < std::max(a.media.size(), b.media.size()); ++i) {
        if (i >= a.media.size() || i >= b.media.size()) {
            differences.push_back(
                {i, "media", i < a.media.size() ? line(a.media[i]) : "", i < b.media.size() ? line(b.media[i]) : ""});
            continue;
        }
        const SdpMediaSummary& x = a.media[i];
        const SdpMediaSummary& y = b.media[i];
        const std::pair<const char*, std::string SdpMediaSummary::*> fields[] = {
            {"media", &SdpMediaSummary::media},         {"port", &SdpMediaSummary::port},
            {"proto", &SdpMediaSummary::proto},         {"address", &SdpMediaSummary::address},
            {"direction", &SdpMediaSummary::direction}, {"codecs", &SdpMediaSummary::codecs},
            {"ptime", &SdpMediaSummary::ptime},
        };
        for (const auto& [field, member] : fields)
            if (x.*member != y.*member)
                differences.push_back({i, field, x.*member, y.*member});
    }
    return differences;
}

}  // namespace sipscope::decode::detail
