// Media rows from SDP: type, port, transport, connection address, direction, codecs, ptime.
#include "store/detail/media_rows.hpp"

#include <charconv>

namespace sipscope::store::detail {

namespace {

std::string_view directionName(decode::MediaDirection direction) {
    switch (direction) {
    case decode::MediaDirection::SendRecv: return "sendrecv";
    case decode::MediaDirection::SendOnly: return "sendonly";
    case decode::MediaDirection::RecvOnly: return "recvonly";
    case decode::MediaDirection::Inactive: return "inactive";
    }
    return "sendrecv";
}

void appendNumber(std::string& out, std::uint64_t value) {
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, result.ptr);
}

bool isRtp(std::string_view protocol) {
    return protocol.find("RTP/") != std::string_view::npos;  // RTP/AVP, RTP/SAVPF, UDP/TLS/RTP/SAVPF, ...
}

}  // namespace

void appendCodecs(const decode::MediaDescriptionView& media, std::string& out) {
    bool isFirst = true;
    for (std::string_view format : media.formats) {
        if (!isFirst)
            out += ',';
        isFirst = false;
        std::uint8_t payloadType = 0;
        const auto parsed = std::from_chars(format.data(), format.data() + format.size(), payloadType);
        const bool isPayloadType = isRtp(media.protocol) && parsed.ec == std::errc() &&
                                   parsed.ptr == format.data() + format.size() && payloadType <= 127;
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

const decode::SessionDescriptionView& addMediaRecords(Batch& batch, decode::SdpParser& parser, std::string_view sdp,
                                                      std::uint32_t messageIndex, std::uint64_t callKey,
                                                      decode::SdpRole role) {
    const decode::SessionDescriptionView& session = parser.parse(sdp);
    std::uint32_t index = 0;
    for (const decode::MediaDescriptionView& media : session.media()) {
        MediaRecord& record = batch.media.emplace_back();
        record.messageIndex = messageIndex;
        record.mediaIndex = index++;
        record.callKey = callKey;
        record.role = role;
        record.type = batch.addString(media.media);
        record.port = media.port;
        record.proto = batch.addString(media.protocol);
        if (const auto connection = session.effectiveConnection(media))
            record.address = batch.addString(connection->address);
        record.direction = batch.addString(directionName(session.effectiveDirection(media)));
        const auto codecsStart = static_cast<std::uint32_t>(batch.strings.size());
        appendCodecs(media, batch.strings);
        record.codecs = {codecsStart, static_cast<std::uint32_t>(batch.strings.size() - codecsStart)};
        record.ptimeMs = media.ptimeMs.value_or(0);
    }
    return session;
}

}  // namespace sipscope::store::detail
