// Audio of RTP streams (issue 15's `export audio`): ITU-T G.711 µ-law and A-law decoding, and a track that lays a
// stream's samples on a timeline by RTP timestamp, with silence where packets were lost, in bounded memory.
#pragma once

#include "decode/rtp.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sipscope::decode {

enum class AudioCodec : std::uint8_t { Pcmu, Pcma };

// The G.711 codec of a payload type: the static 0 (PCMU) and 8 (PCMA) of RFC 3551, or a dynamic one whose rtpmap
// encoding name is PCMU or PCMA (case-insensitive) at 8000 Hz. nullopt for anything else.
std::optional<AudioCodec> g711CodecOf(std::uint8_t payloadType, std::string_view rtpmapName = {},
                                      std::uint32_t clockRate = 8000);
std::string_view audioCodecName(AudioCodec codec);  // "PCMU", "PCMA"

// One G.711 code word to a 16-bit linear sample (G.711's 14-bit µ-law and 13-bit A-law ranges, scaled to 16 bits).
std::int16_t decodePcmu(std::uint8_t code);
std::int16_t decodePcma(std::uint8_t code);

// One direction of a call's audio, fed the RTP packets of one stream in arrival order, giving 8 kHz 16-bit samples
// on a timeline whose sample 0 is at originUs (for both directions of a call, the arrival of its first RTP packet:
// their tracks then line up, sample for sample).
//
// A packet's samples go where its RTP timestamp puts them, relative to an anchor (the first packet's timestamp and
// its arrival). When that place is more than AnchorToleranceSamples away from the place its arrival time gives, a
// packet that continues the stream (a new SSRC, or a sequence number up to MaxSequenceStep ahead of the highest: a
// timestamp jump, a restarted sender) anchors the timeline anew at its arrival, and any other (an old packet that
// arrives that late) is counted late and dropped. So reordered packets fall in place, a lost packet leaves silence,
// and a pause in sending (timestamps that jump with the clock) leaves silence as long as the pause.
//
// Memory is a fixed window: a sample is final, and handed out by flushUntil, once it is WindowSamples behind the
// place of the latest arrival, since no later packet can reach it. A packet that arrives for samples already handed
// out is counted late and dropped. Payload types other than the track's codec (telephone events, comfort noise)
// are counted and skipped.
class AudioTrack {
public:
    static constexpr std::uint32_t SampleRate = 8000;
    static constexpr std::int64_t AnchorToleranceSamples = SampleRate;  // 1 s
    static constexpr std::int64_t WindowSamples = 2 * AnchorToleranceSamples;
    static constexpr std::size_t MaxPacketSamples = SampleRate;  // 1 s; a longer payload is cut
    static constexpr std::int16_t MaxSequenceStep = 3000;        // RFC 3550 A.1's largest dropout

    struct Counters {
        std::uint64_t packets = 0;    // packets whose samples were placed
        std::uint64_t late = 0;       // arrived after their samples were handed out, or long after their time
        std::uint64_t skipped = 0;    // another payload type than the codec's
        std::uint64_t reanchors = 0;  // timestamp places replaced by the arrival's (see above)
    };

    AudioTrack(AudioCodec codec, std::uint8_t payloadType, std::int64_t originUs);

    // One packet of the stream, arriving at arrivalUs (not before the previous one's arrival). First hands out to
    // `out` what flushUntil(arrivalUs) would, so the window has room for it.
    void feed(std::int64_t arrivalUs, const RtpHeader& packet, std::vector<std::int16_t>& out);
    // Appends to `out` the samples that no packet arriving at nowUs or later can change. Two tracks of one origin
    // flushed to the same time have handed out the same number of samples (stereo lines up).
    void flushUntil(std::int64_t nowUs, std::vector<std::int16_t>& out);
    // Appends every sample still held, up to endSample (silence past the last packet's samples, none when
    // endSample is before them): call it once, after the last packet.
    void finish(std::int64_t endSample, std::vector<std::int16_t>& out);

    // One past the last sample a packet wrote.
    std::int64_t endSample() const { return m_end; }
    const Counters& counters() const { return m_counters; }

private:
    static constexpr std::size_t RingSize = 32768;  // > WindowSamples + MaxPacketSamples, a power of two
    std::int64_t placeOfArrival(std::int64_t arrivalUs) const;
    void handOut(std::int64_t upTo, std::vector<std::int16_t>& out);

    AudioCodec m_codec;
    std::uint8_t m_payloadType;
    std::int64_t m_originUs;
    bool m_isAnchored = false;
    std::int64_t m_anchorPlace = 0;      // the timeline sample of the anchor packet's first sample
    std::int64_t m_anchorTimestamp = 0;  // its RTP timestamp, unwrapped
    std::uint32_t m_lastTimestamp = 0;
    std::uint32_t m_ssrc = 0;
    std::uint16_t m_highestSequence = 0;
    std::int64_t m_unwrapped = 0;  // the latest packet's timestamp with wraps undone
    std::int64_t m_handedOut = 0;  // samples before this are out of the ring
    std::int64_t m_end = 0;
    std::array<std::int16_t, RingSize> m_ring{};
    Counters m_counters;
};

}  // namespace sipscope::decode
