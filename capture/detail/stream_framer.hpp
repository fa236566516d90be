// One direction of a byte stream turned into SIP messages: Content-Length framing, or WebSocket frames.
#pragma once

#include "capture/packet.hpp"
#include "capture/packet_decoder.hpp"

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace sipscope::capture::detail {

class StreamFramer {
public:
    enum class Mode { Detect, Sip, Resync, Http, WebSocket, Tls, Ignore };

    // `sink` and `stats` belong to the decoder and outlive the framer. A mid-stream framer (no SYN seen)
    // looks for the next SIP start line instead of giving up on a stream whose first bytes are not SIP.
    StreamFramer(const DecoderLimits& limits, DecoderStats& stats, const PacketDecoder::PayloadSink& sink,
                 const Endpoint& src, const Endpoint& dst, bool isMidstream, bool isTls);

    // The next in-order bytes of the stream, from the segment captured at `timestampUs` in `frameNumber`.
    // Calls the sink for every message they complete; the message bytes live during the call only.
    void append(std::string_view bytes, std::int64_t timestampUs, std::uint64_t frameNumber);
    // Bytes were lost before the next append: the half message is dropped (counted) and framing resynchronises.
    void gap();
    // The stream ended: a half message is counted as incomplete and dropped.
    void finish();

    bool isTls() const { return m_mode == Mode::Tls; }
    // True when appended bytes are thrown away unseen (TLS, not SIP); the caller may skip reassembly.
    bool isIgnoring() const { return m_mode == Mode::Tls || m_mode == Mode::Ignore; }

private:
    struct Mark {
        std::uint64_t endOffset;  // stream offset just past the bytes of one append
        std::int64_t timestampUs;
        std::uint64_t frameNumber;
    };

    void drain();
    bool stepDetect();
    bool stepSip();
    bool frameMessage(std::string_view bytes, std::size_t headerEnd);  // Content-Length framing of the headers
    bool stepResync();
    bool stepHttp();
    bool stepWebSocket();
    std::string_view rest() const;
    void consume(std::size_t count);
    // Consumes the CR and LF bytes at the front (RFC 5626 §3.5.1 keepalives, blank lines); whether there were any.
    bool consumeLineBreaks();
    void skip(std::size_t count);  // consume bytes that are not delivered (counted)
    void dropAll(Mode mode);
    void emit(std::string_view message, Transport transport, std::uint64_t endOffset);

    const DecoderLimits& m_limits;
    DecoderStats& m_stats;
    const PacketDecoder::PayloadSink& m_sink;
    Endpoint m_src;
    Endpoint m_dst;
    Mode m_mode = Mode::Detect;
    bool m_isMidstream = false;
    std::string m_buffer;  // unframed bytes; m_buffer[m_position] is the next to look at
    std::size_t m_position = 0;
    std::uint64_t m_bufferOffset = 0;  // stream offset of m_buffer[0]
    std::deque<Mark> m_marks;
    std::string m_webSocketMessage;  // payload of the fragmented WebSocket message in progress
    bool m_isInWebSocketMessage = false;
};

}  // namespace sipscope::capture::detail
