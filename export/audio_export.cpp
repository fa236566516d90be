// export audio: choosing a stream's or a call's streams, finding their capture again, and decoding its packets.
#include "export/audio_export.hpp"

#include "capture/packet_decoder.hpp"
#include "capture/packet_source.hpp"
#include "common/error.hpp"
#include "decode/audio.hpp"
#include "export/wav.hpp"
#include "store/ingest.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <optional>

namespace sipscope::exports {

namespace {

// "stream 7 (10.0.0.1:4000 -> 10.0.0.2:5000)", as errors and notes name a stream.
std::string nameOf(const store::StreamRow& stream) {
    return "stream " + std::to_string(stream.id) + " (" + stream.src.toString() + " -> " + stream.dst.toString() + ")";
}

std::string codecOf(const store::StreamRow& stream) {
    return stream.codec.empty() ? "payload type " + std::to_string(stream.payloadType) : stream.codec;
}

std::optional<decode::AudioCodec> g711Of(const store::StreamRow& stream) {
    return decode::g711CodecOf(static_cast<std::uint8_t>(stream.payloadType), stream.codec,
                               stream.clockRate ? stream.clockRate : decode::AudioTrack::SampleRate);
}

Error notG711(const std::vector<const store::StreamRow*>& streams) {
    std::string which;
    for (const store::StreamRow* stream : streams)
        which += (which.empty() ? "" : ", ") + nameOf(*stream) + " is " + codecOf(*stream);
    return Error(which + ": only G.711 (PCMU, PCMA) can be written as audio");
}

// The file of capture `captureId`, checked to be there and to be the file imported. `given`: where it is now.
std::string capturePathOf(const store::Reader& reader, std::int64_t captureId, const std::string& what,
                          const std::string& given) {
    const std::optional<store::CaptureRow> capture = captureId ? reader.capture(captureId) : std::nullopt;
    if (!capture && given.empty())
        throw Error(what +
                    ": the database does not say which capture file it came from (written by an older sipscope); "
                    "give the file with --capture FILE");
    const std::string label = capture ? "capture " + std::to_string(capture->id) : "the capture";
    if (given.empty() && capture->path == "-")
        throw Error(what + ": " + label +
                    " was read from standard input, so its RTP cannot be read again; give the capture file with "
                    "--capture FILE");
    const std::string path = given.empty() ? capture->path : given;
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error))
        throw Error(path + ": " + label + " of " + what + " is not there (moved or deleted?); " +
                    (given.empty() ? "put it back there, or give its new place with --capture FILE"
                                   : "give the path of the capture file"));
    if (capture && capture->contentHash && store::captureContentHash(path) != capture->contentHash)
        throw Error(path + ": not the file imported as " + label + " (its content differs); give the original with " +
                    "--capture FILE");
    return path;
}

// The capture of a stream: its own, else (written before streams knew theirs) its call's.
std::int64_t captureOf(const store::StreamRow& stream, std::int64_t callCapture) {
    return stream.captureId ? stream.captureId : callCapture;
}

// One channel being decoded: the streams whose packets it takes and its timeline.
struct Channel {
    std::vector<store::StreamRow> streams;
    decode::AudioTrack track;
    std::vector<std::int16_t> samples;  // handed out, not yet written

    bool takes(const capture::PayloadView& payload, std::uint32_t ssrc) const {
        return std::any_of(streams.begin(), streams.end(), [&](const store::StreamRow& stream) {
            // The SSRC only when it never changed: the stored one is the last.
            return payload.src == stream.src && payload.dst == stream.dst && payload.timestampUs >= stream.firstUs &&
                   payload.timestampUs <= stream.lastUs && (stream.ssrcChanges != 0 || ssrc == stream.ssrc);
        });
    }
};

}  // namespace

AudioPlan streamAudioPlan(const store::Reader& reader, const store::StreamRow& stream, const std::string& capturePath) {
    if (!g711Of(stream))
        throw notG711({&stream});
    std::int64_t callCapture = 0;
    if (stream.captureId == 0 && stream.callKey != 0)
        if (const auto call = reader.findCall(std::to_string(stream.callKey)))
            callCapture = call->captureId;
    AudioPlan plan;
    plan.capturePath = capturePathOf(reader, captureOf(stream, callCapture), nameOf(stream), capturePath);
    plan.channels.push_back({stream});
    return plan;
}

AudioPlan callAudioPlan(const store::Reader& reader, const store::CallRow& call, const std::string& capturePath) {
    const std::vector<store::StreamRow> streams = reader.callStreams(call.key);
    const std::vector<store::StreamRow> otherLegs = reader.otherLegStreams(call.key);
    if (streams.empty() && otherLegs.empty())
        throw Error("call " + call.callId + " has no RTP stream in the database" +
                    (reader.mediaVerdict(call) ? " (" + reader.mediaVerdict(call)->reason + ")" : std::string()));
    // The capture with most of the call's packets (a call seen by two capture points is in two captures); of the
    // other legs' streams when the call has no G.711 stream of its own.
    std::map<std::int64_t, std::uint64_t> packetsByCapture;
    std::vector<const store::StreamRow*> others;
    for (const auto* candidates : {&streams, &otherLegs}) {
        if (!packetsByCapture.empty())
            break;
        for (const store::StreamRow& stream : *candidates)
            if (g711Of(stream))
                packetsByCapture[captureOf(stream, call.captureId)] += stream.packets;
            else
                others.push_back(&stream);
    }
    if (packetsByCapture.empty())
        throw notG711(others);
    const std::int64_t chosen = std::max_element(packetsByCapture.begin(), packetsByCapture.end(), [](auto a, auto b) {
                                    return a.second < b.second;
                                })->first;
    AudioPlan plan;
    plan.capturePath = capturePathOf(reader, chosen, "call " + call.callId, capturePath);
    plan.channels.resize(2);
    auto channelOf = [](const store::StreamRow& stream) {
        return stream.sender == decode::MediaParty::Offerer ? 0 : 1;
    };
    for (const store::StreamRow& stream : streams) {
        if (!g711Of(stream)) {
            plan.leftOut.push_back(nameOf(stream) + ": " + codecOf(stream) + " is not G.711");
        } else if (captureOf(stream, call.captureId) != chosen) {
            plan.leftOut.push_back(nameOf(stream) + ": in another capture (" +
                                   std::to_string(captureOf(stream, call.captureId)) + ")");
        } else if (stream.sender == decode::MediaParty::Unknown) {
            plan.leftOut.push_back(nameOf(stream) + ": its sender is not known");
        } else {
            plan.channels[static_cast<std::size_t>(channelOf(stream))].push_back(stream);
        }
    }
    // A side with no stream of its own: the other leg's streams between this call's addresses.
    const std::array<bool, 2> isEmpty{plan.channels[0].empty(), plan.channels[1].empty()};
    for (const store::StreamRow& stream : otherLegs) {
        const auto side = static_cast<std::size_t>(channelOf(stream));
        if (!isEmpty[side] || !g711Of(stream) || captureOf(stream, call.captureId) != chosen)
            continue;
        plan.channels[side].push_back(stream);
        plan.notes.push_back(nameOf(stream) + " is tied to call " + stream.callId + "; it runs between this call's " +
                             "SDP addresses (media end to end past a B2BUA), so it is the " +
                             (side == 0 ? "offerer" : "answerer") + "'s side here");
    }
    return plan;
}

AudioExportReport writeAudio(const AudioPlan& plan, std::ostream& out) {
    std::int64_t originUs = 0;
    std::int64_t lastUs = 0;
    bool isFirst = true;
    for (const auto& streams : plan.channels)
        for (const store::StreamRow& stream : streams) {
            originUs = isFirst ? stream.firstUs : std::min(originUs, stream.firstUs);
            lastUs = isFirst ? stream.lastUs : std::max(lastUs, stream.lastUs);
            isFirst = false;
        }
    std::vector<Channel> channels;
    channels.reserve(plan.channels.size());
    for (const auto& streams : plan.channels) {
        // A channel decodes the codec of its first stream; a later one of another payload type is counted skipped.
        const store::StreamRow* first = streams.empty() ? nullptr : &streams.front();
        const decode::AudioCodec codec = first ? *g711Of(*first) : decode::AudioCodec::Pcmu;
        channels.push_back(
            {streams,
             decode::AudioTrack(codec, first ? static_cast<std::uint8_t>(first->payloadType) : 0, originUs),
             {}});
    }
    const auto channelCount = static_cast<std::uint16_t>(channels.size());
    WavWriter wav(out, channelCount, decode::AudioTrack::SampleRate);
    std::vector<std::int16_t> frames;
    auto writeReady = [&] {
        std::size_t ready = channels.front().samples.size();
        for (const Channel& channel : channels)
            ready = std::min(ready, channel.samples.size());
        frames.clear();
        for (std::size_t i = 0; i < ready; ++i)
            for (const Channel& channel : channels)
                frames.push_back(channel.samples[i]);
        wav.write(frames);
        for (Channel& channel : channels)
            channel.samples.erase(channel.samples.begin(),
                                  channel.samples.begin() + static_cast<std::ptrdiff_t>(ready));
    };

    std::int64_t arrivalUs = originUs;  // AudioTrack wants arrivals in order; a capture's may step back a little
    capture::PacketDecoder decoder([](const capture::PayloadView&) {});  // SIP: not wanted here
    decoder.setOtherUdpSink([&](const capture::PayloadView& payload) {
        const std::optional<decode::RtpHeader> header = decode::parseRtp(payload.bytes);
        if (!header)
            return;
        for (Channel& channel : channels) {
            if (!channel.takes(payload, header->ssrc))
                continue;
            arrivalUs = std::max(arrivalUs, payload.timestampUs);
            channel.track.feed(arrivalUs, *header, channel.samples);
            for (Channel& other : channels)  // every channel handed out to the same time: the frames line up
                other.track.flushUntil(arrivalUs, other.samples);
            writeReady();
            return;
        }
    });
    const std::unique_ptr<capture::PacketSource> source = capture::openCaptureFile(plan.capturePath);
    capture::RawPacket packet;
    // Past the streams' last packet (and a margin for a file slightly out of time order) nothing more is wanted.
    constexpr std::int64_t MarginUs = 10'000'000;
    while (source->next(packet) && packet.timestampUs <= lastUs + MarginUs)
        decoder.decode(packet);
    decoder.finish();

    std::int64_t endSample = 0;
    for (const Channel& channel : channels)
        endSample = std::max(endSample, channel.track.endSample());
    for (Channel& channel : channels)
        channel.track.finish(endSample, channel.samples);
    writeReady();
    wav.finish();

    AudioExportReport report;
    report.frames = wav.framesWritten();
    report.cut = wav.samplesCut();
    for (const Channel& channel : channels) {
        const decode::AudioTrack::Counters& counters = channel.track.counters();
        report.packets += counters.packets;
        report.late += counters.late;
        report.skipped += counters.skipped;
        report.reanchors += counters.reanchors;
    }
    return report;
}

}  // namespace sipscope::exports
