// Live capture through libpcap: pcap_create/activate, immediate mode, idle ticks, optional -w copy.
#include "capture/live_source.hpp"

#include "common/error.hpp"

#include <pcap/pcap.h>

#include <poll.h>

#include <chrono>
#include <thread>

namespace sipscope::capture {

namespace {

std::atomic<bool> g_stopRequested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "requestStop() must stay async-signal-safe");

constexpr int ReadTimeoutMs = 100;
constexpr auto IdleTick = std::chrono::milliseconds(200);

std::uint32_t linkTypeOf(int dlt) {
    if (dlt == DLT_RAW)
        return 101;  // LINKTYPE_RAW: DLT_RAW is 12 or 14 depending on the platform
    return static_cast<std::uint32_t>(dlt);
}

// What the user should do about a failed pcap_activate, by its code.
std::string activationAdvice(int code, const std::string& interface) {
    switch (code) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
        return "no interface named '" + interface + "': list them with `ip link`, or use -i any";
    case PCAP_ERROR_PERM_DENIED:
        return "no permission to capture on '" + interface +
               "': run as root, or grant the binary "
               "`setcap cap_net_raw,cap_net_admin=eip $(command -v sipscope)`";
    case PCAP_ERROR_PROMISC_PERM_DENIED:
        return "no permission to put '" + interface + "' in promiscuous mode: run as root or drop --promisc";
    case PCAP_ERROR_IFACE_NOT_UP:
        return "interface '" + interface + "' is down: bring it up with `ip link set " + interface + " up`";
    case PCAP_ERROR_RFMON_NOTSUP: return "interface '" + interface + "' does not support monitor mode";
    default: return {};
    }
}

class PcapLiveSource final : public LiveSource {
public:
    PcapLiveSource(const LiveOptions& options) : m_options(options), m_name(options.interface) {
        char errorText[PCAP_ERRBUF_SIZE] = {};
        m_pcap = pcap_create(options.interface.c_str(), errorText);
        if (!m_pcap)
            throw Error("cannot capture on '" + options.interface + "': " + errorText);
        pcap_set_snaplen(m_pcap, options.snaplenBytes);
        pcap_set_promisc(m_pcap, options.isPromiscuous ? 1 : 0);
        pcap_set_timeout(m_pcap, ReadTimeoutMs);
        // Immediate mode: a SIP message is handed over as it arrives, not when a kernel block fills.
        pcap_set_immediate_mode(m_pcap, 1);
        if (options.bufferMegabytes > 0)
            pcap_set_buffer_size(m_pcap, options.bufferMegabytes * (1 << 20));
        const int activated = pcap_activate(m_pcap);
        if (activated < 0) {
            std::string advice = activationAdvice(activated, options.interface);
            if (advice.empty())
                advice = "cannot capture on '" + options.interface + "': " + pcap_geterr(m_pcap);
            else if (activated == PCAP_ERROR_NO_SUCH_DEVICE || activated == PCAP_ERROR_PERM_DENIED)
                advice += " (" + std::string(pcap_geterr(m_pcap)) + ")";
            fail(advice);
        }
        if (!options.filter.empty()) {
            bpf_program program{};
            if (pcap_compile(m_pcap, &program, options.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
                fail("bad capture filter '" + options.filter + "': " + pcap_geterr(m_pcap) +
                     " (syntax: man 7 pcap-filter, e.g. 'port 5060 or port 5080')");
            const int installed = pcap_setfilter(m_pcap, &program);
            pcap_freecode(&program);
            if (installed != 0)
                fail("cannot install capture filter '" + options.filter + "' on '" + options.interface +
                     "': " + pcap_geterr(m_pcap));
        }
        // Non-blocking, with our own poll: libpcap 1.10 on Linux (TPACKET_V3) keeps waiting past its read timeout
        // when nothing arrives, which would starve the idle ticks and the stop flag.
        if (pcap_setnonblock(m_pcap, 1, errorText) != 0)
            fail("cannot capture on '" + options.interface + "': " + errorText);
        m_selectableFd = pcap_get_selectable_fd(m_pcap);
        m_linkType = linkTypeOf(pcap_datalink(m_pcap));
        if (!options.writePath.empty()) {
            m_dumper = pcap_dump_open(m_pcap, options.writePath.c_str());
            if (!m_dumper)
                fail("cannot write " + options.writePath + ": " + pcap_geterr(m_pcap));
        }
        m_started = std::chrono::steady_clock::now();
    }

    ~PcapLiveSource() override {
        if (m_dumper)
            pcap_dump_close(m_dumper);
        pcap_close(m_pcap);
    }

    bool next(RawPacket& packet) override {
        const auto tickEnd = std::chrono::steady_clock::now() + IdleTick;
        for (;;) {
            if (isDone())
                return false;
            pcap_pkthdr* header = nullptr;
            const u_char* data = nullptr;
            const int result = pcap_next_ex(m_pcap, &header, &data);
            if (result == 1) {
                if (m_dumper)
                    pcap_dump(reinterpret_cast<u_char*>(m_dumper), header, data);
                packet.timestampUs = static_cast<std::int64_t>(header->ts.tv_sec) * 1'000'000 +
                                     static_cast<std::int64_t>(header->ts.tv_usec);
                packet.linkType = m_linkType;
                packet.bytes = std::string_view(reinterpret_cast<const char*>(data), header->caplen);
                packet.originalLength = header->len;
                packet.frameNumber = ++m_frames;
                m_bytesRead += header->caplen;
                return true;
            }
            if (result == PCAP_ERROR_BREAK)
                return false;
            if (result < 0)
                throw Error("capture on '" + m_name + "' failed: " + pcap_geterr(m_pcap));
            // Nothing waiting: an idle tick once the tick is over, so the reader flushes on time.
            if (std::chrono::steady_clock::now() >= tickEnd) {
                if (m_dumper)
                    pcap_dump_flush(m_dumper);
                packet = RawPacket{};
                packet.linkType = m_linkType;
                return true;
            }
            waitForPackets();
        }
    }

    LiveStats stats() const override {
        pcap_stat counts{};
        if (pcap_stats(m_pcap, &counts) != 0)
            return {};
        return {counts.ps_recv, counts.ps_drop, counts.ps_ifdrop};
    }

    void stop() override {
        m_isStopped.store(true);
        pcap_breakloop(m_pcap);
    }

    std::uint64_t bytesRead() const override { return m_bytesRead; }
    std::uint64_t totalBytes() const override { return 0; }
    const std::string& name() const override { return m_name; }

private:
    [[noreturn]] void fail(const std::string& message) {
        if (m_dumper)
            pcap_dump_close(m_dumper);
        pcap_close(m_pcap);
        throw Error(message);
    }

    // Waits up to one read timeout for the capture descriptor; a signal (EINTR) ends the wait early.
    void waitForPackets() {
        if (m_selectableFd < 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(ReadTimeoutMs / 10));
            return;
        }
        pollfd ready{m_selectableFd, POLLIN, 0};
        ::poll(&ready, 1, ReadTimeoutMs);
    }

    bool isDone() const {
        if (m_isStopped.load() || g_stopRequested.load())
            return true;
        if (m_options.maxPackets && m_frames >= m_options.maxPackets)
            return true;
        return m_options.maxDurationSeconds &&
               std::chrono::steady_clock::now() - m_started >= std::chrono::seconds(m_options.maxDurationSeconds);
    }

    LiveOptions m_options;
    std::string m_name;
    pcap_t* m_pcap = nullptr;
    pcap_dumper_t* m_dumper = nullptr;
    int m_selectableFd = -1;
    std::uint32_t m_linkType = 1;
    std::uint64_t m_frames = 0;
    std::uint64_t m_bytesRead = 0;
    std::atomic<bool> m_isStopped{false};
    std::chrono::steady_clock::time_point m_started;
};

}  // namespace

std::unique_ptr<LiveSource> openLiveSource(const LiveOptions& options) {
    return std::make_unique<PcapLiveSource>(options);
}

void requestStop() noexcept { g_stopRequested.store(true); }

const std::atomic<bool>& stopRequested() noexcept { return g_stopRequested; }

}  // namespace sipscope::capture
