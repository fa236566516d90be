// HEPv3 over one TCP connection to a collector (heplify-server, Homer, OpenSIPS' proto_hep, `sipscope capture
// --hep-listen tcp:`): packets queued in a bounded buffer and written as the socket takes them.
#pragma once

#include "capture/hep_sender.hpp"

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace sipscope::capture::detail {

// A connection that fails, or that the collector closes, is opened again: at once after a close, else at most once
// a second; the packets it still held are counted as failed. Not thread-safe.
class HepTcpConnection {
public:
    static constexpr std::size_t MaxQueuedBytes = 4 << 20;

    // Connects to `address` within a few seconds or throws sipscope::Error naming `what`. `isWaiting`: send()
    // waits until the socket took the packet (export hep); else it never waits (a live capture) and drops what
    // the queue cannot hold.
    HepTcpConnection(const sockaddr_storage& address, socklen_t length, bool isWaiting, const std::string& what);
    ~HepTcpConnection();
    HepTcpConnection(const HepTcpConnection&) = delete;
    HepTcpConnection& operator=(const HepTcpConnection&) = delete;

    // Queues one packet and writes what the socket takes; `stats.sent` counts each packet once wholly written.
    // False when it was dropped (queue full) or failed (no connection).
    bool send(std::string_view packet, HepSenderStats& stats);
    // Writes what is queued, waiting at most `timeoutMs` for the socket; what is left then is counted as failed.
    void flush(int timeoutMs, HepSenderStats& stats);

private:
    bool open(HepSenderStats& stats);
    void fail(HepSenderStats& stats, bool isRetriedAtOnce);
    bool hasPeerClosed();
    // Writes until the queue is empty, the socket is full (waiting up to `waitMs` for room; 0: not at all) or the
    // connection fails.
    void pump(int waitMs, HepSenderStats& stats);

    sockaddr_storage m_address;
    socklen_t m_length;
    bool m_isWaiting;
    int m_socket = -1;
    bool m_isConnecting = false;
    std::string m_queue;             // packets not yet wholly written
    std::size_t m_written = 0;       // bytes of m_queue the socket took
    std::deque<std::size_t> m_ends;  // where each queued packet ends in m_queue
    std::chrono::steady_clock::time_point m_nextAttempt;
};

}  // namespace sipscope::capture::detail
