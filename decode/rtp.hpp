// RTP and RTCP (RFC 3550): header parsing as views into the UDP payload, per-stream statistics in bounded state
// (no packet kept; a timeline of at most 600 points), RFC 4733 telephone-event digits, and the ITU-T G.107 E-model MOS
// estimate (issue 15).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sipscope::decode {

// ---------------------------------------------------------------------------------------------------------------
// RTP packets (RFC 3550 §5.1)

enum class RtpError : std::uint8_t {
    None = 0,
    TooShort,            // fewer than the 12 bytes of the fixed header
    BadVersion,          // version is not 2
    RtcpPayloadType,     // payload type 72-76: with the marker bit these are RTCP SR/RR/SDES/BYE/APP (RFC 5761 §4)
    CsrcTruncated,       // the CSRC list runs past the end
    ExtensionTruncated,  // the header extension (RFC 3550 §5.3.1) runs past the end
    BadPadding,          // padding bit set with a count of 0 or a count larger than what follows the headers
};

// One RTP packet; every view points into the payload given to parseRtp.
struct RtpHeader {
    std::uint8_t version = 0;
    bool padding = false;
    bool extension = false;
    bool marker = false;
    std::uint8_t csrcCount = 0;
    std::uint8_t payloadType = 0;
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
    std::string_view csrcBytes;          // csrcCount * 4 bytes, network order; read one with csrc(i)
    std::uint16_t extensionProfile = 0;  // "defined by profile" field when extension is set
    std::string_view extensionData;      // the extension's words, without its 4-byte header
    std::uint8_t paddingLength = 0;      // bytes of padding at the end, the count byte included
    std::string_view payload;            // after the headers, without the padding

    std::uint32_t csrc(std::size_t index) const;  // 0 past csrcCount
};

// Parses a UDP payload as RTP, checking every length against the bytes present. Accepts any payload type outside
// 72-76; plausibility beyond that is RtpFlowDetector's business.
std::optional<RtpHeader> parseRtp(std::string_view udpPayload, RtpError* error = nullptr);

// The payload types the strict heuristic accepts: the RFC 3551 static range 0-34 and the dynamic range 96-127.
bool isPlausibleRtpPayloadType(std::uint8_t payloadType);

// The "is this flow RTP?" heuristic of issue 15, fed the UDP payloads of one flow (one direction of a 5-tuple) in
// arrival order. A packet counts towards a run when it parses as RTP with a plausible payload type and, after the
// first, has the same SSRC as the previous one and a sequence number 1 to maxGap ahead of it. A run of
// requiredPackets decides Rtp; a flow that has not made such a run in its first maxUndecided packets is NotRtp.
// Once decided the answer does not change.
class RtpFlowDetector {
public:
    enum class Verdict : std::uint8_t { Undecided, Rtp, NotRtp };

    struct Config {
        std::uint8_t requiredPackets = 4;
        std::uint16_t maxGap = 3;
        std::uint16_t maxUndecided = 16;
    };

    RtpFlowDetector() = default;
    explicit RtpFlowDetector(Config config) : config_(config) {}

    Verdict feed(std::string_view udpPayload);
    Verdict verdict() const { return verdict_; }

private:
    Config config_{};
    Verdict verdict_ = Verdict::Undecided;
    std::uint16_t seen_ = 0;
    std::uint8_t run_ = 0;
    std::uint32_t ssrc_ = 0;
    std::uint16_t sequence_ = 0;
};

// ---------------------------------------------------------------------------------------------------------------
// RTCP compound packets (RFC 3550 §6.4, RFC 3611 §4.7)

enum class RtcpError : std::uint8_t {
    None = 0,
    TooShort,        // fewer than 8 bytes, or a packet header cut off
    BadVersion,      // a packet whose version is not 2
    BadFirstPacket,  // the compound does not start with SR or RR (RFC 3550 §6.1, the A.2 validity check)
    BadType,         // a packet type outside 192-223 (so not RTCP)
    BadLength,       // a length field running past the end, or a body too short for what its count announces
    BadPadding,      // padding in a packet that is not the last one, or a bad padding count
};

struct RtcpSenderInfo {
    std::uint64_t ntpTimestamp = 0;  // 32.32 fixed point seconds since 1900
    std::uint32_t rtpTimestamp = 0;
    std::uint32_t packetCount = 0;
    std::uint32_t octetCount = 0;
};

struct RtcpReportBlock {
    std::uint32_t ssrc = 0;                // the source reported on
    std::uint8_t fractionLost = 0;         // lost since the last report, in 1/256
    std::int32_t cumulativeLost = 0;       // signed 24 bits, sign-extended
    std::uint32_t extendedHighestSeq = 0;  // cycles << 16 | highest sequence
    std::uint32_t jitter = 0;              // timestamp units
    std::uint32_t lastSr = 0;              // LSR: middle 32 bits of the last SR's NTP time
    std::uint32_t delaySinceLastSr = 0;    // DLSR: in 1/65536 s
};

// An SR (type 200, senderInfo set) or an RR (type 201).
struct RtcpReport {
    static constexpr std::size_t MaxBlocks = 31;  // the 5-bit report count
    std::uint8_t packetType = 0;
    std::uint32_t senderSsrc = 0;
    std::optional<RtcpSenderInfo> senderInfo;
    std::uint8_t blockCount = 0;
    std::array<RtcpReportBlock, MaxBlocks> blocks{};
};

// RFC 3611 §4.7 VoIP metrics report block, fields as on the wire (their units are those of the RFC: rates in
// 1/256, durations and delays in ms, levels in dBm, MOS in tenths, 127 or 255 meaning "unavailable").
struct RtcpVoipMetrics {
    std::uint32_t reporterSsrc = 0;  // the XR packet's SSRC
    std::uint32_t ssrc = 0;          // the source reported on
    std::uint8_t lossRate = 0;
    std::uint8_t discardRate = 0;
    std::uint8_t burstDensity = 0;
    std::uint8_t gapDensity = 0;
    std::uint16_t burstDuration = 0;
    std::uint16_t gapDuration = 0;
    std::uint16_t roundTripDelay = 0;
    std::uint16_t endSystemDelay = 0;
    std::int8_t signalLevel = 0;
    std::int8_t noiseLevel = 0;
    std::uint8_t residualEchoReturnLoss = 0;
    std::uint8_t gmin = 0;
    std::uint8_t rFactor = 0;
    std::uint8_t externalRFactor = 0;
    std::uint8_t mosLq = 0;
    std::uint8_t mosCq = 0;
    std::uint8_t receiverConfig = 0;
    std::uint16_t jitterBufferNominal = 0;
    std::uint16_t jitterBufferMaximum = 0;
    std::uint16_t jitterBufferAbsMax = 0;
};

// What a compound packet carried. Bounded: reports and VoIP blocks beyond the capacity are counted, not kept.
struct RtcpCompound {
    static constexpr std::size_t MaxReports = 4;
    static constexpr std::size_t MaxVoipMetrics = 4;
    std::uint8_t packetCount = 0;  // RTCP packets in the compound
    std::uint8_t reportCount = 0;
    std::array<RtcpReport, MaxReports> reports{};
    std::uint8_t voipMetricsCount = 0;
    std::array<RtcpVoipMetrics, MaxVoipMetrics> voipMetrics{};
    std::uint8_t dropped = 0;  // SR/RR or VoIP blocks past the capacity
    std::uint8_t skipped = 0;  // SDES, BYE, APP, feedback and other packets or XR blocks, skipped by their length
    bool bye = false;          // a BYE was among them
};

// Parses a UDP payload as an RTCP compound packet, every length checked. On error the result is nullopt.
std::optional<RtcpCompound> parseRtcp(std::string_view udpPayload, RtcpError* error = nullptr);

// The middle 32 bits of the NTP time (16.16 fixed point seconds since 1900) of a Unix time in µs: the form of LSR.
std::uint32_t compactNtp(std::int64_t unixUs);
// The round-trip time a report block tells when it arrives at arrivalUs (RFC 3550 §6.4.1: arrival - LSR - DLSR),
// in ms; nullopt when the block has no LSR (its source had no SR yet) or the result is negative.
std::optional<double> rtcpRoundTripMs(const RtcpReportBlock& block, std::int64_t arrivalUs);

// ---------------------------------------------------------------------------------------------------------------
// Per-stream statistics (RFC 3550 A.1, A.3, A.8; RFC 4733)

// The clock rate of a payload type: the RFC 3551 static table, or 0 when it is dynamic or unknown.
std::uint32_t staticClockRate(std::uint8_t payloadType);

struct RtpStreamConfig {
    // Clock rates of the dynamic payload types, from the SDP's rtpmap lines; 0 = unknown (no jitter computed).
    std::array<std::uint32_t, 128> dynamicClockRates{};
    // The RFC 4733 telephone-event payload type, when the SDP names one.
    std::optional<std::uint8_t> telephoneEventPayloadType;
    // The playout buffer of the E-model's assumption (see RtpStream's late packets).
    double jitterBufferMs = 60.0;

    std::uint32_t clockRate(std::uint8_t payloadType) const;
};

// One RFC 4733 event: a digit "0"-"9", "*", "#", "A"-"D", or '!' for flash (event 16); other events '?'.
struct DtmfDigit {
    std::int64_t timeUs = 0;          // arrival of the event's first packet
    std::uint16_t durationUnits = 0;  // the longest duration seen for it, in timestamp units
    char digit = '?';
    std::uint8_t event = 0;
    bool ended = false;  // an end packet (E bit) was seen
};                       // 16 bytes: every stream's statistics keep MaxDigits of them

// One interval of a stream's timeline (the viewer's jitter/loss graph).
struct RtpIntervalPoint {
    std::uint32_t received = 0;  // packets counted in the sequence accounting that arrived in it
    std::int32_t lost = 0;       // expected - received over it (A.3 per interval; negative when duplicates)
    float jitterMs = 0;          // the A.8 estimate after its last packet (the one before it when it had none)
};

// A stream's timeline: point i covers arrival times [firstUs + i * intervalUs, + intervalUs). Intervals are 1 s;
// when a stream outlasts MaxPoints of them, neighbouring points merge two by two (sums, the later jitter) and the
// interval doubles, so hours of RTP keep at most MaxPoints points (12 bytes each).
struct RtpTimeline {
    static constexpr std::size_t MaxPoints = 600;
    static constexpr std::int64_t FirstIntervalUs = 1'000'000;
    std::int64_t intervalUs = FirstIntervalUs;
    std::vector<RtpIntervalPoint> points;

    void mergePairs();  // halves the points, doubles the interval
};

struct RtpStreamStats {
    static constexpr std::size_t MaxDigits = 32;

    std::uint32_t ssrc = 0;         // current SSRC
    std::uint32_t ssrcChanges = 0;  // times the SSRC changed after the first packet
    std::uint8_t payloadType = 0;   // of the latest packet other than telephone-event
    std::uint64_t packets = 0;      // every packet fed
    std::uint64_t bytes = 0;        // their UDP payload bytes (RTP headers included)
    std::uint64_t expected = 0;     // RFC 3550 A.3: extended highest - base + 1, summed over SSRCs and restarts
    std::uint64_t received = 0;     // packets counted in sequence accounting (duplicates included, as in A.3)
    std::int64_t lost = 0;          // expected - received; negative when duplicates outnumber losses (as in A.3)
    std::uint64_t duplicates = 0;   // a sequence number already seen within the last 64
    std::uint64_t outOfOrder = 0;   // older than the highest so far and not a duplicate
    std::uint32_t wraps = 0;        // sequence number cycles (65535 -> 0)
    std::uint32_t restarts = 0;     // A.1 resyncs after a jump beyond maxDropout / maxMisorder
    std::uint64_t markers = 0;
    std::uint64_t latePackets = 0;  // arrived after their playout time (the jitter-buffer assumption, see RtpStream)
    double jitterMs = 0.0;          // the current A.8 estimate (may exceed the max: see below)
    double jitterMeanMs = 0.0;      // Wireshark's running mean of the estimate (see RtpStream)
    double jitterMaxMs = 0.0;       // the largest estimate after a regular packet, as Wireshark takes it
    double maxDeltaMs = 0.0;        // the largest gap before a regular packet (see RtpStream)
    std::int64_t firstUs = 0;
    std::int64_t lastUs = 0;
    std::uint32_t digitCount = 0;  // every event seen; the first MaxDigits are kept in digits
    std::array<DtmfDigit, MaxDigits> digits{};
    RtpTimeline timeline;  // per interval of arrival time, from firstUs

    double lostPercent() const;  // lost / expected * 100, 0 when nothing was expected
};

// Statistics of one stream (one direction of a flow), fed its RTP packets in arrival order.
//
// Sequence accounting follows the A.1 rules: the extended sequence counts wraps; a jump of more than 3000 ahead or
// more than 100 behind is ignored unless the next packet follows it, which restarts the count there. An SSRC change
// restarts it too (and is counted). Interarrival jitter is A.8: J += (|D| - J) / 16 over consecutive packets in
// arrival order, D the change in transit time in timestamp units, reported in ms with the payload type's clock rate;
// telephone-event packets and payload types without a known clock rate are left out of it. A change to a payload
// type of another clock rate restarts the transit reference (comfort noise at the codec's clock does not).
//
// Max delta, max jitter and mean jitter are taken as Wireshark's RTP analysis takes them (tshark -z rtp,streams),
// at regular packets only: not the first of an SSRC, not one with the marker bit (the gap before a talkspurt is
// silence suppression, not the network), not comfort noise (payload type 13 or 19) nor the packet after it, not one
// whose timestamp is behind the latest packet in time sequence. A delta is the gap since that latest packet in
// time sequence. The mean is Wireshark's running mean over every packet after the first, where a packet that is not
// regular, or has no jitter (telephone-event, an unknown clock rate), counts at the mean so far.
//
// Late packets, the jitter-buffer assumption of the MOS: a playout buffer of jitterBufferMs that adapts to the
// delay within 2 s. A packet whose transit time (arrival minus RTP time) exceeds the earliest transit of the
// packets that arrived in the last 1.5-2 s (four slots of 500 ms) by more than the buffer would have come after its
// playout time and is counted late. So a spike of delay costs the packets it delays, while a lasting change of
// delay, a sender's timestamp jump or a clock drift cost at most 2 s of packets, as they would cost an adaptive
// buffer, instead of making every later packet late.
class RtpStream {
public:
    explicit RtpStream(const RtpStreamConfig& config = {}) : config_(config) {}

    // One packet: its parsed header, its UDP payload size and its arrival time.
    void add(const RtpHeader& header, std::size_t udpPayloadBytes, std::int64_t arrivalUs);

    const RtpStreamStats& stats() const { return stats_; }

private:
    void addToTimeline(std::int64_t arrivalUs, std::uint64_t expectedBefore, std::uint64_t receivedBefore);
    void addSequence(const RtpHeader& header);
    void startSequence(std::uint16_t sequence);
    bool addJitter(const RtpHeader& header, std::int64_t arrivalUs);  // false: the estimate was not updated
    void addDtmf(const RtpHeader& header, std::int64_t arrivalUs);

    RtpStreamConfig config_;
    RtpStreamStats stats_;
    // sequence state (A.1)
    std::uint64_t baseExtended_ = 0;
    std::uint64_t maxExtended_ = 0;
    std::uint64_t seenWindow_ = 0;  // bit i: maxExtended_ - i was received
    std::uint64_t segmentReceived_ = 0;
    std::uint64_t priorExpected_ = 0;
    std::uint64_t priorReceived_ = 0;
    std::optional<std::uint16_t> badSequence_;
    // jitter state (A.8)
    bool haveTransit_ = false;
    std::uint32_t transitClock_ = 0;  // the clock rate of the transit reference
    std::uint32_t lastTimestamp_ = 0;
    std::int64_t unwrappedTimestamp_ = 0;  // RTP timestamp since the transit reference, wraps undone
    double lastTransit_ = 0.0;             // arrival minus RTP time since the reference, timestamp units
    double jitter_ = 0.0;                  // timestamp units
    // regular packets (see add), in Wireshark's terms
    std::uint8_t previousPayloadType_ = 0;
    std::uint32_t lastRawTimestamp_ = 0;
    std::int64_t extendedTimestamp_ = 0;  // since the first packet of the SSRC, wraps undone
    std::int64_t sequenceTimestamp_ = 0;  // of the latest packet in time sequence (timestamp not behind)
    std::int64_t sequenceArrivalUs_ = 0;  // its arrival
    // The playout reference of the jitter-buffer assumption: the earliest transit (ms) in each of the last
    // TransitSlots slots of TransitSlotUs of arrival time.
    static constexpr std::size_t TransitSlots = 4;
    static constexpr std::int64_t TransitSlotUs = 500'000;
    struct TransitSlot {
        std::int64_t index = -1;  // the slot (arrival since the first packet / TransitSlotUs); -1: empty
        double minTransitMs = 0.0;
    };
    std::array<TransitSlot, TransitSlots> transitSlots_{};
    std::optional<double> playoutReference(std::int64_t arrivalUs) const;
    void notePlayoutReference(std::int64_t arrivalUs, double transitMs);
    std::int64_t timelineEndUs_ = 0;  // end of the timeline's last interval
    // DTMF state
    bool haveEvent_ = false;
    std::uint32_t eventTimestamp_ = 0;
};

// ---------------------------------------------------------------------------------------------------------------
// MOS estimate: ITU-T G.107 E-model

enum class MosCodec : std::uint8_t { G711, G711NoPlc, G722, G729, Opus };

// Equipment impairment Ie and packet-loss robustness Bpl of a codec, on the narrowband (G.107) scale.
struct CodecImpairment {
    double ie = 0.0;
    double bpl = 1.0;
};
CodecImpairment codecImpairment(MosCodec codec);
// The codec of an rtpmap encoding name, case-insensitive: PCMU and PCMA are G711, G722, G729 (and G729A/B), opus;
// nullopt for any other.
std::optional<MosCodec> mosCodecFor(std::string_view encodingName);

// The inputs of the estimate.
//   networkLossPercent: packets lost in the network (RtpStreamStats::lostPercent, negative values taken as 0).
//   lateLossPercent:    packets discarded by the jitter buffer (latePackets / expected * 100 under the jitter-buffer
//                       assumption of RtpStream); added to the network loss to give the effective loss Ppl.
//   oneWayDelayMs:      mouth-to-ear delay Ta (network one-way delay, e.g. RTT/2 from RTCP, plus the jitter buffer
//                       and packetisation). Below 100 ms it costs nothing; above, the G.107 Idd term applies.
//   burstRatio:         BurstR of G.107, 1 for random loss.
struct MosInputs {
    MosCodec codec = MosCodec::G711;
    double networkLossPercent = 0.0;
    double lateLossPercent = 0.0;
    double oneWayDelayMs = 0.0;
    double burstRatio = 1.0;
};

// The transmission rating R = 93.2 - Idd - Ie,eff (G.107 with its default values for every other parameter, the
// advantage factor A = 0), where Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl / BurstR + Bpl).
double eModelRating(const MosInputs& inputs);
// G.107 Annex B: R to the estimated MOS-CQE, 1 for R < 0, 4.5 for R > 100.
double mosFromRating(double rating);
inline double estimateMos(const MosInputs& inputs) { return mosFromRating(eModelRating(inputs)); }

}  // namespace sipscope::decode
