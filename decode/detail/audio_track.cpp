// G.711 decoding and the AudioTrack timeline (decode/audio.hpp).
#include "decode/audio.hpp"

#include <algorithm>
#include <cassert>
#include <cctype>

namespace sipscope::decode {

namespace {

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

std::optional<AudioCodec> g711CodecOf(std::uint8_t payloadType, std::string_view rtpmapName, std::uint32_t clockRate) {
    if (payloadType == 0)
        return AudioCodec::Pcmu;
    if (payloadType == 8)
        return AudioCodec::Pcma;
    if (payloadType < 96 || payloadType > 127 || clockRate != AudioTrack::SampleRate)
        return std::nullopt;
    if (equalsIgnoringCase(rtpmapName, "PCMU"))
        return AudioCodec::Pcmu;
    if (equalsIgnoringCase(rtpmapName, "PCMA"))
        return AudioCodec::Pcma;
    return std::nullopt;
}

std::string_view audioCodecName(AudioCodec codec) { return codec == AudioCodec::Pcmu ? "PCMU" : "PCMA"; }

// µ-law (G.711 table 2): the code word is sent inverted; after inverting, bit 7 is the sign (set: negative), bits
// 6-4 the segment and bits 3-0 the step within it. Segment s spans 2^s steps of the 14-bit scale, offset by the
// bias of 33 that makes every segment start at a power of two; here on the 16-bit scale (x4), so the bias is 132.
std::int16_t decodePcmu(std::uint8_t code) {
    const unsigned inverted = ~static_cast<unsigned>(code) & 0xffu;
    const unsigned segment = (inverted >> 4) & 7u;
    const unsigned step = inverted & 0x0fu;
    const int magnitude = static_cast<int>((((step << 3) + 132u) << segment) - 132u);
    return static_cast<std::int16_t>((inverted & 0x80u) ? -magnitude : magnitude);
}

// A-law (G.711 table 1): the even bits are sent inverted (XOR 0x55); then bit 7 set means positive, bits 6-4 the
// segment and bits 3-0 the step. Segment 0 and 1 are linear with the same step size; segment s > 1 doubles it
// s - 1 times. Values are the middle of each step, on the 16-bit scale (the 13-bit scale x8).
std::int16_t decodePcma(std::uint8_t code) {
    const unsigned value = static_cast<unsigned>(code) ^ 0x55u;
    const unsigned segment = (value >> 4) & 7u;
    const unsigned step = value & 0x0fu;
    const unsigned magnitude = segment == 0 ? (step << 4) + 8u : ((step << 4) + 264u) << (segment - 1);
    const int signedMagnitude = static_cast<int>(magnitude);
    return static_cast<std::int16_t>((value & 0x80u) ? signedMagnitude : -signedMagnitude);
}

AudioTrack::AudioTrack(AudioCodec codec, std::uint8_t payloadType, std::int64_t originUs)
    : m_codec(codec), m_payloadType(payloadType), m_originUs(originUs) {}

std::int64_t AudioTrack::placeOfArrival(std::int64_t arrivalUs) const {
    const std::int64_t sinceOrigin = std::max<std::int64_t>(0, arrivalUs - m_originUs);
    return sinceOrigin * SampleRate / 1'000'000;
}

void AudioTrack::handOut(std::int64_t upTo, std::vector<std::int16_t>& out) {
    for (; m_handedOut < upTo; ++m_handedOut) {
        std::int16_t& slot = m_ring[static_cast<std::size_t>(m_handedOut) & (RingSize - 1)];
        out.push_back(slot);
        slot = 0;  // the slot comes round again as a later sample: silence until a packet writes it
    }
}

void AudioTrack::flushUntil(std::int64_t nowUs, std::vector<std::int16_t>& out) {
    handOut(placeOfArrival(nowUs) - WindowSamples, out);
}

void AudioTrack::finish(std::int64_t endSample, std::vector<std::int16_t>& out) { handOut(endSample, out); }

void AudioTrack::feed(std::int64_t arrivalUs, const RtpHeader& packet, std::vector<std::int16_t>& out) {
    flushUntil(arrivalUs, out);
    if (packet.payloadType != m_payloadType) {
        ++m_counters.skipped;
        return;
    }
    const std::int64_t arrivalPlace = placeOfArrival(arrivalUs);
    std::int64_t timestamp = packet.timestamp;
    if (!m_isAnchored) {
        m_isAnchored = true;
        m_anchorTimestamp = m_unwrapped = timestamp;
        m_anchorPlace = arrivalPlace;
        m_ssrc = packet.ssrc;
        m_highestSequence = packet.sequence;
    } else {
        timestamp = m_unwrapped + static_cast<std::int32_t>(packet.timestamp - m_lastTimestamp);
        const std::int64_t place = m_anchorPlace + (timestamp - m_anchorTimestamp);
        const auto ahead = static_cast<std::int16_t>(packet.sequence - m_highestSequence);
        const bool isNext = packet.ssrc != m_ssrc || (ahead > 0 && ahead <= MaxSequenceStep);
        if (place < arrivalPlace - AnchorToleranceSamples || place > arrivalPlace + AnchorToleranceSamples) {
            if (!isNext) {  // an old packet that comes long after its time: a jitter buffer would drop it too
                ++m_counters.late;
                return;
            }
            m_anchorTimestamp = timestamp;
            m_anchorPlace = arrivalPlace;
            ++m_counters.reanchors;
        }
        if (isNext) {
            m_ssrc = packet.ssrc;
            m_highestSequence = packet.sequence;
        }
    }
    // Unwrapping goes on from the latest packet, reordered ones included: a step of less than 2^31 either way.
    m_unwrapped = timestamp;
    m_lastTimestamp = packet.timestamp;

    const std::int64_t place = m_anchorPlace + (timestamp - m_anchorTimestamp);
    const auto samples = static_cast<std::int64_t>(std::min(packet.payload.size(), MaxPacketSamples));
    const std::int64_t begin = std::max(place, m_handedOut);
    const std::int64_t end = place + samples;
    if (begin >= end) {
        ++m_counters.late;
        return;
    }
    // After the flush above, m_handedOut >= arrivalPlace - WindowSamples, and the anchor keeps place within the
    // tolerance of arrivalPlace: the samples fit in the ring.
    assert(end - m_handedOut <= static_cast<std::int64_t>(RingSize));
    for (std::int64_t at = begin; at < end; ++at) {
        const auto code = static_cast<std::uint8_t>(packet.payload[static_cast<std::size_t>(at - place)]);
        m_ring[static_cast<std::size_t>(at) & (RingSize - 1)] =
            m_codec == AudioCodec::Pcmu ? decodePcmu(code) : decodePcma(code);
    }
    m_end = std::max(m_end, end);
    ++m_counters.packets;
}

}  // namespace sipscope::decode
