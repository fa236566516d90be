#include "cli/limits.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdint>
#include <functional>
#include <limits>

namespace sipscope::cli {

namespace {

struct Limit {
    const char* name;
    const char* what;
    std::uint64_t scale;  // a value in seconds is stored in microseconds
    std::function<std::uint64_t(const store::IngestOptions&)> get;
    std::function<void(store::IngestOptions&, std::uint64_t)> set;
};

template <typename T>
Limit limit(const char* name, const char* what, T store::IngestOptions::*group, auto member, std::uint64_t scale = 1) {
    return {name, what, scale,
            [group, member](const store::IngestOptions& o) { return static_cast<std::uint64_t>((o.*group).*member); },
            [group, member](store::IngestOptions& o, std::uint64_t value) {
                using Field = std::remove_reference_t<decltype((o.*group).*member)>;
                (o.*group).*member = static_cast<Field>(value);
            }};
}

const std::vector<Limit>& limits() {
    using O = store::IngestOptions;
    static const std::vector<Limit> all = {
        limit("open-calls", "calls open at once; the least recently active is written early", &O::correlator,
              &decode::CorrelatorLimits::maxOpenCalls),
        limit("call-idle-seconds", "a call with no message for this long is written and closed", &O::correlator,
              &decode::CorrelatorLimits::idleTimeoutUs, 1'000'000),
        limit("transactions-per-call", "transactions recorded per call", &O::correlator,
              &decode::CorrelatorLimits::maxTransactionsPerCall),
        limit("dialogs-per-call", "dialogs recorded per call", &O::correlator,
              &decode::CorrelatorLimits::maxDialogsPerCall),
        limit("subscriptions-per-call", "subscriptions recorded per call", &O::correlator,
              &decode::CorrelatorLimits::maxSubscriptionsPerCall),
        limit("links-per-call", "links to other calls (B2BUA legs) recorded per call", &O::correlator,
              &decode::CorrelatorLimits::maxLinksPerCall),
        limit("link-values", "link header values remembered; the oldest is forgotten", &O::correlator,
              &decode::CorrelatorLimits::maxLinkValues),
        limit("pending-transfers", "REFERs waiting for the call they trigger", &O::correlator,
              &decode::CorrelatorLimits::maxPendingTransfers),
        limit("headers", "header fields per SIP message (more: stored as malformed)", &O::parser,
              &decode::ParserLimits::maxHeaders),
        limit("message-bytes", "one SIP or WebSocket message framed from a stream", &O::decoder,
              &capture::DecoderLimits::maxSipMessageBytes),
        limit("fragment-datagrams", "IP datagrams waiting for fragments at once", &O::decoder,
              &capture::DecoderLimits::maxFragmentedDatagrams),
        limit("fragment-bytes", "bytes held by all waiting IP fragments", &O::decoder,
              &capture::DecoderLimits::maxFragmentBytesTotal),
        limit("datagram-bytes", "largest reassembled IP datagram", &O::decoder,
              &capture::DecoderLimits::maxDatagramBytes),
        limit("tcp-flows", "TCP directions tracked at once; the oldest is closed early", &O::decoder,
              &capture::DecoderLimits::maxTcpFlows),
        limit("tcp-buffer-bytes", "out-of-order bytes waiting per TCP direction", &O::decoder,
              &capture::DecoderLimits::maxTcpBufferedBytes),
        limit("tcp-idle-seconds", "a TCP direction with no segment for this long is closed", &O::decoder,
              &capture::DecoderLimits::tcpIdleTimeoutUs, 1'000'000),
        limit("rtp-streams", "RTP/RTCP flows tracked at once; the least recently active are written early", &O::media,
              &decode::MediaTrackerLimits::maxStreams),
        limit("sctp-messages", "fragmented SCTP messages waiting at once", &O::decoder,
              &capture::DecoderLimits::maxSctpMessages),
    };
    return all;
}

}  // namespace

void applyLimits(const std::vector<std::string>& settings, store::IngestOptions& options) {
    for (const std::string& setting : settings) {
        const auto equals = setting.find('=');
        const std::string name = setting.substr(0, equals);
        const Limit* found = nullptr;
        for (const Limit& candidate : limits())
            if (name == candidate.name)
                found = &candidate;
        if (found == nullptr || equals == std::string::npos)
            throw CLI::ValidationError("--limit", "'" + setting + "' is not NAME=VALUE with a known NAME; " +
                                                      "see sipscope import --help for the names");
        std::uint64_t value = 0;
        const char* first = setting.data() + equals + 1;
        const char* last = setting.data() + setting.size();
        const auto [end, error] = std::from_chars(first, last, value);
        const std::uint64_t most = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / found->scale;
        if (error != std::errc() || end != last || first == last || value < 1 || value > most)
            throw CLI::ValidationError("--limit", "'" + setting + "': the value must be a whole number from 1 to " +
                                                      std::to_string(most));
        found->set(options, value * found->scale);
    }
}

std::string limitsHelp() {
    const store::IngestOptions defaults;
    std::string help = "Memory bounds, each counted when it bites (repeatable):";
    for (const Limit& limit : limits())
        help += std::string("\n  ") + limit.name + ": " + limit.what + " (" +
                std::to_string(limit.get(defaults) / limit.scale) + ")";
    return help;
}

}  // namespace sipscope::cli
