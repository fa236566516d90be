// Google Benchmark micro-benchmarks: the SIP parser and the TCP reassembler (with its SIP framing), each reporting
// messages/s, bytes/s and heap allocations per message (counted by the operator new below, this binary only).
//   build/perf/bench/micro_bench [--benchmark_filter=Parser]
#include "capture/detail/tcp_reassembler.hpp"
#include "capture/packet_decoder.hpp"
#include "decode/sip_parser.hpp"

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {

std::atomic<std::uint64_t> g_allocations{0};

}  // namespace

void* operator new(std::size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace sipscope;

std::string invite(int n) {
    const std::string body = "v=0\r\no=user 53655765 2353687637 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\n"
                             "t=0 0\r\nm=audio 10008 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
                             "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";
    const std::string id = std::to_string(n);
    return "INVITE sip:2004@10.1.0.1:5060 SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK" +
           id +
           "a\r\n"
           "From: \"User 4\" <sip:1004@example.com>;tag=" +
           id +
           "29\r\n"
           "To: <sip:2004@example.com>\r\n"
           "Call-ID: " +
           id +
           "-bench@10.0.0.1\r\n"
           "CSeq: 1 INVITE\r\n"
           "Contact: <sip:1004@10.0.0.1:5060>\r\n"
           "Max-Forwards: 70\r\n"
           "User-Agent: sipscope-bench\r\n"
           "Content-Type: application/sdp\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string ringing(int n) {
    const std::string id = std::to_string(n);
    return "SIP/2.0 180 Ringing\r\n"
           "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK" +
           id +
           "a\r\n"
           "From: \"User 4\" <sip:1004@example.com>;tag=" +
           id +
           "29\r\n"
           "To: <sip:2004@example.com>;tag=" +
           id +
           "57\r\n"
           "Call-ID: " +
           id +
           "-bench@10.0.0.1\r\n"
           "CSeq: 1 INVITE\r\n"
           "Server: sipscope-bench\r\n"
           "Content-Length: 0\r\n\r\n";
}

void reportPerMessage(benchmark::State& state, std::uint64_t messages, std::uint64_t bytes, std::uint64_t allocations) {
    state.SetItemsProcessed(static_cast<std::int64_t>(messages));
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.counters["allocs/msg"] =
        benchmark::Counter(messages ? static_cast<double>(allocations) / static_cast<double>(messages) : 0.0);
}

// One parser, a request with SDP or a response, parsed over and over (the parser reuses its header vector).
void parse(benchmark::State& state, const std::string& message) {
    decode::SipParser parser;
    benchmark::DoNotOptimize(parser.parse(message).callId());  // warm: the header vector has grown
    const std::uint64_t before = g_allocations.load();
    std::uint64_t messages = 0;
    for (auto _ : state) {
        const decode::SipMessageView& parsed = parser.parse(message);
        benchmark::DoNotOptimize(parsed.callId().data());
        ++messages;
    }
    reportPerMessage(state, messages, messages * message.size(), g_allocations.load() - before);
}

void BM_SipParser_InviteWithSdp(benchmark::State& state) { parse(state, invite(12345)); }
void BM_SipParser_Response180(benchmark::State& state) { parse(state, ringing(12345)); }
BENCHMARK(BM_SipParser_InviteWithSdp);
BENCHMARK(BM_SipParser_Response180);

// The TCP reassembler and its SIP framer on one direction of a stream: segments in order, each cut
// `state.range(0)` bytes long regardless of message boundaries (1460: a full-size segment; 300: a message spans
// several segments).
void BM_TcpReassembler_InOrder(benchmark::State& state) {
    std::string stream;
    for (int i = 0; i < 200; ++i)
        stream += i % 2 ? ringing(i) : invite(i);
    const auto segmentBytes = static_cast<std::size_t>(state.range(0));
    capture::DecoderLimits limits;
    capture::DecoderStats stats;
    std::uint64_t delivered = 0;
    const capture::PacketDecoder::PayloadSink sink = [&](const capture::PayloadView& payload) {
        benchmark::DoNotOptimize(payload.bytes.data());
        ++delivered;
    };
    capture::detail::TcpSegment segment;
    segment.src = {capture::IpAddress::v4(0x0a000005), 5060};
    segment.dst = {capture::IpAddress::v4(0x0a010005), 5060};
    std::uint64_t bytes = 0;
    std::uint64_t allocations = 0;
    std::uint32_t flow = 0;
    for (auto _ : state) {
        // A fresh connection per round (SYN, the data, FIN), so the stream never grows without end.
        state.PauseTiming();
        capture::detail::TcpReassembler reassembler(limits, stats, sink);
        segment.src.port = static_cast<std::uint16_t>(10000 + flow++ % 50000);
        std::uint32_t sequence = 1000;
        segment.sequence = sequence;
        segment.flags = 0x02;
        segment.payload = {};
        reassembler.segment(segment);
        ++sequence;
        const std::uint64_t before = g_allocations.load();
        state.ResumeTiming();
        for (std::size_t at = 0; at < stream.size(); at += segmentBytes) {
            segment.payload = std::string_view(stream).substr(at, segmentBytes);
            segment.sequence = sequence;
            segment.flags = 0;
            segment.timestampUs += 10;
            ++segment.frameNumber;
            reassembler.segment(segment);
            sequence += static_cast<std::uint32_t>(segment.payload.size());
        }
        state.PauseTiming();
        allocations += g_allocations.load() - before;
        bytes += stream.size();
        reassembler.finish();
        state.ResumeTiming();
    }
    reportPerMessage(state, delivered, bytes, allocations);
}
BENCHMARK(BM_TcpReassembler_InOrder)->Arg(1460)->Arg(300);

}  // namespace

BENCHMARK_MAIN();
