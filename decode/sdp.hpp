// The SDP parser (RFC 8866): a session description as views into the body that carried it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::decode {

namespace detail {
class SdpReader;
}

enum class SdpErrorCode : std::uint8_t {
    None = 0,
    Empty,              // no bytes, or only whitespace
    BadLine,            // a line that is not "<letter>=<value>"
    BadVersion,         // the first line is not v=0
    BadOrigin,          // o= without its six fields, or a non-numeric sess-id / sess-version
    BadConnection,      // c= without nettype, addrtype and address, or a bad TTL / address count
    BadTiming,          // t= without two decimal times
    BadBandwidth,       // b= not "<bwtype>:<bandwidth>"
    BadMedia,           // m= not "<media> <port>[/<count>] <proto> <fmt> ...", or a port above 65535
    BadAttribute,       // an a= line with a bad name, or a typed one (rtpmap, candidate, ...) malformed
    MissingField,       // no o=, s= or t=, or a media without c= at either level (RFC 8866 §5)
    LineTooLong,        // a line longer than SdpLimits::maxLineLength; parsing stopped there
    TooManyMedia,       // more m= lines than SdpLimits::maxMedia; parsing stopped there
    TooManyAttributes,  // more a= and b= lines than SdpLimits::maxAttributes; parsing stopped there
    TooManyFormats,     // more m= formats in all than SdpLimits::maxFormats; parsing stopped there
};

// Why a description is malformed: a static reason text and the byte offset in the body where it was
// found.
struct SdpError {
    SdpErrorCode code = SdpErrorCode::None;
    std::string_view reason;  // static text, never from the packet
    std::uint32_t offset = 0;
};

struct SdpLimits {
    std::size_t maxLineLength = 4096;
    std::size_t maxMedia = 64;
    std::size_t maxAttributes = 1024;  // a= and b= lines at all levels together
    std::size_t maxFormats = 1024;     // m= formats of all media together
};

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (RFC 8866 §5.2)
struct SdpOrigin {
    std::string_view username;
    std::string_view sessionId;       // digits; kept as text, it may exceed 64 bits
    std::string_view sessionVersion;  // digits; kept as text
    std::string_view netType;
    std::string_view addrType;
    std::string_view address;
};

// c=<nettype> <addrtype> <connection-address> (RFC 8866 §5.7)
struct SdpConnection {
    std::string_view netType;   // "IN"
    std::string_view addrType;  // "IP4" or "IP6"
    std::string_view address;   // without the /ttl and /count suffixes
    std::uint8_t ttl = 0;       // IP4 multicast only; 0 when absent
    std::uint32_t addressCount = 1;
};

// b=<bwtype>:<bandwidth> (RFC 8866 §5.8), bandwidth in kbit/s for AS and CT.
struct SdpBandwidth {
    std::string_view type;
    std::uint64_t bandwidth = 0;
};

// t=<start-time> <stop-time> (RFC 8866 §5.9), NTP seconds; 0 0 means unbounded.
struct SdpTiming {
    std::uint64_t startTime = 0;
    std::uint64_t stopTime = 0;
};

// a=<name>[:<value>] (RFC 8866 §5.13), every attribute line as it was, typed or not.
struct SdpAttribute {
    std::string_view name;
    std::string_view value;  // empty for a property attribute
    bool hasValue = false;   // a ':' followed the name
};

// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>] (RFC 8866 §6.6)
struct SdpRtpMap {
    std::uint8_t payloadType = 0;
    std::string_view encodingName;  // case as on the wire ("PCMU", "opus", "telephone-event")
    std::uint32_t clockRate = 0;    // 0 when the line lacks it (an error, but the name is kept)
    std::uint16_t channels = 1;     // audio channels; 1 when the encoding parameters are absent
};

// a=fmtp:<format> <format specific parameters> (RFC 8866 §6.15)
struct SdpFmtp {
    std::string_view format;
    std::optional<std::uint8_t> payloadType;  // when the format is an RTP payload type 0..127
    std::string_view parameters;              // the rest of the line, e.g. "0-16" or "profile-level-id=42e01f"
};

enum class IceCandidateType : std::uint8_t { Host, ServerReflexive, PeerReflexive, Relayed, Other };

// RFC 8839 §5.1:
// a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
struct SdpCandidate {
    std::string_view foundation;
    std::uint16_t component = 0;  // 1 RTP, 2 RTCP
    std::string_view transport;   // "UDP", "TCP", any case
    std::uint32_t priority = 0;
    std::string_view address;
    std::uint16_t port = 0;
    IceCandidateType type = IceCandidateType::Other;
    std::string_view typeName;        // "host", "srflx", "prflx", "relay" or an extension
    std::string_view relatedAddress;  // raddr; empty when absent
    std::optional<std::uint16_t> relatedPort;
};

// a=crypto:<tag> <crypto-suite> <key-params> [<session-params>] (RFC 4568 §9.1)
struct SdpCrypto {
    std::uint32_t tag = 0;
    std::string_view suite;          // "AES_CM_128_HMAC_SHA1_80"
    std::string_view keyParams;      // "inline:..."
    std::string_view sessionParams;  // the rest of the line; empty when absent
};

// a=fingerprint:<hash-function> <fingerprint> (RFC 8122 §5)
struct SdpFingerprint {
    std::string_view hashFunction;  // "sha-256"
    std::string_view fingerprint;   // "4A:AD:..."
};

// RFC 8866 §6.7: the media direction attributes; without one, a stream is sendrecv.
enum class MediaDirection : std::uint8_t { SendRecv, SendOnly, RecvOnly, Inactive };

// a=setup (RFC 4145 §4)
enum class SetupRole : std::uint8_t { Active, Passive, ActPass, HoldConn };

// a=rtcp:<port> [<nettype> <addrtype> <connection-address>] (RFC 3605 §2.1)
struct SdpRtcp {
    std::uint16_t port = 0;
    std::string_view netType;
    std::string_view addrType;
    std::string_view address;  // empty when only the port is given
};

enum class MediaType : std::uint8_t { Audio, Video, Image, Application, Text, Message, Other };

// One m= section and what follows it up to the next m= line (RFC 8866 §5.14). Views into the body;
// the spans point into the parser's storage and live until its next parse(). A typed entry
// (candidates, cryptos, ...) is present only when its line followed its grammar (an rtpmap needs
// only its payload type and name); every a= line is in `attributes` either way.
struct MediaDescriptionView {
    MediaType type = MediaType::Other;
    std::string_view media;  // "audio", as on the wire
    std::uint16_t port = 0;  // 0 marks a rejected or disabled stream (RFC 3264 §6)
    std::uint32_t portCount = 1;
    std::string_view protocol;  // "RTP/AVP", "RTP/SAVP", "UDP/TLS/RTP/SAVPF", "udptl", ...
    std::span<const std::string_view> formats;
    std::uint32_t offset = 0;  // byte offset of the m= line in the body

    // Media-level c= only; SessionDescriptionView::effectiveConnection() falls back to the session's.
    std::optional<SdpConnection> connection;
    std::span<const SdpBandwidth> bandwidths;
    std::span<const SdpAttribute> attributes;  // every a= line of this media, typed ones included
    std::span<const SdpRtpMap> rtpmaps;
    std::span<const SdpFmtp> fmtps;
    std::span<const SdpCandidate> candidates;
    std::span<const SdpCrypto> cryptos;

    std::optional<std::uint32_t> ptimeMs;
    std::optional<std::uint32_t> maxptimeMs;
    std::optional<MediaDirection> direction;  // media-level attribute only
    std::optional<SdpRtcp> rtcp;
    bool isRtcpMux = false;
    std::string_view iceUfrag;
    std::string_view icePwd;
    std::optional<SetupRole> setup;
    std::optional<SdpFingerprint> fingerprint;
    std::string_view mid;
    std::string_view label;

    // The a=rtpmap of a payload type, or the RFC 3551 §6 static assignment when there is none;
    // nullopt when neither knows it.
    std::optional<SdpRtpMap> payloadFormat(std::uint8_t payloadType) const;
    // The encoding name of a payload type (rtpmap, else RFC 3551 static); empty when unknown. Views
    // into the body or static text.
    std::string_view codecName(std::uint8_t payloadType) const;
    // The a=fmtp of a payload type; nullptr when absent. Points into the parser's storage.
    const SdpFmtp* fmtp(std::uint8_t payloadType) const;
    // The first attribute with this name, compared case-insensitively; nullptr when absent.
    const SdpAttribute* attribute(std::string_view name) const;
};

class SessionDescriptionView {
public:
    SessionDescriptionView() = default;
    // Not copyable: the spans point into this object's storage, which a copy would not carry along.
    SessionDescriptionView(const SessionDescriptionView&) = delete;
    SessionDescriptionView& operator=(const SessionDescriptionView&) = delete;
    SessionDescriptionView(SessionDescriptionView&&) noexcept = default;
    SessionDescriptionView& operator=(SessionDescriptionView&&) noexcept = default;

    std::optional<std::uint32_t> version() const { return m_version; }
    const SdpOrigin& origin() const { return m_origin; }
    std::string_view sessionName() const { return m_sessionName; }
    // Session-level c=, b=, a= lines and direction attribute; the first t=.
    const std::optional<SdpConnection>& connection() const { return m_connection; }
    const std::optional<SdpTiming>& timing() const { return m_timing; }
    std::span<const SdpBandwidth> bandwidths() const { return m_sessionBandwidths; }
    std::span<const SdpAttribute> attributes() const { return m_sessionAttributes; }
    std::optional<MediaDirection> direction() const { return m_direction; }
    std::string_view iceUfrag() const { return m_iceUfrag; }
    std::string_view icePwd() const { return m_icePwd; }
    bool isIceLite() const { return m_isIceLite; }
    std::optional<SetupRole> setup() const { return m_setup; }
    const std::optional<SdpFingerprint>& fingerprint() const { return m_fingerprint; }
    std::span<const MediaDescriptionView> media() const { return m_media; }

    // The c= that applies to a media: its own, else the session's (RFC 8866 §5.7); nullopt when
    // neither has one.
    std::optional<SdpConnection> effectiveConnection(const MediaDescriptionView& media) const;
    // The media's direction attribute, else the session's, else sendrecv (RFC 8866 §6.7).
    MediaDirection effectiveDirection(const MediaDescriptionView& media) const;
    // Whether the media is put on hold: sendonly or inactive (RFC 3264 §8.4), or a connection
    // address of 0.0.0.0 (the RFC 2543 convention that RFC 3264 §8.4 still asks answerers to
    // understand).
    bool isHold(const MediaDescriptionView& media) const;

    bool isValid() const { return m_error.code == SdpErrorCode::None; }
    const SdpError& error() const { return m_error; }

private:
    friend class SdpParser;
    friend class detail::SdpReader;

    // Where each media's items begin in the storage vectors below, while they still grow.
    struct ItemStarts {
        std::size_t formats = 0;
        std::size_t bandwidths = 0;
        std::size_t attributes = 0;
        std::size_t rtpmaps = 0;
        std::size_t fmtps = 0;
        std::size_t candidates = 0;
        std::size_t cryptos = 0;
    };

    void reset();
    void cutSpans();

    std::optional<std::uint32_t> m_version;
    SdpOrigin m_origin;
    std::string_view m_sessionName;
    std::optional<SdpConnection> m_connection;
    std::optional<SdpTiming> m_timing;
    std::span<const SdpBandwidth> m_sessionBandwidths;
    std::span<const SdpAttribute> m_sessionAttributes;
    std::optional<MediaDirection> m_direction;
    std::string_view m_iceUfrag;
    std::string_view m_icePwd;
    bool m_isIceLite = false;
    std::optional<SetupRole> m_setup;
    std::optional<SdpFingerprint> m_fingerprint;
    SdpError m_error;

    // Storage reused between parses (cleared, never shrunk). Session-level items come first in each
    // vector, then each media's items in order; the spans above and in MediaDescriptionView are cut
    // from them after the parse.
    std::vector<MediaDescriptionView> m_media;
    std::vector<ItemStarts> m_mediaStarts;
    std::vector<std::string_view> m_formats;
    std::vector<SdpBandwidth> m_bandwidths;
    std::vector<SdpAttribute> m_attributes;
    std::vector<SdpRtpMap> m_rtpmaps;
    std::vector<SdpFmtp> m_fmtps;
    std::vector<SdpCandidate> m_candidates;
    std::vector<SdpCrypto> m_cryptos;
};

class SdpParser {
public:
    explicit SdpParser(SdpLimits limits = {}) : m_limits(limits) {}

    // Parses one session description (a SIP body). The views point into `body` and live as long as
    // it does, and until the next parse() call. Never throws: malformed input returns a description
    // whose error() says why, with every field that could still be read filled in. Not thread-safe;
    // one parser per ingest thread.
    const SessionDescriptionView& parse(std::string_view body);

private:
    SdpLimits m_limits;
    SessionDescriptionView m_session;
};

// "sendrecv", "sendonly", "recvonly" or "inactive" (RFC 8866 §6.7): the text the media table and the call diff use.
std::string_view mediaDirectionName(MediaDirection direction);

// "PCMU/8000,telephone-event/8000": each format of the m= line in order, RTP payload types by their rtpmap (or the
// RFC 3551 static table) as name/clock[/channels], a dynamic type without rtpmap as its number, other formats
// (t38, webrtc-datachannel, ...) as they are. Appended to `out`.
void appendCodecNames(const MediaDescriptionView& media, std::string& out);

// The RFC 3551 §6 static payload type assignment (0 PCMU, 8 PCMA, 18 G729, ...); nullopt for
// dynamic or unassigned types. The encoding name is static text.
std::optional<SdpRtpMap> staticPayloadFormat(std::uint8_t payloadType);

}  // namespace sipscope::decode
