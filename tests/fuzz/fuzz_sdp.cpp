// libFuzzer target: one body through SdpParser, then every field and helper, checking that each
// view stays inside the input, that spans are consistent, and that the parser state is reset
// between bodies.
#include "decode/sdp.hpp"
#include "fuzz_require.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using namespace sipscope::decode;

using sipscope::fuzz::require;
using sipscope::fuzz::requireInside;

void requireInside(const std::optional<SdpConnection>& connection, std::string_view input) {
    if (connection) {
        requireInside(connection->netType, input);
        requireInside(connection->addrType, input);
        requireInside(connection->address, input);
        require(!connection->address.empty());
    }
}

void requireInside(const std::optional<SdpFingerprint>& fingerprint, std::string_view input) {
    if (fingerprint) {
        requireInside(fingerprint->hashFunction, input);
        requireInside(fingerprint->fingerprint, input);
    }
}

void checkAttributes(std::span<const SdpAttribute> attributes, std::string_view input) {
    for (const SdpAttribute& attribute : attributes) {
        requireInside(attribute.name, input);
        requireInside(attribute.value, input);
        require(attribute.hasValue || attribute.value.empty());
    }
}

void checkMedia(const SessionDescriptionView& session, const MediaDescriptionView& media, std::string_view input) {
    require(media.offset < input.size());
    requireInside(media.media, input);
    requireInside(media.protocol, input);
    for (std::string_view format : media.formats) {
        require(!format.empty());
        requireInside(format, input);
    }
    requireInside(media.connection, input);
    requireInside(session.effectiveConnection(media), input);
    for (const SdpBandwidth& bandwidth : media.bandwidths) {
        requireInside(bandwidth.type, input);
    }
    checkAttributes(media.attributes, input);
    for (const SdpRtpMap& rtpmap : media.rtpmaps) {
        require(rtpmap.payloadType <= 127);
        requireInside(rtpmap.encodingName, input);
        require(media.payloadFormat(rtpmap.payloadType).has_value());
    }
    for (const SdpFmtp& fmtp : media.fmtps) {
        requireInside(fmtp.format, input);
        requireInside(fmtp.parameters, input);
        if (fmtp.payloadType) {
            require(media.fmtp(*fmtp.payloadType) != nullptr);
        }
    }
    for (const SdpCandidate& candidate : media.candidates) {
        requireInside(candidate.foundation, input);
        requireInside(candidate.transport, input);
        requireInside(candidate.address, input);
        requireInside(candidate.typeName, input);
        requireInside(candidate.relatedAddress, input);
    }
    for (const SdpCrypto& crypto : media.cryptos) {
        requireInside(crypto.suite, input);
        requireInside(crypto.keyParams, input);
        requireInside(crypto.sessionParams, input);
    }
    if (media.rtcp) {
        requireInside(media.rtcp->address, input);
    }
    requireInside(media.fingerprint, input);
    requireInside(media.iceUfrag, input);
    requireInside(media.icePwd, input);
    requireInside(media.mid, input);
    requireInside(media.label, input);
    for (int payloadType = 0; payloadType < 128; payloadType += 9) {
        const std::string_view name = media.codecName(static_cast<std::uint8_t>(payloadType));
        const auto fixed = staticPayloadFormat(static_cast<std::uint8_t>(payloadType));
        require(name.empty() || (name.data() >= input.data() && name.data() < input.data() + input.size()) ||
                (fixed && name == fixed->encodingName));
    }
    (void)session.effectiveDirection(media);
    (void)session.isHold(media);
}

void check(const SessionDescriptionView& session, std::string_view input) {
    require(session.error().offset <= input.size());
    require(session.isValid() == session.error().reason.empty());
    const SdpOrigin& origin = session.origin();
    requireInside(origin.username, input);
    requireInside(origin.sessionId, input);
    requireInside(origin.sessionVersion, input);
    requireInside(origin.netType, input);
    requireInside(origin.addrType, input);
    requireInside(origin.address, input);
    requireInside(session.sessionName(), input);
    requireInside(session.connection(), input);
    requireInside(session.iceUfrag(), input);
    requireInside(session.icePwd(), input);
    requireInside(session.fingerprint(), input);
    checkAttributes(session.attributes(), input);
    for (const SdpBandwidth& bandwidth : session.bandwidths()) {
        requireInside(bandwidth.type, input);
    }
    if (session.isValid()) {
        require(session.version() == 0U && session.timing().has_value());
    }
    for (const MediaDescriptionView& media : session.media()) {
        checkMedia(session, media, input);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static SdpParser parser;
    static SdpParser tightParser(SdpLimits{.maxLineLength = 64, .maxMedia = 3, .maxAttributes = 8, .maxFormats = 6});
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check(parser.parse(input), input);
    check(tightParser.parse(input), input);
    // Again after a body that fills every field, so stale state from the previous parse would show.
    const std::string_view half = input.substr(0, size / 2);
    check(parser.parse(half), half);
    return 0;
}
