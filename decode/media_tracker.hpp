// Media (issue 15): RTP and RTCP flows tied to the calls whose SDP announced them, per-stream statistics, and the
// per-call media verdict. Fed the SDP offers and answers as the correlator places them and the UDP payloads that are
// not SIP; hands out finished streams as records of counters (no packet is kept). Bounded in flows and SDP addresses.
#pragma once

#include "capture/packet.hpp"
#include "decode/correlator.hpp"
#include "decode/rtp.hpp"
#include "decode/sdp.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::decode {

struct MediaTrackerLimits {
    // Flows (one direction of a UDP 5-tuple that is not SIP) tracked at once: RTP streams, RTCP flows and flows the
    // heuristic is still testing. When full, the least recently active ones are finished early (streamsEvicted).
    std::size_t maxStreams = 20'000;
    std::int64_t streamIdleUs = 60'000'000;  // a flow with no packet this long (capture time) is finished
    std::size_t maxExpectations = 100'000;   // SDP addresses (and calls' party addresses) remembered; oldest forgotten
};

// Which party of the call sends a stream: the one whose SDP made the call's first offer, or the other. A later SDP
// (re-INVITE, UPDATE) belongs to the party whose address it repeats, else to the offerer when it is an offer.
enum class MediaParty : std::uint8_t { Unknown = 0, Offerer = 1, Answerer = 2 };
std::string_view mediaPartyName(MediaParty party);  // "", "offerer", "answerer"

// One finished stream: one direction of a UDP flow that carried RTP, as it is stored.
struct MediaStreamRecord {
    std::uint64_t callKey = 0;     // 0: no SDP named it (found by the heuristic: an unassociated stream)
    std::int32_t mediaIndex = -1;  // the m= line of the SDP that named it; -1 when unassociated
    MediaParty sender = MediaParty::Unknown;
    bool addressMismatch = false;  // tied to its call by one end only: the other is not the SDP's (NAT)
    bool rtcpMux = false;          // RTCP came on the RTP flow (RFC 5761)
    bool evicted = false;          // finished early because MediaTrackerLimits::maxStreams was reached
    std::int64_t sourceTag = 0;    // onPacket's tag of the flow's first packet (the store: its capture's id)
    capture::Endpoint src;
    capture::Endpoint dst;
    RtpStreamStats stats;
    std::string codec;            // encoding name of stats.payloadType from the SDP's rtpmap or the static table
    std::uint32_t clockRate = 0;  // 0 when unknown
    // RTCP: compounds sent by the stream's SSRC, and the report blocks others sent about it (the latest one's figures)
    std::uint32_t rtcpPackets = 0;
    std::uint32_t rtcpReports = 0;
    std::optional<double> rtcpLostPercent;  // fraction lost of the latest report block, in %
    std::optional<std::int32_t> rtcpCumulativeLost;
    std::optional<double> rtcpJitterMs;
    std::optional<double> rttMs;  // round trip of the latest block that had an LSR (RFC 3550 §6.4.1)
    std::optional<double> mos;    // E-model estimate (rtp.hpp) for the codecs mosCodecFor knows
};

struct MediaTrackerStats {
    std::uint64_t udpPackets = 0;           // payloads fed to onPacket
    std::uint64_t rtpPackets = 0;           // counted in a stream
    std::uint64_t rtcpPackets = 0;          // RTCP compounds parsed
    std::uint64_t otherPackets = 0;         // neither: not RTP by the heuristic, unparseable on an SDP address, testing
    std::uint64_t streams = 0;              // streams handed out
    std::uint64_t streamsAssociated = 0;    // of those, tied to a call
    std::uint64_t streamsEvicted = 0;       // flows finished early at the maxStreams limit (streams and others)
    std::uint64_t expectationsEvicted = 0;  // SDP addresses forgotten at the maxExpectations limit
};

class MediaTracker {
public:
    explicit MediaTracker(MediaTrackerLimits limits = {});
    ~MediaTracker();
    MediaTracker(const MediaTracker&) = delete;
    MediaTracker& operator=(const MediaTracker&) = delete;

    // An SDP offer or answer of a call (role None is ignored): each m= line's connection address and port is where
    // its owner expects RTP (RTCP on the a=rtcp port, else port + 1, or on the same port with a=rtcp-mux). A later
    // SDP for the same address replaces the earlier one (a re-INVITE moving media, or the port given to a new call).
    void onSdp(std::uint64_t callKey, SdpRole role, const SessionDescriptionView& sdp);
    // A UDP payload that is not SIP. RTP to or from an SDP address is counted in that call's stream; RTCP is tied to
    // streams by SSRC; other flows are counted as unassociated streams once the strict heuristic says RTP
    // (RtpFlowDetector; the packets it tested are counted too). `sourceTag` names where the packet came from (the
    // store passes its capture's id); a stream keeps the tag of its flow's first packet.
    void onPacket(const capture::PayloadView& payload, std::int64_t sourceTag = 0);
    // The call is over (its summary was handed out final): its SDP addresses are forgotten, so the table holds the
    // open calls' addresses, not the last maxExpectations of the capture. Its streams already flowing go on.
    void onCallFinished(std::uint64_t callKey);

    // Streams finished since the last take: idle for streamIdleUs, evicted, replaced, or all after finishAll().
    bool hasFinished() const;
    void takeFinished(std::vector<MediaStreamRecord>& out);
    void finishAll();  // end of input

    std::size_t flows() const;
    const MediaTrackerStats& stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// ---------------------------------------------------------------------------------------------------------------
// Per-call media verdict (issue 15)

enum class MediaVerdict : std::uint8_t { Ok, OneWay, None, WrongAddress, Late };
std::string_view mediaVerdictName(MediaVerdict verdict);  // "ok", "one-way", "none", "wrong-address", "late"

// What the verdict needs of one stream of the call.
struct StreamOfCall {
    MediaParty sender = MediaParty::Unknown;
    bool addressMismatch = false;
    capture::Endpoint src;
    capture::Endpoint dst;
    std::int64_t firstUs = 0;
    std::int64_t lastUs = 0;
    std::uint64_t packets = 0;
};

// Who the call's first offer and answer let send (RFC 3264 §6.1: each side's direction from its own view; the
// first m= line), and those directions for the reason; both true when the SDP said nothing.
struct NegotiatedMedia {
    bool offererSends = true;
    bool answererSends = true;
    std::string offerDirection;  // "recvonly", ...; empty when unknown
    std::string answerDirection;
};
// From the directions of the first offer and answer ("" = not seen: sendrecv), and whether the answer refused the
// stream (port 0).
NegotiatedMedia negotiatedMedia(std::string_view offerDirection, std::string_view answerDirection, bool isRefused);

struct MediaAssessment {
    MediaVerdict verdict = MediaVerdict::Ok;
    std::string reason;  // in words, every problem found
};

// Seconds after the 200 beyond which the first RTP is late.
inline constexpr std::int64_t LateMediaUs = 1'000'000;

// The verdict of an answered call (answeredUs: its 2xx; 0 = not answered: no verdict) from its streams:
//   none           not one RTP packet of the call after the answer
//   one-way        after the answer RTP came from one party only
//   wrong-address  a stream was tied to the call by one end only: from or to an address other than the SDP's (NAT)
//   late           the first RTP after the answer came more than LateMediaUs after it
//   ok             none of these
// The first that applies, in that order; the reason names every one that applies. `isRtpInCapture`: the capture
// the call came from carried any RTP stream at all; when not, a `none` says so (a signalling-only capture filter
// rather than a call without audio). `negotiated`: RTP from one party only is no fault when the SDP let only that
// party send (an announcement: offer recvonly, answer sendonly), nor no RTP at all when it let nobody send.
std::optional<MediaAssessment> assessMedia(std::int64_t answeredUs, std::span<const StreamOfCall> streams,
                                           bool isRtpInCapture = true, const NegotiatedMedia& negotiated = {});

}  // namespace sipscope::decode
