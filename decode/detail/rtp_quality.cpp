// The ITU-T G.107 E-model reduced to what a capture measures: loss (network and jitter buffer), delay, the codec.
// Every other G.107 parameter keeps its default value, which gives the base rating 93.2.
#include "decode/detail/lex.hpp"
#include "decode/rtp.hpp"

#include <algorithm>
#include <cmath>

namespace sipscope::decode {

namespace {

constexpr double DefaultRating = 93.2;  // G.107 Ro - Is - Idte - Idle at the default values (T = 0, no loss)

// G.107 Idd, the impairment of a long absolute delay Ta (ms); 0 up to 100 ms.
double delayImpairment(double oneWayDelayMs) {
    if (oneWayDelayMs <= 100.0) {
        return 0.0;
    }
    const double x = std::log10(oneWayDelayMs / 100.0) / std::log10(2.0);
    return 25.0 * (std::pow(1.0 + std::pow(x, 6.0), 1.0 / 6.0) -
                   3.0 * std::pow(1.0 + std::pow(x / 3.0, 6.0), 1.0 / 6.0) + 2.0);
}

}  // namespace

CodecImpairment codecImpairment(MosCodec codec) {
    switch (codec) {
    case MosCodec::G711:
        return {0.0, 25.1};  // G.113 Appendix I: G.711 with the packet-loss concealment of G.711 Appendix I
    case MosCodec::G711NoPlc: return {0.0, 4.3};  // G.113 Appendix I: G.711 without concealment, random loss
    case MosCodec::G729: return {11.0, 19.0};     // G.113 Appendix I: G.729A with VAD
    case MosCodec::G722:
        // Assumption: on the narrowband scale G.722 is credited no impairment (it is at least G.711's quality);
        // its loss robustness is taken as G.711 with concealment's until a G.113 wideband value is mapped in.
        return {0.0, 25.1};
    case MosCodec::Opus:
        // Assumption, as for G.722: no narrowband impairment, the loss robustness of a concealing codec.
        return {0.0, 25.1};
    }
    return {0.0, 25.1};
}

std::optional<MosCodec> mosCodecFor(std::string_view encodingName) {
    using detail::equalsNoCase;
    if (equalsNoCase(encodingName, "PCMU") || equalsNoCase(encodingName, "PCMA")) {
        return MosCodec::G711;
    }
    if (equalsNoCase(encodingName, "G722")) {
        return MosCodec::G722;
    }
    if (equalsNoCase(encodingName, "G729") || equalsNoCase(encodingName, "G729A") ||
        equalsNoCase(encodingName, "G729B")) {
        return MosCodec::G729;
    }
    if (equalsNoCase(encodingName, "opus")) {
        return MosCodec::Opus;
    }
    return std::nullopt;
}

double eModelRating(const MosInputs& inputs) {
    const CodecImpairment codec = codecImpairment(inputs.codec);
    const double ppl =
        std::clamp(std::max(inputs.networkLossPercent, 0.0) + std::max(inputs.lateLossPercent, 0.0), 0.0, 100.0);
    const double burst = inputs.burstRatio > 0.0 ? inputs.burstRatio : 1.0;
    const double ieEff = codec.ie + (95.0 - codec.ie) * ppl / (ppl / burst + codec.bpl);
    return DefaultRating - delayImpairment(inputs.oneWayDelayMs) - ieEff;
}

double mosFromRating(double rating) {
    if (rating < 0.0) {
        return 1.0;
    }
    if (rating > 100.0) {
        return 4.5;
    }
    // The cubic dips just under 1 for small R; the scale starts at 1.
    return std::max(1.0, 1.0 + 0.035 * rating + rating * (rating - 60.0) * (100.0 - rating) * 7e-6);
}

}  // namespace sipscope::decode
