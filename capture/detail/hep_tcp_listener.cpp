// HEPv3 over TCP: one listening socket and the agents' connections, polled together; each HEP packet framed from a
// connection is handed on as the UDP listener hands a datagram.
#include "capture/detail/hep_tcp_listener.hpp"

#include "capture/detail/hep_frame.hpp"
#include "capture/detail/hep_stream.hpp"
#include "capture/hep_listener.hpp"
#include "common/error.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

namespace sipscope::capture::detail {

namespace {

constexpr auto IdleTick = std::chrono::milliseconds(200);
constexpr int ListenBacklog = 64;

struct Agent {
    int socket = -1;
    sockaddr_storage peer{};
    HepStreamFramer framer;
    bool hasEnded = false;  // the agent closed its side (or the connection failed): what is held is all there is
};

class HepTcpListener final : public LiveSource {
public:
    HepTcpListener(const std::string& address, std::uint32_t maxDurationSeconds, std::uint64_t maxPackets)
        : m_name("hep:" + address), m_bounds(maxDurationSeconds, maxPackets),
          m_socket(openBoundSocket(parseHepListenAddress(address), SOCK_STREAM, "--hep-listen " + address, m_local)),
          m_frame(m_local) {
        if (::listen(m_socket, ListenBacklog) != 0) {
            const int code = errno;
            ::close(m_socket);
            throw Error("--hep-listen " + address + ": cannot listen: " + std::strerror(code));
        }
    }

    ~HepTcpListener() override {
        for (const Agent& agent : m_agents)
            ::close(agent.socket);
        ::close(m_socket);
    }

    bool next(RawPacket& packet) override {
        const auto tickEnd = std::chrono::steady_clock::now() + IdleTick;
        for (;;) {
            if (m_bounds.isDone(m_packets))
                return false;
            // Packets already read go first, one agent after the other, so no agent starves the rest.
            for (std::size_t i = 0; i < m_agents.size(); ++i) {
                const std::size_t at = (m_nextAgent + i) % m_agents.size();
                if (takePacket(m_agents[at], packet)) {
                    m_nextAgent = at + 1;
                    return true;
                }
            }
            closeFinished();
            const auto now = std::chrono::steady_clock::now();
            if (now >= tickEnd) {
                packet = RawPacket{};
                packet.linkType = m_frame.linkType();
                return true;
            }
            const auto wait = std::min<std::chrono::steady_clock::duration>(tickEnd - now, IdleTick / 2);
            pollOnce(static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()) + 1);
        }
    }

    LiveStats stats() const override {
        LiveStats stats = m_stats;
        stats.received = m_packets;
        return stats;
    }
    void stop() override { m_bounds.stop(); }
    std::uint64_t bytesRead() const override { return m_bytesRead; }
    std::uint64_t totalBytes() const override { return 0; }
    const std::string& name() const override { return m_name; }

private:
    // The agent's next whole packet into `packet`; false when it holds none (a broken or ended agent is marked
    // for closing).
    bool takePacket(Agent& agent, RawPacket& packet) {
        if (agent.socket < 0)
            return false;
        for (;;) {
            std::string_view hep;
            switch (agent.framer.next(hep)) {
            case HepStreamFramer::Result::Packet:
                if (hep.size() > MaxFramedHepBytes) {
                    ++m_stats.packetsTooLarge;
                    continue;
                }
                std::memcpy(m_frame.payload(), hep.data(), hep.size());
                ++m_packets;
                m_frame.wrap(agent.peer, hep.size(), m_packets, packet);
                return true;
            case HepStreamFramer::Result::NeedMore:
                if (agent.hasEnded) {
                    if (agent.framer.pending() != 0)
                        ++m_stats.streamsCut;
                    close(agent);
                }
                return false;
            case HepStreamFramer::Result::NotHep:
                ++m_stats.streamsNotHep;
                close(agent);
                return false;
            }
        }
    }

    void close(Agent& agent) {
        ::close(agent.socket);
        agent.socket = -1;
    }

    void closeFinished() {
        const auto closed =
            std::remove_if(m_agents.begin(), m_agents.end(), [](const Agent& agent) { return agent.socket < 0; });
        m_agents.erase(closed, m_agents.end());
    }

    // Waits up to `timeoutMs` for new agents or bytes, then accepts and reads once from each ready connection
    // (every one of them has handed out all its whole packets, so its framer has room for one more).
    void pollOnce(int timeoutMs) {
        m_polled.clear();
        m_polled.push_back({m_socket, POLLIN, 0});
        for (const Agent& agent : m_agents)
            m_polled.push_back({agent.socket, POLLIN, 0});
        if (::poll(m_polled.data(), m_polled.size(), timeoutMs) <= 0)
            return;  // timeout, or EINTR: the caller looks at its stop flags again
        for (std::size_t i = 0; i < m_agents.size(); ++i) {
            if (m_polled[i + 1].revents == 0)
                continue;
            Agent& agent = m_agents[i];
            const std::span<char> space = agent.framer.space();
            const ssize_t read = ::recv(agent.socket, space.data(), space.size(), 0);
            if (read > 0) {
                agent.framer.commit(static_cast<std::size_t>(read));
                m_bytesRead += static_cast<std::uint64_t>(read);
            } else if (read == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                agent.hasEnded = true;  // closed, reset or failed: what it sent before is still handed on
            }
        }
        if (m_polled[0].revents != 0)
            acceptAgents();
    }

    void acceptAgents() {
        for (;;) {
            sockaddr_storage peer{};
            socklen_t length = sizeof peer;
            const int socket =
                ::accept4(m_socket, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (socket < 0)
                return;  // EAGAIN: no more waiting; anything else (EMFILE, ECONNABORTED) is tried at the next poll
            if (m_agents.size() >= MaxHepAgents) {
                ::close(socket);
                ++m_stats.agentsRefused;
                continue;
            }
            ++m_stats.agentsConnected;
            m_agents.emplace_back();
            m_agents.back().socket = socket;
            m_agents.back().peer = peer;
        }
    }

    std::string m_name;
    ListenBounds m_bounds;
    sockaddr_storage m_local{};
    int m_socket;
    HepFrame m_frame;
    std::vector<Agent> m_agents;
    std::vector<pollfd> m_polled;  // reused: the listening socket, then one per agent
    std::size_t m_nextAgent = 0;
    std::uint64_t m_packets = 0;
    std::uint64_t m_bytesRead = 0;
    LiveStats m_stats;
};

}  // namespace

std::unique_ptr<LiveSource> openHepTcpListener(const std::string& address, std::uint32_t maxDurationSeconds,
                                               std::uint64_t maxPackets) {
    return std::make_unique<HepTcpListener>(address, maxDurationSeconds, maxPackets);
}

}  // namespace sipscope::capture::detail
