// A first reading of the files of a multi-point import: each message's hop signature and time, per file.
#include "store/detail/clock_offsets.hpp"

#include "common/error.hpp"

namespace sipscope::store::detail {

std::vector<std::optional<decode::ClockOffset>> estimateClockOffsets(const std::vector<SourceOpener>& sources,
                                                                     const std::vector<bool>& isRead,
                                                                     const IngestOptions& options) {
    decode::ClockOffsetEstimator estimator;
    decode::SipParser parser(options.parser);
    std::optional<std::size_t> reference;
    for (std::size_t index = 0; index < sources.size(); ++index) {
        if (!isRead[index])
            continue;
        try {
            const std::unique_ptr<capture::PacketSource> source = sources[index].open();
            capture::PacketDecoder decoder(
                [&](const capture::PayloadView& payload) {
                    const decode::SipMessageView& message = parser.parse(payload.bytes);
                    if (!message.callId().empty())
                        estimator.add(index, decode::hopSignature(message, payload.src, payload.dst),
                                      payload.timestampUs);
                },
                options.decoder);
            capture::RawPacket packet;
            while (source->next(packet) && !(options.stop && options.stop->load()))
                decoder.decode(packet);
            decoder.finish();
        } catch (const Error&) {
            // Damage: the offset rests on what came before it. An unopenable file: the import proper reports it.
        }
        if (!reference)
            reference = index;
    }
    std::vector<std::optional<decode::ClockOffset>> offsets(sources.size());
    for (std::size_t index = 0; index < sources.size(); ++index)
        if (reference && index != *reference && isRead[index])
            offsets[index] = estimator.offset(index, *reference);
    return offsets;
}

}  // namespace sipscope::store::detail
