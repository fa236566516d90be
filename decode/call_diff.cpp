// Two calls aligned step by step (Needleman-Wunsch) and compared header by header (issue 16's `sipscope diff`).
#include "decode/call_diff.hpp"

#include "decode/detail/diff_summary.hpp"

#include <algorithm>

namespace sipscope::decode {

namespace {

using detail::MessageSummary;

struct Side {
    std::vector<MessageSummary> summaries;
    std::vector<DiffMessage> messages;
    std::vector<capture::Endpoint> hosts;
    std::size_t leftOut = 0;
};

std::uint32_t hostNumber(std::vector<capture::Endpoint>& hosts, const capture::Endpoint& endpoint) {
    const auto found = std::find(hosts.begin(), hosts.end(), endpoint);
    if (found != hosts.end())
        return static_cast<std::uint32_t>(found - hosts.begin()) + 1;
    hosts.push_back(endpoint);
    return static_cast<std::uint32_t>(hosts.size());
}

Side readSide(std::span<const DiffInput> input, const CallDiffOptions& options) {
    Side side;
    SdpParser sdp;
    SipParser sip;
    const std::size_t count = std::min(input.size(), options.maxMessages);
    side.leftOut = input.size() - count;
    for (std::size_t i = 0; i < count; ++i) {
        side.summaries.push_back(detail::summarizeMessage(sip, sdp, input[i].text, options.allHeaders));
        DiffMessage& message = side.messages.emplace_back();
        message.index = i;
        message.label = side.summaries.back().label;
        message.fromHost = hostNumber(side.hosts, input[i].src);
        message.toHost = hostNumber(side.hosts, input[i].dst);
    }
    return side;
}

// Alignment scores. A gap costs 1; two messages align when that scores better than two gaps: the same step (3, or 1
// on another hop), or two responses to the same method that are both final or both provisional (0: a 486 where the
// other call has its 200). Different requests, or a request and a response, never align.
constexpr int GapScore = -1;
constexpr int NeverScore = -3;

int similarity(const MessageSummary& a, const DiffMessage& ma, const MessageSummary& b, const DiffMessage& mb) {
    const bool isSameHop = ma.fromHost == mb.fromHost && ma.toHost == mb.toHost;
    if (a.key == b.key)
        return isSameHop ? 3 : 1;
    if (a.isRequest || b.isRequest || a.cseqMethod != b.cseqMethod || a.isFinal != b.isFinal)
        return NeverScore;
    return isSameHop ? 0 : -1;
}

}  // namespace

bool CallDiff::isIdentical() const {
    return leftOutA == 0 && leftOutB == 0 && std::all_of(steps.begin(), steps.end(), [](const DiffStep& step) {
               return step.kind == DiffStepKind::Same && step.headers.empty() && step.sdp.empty();
           });
}

CallDiff diffCalls(std::span<const DiffInput> a, std::span<const DiffInput> b, const CallDiffOptions& options) {
    const Side sideA = readSide(a, options);
    const Side sideB = readSide(b, options);
    const std::size_t n = sideA.messages.size();
    const std::size_t m = sideB.messages.size();
    auto sim = [&](std::size_t i, std::size_t j) {
        return similarity(sideA.summaries[i], sideA.messages[i], sideB.summaries[j], sideB.messages[j]);
    };
    // score[i][j]: the best alignment of A's first i messages with B's first j.
    const std::size_t width = m + 1;
    std::vector<int> score((n + 1) * width, 0);
    for (std::size_t i = 1; i <= n; ++i)
        score[i * width] = static_cast<int>(i) * GapScore;
    for (std::size_t j = 1; j <= m; ++j)
        score[j] = static_cast<int>(j) * GapScore;
    for (std::size_t i = 1; i <= n; ++i)
        for (std::size_t j = 1; j <= m; ++j)
            score[i * width + j] =
                std::max({score[(i - 1) * width + j - 1] + sim(i - 1, j - 1), score[(i - 1) * width + j] + GapScore,
                          score[i * width + j - 1] + GapScore});

    // Back from the end, an aligned pair first on a tie: a step repeated in one call (an INVITE challenged by a 401,
    // then sent again) aligns its last copy, and the extra ones show before it. Then B's gap, so that where both
    // calls have steps of their own, A's come first.
    CallDiff diff;
    std::size_t i = n, j = m;
    while (i > 0 || j > 0) {
        DiffStep& step = diff.steps.emplace_back();
        if (i > 0 && j > 0 && score[i * width + j] == score[(i - 1) * width + j - 1] + sim(i - 1, j - 1)) {
            --i;
            --j;
            const MessageSummary& x = sideA.summaries[i];
            const MessageSummary& y = sideB.summaries[j];
            const DiffMessage& mx = sideA.messages[i];
            const DiffMessage& my = sideB.messages[j];
            step.kind = x.key == y.key && mx.fromHost == my.fromHost && mx.toHost == my.toHost ? DiffStepKind::Same
                                                                                               : DiffStepKind::Changed;
            step.a = mx;
            step.b = my;
            step.headers = detail::compareHeaders(x, y);
            step.sdp = detail::compareSdp(x, y);
        } else if (j > 0 && (i == 0 || score[i * width + j] == score[i * width + j - 1] + GapScore)) {
            --j;
            step.kind = DiffStepKind::OnlyB;
            step.b = sideB.messages[j];
        } else {
            --i;
            step.kind = DiffStepKind::OnlyA;
            step.a = sideA.messages[i];
        }
    }
    std::reverse(diff.steps.begin(), diff.steps.end());
    const auto parting = std::find_if(diff.steps.begin(), diff.steps.end(),
                                      [](const DiffStep& step) { return step.kind != DiffStepKind::Same; });
    if (parting != diff.steps.end())
        diff.firstDivergence = static_cast<std::size_t>(parting - diff.steps.begin());
    diff.hostsA = sideA.hosts;
    diff.hostsB = sideB.hosts;
    diff.leftOutA = sideA.leftOut;
    diff.leftOutB = sideB.leftOut;
    return diff;
}

std::string_view diffStepKindName(DiffStepKind kind) {
    switch (kind) {
    case DiffStepKind::Same: return "same";
    case DiffStepKind::Changed: return "changed";
    case DiffStepKind::OnlyA: return "only_a";
    case DiffStepKind::OnlyB: return "only_b";
    }
    return "same";
}

}  // namespace sipscope::decode
