// The media tracker: SDP addresses as expectations, UDP flows as RTP streams or RTCP, bounded tables.
#include "decode/media_tracker.hpp"

#include "decode/detail/lex.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <unordered_map>

namespace sipscope::decode {

namespace {

struct FlowKey {
    capture::Endpoint src;
    capture::Endpoint dst;
    bool operator==(const FlowKey&) const = default;
};

struct FlowKeyHash {
    std::size_t operator()(const FlowKey& key) const {
        const capture::EndpointHash hash;
        return hash(key.src) * 31 + hash(key.dst);
    }
};

// The payload formats of one m= line: what a stream on its address is decoded with.
struct MediaFormats {
    RtpStreamConfig config;
    struct Name {
        std::uint8_t payloadType = 0;
        std::string name;
    };
    std::vector<Name> names;  // from rtpmap lines

    std::string codecName(std::uint8_t payloadType) const {
        for (const Name& n : names)
            if (n.payloadType == payloadType)
                return n.name;
        if (const auto format = staticPayloadFormat(payloadType))
            return std::string(format->encodingName);
        return {};
    }
};

// Where an SDP said its owner receives RTP (or RTCP).
struct Expectation {
    std::uint64_t callKey = 0;
    std::int32_t mediaIndex = 0;
    MediaParty party = MediaParty::Unknown;  // who receives here
    bool isRtcp = false;                     // the RTCP port of the m= line
    bool isNotRtp = false;                   // an m= line of another protocol (T.38 udptl): no RTP stream here
    std::uint64_t stamp = 0;                 // its place in the eviction order
    std::shared_ptr<const MediaFormats> formats;
};

// The addresses of a call's two parties, as their SDPs gave them (the latest).
struct CallParties {
    std::optional<capture::IpAddress> offerer;
    std::optional<capture::IpAddress> answerer;
    std::uint64_t stamp = 0;
    std::vector<capture::Endpoint> addresses;  // its expectations, forgotten when the call is over (the first 16)
};

// Up to RtpFlowDetector's first packets of a flow being tested, so that a flow found to be RTP counts them all.
struct HeldPacket {
    RtpHeader header;                    // views cleared; payload points at `payloadStart`
    std::array<char, 4> payloadStart{};  // the first bytes of the payload: what DTMF reads
    std::size_t bytes = 0;
    std::int64_t arrivalUs = 0;
};

struct Stream {
    explicit Stream(const RtpStreamConfig& config) : rtp(config) {}
    RtpStream rtp;
    MediaStreamRecord record;
    std::shared_ptr<const MediaFormats> formats;
    std::optional<std::uint32_t> registeredSsrc;  // the SSRC last entered in bySsrc for it
};

enum class FlowKind : std::uint8_t { Testing, Rtp, Rtcp, NotRtp };

struct Flow {
    FlowKind kind = FlowKind::Testing;
    std::int64_t lastUs = 0;
    std::uint64_t generation = 0;  // of the expectations when this flow was last matched against them
    std::int64_t sourceTag = 0;    // onPacket's tag of its first packet
    RtpFlowDetector detector;
    std::vector<HeldPacket> held;    // while Testing
    std::unique_ptr<Stream> stream;  // when Rtp
};

using FlowMap = std::unordered_map<FlowKey, Flow, FlowKeyHash>;

}  // namespace

struct MediaTracker::Impl {
    explicit Impl(MediaTrackerLimits l) : limits(l) {
        limits.maxStreams = std::max<std::size_t>(limits.maxStreams, 1);
        limits.maxExpectations = std::max<std::size_t>(limits.maxExpectations, 1);
    }

    MediaTrackerLimits limits;
    MediaTrackerStats stats;
    FlowMap flows;
    std::unordered_map<std::uint32_t, FlowKey> bySsrc;  // the latest flow of each SSRC, for RTCP; may be stale
    std::unordered_map<capture::Endpoint, Expectation, capture::EndpointHash> expectations;
    std::deque<std::pair<capture::Endpoint, std::uint64_t>> expectationOrder;
    std::unordered_map<std::uint64_t, CallParties> parties;
    std::deque<std::pair<std::uint64_t, std::uint64_t>> partyOrder;
    std::uint64_t generation = 1;
    std::uint64_t stamp = 0;
    std::int64_t lastSweepUs = 0;
    std::vector<MediaStreamRecord> finished;

    MediaParty partyOf(std::uint64_t callKey, SdpRole role, const std::optional<capture::IpAddress>& address);
    void expect(const capture::Endpoint& at, Expectation expectation);
    const Expectation* find(const capture::Endpoint& at) const {
        const auto it = expectations.find(at);
        return it == expectations.end() ? nullptr : &it->second;
    }
    void match(const FlowKey& key, Flow& flow);
    void startStream(const FlowKey& key, Flow& flow, const Expectation* expectation, bool byDestination);
    void addRtp(Flow& flow, const RtpHeader& header, std::size_t bytes, std::int64_t arrivalUs);
    void onRtcp(std::string_view payload, std::int64_t arrivalUs);
    Stream* streamOfSsrc(std::uint32_t ssrc);
    void finishStream(Flow& flow, bool evicted);
    void sweep(std::int64_t nowUs);
    void makeRoom(std::int64_t nowUs);
};

namespace {

std::optional<capture::IpAddress> parseAddress(std::string_view text) { return capture::parseIpAddress(text); }

// A copy of the parts of a header a stream reads later, its payload start kept in `held`.
HeldPacket hold(const RtpHeader& header, std::size_t bytes, std::int64_t arrivalUs) {
    HeldPacket held;
    held.header = header;
    held.header.csrcBytes = {};
    held.header.extensionData = {};
    const std::size_t kept = std::min(header.payload.size(), held.payloadStart.size());
    std::memcpy(held.payloadStart.data(), header.payload.data(), kept);
    held.bytes = bytes;
    held.arrivalUs = arrivalUs;
    held.header.payload = std::string_view(held.payloadStart.data(), kept);
    return held;
}

bool looksLikeRtcp(std::string_view payload) {
    if (payload.size() < 8)
        return false;
    const auto first = static_cast<std::uint8_t>(payload[0]);
    const auto type = static_cast<std::uint8_t>(payload[1]);
    return (first >> 6) == 2 && (type == 200 || type == 201);  // every compound starts with SR or RR
}

}  // namespace

MediaParty MediaTracker::Impl::partyOf(std::uint64_t callKey, SdpRole role,
                                       const std::optional<capture::IpAddress>& address) {
    auto [it, isNew] = parties.try_emplace(callKey);
    CallParties& call = it->second;
    if (isNew) {
        call.stamp = ++stamp;
        partyOrder.emplace_back(callKey, call.stamp);
        if (partyOrder.size() > 2 * parties.size() + 1024)  // entries of finished or replaced calls
            std::erase_if(partyOrder, [this](const auto& entry) {
                const auto party = parties.find(entry.first);
                return party == parties.end() || party->second.stamp != entry.second;
            });
        while (parties.size() > limits.maxExpectations && !partyOrder.empty()) {
            const auto [oldKey, oldStamp] = partyOrder.front();
            partyOrder.pop_front();
            if (auto old = parties.find(oldKey); old != parties.end() && old->second.stamp == oldStamp)
                parties.erase(old);
        }
        it = parties.find(callKey);
        if (it == parties.end())
            return role == SdpRole::Answer ? MediaParty::Answerer : MediaParty::Offerer;
    }
    CallParties& known = it->second;
    MediaParty party = MediaParty::Unknown;
    if (address && known.offerer == address)
        party = MediaParty::Offerer;
    else if (address && known.answerer == address)
        party = MediaParty::Answerer;
    else if (!known.offerer && !known.answerer)
        party = role == SdpRole::Answer ? MediaParty::Answerer : MediaParty::Offerer;
    else if (!known.answerer)
        party = MediaParty::Answerer;  // a new address once the offerer's is known: the other party
    else
        party = role == SdpRole::Answer ? MediaParty::Answerer : MediaParty::Offerer;
    if (address)
        (party == MediaParty::Offerer ? known.offerer : known.answerer) = address;
    return party;
}

void MediaTracker::Impl::expect(const capture::Endpoint& at, Expectation expectation) {
    expectation.stamp = ++stamp;
    if (const auto call = parties.find(expectation.callKey);
        call != parties.end() && call->second.addresses.size() < 16 &&
        std::find(call->second.addresses.begin(), call->second.addresses.end(), at) == call->second.addresses.end())
        call->second.addresses.push_back(at);
    expectationOrder.emplace_back(at, expectation.stamp);
    expectations.insert_or_assign(at, std::move(expectation));
    while (expectations.size() > limits.maxExpectations && !expectationOrder.empty()) {
        const auto [oldAt, oldStamp] = expectationOrder.front();
        expectationOrder.pop_front();
        if (auto old = expectations.find(oldAt); old != expectations.end() && old->second.stamp == oldStamp) {
            expectations.erase(old);
            ++stats.expectationsEvicted;
        }
    }
    // The order list holds stale entries of replaced and forgotten addresses too; keep it from growing past twice
    // the table (amortized: one pass per as many expectations as the table holds).
    if (expectationOrder.size() > 2 * expectations.size() + 1024) {
        std::erase_if(expectationOrder, [this](const auto& entry) {
            const auto it = expectations.find(entry.first);
            return it == expectations.end() || it->second.stamp != entry.second;
        });
    }
    ++generation;
}

void MediaTracker::Impl::startStream(const FlowKey& key, Flow& flow, const Expectation* expectation,
                                     bool byDestination) {
    static const MediaFormats NoFormats;
    const MediaFormats& formats = expectation && expectation->formats ? *expectation->formats : NoFormats;
    flow.stream = std::make_unique<Stream>(formats.config);
    flow.stream->formats = expectation ? expectation->formats : nullptr;
    MediaStreamRecord& record = flow.stream->record;
    record.src = key.src;
    record.dst = key.dst;
    record.sourceTag = flow.sourceTag;
    if (expectation == nullptr)
        return;
    record.callKey = expectation->callKey;
    record.mediaIndex = expectation->mediaIndex;
    const MediaParty owner = expectation->party;
    const MediaParty other = owner == MediaParty::Offerer ? MediaParty::Answerer : MediaParty::Offerer;
    record.sender = byDestination ? other : owner;
    if (!byDestination) {
        record.addressMismatch = true;  // sent from an SDP address to one no SDP of the call named
        return;
    }
    // Tied by its destination: the source should be the other party's address (its port may differ).
    if (auto call = parties.find(expectation->callKey); call != parties.end()) {
        const auto& expected = other == MediaParty::Offerer ? call->second.offerer : call->second.answerer;
        record.addressMismatch = expected && *expected != key.src.ip;
    }
}

void MediaTracker::Impl::match(const FlowKey& key, Flow& flow) {
    flow.generation = generation;
    bool byDestination = true;
    const Expectation* expectation = find(key.dst);
    if (expectation == nullptr) {
        expectation = find(key.src);
        byDestination = false;
    }
    if (expectation == nullptr)
        return;  // unknown flow: stays with the heuristic, or an unassociated stream
    if (expectation->isNotRtp) {
        finishStream(flow, false);
        flow.kind = FlowKind::NotRtp;
        flow.held.clear();
        return;
    }
    if (expectation->isRtcp) {
        if (flow.kind == FlowKind::Testing || flow.kind == FlowKind::NotRtp) {
            flow.kind = FlowKind::Rtcp;
            flow.held.clear();
        }
        return;
    }
    if (flow.kind == FlowKind::Rtp && flow.stream) {
        MediaStreamRecord& record = flow.stream->record;
        if (record.callKey == expectation->callKey && record.mediaIndex == expectation->mediaIndex)
            return;
        if (record.callKey != 0) {
            finishStream(flow, false);  // the address now belongs to another call or media line
        } else {
            // Found by the heuristic before its SDP was seen: the same stream, now tied to its call.
            auto stream = std::move(flow.stream);
            startStream(key, flow, expectation, byDestination);
            std::swap(flow.stream->rtp, stream->rtp);
            flow.stream->record.stats = {};
            return;
        }
    }
    if (flow.kind != FlowKind::Rtp || !flow.stream) {
        flow.kind = FlowKind::Rtp;
        startStream(key, flow, expectation, byDestination);
        for (const HeldPacket& held : flow.held)
            addRtp(flow, held.header, held.bytes, held.arrivalUs);
        flow.held.clear();
        flow.held.shrink_to_fit();
    }
}

void MediaTracker::Impl::addRtp(Flow& flow, const RtpHeader& header, std::size_t bytes, std::int64_t arrivalUs) {
    Stream& stream = *flow.stream;
    stream.rtp.add(header, bytes, arrivalUs);
    ++stats.rtpPackets;
    if (stream.registeredSsrc != header.ssrc) {
        stream.registeredSsrc = header.ssrc;
        bySsrc.insert_or_assign(header.ssrc, FlowKey{stream.record.src, stream.record.dst});
    }
}

Stream* MediaTracker::Impl::streamOfSsrc(std::uint32_t ssrc) {
    const auto it = bySsrc.find(ssrc);
    if (it == bySsrc.end())
        return nullptr;
    const auto flow = flows.find(it->second);
    if (flow == flows.end() || !flow->second.stream) {
        bySsrc.erase(it);
        return nullptr;
    }
    return flow->second.stream.get();
}

void MediaTracker::Impl::onRtcp(std::string_view payload, std::int64_t arrivalUs) {
    const std::optional<RtcpCompound> compound = parseRtcp(payload);
    if (!compound) {
        ++stats.otherPackets;
        return;
    }
    ++stats.rtcpPackets;
    for (std::size_t r = 0; r < compound->reportCount && r < compound->reports.size(); ++r) {
        const RtcpReport& report = compound->reports[r];
        if (Stream* sender = streamOfSsrc(report.senderSsrc))
            ++sender->record.rtcpPackets;
        for (std::size_t b = 0; b < report.blockCount && b < report.blocks.size(); ++b) {
            const RtcpReportBlock& block = report.blocks[b];
            Stream* about = streamOfSsrc(block.ssrc);
            if (about == nullptr)
                continue;
            Stream& stream = *about;
            MediaStreamRecord& record = stream.record;
            ++record.rtcpReports;
            record.rtcpLostPercent = block.fractionLost * 100.0 / 256.0;
            record.rtcpCumulativeLost = block.cumulativeLost;
            const std::uint32_t clock = stream.rtp.stats().packets > 0
                                            ? (stream.formats ? stream.formats->config : RtpStreamConfig{})
                                                  .clockRate(stream.rtp.stats().payloadType)
                                            : 0;
            if (clock != 0)
                record.rtcpJitterMs = block.jitter * 1000.0 / clock;
            if (const auto rtt = rtcpRoundTripMs(block, arrivalUs))
                record.rttMs = rtt;
        }
    }
}

void MediaTracker::Impl::finishStream(Flow& flow, bool evicted) {
    if (!flow.stream)
        return;
    std::unique_ptr<Stream> stream = std::move(flow.stream);
    if (stream->rtp.stats().packets == 0)
        return;
    MediaStreamRecord& record = stream->record;
    record.stats = stream->rtp.stats();
    record.evicted = evicted;
    static const MediaFormats NoFormats;
    const MediaFormats& formats = stream->formats ? *stream->formats : NoFormats;
    record.codec = formats.codecName(record.stats.payloadType);
    record.clockRate = formats.config.clockRate(record.stats.payloadType);
    if (const auto codec = mosCodecFor(record.codec)) {
        MosInputs inputs;
        inputs.codec = *codec;
        inputs.networkLossPercent = record.stats.lostPercent();
        inputs.lateLossPercent = record.stats.expected == 0 ? 0.0
                                                            : static_cast<double>(record.stats.latePackets) * 100.0 /
                                                                  static_cast<double>(record.stats.expected);
        inputs.oneWayDelayMs = formats.config.jitterBufferMs + (record.rttMs ? *record.rttMs / 2.0 : 0.0);
        record.mos = estimateMos(inputs);
    }
    ++stats.streams;
    if (record.callKey != 0)
        ++stats.streamsAssociated;
    finished.push_back(std::move(record));
}

void MediaTracker::Impl::sweep(std::int64_t nowUs) {
    lastSweepUs = nowUs;
    for (auto it = flows.begin(); it != flows.end();) {
        if (nowUs - it->second.lastUs > limits.streamIdleUs) {
            finishStream(it->second, false);
            it = flows.erase(it);
        } else {
            ++it;
        }
    }
    std::erase_if(bySsrc, [this](const auto& entry) { return flows.find(entry.second) == flows.end(); });
}

void MediaTracker::Impl::makeRoom(std::int64_t nowUs) {
    sweep(nowUs);
    if (flows.size() < limits.maxStreams)
        return;
    // Still full: the least recently active sixteenth (at least one) is finished as it stands.
    std::vector<std::int64_t> times;
    times.reserve(flows.size());
    for (const auto& [key, flow] : flows)
        times.push_back(flow.lastUs);
    const std::size_t count = std::max<std::size_t>(1, flows.size() / 16);
    std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(count - 1), times.end());
    const std::int64_t cutoff = times[count - 1];
    std::size_t evicted = 0;
    for (auto it = flows.begin(); it != flows.end() && evicted < count;) {
        if (it->second.lastUs <= cutoff) {
            finishStream(it->second, true);
            it = flows.erase(it);
            ++evicted;
            ++stats.streamsEvicted;
        } else {
            ++it;
        }
    }
}

MediaTracker::MediaTracker(MediaTrackerLimits limits) : m_impl(std::make_unique<Impl>(limits)) {}
MediaTracker::~MediaTracker() = default;

void MediaTracker::onSdp(std::uint64_t callKey, SdpRole role, const SessionDescriptionView& sdp) {
    if (role == SdpRole::None || callKey == 0)
        return;
    Impl& impl = *m_impl;
    std::int32_t index = 0;
    for (const MediaDescriptionView& media : sdp.media()) {
        const std::int32_t mediaIndex = index++;
        if (media.port == 0)
            continue;  // rejected
        const auto connection = sdp.effectiveConnection(media);
        const std::optional<capture::IpAddress> address = connection ? parseAddress(connection->address) : std::nullopt;
        const MediaParty party = impl.partyOf(callKey, role, address);
        if (!address)
            continue;
        if (media.protocol.find("RTP/") == std::string_view::npos) {
            // Not RTP (T.38 udptl after a fax re-INVITE, data channels): what arrives there now is no RTP stream,
            // even when some of its datagrams would parse as RTP; an RTP stream there ends.
            Expectation other{callKey, mediaIndex, party, false, true, 0, nullptr};
            impl.expect(capture::Endpoint{*address, media.port}, other);
            continue;
        }
        auto formats = std::make_shared<MediaFormats>();
        for (const SdpRtpMap& map : media.rtpmaps) {
            if (map.payloadType < formats->config.dynamicClockRates.size())
                formats->config.dynamicClockRates[map.payloadType] = map.clockRate;
            formats->names.push_back({map.payloadType, std::string(map.encodingName)});
            if (detail::equalsNoCase(map.encodingName, "telephone-event"))
                formats->config.telephoneEventPayloadType = map.payloadType;
        }
        Expectation expectation{callKey, mediaIndex, party, false, false, 0, formats};
        impl.expect(capture::Endpoint{*address, media.port}, expectation);
        if (!media.isRtcpMux || media.rtcp) {
            std::uint16_t rtcpPort = static_cast<std::uint16_t>(media.port + 1);
            capture::IpAddress rtcpAddress = *address;
            if (media.rtcp) {
                rtcpPort = media.rtcp->port;
                if (const auto given = parseAddress(media.rtcp->address))
                    rtcpAddress = *given;
            }
            if (rtcpPort != media.port || rtcpAddress != *address) {
                expectation.isRtcp = true;
                impl.expect(capture::Endpoint{rtcpAddress, rtcpPort}, expectation);
            }
        }
    }
}

void MediaTracker::onCallFinished(std::uint64_t callKey) {
    Impl& impl = *m_impl;
    const auto call = impl.parties.find(callKey);
    if (call == impl.parties.end())
        return;
    for (const capture::Endpoint& at : call->second.addresses)
        if (const auto it = impl.expectations.find(at); it != impl.expectations.end() && it->second.callKey == callKey)
            impl.expectations.erase(it);
    impl.parties.erase(call);  // its entry in partyOrder is stale now, skipped by the stamp check
    // No new match: a flow matched to an address keeps its stream, and a forgotten address matches nothing.
}

void MediaTracker::onPacket(const capture::PayloadView& payload, std::int64_t sourceTag) {
    Impl& impl = *m_impl;
    ++impl.stats.udpPackets;
    const std::int64_t nowUs = payload.timestampUs;
    if (nowUs - impl.lastSweepUs > 5'000'000)
        impl.sweep(nowUs);
    const FlowKey key{payload.src, payload.dst};
    auto it = impl.flows.find(key);
    if (it == impl.flows.end()) {
        if (impl.flows.size() >= impl.limits.maxStreams)
            impl.makeRoom(nowUs);
        it = impl.flows.try_emplace(key).first;
        it->second.generation = 0;
        it->second.sourceTag = sourceTag;
    }
    Flow& flow = it->second;
    flow.lastUs = nowUs;
    if (flow.generation != impl.generation)
        impl.match(key, flow);

    // RTCP: on an RTCP address, or multiplexed with RTP (payload types 72-76 with the marker: SR, RR, ...).
    if (flow.kind == FlowKind::Rtcp || looksLikeRtcp(payload.bytes)) {
        if (flow.kind == FlowKind::Rtp && flow.stream)
            flow.stream->record.rtcpMux = true;
        impl.onRtcp(payload.bytes, nowUs);
        return;
    }
    const std::optional<RtpHeader> header = parseRtp(payload.bytes);
    switch (flow.kind) {
    case FlowKind::Rtp:
        if (header)
            impl.addRtp(flow, *header, payload.bytes.size(), nowUs);
        else
            ++impl.stats.otherPackets;
        return;
    case FlowKind::Testing: {
        const RtpFlowDetector::Verdict verdict = flow.detector.feed(payload.bytes);
        if (verdict == RtpFlowDetector::Verdict::NotRtp) {
            impl.stats.otherPackets += flow.held.size() + 1;
            flow.kind = FlowKind::NotRtp;
            flow.held.clear();
            flow.held.shrink_to_fit();
            return;
        }
        if (header)
            flow.held.push_back(hold(*header, payload.bytes.size(), nowUs));
        else
            ++impl.stats.otherPackets;
        if (verdict == RtpFlowDetector::Verdict::Rtp) {
            flow.kind = FlowKind::Rtp;
            impl.startStream(key, flow, nullptr, true);
            for (const HeldPacket& held : flow.held)
                impl.addRtp(flow, held.header, held.bytes, held.arrivalUs);
            flow.held.clear();
            flow.held.shrink_to_fit();
        }
        return;
    }
    case FlowKind::NotRtp:
    case FlowKind::Rtcp: ++impl.stats.otherPackets; return;
    }
}

bool MediaTracker::hasFinished() const { return !m_impl->finished.empty(); }

void MediaTracker::takeFinished(std::vector<MediaStreamRecord>& out) {
    out.reserve(out.size() + m_impl->finished.size());
    for (MediaStreamRecord& record : m_impl->finished)
        out.push_back(std::move(record));
    m_impl->finished.clear();
}

void MediaTracker::finishAll() {
    for (auto& [key, flow] : m_impl->flows)
        m_impl->finishStream(flow, false);
    m_impl->flows.clear();
    m_impl->bySsrc.clear();
}

std::size_t MediaTracker::flows() const { return m_impl->flows.size(); }
const MediaTrackerStats& MediaTracker::stats() const { return m_impl->stats; }

}  // namespace sipscope::decode
