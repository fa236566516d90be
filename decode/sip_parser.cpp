// The SIP message parser: start line, header section, typed fields and body framing (RFC 3261 §7).
//
// Index
// [SECTION] Lines and errors
// [SECTION] Start line
// [SECTION] Header section
// [SECTION] Typed headers
// [SECTION] SipParser and lookups
#include "decode/sip_parser.hpp"

#include "decode/detail/fields.hpp"
#include "decode/detail/header_names.hpp"
#include "decode/detail/lex.hpp"

#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sipscope::decode {

namespace {

using detail::HeaderId;

//--------------------------------------------------------------------------------------------------
// [SECTION] Lines and errors
//--------------------------------------------------------------------------------------------------

struct Line {
    std::size_t begin = 0;
    std::size_t end = 0;   // content end, before CR LF (or bare LF, which real devices send)
    std::size_t next = 0;  // first byte of the following line
};

// The first '\n' in [from, end), or end. Header lines are short (20 to 80 bytes), where memchr's fixed cost per
// call was a quarter of the parser's time; 16 bytes at a time with SSE2 (x86-64's baseline), never reading
// past `end`.
const char* findNewline(const char* from, const char* end) {
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n');
    while (end - from >= 16) {
        const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from));
        const int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(chunk, newline));
        if (mask != 0) {
            return from + __builtin_ctz(static_cast<unsigned>(mask));
        }
        from += 16;
    }
#endif
    while (from < end && *from != '\n') {
        ++from;
    }
    return from;
}

Line lineAt(std::string_view bytes, std::size_t pos) {
    Line line{pos, bytes.size(), bytes.size()};
    const char* end = bytes.data() + bytes.size();
    const char* lf = findNewline(bytes.data() + pos, end);
    if (lf != end) {
        line.end = static_cast<std::size_t>(lf - bytes.data());
        line.next = line.end + 1;
    }
    if (line.end > line.begin && bytes[line.end - 1] == '\r') {
        --line.end;
    }
    return line;
}

// Everything parse() finds, gathered here and then moved into the SipMessageView.
struct Fields {
    bool isRequest = false;
    std::string_view method;
    std::string_view requestUri;
    int statusCode = 0;
    std::string_view reason;
    std::string_view callId;
    NameAddr from;
    NameAddr to;
    CSeq cseq;
    ViaHop topVia;           // the first via-parm of the first Via header
    bool hasTopVia = false;  // read whole: that Via header broke no rule
    std::optional<std::uint32_t> contentLength;
    std::string_view body;
    std::string_view raw;
    ParseError error;
};

class MessageReader {
public:
    MessageReader(std::string_view bytes, std::vector<HeaderField>& headers, const ParserLimits& limits)
        : m_bytes(bytes), m_headers(headers), m_limits(limits) {}

    void read();
    const Fields& fields() const { return m_fields; }

private:
    // The first error found is the one reported; later ones are consequences more often than not.
    void fail(ParseErrorCode code, std::string_view reason, std::size_t offset) {
        if (m_fields.error.code != ParseErrorCode::None) {
            return;
        }
        constexpr std::size_t MaxOffset = std::numeric_limits<std::uint32_t>::max();
        m_fields.error = {code, reason, static_cast<std::uint32_t>(offset < MaxOffset ? offset : MaxOffset)};
    }
    // Offset of a view that points into m_bytes.
    std::size_t offsetOf(std::string_view view) const { return static_cast<std::size_t>(view.data() - m_bytes.data()); }

    void readStartLine(const Line& line);
    void readStatusLine(std::string_view line);
    void readRequestLine(std::string_view line);
    std::size_t readHeaderSection(std::size_t pos);
    void readTypedHeaders();
    void readTypedHeader(HeaderId id, const HeaderField& header);
    void checkMandatoryHeaders();
    void frameBody(std::size_t messageStart, std::size_t bodyStart);

    std::string_view m_bytes;
    std::vector<HeaderField>& m_headers;
    const ParserLimits& m_limits;
    Fields m_fields;
    bool m_headersTerminated = false;
    std::size_t m_headersEnd = 0;
    bool m_contentLengthBad = false;

    // Single-value headers seen so far (RFC 3261 §7.3.1: only comma-list headers may repeat).
    bool m_seenCallId = false;
    bool m_seenCSeq = false;
    bool m_seenFrom = false;
    bool m_seenTo = false;
    bool m_seenVia = false;
    bool m_seenContentType = false;
    bool m_seenMaxForwards = false;
};

void MessageReader::read() {
    bool isBlank = true;
    for (char c : m_bytes) {
        if (!detail::isLwsChar(c)) {
            isBlank = false;
            break;
        }
    }
    if (isBlank) {
        fail(ParseErrorCode::Empty, "no SIP message: empty or only whitespace", 0);
        return;
    }
    // RFC 3261 §7.5: empty lines before the start line are ignored (keep-alives on streams).
    std::size_t start = 0;
    while (start < m_bytes.size() && (m_bytes[start] == '\r' || m_bytes[start] == '\n')) {
        ++start;
    }
    const Line startLine = lineAt(m_bytes, start);
    readStartLine(startLine);
    const std::size_t bodyStart = readHeaderSection(startLine.next);
    readTypedHeaders();
    if (!m_headersTerminated) {
        fail(ParseErrorCode::HeadersUnterminated, "no empty line ends the header section", m_headersEnd);
    }
    checkMandatoryHeaders();
    frameBody(start, bodyStart);
}

void MessageReader::frameBody(std::size_t messageStart, std::size_t bodyStart) {
    const std::size_t available = m_bytes.size() - bodyStart;
    std::size_t length = available;
    // RFC 3261 §18.3: over UDP a missing Content-Length means the body runs to the end of the datagram, and
    // bytes beyond Content-Length are discarded (RFC 4475 §3.1.1.8).
    if (m_fields.contentLength && !m_contentLengthBad) {
        if (*m_fields.contentLength > available) {
            fail(ParseErrorCode::BodyTruncated, "body shorter than Content-Length", m_bytes.size());
        } else {
            length = *m_fields.contentLength;
        }
    }
    m_fields.body = m_bytes.substr(bodyStart, length);
    m_fields.raw = m_bytes.substr(messageStart, bodyStart + length - messageStart);
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Start line
//--------------------------------------------------------------------------------------------------

void MessageReader::readStartLine(const Line& line) {
    const std::string_view text = m_bytes.substr(line.begin, line.end - line.begin);
    // RFC 3261 §7.1: SIP-Version is case-insensitive. No method token may hold '/', so this is a response.
    if (detail::startsWithNoCase(text, "SIP/")) {
        readStatusLine(text);
    } else {
        readRequestLine(text);
    }
}

void MessageReader::readStatusLine(std::string_view line) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2)
    const std::size_t sp = line.find(' ');
    const std::string_view version = line.substr(0, sp);
    if (!detail::equalsNoCase(version, "SIP/2.0")) {
        fail(ParseErrorCode::BadVersion, "SIP version is not 2.0", offsetOf(line));
    }
    if (sp == std::string_view::npos) {
        fail(ParseErrorCode::BadStatusCode, "status line without a status code", offsetOf(line) + line.size());
        return;
    }
    const std::string_view rest = line.substr(sp + 1);
    const std::size_t codeEnd = rest.find(' ');
    const std::string_view code = rest.substr(0, codeEnd);
    const auto value = code.size() == 3 ? detail::parseDecimal(code, 999) : std::nullopt;
    if (!value) {
        fail(ParseErrorCode::BadStatusCode, "status code is not three digits", offsetOf(rest));
    } else {
        m_fields.statusCode = static_cast<int>(*value);
        if (*value < 100 || *value > 699) {
            fail(ParseErrorCode::BadStatusCode, "status code outside 100..699", offsetOf(rest));
        }
    }
    // The Reason-Phrase may be empty (RFC 4475 §3.1.1.13); a missing SP before it is tolerated.
    m_fields.reason = codeEnd == std::string_view::npos ? rest.substr(rest.size()) : rest.substr(codeEnd + 1);
}

void MessageReader::readRequestLine(std::string_view line) {
    // Request-Line = Method SP Request-URI SP SIP-Version, single SPs only (RFC 3261 §7.1, RFC 4475 §3.1.2.9)
    const std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos) {
        fail(ParseErrorCode::BadStartLine, "start line is neither a request line nor a status line", offsetOf(line));
        return;
    }
    const std::string_view method = line.substr(0, sp);
    if (!detail::isToken(method)) {
        fail(ParseErrorCode::BadStartLine, "request method is not a token", offsetOf(line));
        return;
    }
    m_fields.isRequest = true;
    m_fields.method = method;

    std::string_view rest = line.substr(sp + 1);
    const std::size_t contentEnd = rest.find_last_not_of(" \t");
    if (contentEnd == std::string_view::npos) {
        fail(ParseErrorCode::BadStartLine, "request line without a Request-URI", offsetOf(rest));
        m_fields.requestUri = rest.substr(rest.size());
        return;
    }
    if (contentEnd + 1 != rest.size()) {
        // RFC 4475 §3.1.2.10
        fail(ParseErrorCode::BadStartLine, "whitespace at the end of the request line", offsetOf(rest));
        rest = rest.substr(0, contentEnd + 1);
    }
    const std::size_t lastSp = rest.find_last_of(' ');
    if (lastSp == std::string_view::npos) {
        fail(ParseErrorCode::BadStartLine, "request line without a SIP version", offsetOf(rest) + rest.size());
        m_fields.requestUri = rest;
        return;
    }
    const std::string_view version = rest.substr(lastSp + 1);
    std::string_view uri = rest.substr(0, lastSp);
    const std::string_view trimmedUri = detail::trimLws(uri);
    if (trimmedUri.size() != uri.size()) {
        fail(ParseErrorCode::BadStartLine, "more than one SP between request line elements", offsetOf(uri));
        uri = trimmedUri;
    }
    m_fields.requestUri = uri;
    if (!detail::equalsNoCase(version, "SIP/2.0")) {
        if (detail::startsWithNoCase(version, "SIP/")) {
            fail(ParseErrorCode::BadVersion, "SIP version is not 2.0", offsetOf(version));
        } else {
            fail(ParseErrorCode::BadStartLine, "request line does not end in a SIP version", offsetOf(version));
        }
    }
    if (const std::string_view reason = detail::checkRequestUri(uri); !reason.empty()) {
        fail(ParseErrorCode::BadStartLine, reason, offsetOf(uri));
    }
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Header section
//--------------------------------------------------------------------------------------------------

// Reads header lines from `pos` up to the empty line; returns where the body starts.
std::size_t MessageReader::readHeaderSection(std::size_t pos) {
    bool isTooMany = false;
    while (pos < m_bytes.size()) {
        const Line line = lineAt(m_bytes, pos);
        if (line.begin == line.end) {
            m_headersTerminated = true;
            m_headersEnd = line.begin;
            return line.next;
        }
        // RFC 3261 §7.3.1: a line starting with SP or HT continues the previous header; collect them all.
        std::size_t valueEnd = line.end;
        std::size_t next = line.next;
        while (next < m_bytes.size() && detail::isWsp(m_bytes[next])) {
            const Line continuation = lineAt(m_bytes, next);
            valueEnd = continuation.end;
            next = continuation.next;
        }
        if (detail::isWsp(m_bytes[pos])) {
            fail(ParseErrorCode::BadHeader, "folded line with no header before it", pos);
            pos = next;
            continue;
        }
        std::size_t nameEnd = pos;
        while (nameEnd < line.end && m_bytes[nameEnd] != ':' && !detail::isWsp(m_bytes[nameEnd])) {
            ++nameEnd;
        }
        std::size_t colon = nameEnd;
        while (colon < line.end && detail::isWsp(m_bytes[colon])) {
            ++colon;  // RFC 3261 §7.3.1: whitespace is allowed before the colon
        }
        const std::string_view name = m_bytes.substr(pos, nameEnd - pos);
        if (colon >= line.end || m_bytes[colon] != ':' || name.empty()) {
            fail(ParseErrorCode::BadHeader, "header line without a name and colon", pos);
            pos = next;
            continue;
        }
        if (!detail::isToken(name)) {
            fail(ParseErrorCode::BadHeader, "header name is not a token", pos);
        }
        const std::string_view value = detail::trimLws(m_bytes.substr(colon + 1, valueEnd - colon - 1));
        if (m_headers.size() >= m_limits.maxHeaders) {
            if (!isTooMany) {
                fail(ParseErrorCode::TooManyHeaders, "more header fields than the parser's limit", pos);
                isTooMany = true;
            }
        } else {
            m_headers.push_back(HeaderField{name, value});
        }
        pos = next;
    }
    m_headersEnd = m_bytes.size();
    return m_bytes.size();
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Typed headers
//--------------------------------------------------------------------------------------------------

void MessageReader::readTypedHeaders() {
    for (const HeaderField& header : m_headers) {
        const HeaderId id = detail::classifyHeader(header.name);
        if (id != HeaderId::Other) {
            readTypedHeader(id, header);
        }
    }
}

void MessageReader::readTypedHeader(HeaderId id, const HeaderField& header) {
    const std::size_t at = offsetOf(header.value);
    // RFC 3261 §7.3.1: a header that is not a comma-separated list appears at most once (RFC 4475 §3.3.8).
    auto isDuplicate = [&](bool& seen, std::string_view reason) {
        if (seen) {
            fail(ParseErrorCode::DuplicateHeader, reason, offsetOf(header.name));
            return true;
        }
        seen = true;
        return false;
    };
    std::string_view reason;
    switch (id) {
    case HeaderId::CallId:
        if (!isDuplicate(m_seenCallId, "more than one Call-ID header")) {
            m_fields.callId = header.value;
            if (header.value.empty()) {
                fail(ParseErrorCode::BadHeaderValue, "empty Call-ID", at);
            } else if (detail::findAnyOf(header.value, " \t\r\n") != std::string_view::npos) {
                fail(ParseErrorCode::BadHeaderValue, "Call-ID contains whitespace", at);  // RFC 3261 §25.1
            }
        }
        break;
    case HeaderId::CSeq:
        if (!isDuplicate(m_seenCSeq, "more than one CSeq header")) {
            reason = detail::readCSeq(header.value, m_fields.cseq);
            if (!reason.empty()) {
                fail(ParseErrorCode::BadCSeq, reason, at);
            } else if (m_fields.isRequest && m_fields.cseq.method != m_fields.method) {
                // RFC 3261 §8.1.1.5: the CSeq method MUST match the request method (RFC 4475 §3.1.2.17).
                fail(ParseErrorCode::BadCSeq, "CSeq method differs from the request method", at);
            }
        }
        break;
    case HeaderId::From:
        if (!isDuplicate(m_seenFrom, "more than one From header")) {
            reason = detail::readNameAddr(header.value, m_fields.from);
            if (!reason.empty()) {
                fail(ParseErrorCode::BadHeaderValue, reason, at);
            }
        }
        break;
    case HeaderId::To:
        if (!isDuplicate(m_seenTo, "more than one To header")) {
            reason = detail::readNameAddr(header.value, m_fields.to);
            if (!reason.empty()) {
                fail(ParseErrorCode::BadHeaderValue, reason, at);
            }
        }
        break;
    case HeaderId::Via: {
        ViaHop top;
        reason = detail::readVia(header.value, m_seenVia ? nullptr : &top);
        if (!m_seenVia) {
            m_fields.topVia = top;
            m_fields.hasTopVia = reason.empty();
            m_seenVia = true;
        }
        if (!reason.empty()) {
            fail(ParseErrorCode::BadHeaderValue, reason, at);
        }
        break;
    }
    case HeaderId::ContentLength: {
        std::uint32_t length = 0;
        reason = detail::readContentLength(header.value, length);
        if (!reason.empty()) {
            fail(ParseErrorCode::BadContentLength, reason, at);
            m_contentLengthBad = true;
        } else if (!m_fields.contentLength) {
            m_fields.contentLength = length;
        } else if (*m_fields.contentLength != length) {
            fail(ParseErrorCode::BadContentLength, "Content-Length headers with different values", at);
            m_contentLengthBad = true;  // RFC 4475 §3.3.9: neither value can be trusted
        }
        break;
    }
    case HeaderId::ContentType: isDuplicate(m_seenContentType, "more than one Content-Type header"); break;
    case HeaderId::MaxForwards:
        if (!isDuplicate(m_seenMaxForwards, "more than one Max-Forwards header")) {
            reason = detail::checkMaxForwards(header.value);
        }
        break;
    case HeaderId::Contact: reason = detail::checkContact(header.value); break;
    case HeaderId::Date: reason = detail::checkDate(header.value); break;
    case HeaderId::Other: break;
    }
    if (!reason.empty() && (id == HeaderId::MaxForwards || id == HeaderId::Contact || id == HeaderId::Date)) {
        fail(ParseErrorCode::BadHeaderValue, reason, at);
    }
}

void MessageReader::checkMandatoryHeaders() {
    // RFC 3261 §8.1.1: every request carries these; a response copies them (§8.2.6.2). Max-Forwards is
    // left out: RFC 2543 peers omit it (RFC 4475 §3.4.1) and responses do not carry it.
    if (!m_seenCallId) {
        fail(ParseErrorCode::MissingHeader, "missing Call-ID header", m_headersEnd);
    } else if (!m_seenCSeq) {
        fail(ParseErrorCode::MissingHeader, "missing CSeq header", m_headersEnd);
    } else if (!m_seenFrom) {
        fail(ParseErrorCode::MissingHeader, "missing From header", m_headersEnd);
    } else if (!m_seenTo) {
        fail(ParseErrorCode::MissingHeader, "missing To header", m_headersEnd);
    } else if (!m_seenVia) {
        fail(ParseErrorCode::MissingHeader, "missing Via header", m_headersEnd);
    }
}

}  // namespace

//--------------------------------------------------------------------------------------------------
// [SECTION] SipParser and lookups
//--------------------------------------------------------------------------------------------------

const SipMessageView& SipParser::parse(std::string_view bytes) {
    // Keep the header vector's capacity across messages: once warm, a parse allocates nothing.
    std::vector<HeaderField> headers = std::move(m_message.m_headers);
    headers.clear();
    m_message = SipMessageView{};
    m_message.m_headers = std::move(headers);

    MessageReader reader(bytes, m_message.m_headers, m_limits);
    reader.read();
    const Fields& fields = reader.fields();
    m_message.m_isRequest = fields.isRequest;
    m_message.m_method = fields.method;
    m_message.m_requestUri = fields.requestUri;
    m_message.m_statusCode = fields.statusCode;
    m_message.m_reason = fields.reason;
    m_message.m_callId = fields.callId;
    m_message.m_from = fields.from;
    m_message.m_to = fields.to;
    m_message.m_cseq = fields.cseq;
    m_message.m_topVia = fields.topVia;
    m_message.m_hasTopVia = fields.hasTopVia;
    m_message.m_contentLength = fields.contentLength;
    m_message.m_body = fields.body;
    m_message.m_raw = fields.raw;
    m_message.m_error = fields.error;
    return m_message;
}

NameAddr parseNameAddr(std::string_view value) {
    NameAddr result;
    detail::readNameAddr(value, result);
    return result;
}

bool headerNameIs(std::string_view wire, std::string_view canonical) {
    return detail::equalsNoCase(detail::expandCompactName(wire), detail::expandCompactName(canonical));
}

}  // namespace sipscope::decode
