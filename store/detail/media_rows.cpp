// Media rows from SDP: type, port, transport, connection address, direction, codecs, ptime.
#include "store/detail/media_rows.hpp"

namespace sipscope::store::detail {

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
        record.direction = batch.addString(decode::mediaDirectionName(session.effectiveDirection(media)));
        const auto codecsStart = static_cast<std::uint32_t>(batch.strings.size());
        decode::appendCodecNames(media, batch.strings);
        record.codecs = {codecsStart, static_cast<std::uint32_t>(batch.strings.size() - codecsStart)};
        record.ptimeMs = media.ptimeMs.value_or(0);
    }
    return session;
}

}  // namespace sipscope::store::detail
