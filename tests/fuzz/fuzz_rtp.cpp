// libFuzzer target: one UDP payload as RTP and as RTCP, checking that every view stays inside the input and that
// the counts agree with the lengths; then the payload, cut in pieces, fed to a stream and to the flow heuristic.
#include "decode/rtp.hpp"
#include "fuzz_require.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using namespace sipscope::decode;

using sipscope::fuzz::require;
using sipscope::fuzz::requireInside;

void checkRtp(std::string_view input) {
    RtpError error = RtpError::None;
    const auto header = parseRtp(input, &error);
    require(header.has_value() == (error == RtpError::None));
    if (!header) {
        return;
    }
    require(header->version == 2 && header->payloadType < 128);
    require(header->csrcBytes.size() == std::size_t{header->csrcCount} * 4);
    requireInside(header->csrcBytes, input);
    requireInside(header->extensionData, input);
    requireInside(header->payload, input);
    require(12 + header->csrcBytes.size() + (header->extension ? 4 + header->extensionData.size() : 0) +
                header->payload.size() + header->paddingLength ==
            input.size());
}

void checkRtcp(std::string_view input) {
    RtcpError error = RtcpError::None;
    const auto rtcp = parseRtcp(input, &error);
    require(rtcp.has_value() == (error == RtcpError::None));
    if (!rtcp) {
        return;
    }
    require(rtcp->packetCount >= 1 && rtcp->reportCount >= 1 && input.size() % 4 == 0);
    require(rtcp->reportCount <= RtcpCompound::MaxReports && rtcp->voipMetricsCount <= RtcpCompound::MaxVoipMetrics);
    for (std::size_t i = 0; i < rtcp->reportCount; ++i) {
        require(rtcp->reports[i].blockCount <= RtcpReport::MaxBlocks);
        require(rtcp->reports[i].senderInfo.has_value() == (rtcp->reports[i].packetType == 200));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    checkRtp(input);
    checkRtcp(input);

    // The input as a flow: pieces of up to 24 bytes, each one packet, 20 ms apart.
    RtpStreamConfig config;
    config.telephoneEventPayloadType = 101;
    config.dynamicClockRates[96] = 48000;
    RtpStream stream(config);
    RtpFlowDetector detector;
    std::uint64_t fed = 0;
    std::int64_t now = 0;
    for (std::size_t at = 0; at < size; at += 24) {
        const std::string_view piece = input.substr(at, 24);
        detector.feed(piece);
        if (const auto header = parseRtp(piece)) {
            stream.add(*header, piece.size(), now);
            ++fed;
        }
        now += 20'000;
    }
    const RtpStreamStats& stats = stream.stats();
    require(stats.packets == fed);
    require(stats.received <= stats.packets);
    require(stats.duplicates + stats.outOfOrder <= stats.packets);
    // The max and the mean are taken after regular packets only (a marker or comfort-noise packet moves the current
    // estimate but not them), so the current estimate may exceed the max; the mean never does.
    require(stats.jitterMs >= 0.0 && stats.jitterMeanMs >= 0.0 && stats.jitterMaxMs >= stats.jitterMeanMs - 1e-9);
    const double mos = estimateMos({.networkLossPercent = stats.lostPercent()});
    require(mos >= 1.0 && mos <= 4.5);
    return 0;
}
