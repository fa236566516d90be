// HEPv3 over TCP to a collector: a bounded queue, non-blocking writes, and reconnection.
#include "capture/detail/hep_tcp_connection.hpp"

#include "common/error.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sipscope::capture::detail {

namespace {

constexpr int ConnectTimeoutMs = 3000;
constexpr int StallTimeoutMs = 10'000;  // a collector that takes nothing for this long is given up on
constexpr auto RetryInterval = std::chrono::seconds(1);

}  // namespace

HepTcpConnection::HepTcpConnection(const sockaddr_storage& address, socklen_t length, bool isWaiting,
                                   const std::string& what)
    : m_address(address), m_length(length), m_isWaiting(isWaiting) {
    HepSenderStats ignored;
    if (open(ignored)) {
        pollfd connected{m_socket, POLLOUT, 0};
        int error = 0;
        socklen_t errorLength = sizeof error;
        if (::poll(&connected, 1, ConnectTimeoutMs) == 1 &&
            ::getsockopt(m_socket, SOL_SOCKET, SO_ERROR, &error, &errorLength) == 0 && error == 0) {
            m_isConnecting = false;
            return;
        }
        errno = error != 0 ? error : ETIMEDOUT;
    }
    const std::string reason = std::strerror(errno);
    if (m_socket >= 0)
        ::close(m_socket);
    throw Error(what + ": cannot connect: " + reason + " (is the collector listening on TCP there?)");
}

HepTcpConnection::~HepTcpConnection() {
    if (m_socket >= 0)
        ::close(m_socket);
}

bool HepTcpConnection::open(HepSenderStats& stats) {
    m_socket = ::socket(m_address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_socket < 0)
        return false;
    if (::connect(m_socket, reinterpret_cast<const sockaddr*>(&m_address), m_length) != 0 && errno != EINPROGRESS) {
        const int code = errno;
        ::close(m_socket);
        m_socket = -1;
        errno = code;
        return false;
    }
    m_isConnecting = true;
    ++stats.reconnects;  // the constructor's first connection is counted in a throwaway
    return true;
}

void HepTcpConnection::fail(HepSenderStats& stats, bool isRetriedAtOnce) {
    if (m_socket >= 0)
        ::close(m_socket);
    m_socket = -1;
    stats.failed += m_ends.size();
    m_ends.clear();
    m_queue.clear();
    m_written = 0;
    m_nextAttempt = std::chrono::steady_clock::now() + (isRetriedAtOnce ? std::chrono::seconds(0) : RetryInterval);
}

// A collector never writes to its agents: readable means it closed the connection (or reset it).
bool HepTcpConnection::hasPeerClosed() {
    pollfd readable{m_socket, POLLIN | POLLRDHUP, 0};
    if (::poll(&readable, 1, 0) != 1)
        return false;
    if (readable.revents & (POLLRDHUP | POLLHUP | POLLERR))
        return true;
    char discard[512];
    return ::recv(m_socket, discard, sizeof discard, MSG_DONTWAIT) == 0;
}

bool HepTcpConnection::send(std::string_view packet, HepSenderStats& stats) {
    if (m_socket >= 0 && !m_isConnecting && hasPeerClosed())
        fail(stats, true);
    if (m_socket < 0) {
        const auto now = std::chrono::steady_clock::now();
        if (now < m_nextAttempt || !open(stats)) {
            if (now >= m_nextAttempt)
                m_nextAttempt = now + RetryInterval;
            ++stats.failed;
            return false;
        }
    }
    if (m_written == m_queue.size()) {
        m_queue.clear();
        m_written = 0;
    }
    if (m_queue.size() - m_written + packet.size() > MaxQueuedBytes) {
        if (!m_isWaiting) {
            ++stats.dropped;
            pump(0, stats);
            return false;
        }
        pump(StallTimeoutMs, stats);
        if (m_socket < 0) {
            ++stats.failed;
            return false;
        }
    }
    if (m_written > MaxQueuedBytes / 2) {
        m_queue.erase(0, m_written);
        for (std::size_t& end : m_ends)
            end -= m_written;
        m_written = 0;
    }
    m_queue.append(packet);
    m_ends.push_back(m_queue.size());
    pump(m_isWaiting ? StallTimeoutMs : 0, stats);
    return true;
}

void HepTcpConnection::flush(int timeoutMs, HepSenderStats& stats) {
    if (m_socket >= 0 && !m_ends.empty())
        pump(timeoutMs, stats);
    if (!m_ends.empty())
        fail(stats, false);
}

void HepTcpConnection::pump(int waitMs, HepSenderStats& stats) {
    while (m_socket >= 0) {
        if (m_isConnecting) {
            pollfd connected{m_socket, POLLOUT, 0};
            if (::poll(&connected, 1, waitMs == 0 ? 0 : ConnectTimeoutMs) != 1) {
                if (waitMs != 0)
                    fail(stats, false);
                return;
            }
            int error = 0;
            socklen_t errorLength = sizeof error;
            if (::getsockopt(m_socket, SOL_SOCKET, SO_ERROR, &error, &errorLength) != 0 || error != 0) {
                fail(stats, false);
                return;
            }
            m_isConnecting = false;
        }
        if (m_written == m_queue.size())
            return;
        const ssize_t sent =
            ::send(m_socket, m_queue.data() + m_written, m_queue.size() - m_written, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent > 0) {
            m_written += static_cast<std::size_t>(sent);
            while (!m_ends.empty() && m_ends.front() <= m_written) {
                m_ends.pop_front();
                ++stats.sent;
            }
            continue;
        }
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd writable{m_socket, POLLOUT, 0};
            if (waitMs == 0)
                return;
            if (::poll(&writable, 1, waitMs) != 1) {
                fail(stats, false);  // the collector stalled
                return;
            }
            continue;
        }
        fail(stats, false);  // EPIPE, ECONNRESET, ...
        return;
    }
}

}  // namespace sipscope::capture::detail
