// Per-stream RTP statistics: sequence accounting after RFC 3550 A.1/A.3, interarrival jitter after A.8, the
// late-packet count of the fixed jitter-buffer assumption, RFC 4733 telephone-event digits. Fixed-size state only.
#include "decode/rtp.hpp"
#include "decode/sdp.hpp"

#include <algorithm>
#include <cmath>

namespace sipscope::decode {

namespace {

constexpr int MaxDropout = 3000;  // A.1: a jump further ahead than this is suspect
constexpr int MaxMisorder = 100;  // A.1: a packet further behind than this is suspect
constexpr int WindowBits = 64;    // duplicates are told from reordering within the last 64 sequence numbers

// a - b for 16-bit sequence numbers, as the shortest signed distance.
int sequenceDistance(std::uint16_t a, std::uint16_t b) {
    const int raw = static_cast<int>(static_cast<std::uint16_t>(a - b));
    return raw >= 32768 ? raw - 65536 : raw;
}

// a - b for 32-bit RTP timestamps, as the shortest signed distance.
std::int64_t timestampDistance(std::uint32_t a, std::uint32_t b) {
    const std::int64_t raw = static_cast<std::uint32_t>(a - b);
    return raw >= (std::int64_t{1} << 31) ? raw - (std::int64_t{1} << 32) : raw;
}

bool isComfortNoise(std::uint8_t payloadType) { return payloadType == 13 || payloadType == 19; }  // RFC 3389, old CN

char digitOf(std::uint8_t event) {
    constexpr std::string_view Digits = "0123456789*#ABCD";
    if (event < Digits.size()) {
        return Digits[event];
    }
    return event == 16 ? '!' : '?';
}

}  // namespace

std::uint32_t staticClockRate(std::uint8_t payloadType) {
    const std::optional<SdpRtpMap> format = staticPayloadFormat(payloadType);
    return format ? format->clockRate : 0;
}

std::uint32_t RtpStreamConfig::clockRate(std::uint8_t payloadType) const {
    if (payloadType < dynamicClockRates.size() && dynamicClockRates[payloadType] != 0) {
        return dynamicClockRates[payloadType];
    }
    return staticClockRate(payloadType);
}

double RtpStreamStats::lostPercent() const {
    return expected == 0 ? 0.0 : static_cast<double>(lost) * 100.0 / static_cast<double>(expected);
}

void RtpTimeline::mergePairs() {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < points.size(); i += 2, ++kept) {
        RtpIntervalPoint merged = points[i];
        if (i + 1 < points.size()) {
            merged.received += points[i + 1].received;
            merged.lost += points[i + 1].lost;
            merged.jitterMs = points[i + 1].jitterMs;
        }
        points[kept] = merged;
    }
    points.resize(kept);
    intervalUs *= 2;
}

void RtpStream::addToTimeline(std::int64_t arrivalUs, std::uint64_t expectedBefore, std::uint64_t receivedBefore) {
    RtpTimeline& timeline = stats_.timeline;
    if (timeline.points.empty()) {
        timeline.points.emplace_back();
        timelineEndUs_ = stats_.firstUs + timeline.intervalUs;
    } else if (arrivalUs >= timelineEndUs_) {
        // A later interval (the ones between had no packet: nothing received or lost, the jitter as it was).
        auto index = static_cast<std::size_t>((arrivalUs - stats_.firstUs) / timeline.intervalUs);
        while (index >= RtpTimeline::MaxPoints) {
            timeline.mergePairs();
            index = static_cast<std::size_t>((arrivalUs - stats_.firstUs) / timeline.intervalUs);
        }
        if (index >= timeline.points.size())
            timeline.points.resize(index + 1, RtpIntervalPoint{0, 0, timeline.points.back().jitterMs});
        timelineEndUs_ = stats_.firstUs + static_cast<std::int64_t>(timeline.points.size()) * timeline.intervalUs;
    }
    // A packet arriving before the last interval (a capture's clock stepping back) counts in the last one.
    RtpIntervalPoint& point = timeline.points.back();
    const auto received = static_cast<std::int64_t>(stats_.received - receivedBefore);
    point.received += static_cast<std::uint32_t>(received);
    point.lost += static_cast<std::int32_t>(static_cast<std::int64_t>(stats_.expected - expectedBefore) - received);
    point.jitterMs = static_cast<float>(stats_.jitterMs);
}

void RtpStream::add(const RtpHeader& header, std::size_t udpPayloadBytes, std::int64_t arrivalUs) {
    const std::uint64_t expectedBefore = stats_.expected, receivedBefore = stats_.received;
    // A regular packet, as Wireshark's RTP analysis (ui/tap-rtp-analysis.c) has it, so that max delta and jitter
    // mean the same as tshark's `-z rtp,streams`: not the first of its SSRC, no marker bit (a talkspurt starts after
    // silence suppression, a video frame ends: the gap before it is no network delay), not comfort noise nor the
    // packet after it, and a timestamp not behind the latest packet in time sequence (a reordered packet).
    bool isRegular = stats_.packets != 0 && header.ssrc == stats_.ssrc && !header.marker &&
                     !isComfortNoise(header.payloadType) && !isComfortNoise(previousPayloadType_);
    previousPayloadType_ = header.payloadType;
    if (stats_.packets == 0 || header.ssrc != stats_.ssrc) {
        extendedTimestamp_ = sequenceTimestamp_ = 0;
        sequenceArrivalUs_ = arrivalUs;
    } else {
        extendedTimestamp_ += timestampDistance(header.timestamp, lastRawTimestamp_);
    }
    lastRawTimestamp_ = header.timestamp;
    bool isInTimeSequence = extendedTimestamp_ >= sequenceTimestamp_;
    isRegular = isRegular && isInTimeSequence;
    // A timestamp behind on the next sequence number is the sender restarting its clock (a device that went back to
    // audio after T.38 with timestamps from 0), not a late packet: the time sequence goes on from it, and the jitter
    // from a new transit reference. Wireshark 4.0 keeps comparing with the first packet's timestamp instead, so its
    // figures after such a restart differ (tests/corpus/rtp_known_differences.json).
    if (!isInTimeSequence && stats_.packets != 0 && header.ssrc == stats_.ssrc &&
        sequenceDistance(header.sequence, static_cast<std::uint16_t>(maxExtended_)) == 1) {
        isInTimeSequence = true;
        haveTransit_ = false;
    }
    if (isRegular)  // from the latest packet in time sequence, as Wireshark measures it
        stats_.maxDeltaMs = std::max(stats_.maxDeltaMs, static_cast<double>(arrivalUs - sequenceArrivalUs_) / 1000.0);
    if (isInTimeSequence) {
        sequenceTimestamp_ = extendedTimestamp_;
        sequenceArrivalUs_ = arrivalUs;
    }

    if (stats_.packets == 0) {
        stats_.firstUs = arrivalUs;
        stats_.ssrc = header.ssrc;
        startSequence(header.sequence);
    } else {
        if (header.ssrc != stats_.ssrc) {
            ++stats_.ssrcChanges;
            stats_.ssrc = header.ssrc;
            priorExpected_ += maxExtended_ - baseExtended_ + 1;
            priorReceived_ += segmentReceived_;
            startSequence(header.sequence);
            haveTransit_ = false;
            haveEvent_ = false;
        } else {
            addSequence(header);
        }
    }
    ++stats_.packets;
    stats_.bytes += udpPayloadBytes;
    stats_.lastUs = arrivalUs;
    stats_.markers += header.marker ? 1U : 0U;
    if (config_.telephoneEventPayloadType && header.payloadType == *config_.telephoneEventPayloadType) {
        addDtmf(header, arrivalUs);
    } else {
        stats_.payloadType = header.payloadType;
        if (addJitter(header, arrivalUs) && isRegular) {
            // Wireshark's running mean over the packets since the first: a packet that is not regular (or has no
            // jitter) counts at the mean so far.
            stats_.jitterMaxMs = std::max(stats_.jitterMaxMs, stats_.jitterMs);
            const auto before = static_cast<double>(stats_.packets - 1);  // this one is counted already
            stats_.jitterMeanMs = (stats_.jitterMeanMs * (before - 1) + stats_.jitterMs) / before;
        }
    }
    stats_.expected = priorExpected_ + (maxExtended_ - baseExtended_ + 1);
    stats_.received = priorReceived_ + segmentReceived_;
    stats_.lost = static_cast<std::int64_t>(stats_.expected) - static_cast<std::int64_t>(stats_.received);
    addToTimeline(arrivalUs, expectedBefore, receivedBefore);
}

void RtpStream::startSequence(std::uint16_t sequence) {
    // One cycle up, so packets older than the first one still have an extended number.
    baseExtended_ = maxExtended_ = (std::uint64_t{1} << 16) + sequence;
    seenWindow_ = 1;
    segmentReceived_ = 1;
    badSequence_.reset();
}

void RtpStream::addSequence(const RtpHeader& header) {
    const int delta = sequenceDistance(header.sequence, static_cast<std::uint16_t>(maxExtended_));
    if (delta > 0 && delta <= MaxDropout) {
        const std::uint64_t next = maxExtended_ + static_cast<std::uint64_t>(delta);
        if ((next >> 16) != (maxExtended_ >> 16)) {
            ++stats_.wraps;
        }
        seenWindow_ = delta >= WindowBits ? 0 : seenWindow_ << delta;
        seenWindow_ |= 1U;
        maxExtended_ = next;
    } else if (delta <= 0 && delta >= -MaxMisorder) {
        const bool inWindow = -delta < WindowBits;
        const std::uint64_t bit = inWindow ? std::uint64_t{1} << -delta : 0;
        if ((seenWindow_ & bit) != 0) {
            ++stats_.duplicates;
        } else {
            ++stats_.outOfOrder;
            seenWindow_ |= bit;
        }
    } else if (badSequence_ && header.sequence == *badSequence_) {
        // Two packets in sequence after a jump: the source restarted its numbering (A.1). Count from here.
        ++stats_.restarts;
        priorExpected_ += maxExtended_ - baseExtended_ + 1;
        priorReceived_ += segmentReceived_;
        startSequence(header.sequence);
        return;
    } else {
        badSequence_ = static_cast<std::uint16_t>(header.sequence + 1);
        return;  // not counted until the next packet confirms the jump
    }
    badSequence_.reset();
    ++segmentReceived_;
}

bool RtpStream::addJitter(const RtpHeader& header, std::int64_t arrivalUs) {
    const std::uint32_t clock = config_.clockRate(header.payloadType);
    if (clock == 0) {
        return false;
    }
    const double arrivalUnits = static_cast<double>(arrivalUs - stats_.firstUs) * clock / 1e6;
    if (!haveTransit_ || clock != transitClock_) {  // comfort noise (RFC 3389) at the codec's clock goes on
        haveTransit_ = true;
        transitClock_ = clock;
        lastTimestamp_ = header.timestamp;
        unwrappedTimestamp_ = 0;
        lastTransit_ = arrivalUnits;
        transitSlots_.fill(TransitSlot{});  // transit times of another reference do not compare
        notePlayoutReference(arrivalUs, arrivalUnits * 1000.0 / clock);
        return false;
    }
    unwrappedTimestamp_ += timestampDistance(header.timestamp, lastTimestamp_);
    lastTimestamp_ = header.timestamp;
    const double transit = arrivalUnits - static_cast<double>(unwrappedTimestamp_);
    const double d = std::fabs(transit - lastTransit_);
    lastTransit_ = transit;
    jitter_ += (d - jitter_) / 16.0;
    stats_.jitterMs = jitter_ * 1000.0 / clock;

    const double transitMs = transit * 1000.0 / clock;
    if (const std::optional<double> reference = playoutReference(arrivalUs);
        reference && transitMs - *reference > config_.jitterBufferMs) {
        ++stats_.latePackets;
    }
    notePlayoutReference(arrivalUs, transitMs);
    return true;
}

// The earliest transit of the packets that arrived in the current slot and the TransitSlots - 1 before it.
std::optional<double> RtpStream::playoutReference(std::int64_t arrivalUs) const {
    const std::int64_t slot = (arrivalUs - stats_.firstUs) / TransitSlotUs;
    std::optional<double> earliest;
    for (const TransitSlot& held : transitSlots_)
        if (held.index >= 0 && held.index > slot - static_cast<std::int64_t>(TransitSlots))
            earliest = earliest ? std::min(*earliest, held.minTransitMs) : held.minTransitMs;
    return earliest;
}

void RtpStream::notePlayoutReference(std::int64_t arrivalUs, double transitMs) {
    const std::int64_t slot = (arrivalUs - stats_.firstUs) / TransitSlotUs;
    TransitSlot& held = transitSlots_[static_cast<std::size_t>(slot) % TransitSlots];
    if (held.index != slot)
        held = TransitSlot{slot, transitMs};
    else
        held.minTransitMs = std::min(held.minTransitMs, transitMs);
}

void RtpStream::addDtmf(const RtpHeader& header, std::int64_t arrivalUs) {
    // RFC 4733 §2.3: event (8 bits), E, R, volume (6 bits), duration (16 bits). Every packet of one event carries
    // the event's start timestamp; the end packet is usually sent three times.
    if (header.payload.size() < 4) {
        return;
    }
    const auto event = static_cast<std::uint8_t>(header.payload[0]);
    const bool end = (static_cast<std::uint8_t>(header.payload[1]) & 0x80U) != 0;
    const auto duration = static_cast<std::uint16_t>((static_cast<std::uint8_t>(header.payload[2]) << 8) |
                                                     static_cast<std::uint8_t>(header.payload[3]));
    if (!haveEvent_ || header.timestamp != eventTimestamp_) {
        haveEvent_ = true;
        eventTimestamp_ = header.timestamp;
        if (stats_.digitCount < RtpStreamStats::MaxDigits) {
            stats_.digits[stats_.digitCount] = DtmfDigit{arrivalUs, duration, digitOf(event), event, end};
        }
        ++stats_.digitCount;
        return;
    }
    if (stats_.digitCount <= RtpStreamStats::MaxDigits) {
        DtmfDigit& digit = stats_.digits[stats_.digitCount - 1];
        digit.durationUnits = std::max(digit.durationUnits, duration);
        digit.ended = digit.ended || end;
    }
}

}  // namespace sipscope::decode
