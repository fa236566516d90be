// The SDP parser's a= lines (RFC 8866 §5.13): the attribute list, and the typed attributes read into the session
// or its current media: direction, rtpmap, fmtp, ICE (RFC 8839), crypto (RFC 4568), fingerprint and setup
// (RFC 8122), rtcp (RFC 3605), rtcp-mux, mid, label, ptime and maxptime.
#include "decode/detail/sdp_reader.hpp"

namespace sipscope::decode::detail {

namespace {

std::optional<std::uint8_t> parsePayloadType(std::string_view digits) {
    return parseNumber<std::uint8_t>(digits, 127);  // RFC 3550 §5.1: PT is 7 bits
}

// RFC 8839 §5.1: ice-char = ALPHA / DIGIT / "+" / "/"
bool isIceChar(char c) { return isAlnum(c) || c == '+' || c == '/'; }

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

}  // namespace

bool SdpReader::readAttribute(std::string_view value) {
    if (!hasRoomForAttribute(value)) {
        return false;
    }
    // a=<attribute-name>[:<attribute-value>] (RFC 8866 §5.13)
    std::string_view attributeValue = value;
    bool hasValue = false;
    const std::string_view name = splitAt(attributeValue, ':', &hasValue);
    m_session.m_attributes.push_back({name, attributeValue, hasValue});
    if (!isToken(name)) {
        fail(SdpErrorCode::BadAttribute, "a= attribute name is not a token", offsetOf(value));
        return true;
    }
    readTypedAttribute(name, attributeValue);
    return true;
}

void SdpReader::readTypedAttribute(std::string_view name, std::string_view value) {
    // Attribute names are ABNF literals, so case-insensitive (RFC 5234 §2.3); devices do send
    // "a=SendOnly".
    const auto is = [name](std::string_view canonical) { return equalsNoCase(name, canonical); };
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
    const bool hasTyp = equalsNoCase(nextField(rest), "typ");
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

}  // namespace sipscope::decode::detail
