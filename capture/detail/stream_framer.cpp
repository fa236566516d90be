// Framing SIP out of a TCP byte stream (RFC 3261 §18.3) and out of WebSocket frames (RFC 7118, RFC 6455 §5).
#include "capture/detail/stream_framer.hpp"

#include "capture/detail/bytes.hpp"
#include "capture/detail/sip_framing.hpp"

#include <cassert>

namespace sipscope::capture::detail {
namespace {

// A first line longer than this is not a start line we will ever accept.
constexpr std::size_t MaxStartLineBytes = 16 * 1024;
// Beyond this the front of the buffer is erased instead of waiting for the buffer to empty.
constexpr std::size_t CompactThreshold = 64 * 1024;

// A TLS record header (RFC 8446 §5.1): content type 20..23, legacy version 3.x.
bool isTlsRecordHeader(std::string_view bytes) {
    const auto type = static_cast<std::uint8_t>(bytes[0]);
    return type >= 0x14 && type <= 0x17 && static_cast<std::uint8_t>(bytes[1]) == 0x03 &&
           static_cast<std::uint8_t>(bytes[2]) <= 0x04;
}

bool isHttpStartLine(std::string_view line) {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (line.starts_with("HTTP/1."))
        return true;
    return line.size() > 9 && line.substr(line.size() - 9, 7) == " HTTP/1";
}

}  // namespace

StreamFramer::StreamFramer(const DecoderLimits& limits, DecoderStats& stats, const PacketDecoder::PayloadSink& sink,
                           const Endpoint& src, const Endpoint& dst, bool isMidstream, bool isTls)
    : m_limits(limits), m_stats(stats), m_sink(sink), m_src(src), m_dst(dst), m_mode(isTls ? Mode::Tls : Mode::Detect),
      m_isMidstream(isMidstream) {}

void StreamFramer::append(std::string_view bytes, std::int64_t timestampUs, std::uint64_t frameNumber) {
    if (isIgnoring()) {
        if (m_mode == Mode::Ignore)
            m_stats.tcpBytesSkipped += bytes.size();
        m_bufferOffset += bytes.size();
        return;
    }
    m_buffer.append(bytes);
    m_marks.push_back({m_bufferOffset + m_buffer.size(), timestampUs, frameNumber});
    drain();
}

void StreamFramer::gap() {
    const bool hasHalfMessage = !skipLineBreaks(rest()).empty() || m_isInWebSocketMessage;
    if (hasHalfMessage && (m_mode == Mode::Sip || m_mode == Mode::WebSocket))
        ++m_stats.tcpMessagesIncomplete;
    m_stats.tcpBytesSkipped += rest().size();
    m_bufferOffset += m_buffer.size();
    m_buffer.clear();
    m_position = 0;
    m_marks.clear();
    m_webSocketMessage.clear();
    m_isInWebSocketMessage = false;
    m_isMidstream = true;
    switch (m_mode) {
    case Mode::Detect:
    case Mode::Sip:
    case Mode::Resync: m_mode = Mode::Resync; break;
    case Mode::Http:
    case Mode::WebSocket:
        // WebSocket frames have no marker to resynchronise on (RFC 6455 §5.2).
        m_mode = Mode::Ignore;
        break;
    case Mode::Tls:
    case Mode::Ignore: break;
    }
}

void StreamFramer::finish() {
    const bool hasHalfMessage = !skipLineBreaks(rest()).empty() || m_isInWebSocketMessage;
    if (hasHalfMessage && (m_mode == Mode::Sip || m_mode == Mode::WebSocket))
        ++m_stats.tcpMessagesIncomplete;
    else if (m_mode == Mode::Resync || m_mode == Mode::Detect)
        m_stats.tcpBytesSkipped += rest().size();
    m_buffer.clear();
    m_position = 0;
    m_marks.clear();
    m_webSocketMessage.clear();
    m_isInWebSocketMessage = false;
}

std::string_view StreamFramer::rest() const { return std::string_view(m_buffer).substr(m_position); }

void StreamFramer::consume(std::size_t count) {
    assert(count <= m_buffer.size() - m_position && "StreamFramer::consume: past the buffered bytes");
    m_position += count;
    const std::uint64_t consumedOffset = m_bufferOffset + m_position;
    while (!m_marks.empty() && m_marks.front().endOffset <= consumedOffset)
        m_marks.pop_front();
    if (m_position == m_buffer.size()) {
        m_bufferOffset += m_buffer.size();
        m_buffer.clear();
        m_position = 0;
    } else if (m_position >= CompactThreshold && m_position * 2 >= m_buffer.size()) {
        m_buffer.erase(0, m_position);
        m_bufferOffset += m_position;
        m_position = 0;
    }
}

void StreamFramer::skip(std::size_t count) {
    m_stats.tcpBytesSkipped += count;
    consume(count);
}

void StreamFramer::dropAll(Mode mode) {
    if (mode == Mode::Ignore)
        ++m_stats.tcpNonSipStreams;
    if (mode == Mode::Ignore || m_mode != Mode::Detect)
        m_stats.tcpBytesSkipped += rest().size();
    m_mode = mode;
    m_bufferOffset += m_buffer.size();
    m_buffer.clear();
    m_position = 0;
    m_marks.clear();
}

void StreamFramer::emit(std::string_view message, Transport transport, std::uint64_t endOffset) {
    // The message belongs to the segment that carried its last byte.
    while (m_marks.size() > 1 && m_marks.front().endOffset < endOffset)
        m_marks.pop_front();
    PayloadView view;
    view.src = m_src;
    view.dst = m_dst;
    view.transport = transport;
    view.bytes = message;
    if (!m_marks.empty()) {
        view.timestampUs = m_marks.front().timestampUs;
        view.frameNumber = m_marks.front().frameNumber;
    }
    ++m_stats.payloadsDelivered;
    m_sink(view);
}

void StreamFramer::drain() {
    for (;;) {
        bool hasProgress = false;
        switch (m_mode) {
        case Mode::Detect: hasProgress = stepDetect(); break;
        case Mode::Sip: hasProgress = stepSip(); break;
        case Mode::Resync: hasProgress = stepResync(); break;
        case Mode::Http: hasProgress = stepHttp(); break;
        case Mode::WebSocket: hasProgress = stepWebSocket(); break;
        case Mode::Tls:
        case Mode::Ignore: return;
        }
        if (!hasProgress)
            return;
    }
}

bool StreamFramer::consumeLineBreaks() {
    const std::string_view bytes = rest();
    const std::size_t breaks = bytes.size() - skipLineBreaks(bytes).size();
    if (breaks > 0)
        consume(breaks);
    return breaks > 0;
}

bool StreamFramer::stepDetect() {
    if (consumeLineBreaks())
        return true;
    const std::string_view bytes = rest();
    if (bytes.empty())
        return false;
    const auto first = static_cast<std::uint8_t>(bytes[0]);
    if (first >= 0x14 && first <= 0x17) {
        if (bytes.size() < 3)
            return false;
        if (isTlsRecordHeader(bytes)) {
            m_stats.tlsSegments += m_marks.size();  // the segments that were still undecided
            dropAll(Mode::Tls);
            return false;
        }
    }
    const std::size_t lineEnd = bytes.find('\n');
    if (lineEnd == std::string_view::npos) {
        if (bytes.size() <= MaxStartLineBytes)
            return false;
        m_mode = m_isMidstream ? Mode::Resync : Mode::Ignore;
        if (m_mode == Mode::Ignore)
            dropAll(Mode::Ignore);
        return m_mode == Mode::Resync;
    }
    const std::string_view line = bytes.substr(0, lineEnd);
    if (isSipStartLine(line) || hasStartLineShape(line)) {
        m_mode = Mode::Sip;  // a broken start line is judged there, once its headers are in
        return true;
    }
    if (!m_isMidstream && isHttpStartLine(line)) {
        m_mode = Mode::Http;
        return true;
    }
    if (m_isMidstream) {
        m_mode = Mode::Resync;
        return true;
    }
    dropAll(Mode::Ignore);
    return false;
}

bool StreamFramer::stepResync() {
    // Skip to the next SIP start line: after a gap, or when capture began mid-stream. The partial message before it
    // may end in a body without a line break (XML, text), so a start line may begin inside a line; and a body may
    // hold a start line of its own (message/sipfrag), so a start line counts only when a header line follows it.
    const std::string_view bytes = rest();
    std::size_t lineStart = 0;
    for (;;) {
        const std::size_t lineEnd = bytes.find('\n', lineStart);
        if (lineEnd == std::string_view::npos) {
            const std::size_t keep = bytes.size() - lineStart;
            skip(keep > MaxStartLineBytes ? bytes.size() : lineStart);
            return false;
        }
        const std::string_view line = bytes.substr(lineStart, lineEnd - lineStart);
        // Inside first: "helloOPTIONS sip:b@c SIP/2.0" is a request line of method "helloOPTIONS" too.
        std::size_t start = findStartLineInside(line);
        if (start == std::string_view::npos && isSipStartLine(line))
            start = 0;
        if (start != std::string_view::npos) {
            const std::size_t nextEnd = bytes.find('\n', lineEnd + 1);
            if (nextEnd == std::string_view::npos) {
                // Wait for the line after it, unless it will never fit.
                skip(bytes.size() - lineStart > MaxStartLineBytes ? bytes.size() : lineStart);
                return false;
            }
            if (isHeaderLineOrEnd(bytes.substr(lineEnd + 1, nextEnd - lineEnd - 1))) {
                skip(lineStart + start);
                m_mode = Mode::Sip;
                return true;
            }
        }
        lineStart = lineEnd + 1;
    }
}

bool StreamFramer::stepSip() {
    if (consumeLineBreaks())  // RFC 5626 §3.5.1: CRLF keepalives between messages
        return true;
    std::string_view bytes = rest();
    if (bytes.empty())
        return false;
    const std::size_t lineEnd = bytes.find('\n');
    if (lineEnd != std::string_view::npos && !isSipStartLine(bytes.substr(0, lineEnd))) {
        // A start line that breaks the grammar, heading plainly SIP headers: framed like any other message, so the
        // decoder stores it as malformed with the reason (RFC 4475 badvers, bigcode, lwsstart over TCP).
        if (hasStartLineShape(bytes.substr(0, lineEnd))) {
            const std::size_t headerEnd = findHeaderEnd(bytes);
            if (headerEnd == std::string_view::npos && bytes.size() <= m_limits.maxSipMessageBytes)
                return false;  // wait for the rest of its headers
            const bool isOnSipPort = isWellKnownSipPort(m_src.port) || isWellKnownSipPort(m_dst.port);
            if (headerEnd != std::string_view::npos && looksLikeSip(bytes.substr(0, headerEnd), isOnSipPort))
                return frameMessage(bytes, headerEnd);
        }
        // Bytes where a message should start: a wrong Content-Length before, or garbage. Find the next one (which
        // may start inside this very line, after a body longer than its Content-Length said).
        ++m_stats.tcpFramingErrors;
        m_mode = Mode::Resync;
        return true;
    }
    const std::size_t headerEnd = findHeaderEnd(bytes);
    if (headerEnd == std::string_view::npos) {
        if (bytes.size() <= m_limits.maxSipMessageBytes)
            return false;
        ++m_stats.tcpFramingErrors;
        skip(lineEnd == std::string_view::npos ? bytes.size() : lineEnd + 1);
        m_mode = Mode::Resync;
        return true;
    }
    return frameMessage(bytes, headerEnd);
}

bool StreamFramer::frameMessage(std::string_view bytes, std::size_t headerEnd) {
    const std::optional<std::size_t> bodyLength =
        contentLength(bytes.substr(0, headerEnd), m_limits.maxSipMessageBytes);
    if (!bodyLength || headerEnd + *bodyLength > m_limits.maxSipMessageBytes) {
        // Unframeable: deliver the headers so the malformed message is seen, then look for the next one.
        ++m_stats.tcpFramingErrors;
        emit(bytes.substr(0, headerEnd), Transport::Tcp, m_bufferOffset + m_position + headerEnd);
        consume(headerEnd);
        m_mode = Mode::Resync;
        return true;
    }
    const std::size_t length = headerEnd + *bodyLength;
    if (bytes.size() < length)
        return false;
    emit(bytes.substr(0, length), Transport::Tcp, m_bufferOffset + m_position + length);
    consume(length);
    return true;
}

bool StreamFramer::stepHttp() {
    // RFC 7118 §4 / RFC 6455 §4: a handshake that negotiates the "sip" subprotocol, then frames.
    const std::string_view bytes = rest();
    const std::size_t headerEnd = findHeaderEnd(bytes);
    if (headerEnd == std::string_view::npos) {
        if (bytes.size() > m_limits.maxSipMessageBytes)
            dropAll(Mode::Ignore);
        return false;
    }
    const std::string_view headers = bytes.substr(0, headerEnd);
    const bool isResponse = headers.starts_with("HTTP/");
    const bool hasSipProtocol = listContainsToken(headerValue(headers, "Sec-WebSocket-Protocol"), "sip");
    const bool isUpgrade = listContainsToken(headerValue(headers, "Upgrade"), "websocket");
    const bool isAccepted =
        isResponse ? headers.starts_with("HTTP/1.1 101") && hasSipProtocol : isUpgrade && hasSipProtocol;
    if (!isAccepted) {
        dropAll(Mode::Ignore);
        return false;
    }
    consume(headerEnd);
    m_mode = Mode::WebSocket;
    return true;
}

bool StreamFramer::stepWebSocket() {
    // RFC 6455 §5.2: FIN/opcode, MASK/length (7, 16 or 64 bits), optional masking key, payload.
    const std::string_view bytes = rest();
    if (bytes.size() < 2)
        return false;
    const ByteSpan header = asBytes(bytes);
    const bool isFinal = (header[0] & 0x80) != 0;
    const int opcode = header[0] & 0x0f;
    const bool isMasked = (header[1] & 0x80) != 0;
    std::uint64_t length = header[1] & 0x7fu;
    std::size_t headerLength = 2;
    if (length == 126) {
        if (bytes.size() < 4)
            return false;
        length = load16(header, 2);
        headerLength = 4;
    } else if (length == 127) {
        if (bytes.size() < 10)
            return false;
        length = (std::uint64_t{load32(header, 2)} << 32) | load32(header, 6);
        headerLength = 10;
    }
    const std::size_t keyAt = headerLength;
    if (isMasked)
        headerLength += 4;
    const bool isControl = opcode >= 8;
    const bool isKnown = opcode <= 2 || (opcode >= 8 && opcode <= 10);
    if (!isKnown || length > m_limits.maxSipMessageBytes || (isControl && (length > 125 || !isFinal))) {
        ++m_stats.tcpFramingErrors;
        if (m_isInWebSocketMessage)
            ++m_stats.tcpMessagesIncomplete;
        m_isInWebSocketMessage = false;
        m_webSocketMessage.clear();
        dropAll(Mode::Ignore);
        return false;
    }
    if (bytes.size() < headerLength + length)
        return false;
    const std::size_t frameLength = headerLength + static_cast<std::size_t>(length);
    const std::uint64_t frameEnd = m_bufferOffset + m_position + frameLength;
    if (isControl) {
        consume(frameLength);
        return true;
    }
    if ((opcode == 0) != m_isInWebSocketMessage) {
        // A continuation with nothing to continue, or a new message inside one (RFC 6455 §5.4): resync at this frame.
        ++m_stats.tcpFramingErrors;
        if (m_isInWebSocketMessage)
            ++m_stats.tcpMessagesIncomplete;
        m_webSocketMessage.clear();
        m_isInWebSocketMessage = false;
        if (opcode == 0) {
            consume(frameLength);
            return true;
        }
    }
    if (m_webSocketMessage.size() + length > m_limits.maxSipMessageBytes) {
        ++m_stats.tcpFramingErrors;
        ++m_stats.tcpMessagesIncomplete;
        m_webSocketMessage.clear();
        m_isInWebSocketMessage = false;
        consume(frameLength);
        return true;
    }
    const std::size_t start = m_webSocketMessage.size();
    m_webSocketMessage.append(bytes.substr(headerLength, static_cast<std::size_t>(length)));
    if (isMasked) {
        for (std::size_t i = 0; i < length; ++i)
            m_webSocketMessage[start + i] = static_cast<char>(m_webSocketMessage[start + i] ^ bytes[keyAt + i % 4]);
    }
    m_isInWebSocketMessage = !isFinal;
    if (isFinal) {
        ++m_stats.webSocketMessages;
        // RFC 7118 §5: one SIP message per WebSocket message.
        if (looksLikeSip(m_webSocketMessage))
            emit(skipLineBreaks(m_webSocketMessage), Transport::Ws, frameEnd);
        m_webSocketMessage.clear();
    }
    consume(frameLength);
    return true;
}

}  // namespace sipscope::capture::detail
