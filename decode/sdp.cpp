// The SDP parser (RFC 8866): lines, session and media fields, typed attributes, and helpers.
//
// Index
// [SECTION] Lexing helpers
// [SECTION] SdpReader: lines and errors
// [SECTION] Session and media fields
// [SECTION] Attributes
// [SECTION] Views, helpers and the static payload table
#include "decode/sdp.hpp"

#include "decode/detail/lex.hpp"

#include <array>
#include <cstring>
#include <limits>

namespace sipscope::decode {

namespace {

//--------------------------------------------------------------------------------------------------
// [SECTION] Lexing helpers
//--------------------------------------------------------------------------------------------------

constexpr std::uint64_t MaxUint32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t MaxUint16 = std::numeric_limits<std::uint16_t>::max();
// Large enough for any NTP time or bandwidth, small enough that parseDecimal's value * 10 cannot
// overflow.
constexpr std::uint64_t MaxBigNumber = 1'000'000'000'000'000'000ULL;

// Splits off the next field. RFC 8866 §9 separates fields with exactly one SP; devices send runs of
// SP and HTAB.
std::string_view nextField(std::string_view& rest) {
    std::size_t begin = 0;
    while (begin < rest.size() && detail::isWsp(rest[begin])) {
        ++begin;
    }
    std::size_t end = begin;
    while (end < rest.size() && !detail::isWsp(rest[end])) {
        ++end;
    }
    const std::string_view field = rest.substr(begin, end - begin);
    rest = rest.substr(end);
    return field;
}

std::string_view trimWsp(std::string_view s) {
    while (!s.empty() && detail::isWsp(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && detail::isWsp(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

// Splits `s` at the first `separator`: returns the part before it and leaves the part after it in
// `s` (empty when the separator is absent, which `found` reports).
std::string_view splitAt(std::string_view& s, char separator, bool* found = nullptr) {
    const std::size_t at = s.find(separator);
    const std::string_view head = s.substr(0, at);
    s = at == std::string_view::npos ? s.substr(s.size()) : s.substr(at + 1);  // stays inside the body
    if (found != nullptr) {
        *found = at != std::string_view::npos;
    }
    return head;
}

template <typename T>
std::optional<T> parseNumber(std::string_view digits, std::uint64_t max) {
    const std::optional<std::uint64_t> value = detail::parseDecimal(digits, max);
    return value ? std::optional<T>(static_cast<T>(*value)) : std::nullopt;
}

std::optional<std::uint8_t> parsePayloadType(std::string_view digits) {
    return parseNumber<std::uint8_t>(digits, 127);  // RFC 3550 §5.1: PT is 7 bits
}

bool isAllDigits(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!detail::isDigit(c)) {
            return false;
        }
    }
    return true;
}

// RFC 8839 §5.1: ice-char = ALPHA / DIGIT / "+" / "/"
bool isIceChar(char c) { return detail::isAlnum(c) || c == '+' || c == '/'; }

template <typename T, std::size_t N>
using NameTable = std::array<std::pair<std::string_view, T>, N>;

// The value of a keyword, compared case-insensitively as ABNF literals are (RFC 5234 §2.3).
template <typename T, std::size_t N>
std::optional<T> lookup(const NameTable<T, N>& table, std::string_view name) {
    for (const auto& [keyword, value] : table) {
        if (detail::equalsNoCase(name, keyword)) {
            return value;
        }
    }
    return std::nullopt;
}

constexpr NameTable<MediaType, 6> MediaTypes{{
    {"audio", MediaType::Audio},
    {"video", MediaType::Video},
    {"image", MediaType::Image},
    {"application", MediaType::Application},
    {"text", MediaType::Text},
    {"message", MediaType::Message},
}};

constexpr NameTable<MediaDirection, 4> Directions{{
    {"sendrecv", MediaDirection::SendRecv},
    {"sendonly", MediaDirection::SendOnly},
    {"recvonly", MediaDirection::RecvOnly},
    {"inactive", MediaDirection::Inactive},
}};

constexpr NameTable<SetupRole, 4> SetupRoles{{
    {"active", SetupRole::Active},
    {"passive", SetupRole::Passive},
    {"actpass", SetupRole::ActPass},
    {"holdconn", SetupRole::HoldConn},
}};

constexpr NameTable<IceCandidateType, 4> CandidateTypes{{
    {"host", IceCandidateType::Host},
    {"srflx", IceCandidateType::ServerReflexive},
    {"prflx", IceCandidateType::PeerReflexive},
    {"relay", IceCandidateType::Relayed},
}};

// c=<nettype> <addrtype> <connection-address> (RFC 8866 §5.7). Fills what it can; false when
// malformed.
bool parseConnection(std::string_view value, SdpConnection& connection) {
    connection.netType = nextField(value);
    connection.addrType = nextField(value);
    std::string_view address = nextField(value);
    const bool hasExtra = !nextField(value).empty();
    connection.address = splitAt(address, '/');
    if (connection.address.empty()) {
        return false;
    }
    bool isGood = !hasExtra;
    if (!address.empty()) {
        // RFC 8866 §5.7: IP4 multicast is <base>/<ttl>[/<count>], IP6 multicast <base>[/<count>].
        std::string_view first = splitAt(address, '/');
        std::string_view count = address;
        if (detail::equalsNoCase(connection.addrType, "IP4")) {
            const auto ttl = parseNumber<std::uint8_t>(first, 255);
            isGood = isGood && ttl.has_value();
            connection.ttl = ttl.value_or(0);
        } else {
            isGood = isGood && count.empty();
            count = first;
        }
        if (!count.empty()) {
            const auto addressCount = parseNumber<std::uint32_t>(count, MaxUint32);
            isGood = isGood && addressCount.has_value();
            connection.addressCount = addressCount.value_or(1);
        }
    }
    return isGood;
}

}  // namespace

//--------------------------------------------------------------------------------------------------
// [SECTION] SdpReader: lines and errors
//--------------------------------------------------------------------------------------------------

namespace detail {

class SdpReader {
public:
    SdpReader(std::string_view body, const SdpLimits& limits, SessionDescriptionView& session)
        : m_body(body), m_limits(limits), m_session(session) {}

    void read();

private:
    // The first error found is the one reported; later ones are consequences more often than not.
    void fail(SdpErrorCode code, std::string_view reason, std::size_t offset) {
        if (m_session.m_error.code != SdpErrorCode::None) {
            return;
        }
        constexpr std::size_t MaxOffset = std::numeric_limits<std::uint32_t>::max();
        m_session.m_error = {code, reason, static_cast<std::uint32_t>(offset < MaxOffset ? offset : MaxOffset)};
    }
    std::size_t offsetOf(std::string_view view) const { return static_cast<std::size_t>(view.data() - m_body.data()); }
    MediaDescriptionView* currentMedia() { return m_session.m_media.empty() ? nullptr : &m_session.m_media.back(); }

    // Each returns false when a limit stops the parse.
    bool readLine(char type, std::string_view value);
    void readVersion(std::string_view value);
    void readOrigin(std::string_view value);
    void readConnection(std::string_view value);
    void readTiming(std::string_view value);
    bool readBandwidth(std::string_view value);
    bool readMedia(std::string_view value);
    bool readAttribute(std::string_view value);
    void readTypedAttribute(std::string_view name, std::string_view value);
    void readRtpMap(std::string_view value);
    void readFmtp(std::string_view value);
    void readCandidate(std::string_view value);
    void readCrypto(std::string_view value);
    void readRtcp(MediaDescriptionView& media, std::string_view value);
    void readFingerprint(std::string_view value);
    std::optional<std::uint32_t> readPacketTime(std::string_view value);
    void checkMandatoryFields();

    std::string_view m_body;
    const SdpLimits& m_limits;
    SessionDescriptionView& m_session;
    bool m_seenOrigin = false;
    bool m_seenSessionName = false;
};

void SdpReader::read() {
    if (trimLws(m_body).empty()) {
        fail(SdpErrorCode::Empty, "no session description: empty or only whitespace", 0);
        return;
    }
    bool isFirstLine = true;
    std::size_t pos = 0;
    while (pos < m_body.size()) {
        // RFC 8866 §5 wants CRLF; bare LF is accepted as §5 asks of parsers, and a last line may
        // lack either.
        const void* lf = std::memchr(m_body.data() + pos, '\n', m_body.size() - pos);
        const std::size_t lineEnd =
            lf == nullptr ? m_body.size() : static_cast<std::size_t>(static_cast<const char*>(lf) - m_body.data());
        const std::size_t next = lf == nullptr ? m_body.size() : lineEnd + 1;
        const std::string_view line = trimWsp(m_body.substr(pos, lineEnd - pos));
        const std::size_t lineStart = pos;
        pos = next;
        const std::string_view text =
            !line.empty() && line.back() == '\r' ? trimWsp(line.substr(0, line.size() - 1)) : line;
        if (lineEnd - lineStart > m_limits.maxLineLength) {
            fail(SdpErrorCode::LineTooLong, "line longer than the limit", lineStart);
            return;
        }
        if (text.empty()) {
            continue;  // blank lines, e.g. the CRLF some devices add after the body, carry nothing
        }
        // RFC 8866 §5: <type>=<value>, type one letter, no whitespace either side of '='.
        if (text.size() < 2 || text[1] != '=' || !detail::isAlpha(text[0])) {
            fail(SdpErrorCode::BadLine, "line is not <type>=<value>", offsetOf(text));
            isFirstLine = false;
            continue;
        }
        if (isFirstLine && text[0] != 'v') {
            fail(SdpErrorCode::BadVersion, "the first line is not v= (RFC 8866 §5)", offsetOf(text));
        }
        isFirstLine = false;
        if (!readLine(text[0], text.substr(2))) {
            return;
        }
    }
    checkMandatoryFields();
}

bool SdpReader::readLine(char type, std::string_view value) {
    switch (type) {
    case 'v': readVersion(value); return true;
    case 'o': readOrigin(value); return true;
    case 's':
        // Only the first counts; RFC 8866 §5.3 allows "s= " for a session without a name.
        if (!m_seenSessionName) {
            m_seenSessionName = true;
            m_session.m_sessionName = value;
        }
        return true;
    case 'c': readConnection(value); return true;
    case 't': readTiming(value); return true;
    case 'b': return readBandwidth(value);
    case 'm': return readMedia(value);
    case 'a': return readAttribute(value);
    default:
        // i= u= e= p= r= z= k= carry nothing we use; RFC 8866 §5 says to ignore unknown types.
        return true;
    }
}

void SdpReader::checkMandatoryFields() {
    // RFC 8866 §5: v=, o=, s= and t= are required at session level.
    if (!m_seenOrigin) {
        fail(SdpErrorCode::MissingField, "no o= line (RFC 8866 §5.2)", m_body.size());
    }
    if (!m_seenSessionName) {
        fail(SdpErrorCode::MissingField, "no s= line (RFC 8866 §5.3)", m_body.size());
    }
    if (!m_session.m_timing) {
        fail(SdpErrorCode::MissingField, "no t= line (RFC 8866 §5.9)", m_body.size());
    }
    // RFC 8866 §5.7: c= at session level or in every media. A rejected stream (port 0) carries no
    // media.
    for (const MediaDescriptionView& media : m_session.m_media) {
        if (media.port != 0 && !media.connection && !m_session.m_connection) {
            fail(SdpErrorCode::MissingField, "media without c= at media or session level (RFC 8866 §5.7)",
                 media.offset);
        }
    }
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Session and media fields
//--------------------------------------------------------------------------------------------------

void SdpReader::readVersion(std::string_view value) {
    if (m_session.m_version) {
        return;
    }
    m_session.m_version = parseNumber<std::uint32_t>(value, MaxUint32);
    // RFC 8866 §5.1: there is no version other than 0.
    if (m_session.m_version != 0U) {
        fail(SdpErrorCode::BadVersion, "v= is not 0", offsetOf(value));
    }
}

void SdpReader::readOrigin(std::string_view value) {
    if (m_seenOrigin) {
        return;
    }
    m_seenOrigin = true;
    SdpOrigin& origin = m_session.m_origin;
    std::string_view rest = value;
    origin.username = nextField(rest);
    origin.sessionId = nextField(rest);
    origin.sessionVersion = nextField(rest);
    origin.netType = nextField(rest);
    origin.addrType = nextField(rest);
    origin.address = nextField(rest);
    // RFC 8866 §5.2: sess-id and sess-version are 1*DIGIT, kept as text since they may exceed 64
    // bits.
    const bool isDigits = isAllDigits(origin.sessionId) && isAllDigits(origin.sessionVersion);
    if (origin.address.empty() || !nextField(rest).empty() || !isDigits) {
        fail(SdpErrorCode::BadOrigin, "o= is not <username> <sess-id> <sess-version> <nettype> <addrtype> <address>",
             offsetOf(value));
    }
}

void SdpReader::readConnection(std::string_view value) {
    SdpConnection connection;
    if (!parseConnection(value, connection)) {
        fail(SdpErrorCode::BadConnection, "c= is not <nettype> <addrtype> <address>[/<ttl>][/<count>]",
             offsetOf(value));
    }
    if (connection.address.empty()) {
        return;
    }
    MediaDescriptionView* media = currentMedia();
    std::optional<SdpConnection>& target = media != nullptr ? media->connection : m_session.m_connection;
    // RFC 8866 §5.7 allows several c= per media (multicast layers); the first is the one a stream
    // uses.
    if (!target) {
        target = connection;
    }
}

void SdpReader::readTiming(std::string_view value) {
    std::string_view rest = value;
    const auto start = parseNumber<std::uint64_t>(nextField(rest), MaxBigNumber);
    const auto stop = parseNumber<std::uint64_t>(nextField(rest), MaxBigNumber);
    if (!start || !stop || !nextField(rest).empty()) {
        fail(SdpErrorCode::BadTiming, "t= is not <start-time> <stop-time>", offsetOf(value));
    }
    // Repeated t= lines list more active periods (RFC 8866 §5.9); the first says whether it is
    // bounded.
    if (!m_session.m_timing) {
        m_session.m_timing = SdpTiming{start.value_or(0), stop.value_or(0)};
    }
}

bool SdpReader::readBandwidth(std::string_view value) {
    if (m_session.m_attributes.size() + m_session.m_bandwidths.size() >= m_limits.maxAttributes) {
        fail(SdpErrorCode::TooManyAttributes, "more a= and b= lines than the limit", offsetOf(value));
        return false;
    }
    std::string_view rest = value;
    bool hasColon = false;
    const std::string_view type = splitAt(rest, ':', &hasColon);
    const auto bandwidth = parseNumber<std::uint64_t>(trimWsp(rest), MaxBigNumber);
    if (!hasColon || !detail::isToken(type) || !bandwidth) {
        fail(SdpErrorCode::BadBandwidth, "b= is not <bwtype>:<bandwidth>", offsetOf(value));
        return true;
    }
    m_session.m_bandwidths.push_back({type, *bandwidth});
    return true;
}

bool SdpReader::readMedia(std::string_view value) {
    if (m_session.m_media.size() >= m_limits.maxMedia) {
        fail(SdpErrorCode::TooManyMedia, "more m= lines than the limit", offsetOf(value) - 2);
        return false;
    }
    // A malformed m= line still opens a media section, so the a= lines after it don't land at
    // session level.
    m_session.m_mediaStarts.push_back({m_session.m_formats.size(), m_session.m_bandwidths.size(),
                                       m_session.m_attributes.size(), m_session.m_rtpmaps.size(),
                                       m_session.m_fmtps.size(), m_session.m_candidates.size(),
                                       m_session.m_cryptos.size()});
    MediaDescriptionView& media = m_session.m_media.emplace_back();
    media.offset = static_cast<std::uint32_t>(std::min<std::size_t>(offsetOf(value) - 2, MaxUint32));

    // m=<media> <port>[/<number of ports>] <proto> 1*(SP <fmt>) (RFC 8866 §5.14)
    std::string_view rest = value;
    media.media = nextField(rest);
    media.type = lookup(MediaTypes, media.media).value_or(MediaType::Other);
    std::string_view portField = nextField(rest);
    const auto port = parseNumber<std::uint16_t>(splitAt(portField, '/'), MaxUint16);
    const auto portCount =
        portField.empty() ? std::optional<std::uint32_t>(1) : parseNumber<std::uint32_t>(portField, MaxUint32);
    media.port = port.value_or(0);
    media.portCount = portCount.value_or(1);
    media.protocol = nextField(rest);
    std::size_t formatCount = 0;
    for (std::string_view format = nextField(rest); !format.empty(); format = nextField(rest)) {
        if (m_session.m_formats.size() >= m_limits.maxFormats) {
            fail(SdpErrorCode::TooManyFormats, "more m= formats than the limit", offsetOf(format));
            return false;
        }
        m_session.m_formats.push_back(format);
        ++formatCount;
    }
    if (!detail::isToken(media.media)) {
        fail(SdpErrorCode::BadMedia, "m= media type is not a token", offsetOf(value));
    } else if (!port || !portCount) {
        fail(SdpErrorCode::BadMedia, "m= port is not a number 0..65535 with an optional /count", offsetOf(value));
    } else if (media.protocol.empty() || formatCount == 0) {
        fail(SdpErrorCode::BadMedia, "m= has no protocol or no formats", offsetOf(value));
    }
    return true;
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Attributes
//--------------------------------------------------------------------------------------------------

bool SdpReader::readAttribute(std::string_view value) {
    if (m_session.m_attributes.size() + m_session.m_bandwidths.size() >= m_limits.maxAttributes) {
        fail(SdpErrorCode::TooManyAttributes, "more a= and b= lines than the limit", offsetOf(value));
        return false;
    }
    // a=<attribute-name>[:<attribute-value>] (RFC 8866 §5.13)
    std::string_view attributeValue = value;
    bool hasValue = false;
    const std::string_view name = splitAt(attributeValue, ':', &hasValue);
    m_session.m_attributes.push_back({name, attributeValue, hasValue});
    if (!detail::isToken(name)) {
        fail(SdpErrorCode::BadAttribute, "a= attribute name is not a token", offsetOf(value));
        return true;
    }
    readTypedAttribute(name, attributeValue);
    return true;
}

void SdpReader::readTypedAttribute(std::string_view name, std::string_view value) {
    // Attribute names are ABNF literals, so case-insensitive (RFC 5234 §2.3); devices do send
    // "a=SendOnly".
    const auto is = [name](std::string_view canonical) { return detail::equalsNoCase(name, canonical); };
    MediaDescriptionView* media = currentMedia();
    if (const std::optional<MediaDirection> direction = lookup(Directions, name)) {
        (media != nullptr ? media->direction : m_session.m_direction) = direction;
    } else if (is("rtpmap")) {
        readRtpMap(value);
    } else if (is("fmtp")) {
        readFmtp(value);
    } else if (is("candidate")) {
        readCandidate(value);
    } else if (is("crypto")) {
        readCrypto(value);
    } else if (is("fingerprint")) {
        readFingerprint(value);
    } else if (is("ice-ufrag")) {
        (media != nullptr ? media->iceUfrag : m_session.m_iceUfrag) = trimWsp(value);
    } else if (is("ice-pwd")) {
        (media != nullptr ? media->icePwd : m_session.m_icePwd) = trimWsp(value);
    } else if (is("ice-lite")) {
        m_session.m_isIceLite = true;  // RFC 8839 §5.3: session level only
    } else if (is("setup")) {
        const std::optional<SetupRole> role = lookup(SetupRoles, trimWsp(value));
        if (!role) {
            fail(SdpErrorCode::BadAttribute, "a=setup is not active, passive, actpass or holdconn", offsetOf(value));
        }
        (media != nullptr ? media->setup : m_session.m_setup) = role;
    } else if (media == nullptr) {
        return;  // the rest are media-level attributes (RFC 8866 §6, RFC 3605, RFC 5761, RFC 5888,
                 // RFC 4574)
    } else if (is("ptime")) {
        media->ptimeMs = readPacketTime(value);
    } else if (is("maxptime")) {
        media->maxptimeMs = readPacketTime(value);
    } else if (is("rtcp")) {
        readRtcp(*media, value);
    } else if (is("rtcp-mux")) {
        media->isRtcpMux = true;
    } else if (is("mid")) {
        media->mid = trimWsp(value);
    } else if (is("label")) {
        media->label = trimWsp(value);
    }
}

void SdpReader::readRtpMap(std::string_view value) {
    // a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>] (RFC 8866 §6.6)
    std::string_view rest = value;
    const std::optional<std::uint8_t> payloadType = parsePayloadType(nextField(rest));
    std::string_view encoding = trimWsp(rest);
    const std::string_view encodingName = splitAt(encoding, '/');
    bool hasChannels = false;
    const auto clockRate = parseNumber<std::uint32_t>(splitAt(encoding, '/', &hasChannels), MaxUint32);
    const auto channels =
        hasChannels ? parseNumber<std::uint16_t>(encoding, MaxUint16) : std::optional<std::uint16_t>(1);
    if (!payloadType || encodingName.empty() || !clockRate || !channels) {
        fail(SdpErrorCode::BadAttribute, "a=rtpmap is not <payload type> <encoding>/<clock rate>[/<channels>]",
             offsetOf(value));
    }
    // A name without a clock rate ("a=rtpmap:31 LPC", in RFC 4475's bodies) still names the codec.
    if (payloadType && !encodingName.empty()) {
        m_session.m_rtpmaps.push_back({*payloadType, encodingName, clockRate.value_or(0), channels.value_or(1)});
    }
}

void SdpReader::readFmtp(std::string_view value) {
    // a=fmtp:<format> <format specific parameters> (RFC 8866 §6.15)
    std::string_view rest = value;
    const std::string_view format = nextField(rest);
    if (format.empty()) {
        fail(SdpErrorCode::BadAttribute, "a=fmtp without a format", offsetOf(value));
        return;
    }
    m_session.m_fmtps.push_back({format, parsePayloadType(format), trimWsp(rest)});
}

void SdpReader::readCandidate(std::string_view value) {
    // RFC 8839 §5.1: <foundation> <component-id> <transport> <priority> <connection-address> <port>
    // typ <cand-type> [raddr <address>] [rport <port>] *(<extension-att-name>
    // <extension-att-value>)
    std::string_view rest = value;
    SdpCandidate candidate;
    candidate.foundation = nextField(rest);
    const auto component = parseNumber<std::uint16_t>(nextField(rest), 999);
    candidate.transport = nextField(rest);
    const auto priority = parseNumber<std::uint32_t>(nextField(rest), MaxUint32);
    candidate.address = nextField(rest);
    const auto port = parseNumber<std::uint16_t>(nextField(rest), MaxUint16);
    const bool hasTyp = detail::equalsNoCase(nextField(rest), "typ");
    candidate.typeName = nextField(rest);
    bool isGood = !candidate.foundation.empty() && candidate.foundation.size() <= 32 && component &&
                  !candidate.transport.empty() && priority && !candidate.address.empty() && port && hasTyp &&
                  !candidate.typeName.empty();
    for (char c : candidate.foundation) {
        isGood = isGood && isIceChar(c);
    }
    for (std::string_view key = nextField(rest); isGood && !key.empty(); key = nextField(rest)) {
        const std::string_view attributeValue = nextField(rest);
        isGood = !attributeValue.empty();
        if (key == "raddr") {
            candidate.relatedAddress = attributeValue;
        } else if (key == "rport") {
            candidate.relatedPort = parseNumber<std::uint16_t>(attributeValue, MaxUint16);
            isGood = isGood && candidate.relatedPort.has_value();
        }
    }
    if (!isGood) {
        fail(SdpErrorCode::BadAttribute, "a=candidate does not follow RFC 8839 §5.1", offsetOf(value));
        return;
    }
    candidate.component = *component;
    candidate.priority = *priority;
    candidate.port = *port;
    candidate.type = lookup(CandidateTypes, candidate.typeName).value_or(IceCandidateType::Other);
    m_session.m_candidates.push_back(candidate);
}

void SdpReader::readCrypto(std::string_view value) {
    // a=crypto:<tag> <crypto-suite> <key-params> [<session-params>] (RFC 4568 §9.1), tag 1*9DIGIT
    std::string_view rest = value;
    const auto tag = parseNumber<std::uint32_t>(nextField(rest), 999'999'999);
    SdpCrypto crypto;
    crypto.suite = nextField(rest);
    crypto.keyParams = nextField(rest);
    crypto.sessionParams = trimWsp(rest);
    if (!tag || crypto.suite.empty() || crypto.keyParams.empty()) {
        fail(SdpErrorCode::BadAttribute, "a=crypto is not <tag> <crypto-suite> <key-params>", offsetOf(value));
        return;
    }
    crypto.tag = *tag;
    m_session.m_cryptos.push_back(crypto);
}

void SdpReader::readRtcp(MediaDescriptionView& media, std::string_view value) {
    // a=rtcp:<port> [<nettype> <addrtype> <connection-address>] (RFC 3605 §2.1)
    std::string_view rest = value;
    const auto port = parseNumber<std::uint16_t>(nextField(rest), MaxUint16);
    SdpRtcp rtcp;
    rtcp.netType = nextField(rest);
    rtcp.addrType = nextField(rest);
    rtcp.address = nextField(rest);
    const bool hasAddressOrNone = rtcp.netType.empty() || !rtcp.address.empty();
    if (!port || !hasAddressOrNone || !nextField(rest).empty()) {
        fail(SdpErrorCode::BadAttribute, "a=rtcp is not <port> [<nettype> <addrtype> <address>]", offsetOf(value));
        return;
    }
    rtcp.port = *port;
    media.rtcp = rtcp;
}

void SdpReader::readFingerprint(std::string_view value) {
    // a=fingerprint:<hash-func> <fingerprint> (RFC 8122 §5)
    std::string_view rest = value;
    SdpFingerprint fingerprint;
    fingerprint.hashFunction = nextField(rest);
    fingerprint.fingerprint = nextField(rest);
    if (fingerprint.fingerprint.empty() || !nextField(rest).empty()) {
        fail(SdpErrorCode::BadAttribute, "a=fingerprint is not <hash-function> <fingerprint>", offsetOf(value));
        return;
    }
    MediaDescriptionView* media = currentMedia();
    (media != nullptr ? media->fingerprint : m_session.m_fingerprint) = fingerprint;
}

std::optional<std::uint32_t> SdpReader::readPacketTime(std::string_view value) {
    // RFC 8866 §6.4 gives milliseconds as an integer; some devices write "20.0", so a fraction is
    // dropped.
    std::string_view rest = trimWsp(value);
    const std::string_view whole = splitAt(rest, '.');
    const auto milliseconds = parseNumber<std::uint32_t>(whole, MaxUint32);
    if (!milliseconds || (!rest.empty() && !isAllDigits(rest))) {
        fail(SdpErrorCode::BadAttribute, "a=ptime or a=maxptime is not a number of milliseconds", offsetOf(value));
        return std::nullopt;
    }
    return milliseconds;
}

}  // namespace detail

//--------------------------------------------------------------------------------------------------
// [SECTION] Views, helpers and the static payload table
//--------------------------------------------------------------------------------------------------

namespace {

template <typename T>
std::span<const T> cut(const std::vector<T>& items, std::size_t begin, std::size_t end) {
    return std::span<const T>(items).subspan(begin, end - begin);
}

}  // namespace

void SessionDescriptionView::reset() {
    m_version.reset();
    m_origin = {};
    m_sessionName = {};
    m_connection.reset();
    m_timing.reset();
    m_sessionBandwidths = {};
    m_sessionAttributes = {};
    m_direction.reset();
    m_iceUfrag = {};
    m_icePwd = {};
    m_isIceLite = false;
    m_setup.reset();
    m_fingerprint.reset();
    m_error = {};
    m_media.clear();
    m_mediaStarts.clear();
    m_formats.clear();
    m_bandwidths.clear();
    m_attributes.clear();
    m_rtpmaps.clear();
    m_fmtps.clear();
    m_candidates.clear();
    m_cryptos.clear();
}

void SessionDescriptionView::cutSpans() {
    const ItemStarts ends{m_formats.size(), m_bandwidths.size(), m_attributes.size(), m_rtpmaps.size(),
                          m_fmtps.size(),   m_candidates.size(), m_cryptos.size()};
    const ItemStarts& sessionEnds = m_mediaStarts.empty() ? ends : m_mediaStarts.front();
    m_sessionBandwidths = cut(m_bandwidths, 0, sessionEnds.bandwidths);
    m_sessionAttributes = cut(m_attributes, 0, sessionEnds.attributes);
    for (std::size_t i = 0; i < m_media.size(); ++i) {
        const ItemStarts& begin = m_mediaStarts[i];
        const ItemStarts& end = i + 1 < m_mediaStarts.size() ? m_mediaStarts[i + 1] : ends;
        MediaDescriptionView& media = m_media[i];
        media.formats = cut(m_formats, begin.formats, end.formats);
        media.bandwidths = cut(m_bandwidths, begin.bandwidths, end.bandwidths);
        media.attributes = cut(m_attributes, begin.attributes, end.attributes);
        media.rtpmaps = cut(m_rtpmaps, begin.rtpmaps, end.rtpmaps);
        media.fmtps = cut(m_fmtps, begin.fmtps, end.fmtps);
        media.candidates = cut(m_candidates, begin.candidates, end.candidates);
        media.cryptos = cut(m_cryptos, begin.cryptos, end.cryptos);
    }
}

const SessionDescriptionView& SdpParser::parse(std::string_view body) {
    m_session.reset();
    detail::SdpReader(body, m_limits, m_session).read();
    m_session.cutSpans();
    return m_session;
}

std::optional<SdpConnection> SessionDescriptionView::effectiveConnection(const MediaDescriptionView& media) const {
    return media.connection ? media.connection : m_connection;
}

MediaDirection SessionDescriptionView::effectiveDirection(const MediaDescriptionView& media) const {
    return media.direction.value_or(m_direction.value_or(MediaDirection::SendRecv));
}

bool SessionDescriptionView::isHold(const MediaDescriptionView& media) const {
    const MediaDirection direction = effectiveDirection(media);
    if (direction == MediaDirection::SendOnly || direction == MediaDirection::Inactive) {
        return true;
    }
    const std::optional<SdpConnection> connection = effectiveConnection(media);
    return connection && connection->address == "0.0.0.0";
}

std::optional<SdpRtpMap> MediaDescriptionView::payloadFormat(std::uint8_t payloadType) const {
    for (const SdpRtpMap& rtpmap : rtpmaps) {
        if (rtpmap.payloadType == payloadType) {
            return rtpmap;
        }
    }
    return staticPayloadFormat(payloadType);
}

std::string_view MediaDescriptionView::codecName(std::uint8_t payloadType) const {
    const std::optional<SdpRtpMap> format = payloadFormat(payloadType);
    return format ? format->encodingName : std::string_view{};
}

const SdpFmtp* MediaDescriptionView::fmtp(std::uint8_t payloadType) const {
    for (const SdpFmtp& entry : fmtps) {
        if (entry.payloadType == payloadType) {
            return &entry;
        }
    }
    return nullptr;
}

const SdpAttribute* MediaDescriptionView::attribute(std::string_view name) const {
    for (const SdpAttribute& entry : attributes) {
        if (detail::equalsNoCase(entry.name, name)) {
            return &entry;
        }
    }
    return nullptr;
}

std::optional<SdpRtpMap> staticPayloadFormat(std::uint8_t payloadType) {
    // RFC 3551 §6, tables 4 and 5. Types 1 and 2 are reserved, 19 is reserved (was CN), 20-24 and
    // 27-30 unassigned.
    constexpr std::array<SdpRtpMap, 24> Table{{
        {0, "PCMU", 8000, 1},   {3, "GSM", 8000, 1},    {4, "G723", 8000, 1},   {5, "DVI4", 8000, 1},
        {6, "DVI4", 16000, 1},  {7, "LPC", 8000, 1},    {8, "PCMA", 8000, 1},   {9, "G722", 8000, 1},
        {10, "L16", 44100, 2},  {11, "L16", 44100, 1},  {12, "QCELP", 8000, 1}, {13, "CN", 8000, 1},
        {14, "MPA", 90000, 1},  {15, "G728", 8000, 1},  {16, "DVI4", 11025, 1}, {17, "DVI4", 22050, 1},
        {18, "G729", 8000, 1},  {25, "CelB", 90000, 1}, {26, "JPEG", 90000, 1}, {28, "nv", 90000, 1},
        {31, "H261", 90000, 1}, {32, "MPV", 90000, 1},  {33, "MP2T", 90000, 1}, {34, "H263", 90000, 1},
    }};
    for (const SdpRtpMap& entry : Table) {
        if (entry.payloadType == payloadType) {
            return entry;
        }
    }
    return std::nullopt;
}

}  // namespace sipscope::decode
