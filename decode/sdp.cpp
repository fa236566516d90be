// The SDP parser (RFC 8866): lines, session and media fields, and the views and helpers of sdp.hpp. The a= lines are
// read in detail/sdp_attributes.cpp; the field lexing both use is in detail/sdp_reader.hpp.
//
// Index
// [SECTION] SdpReader: lines and errors
// [SECTION] Session and media fields
// [SECTION] Views, helpers and the static payload table
#include "decode/sdp.hpp"

#include "decode/detail/sdp_reader.hpp"

#include <array>
#include <charconv>
#include <cstring>

namespace sipscope::decode {

namespace detail {

namespace {

constexpr NameTable<MediaType, 6> MediaTypes{{
    {"audio", MediaType::Audio},
    {"video", MediaType::Video},
    {"image", MediaType::Image},
    {"application", MediaType::Application},
    {"text", MediaType::Text},
    {"message", MediaType::Message},
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
    if (!hasRoomForAttribute(value)) {
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

std::string_view mediaDirectionName(MediaDirection direction) {
    switch (direction) {
    case MediaDirection::SendRecv: return "sendrecv";
    case MediaDirection::SendOnly: return "sendonly";
    case MediaDirection::RecvOnly: return "recvonly";
    case MediaDirection::Inactive: return "inactive";
    }
    return "sendrecv";
}

namespace {

void appendNumber(std::string& out, std::uint32_t value) {
    char digits[12];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, result.ptr);
}

}  // namespace

void appendCodecNames(const MediaDescriptionView& media, std::string& out) {
    // RTP/AVP, RTP/SAVPF, UDP/TLS/RTP/SAVPF, ...: only there are the formats payload types.
    const bool isRtp = media.protocol.find("RTP/") != std::string_view::npos;
    bool isFirst = true;
    for (std::string_view format : media.formats) {
        if (!isFirst) {
            out += ',';
        }
        isFirst = false;
        std::uint8_t payloadType = 0;
        const auto parsed = std::from_chars(format.data(), format.data() + format.size(), payloadType);
        const bool isPayloadType =
            isRtp && parsed.ec == std::errc() && parsed.ptr == format.data() + format.size() && payloadType <= 127;
        const auto rtpmap = isPayloadType ? media.payloadFormat(payloadType) : std::nullopt;
        if (!rtpmap || rtpmap->encodingName.empty()) {
            out += format;
            continue;
        }
        out += rtpmap->encodingName;
        if (rtpmap->clockRate) {
            out += '/';
            appendNumber(out, rtpmap->clockRate);
            if (rtpmap->channels > 1) {
                out += '/';
                appendNumber(out, rtpmap->channels);
            }
        }
    }
}

}  // namespace sipscope::decode
