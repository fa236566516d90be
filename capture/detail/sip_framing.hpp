// The little SIP that capture needs: recognising a start line, and Content-Length framing on byte streams.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace sipscope::capture::detail {

// True when `line` (without its line ending) is a SIP request line or status line (RFC 3261 §7.1, §7.2).
bool isSipStartLine(std::string_view line);

// True when `line` (without its line ending) is shaped like a start line, though it may break the grammar: "SIP/"
// digits "." digits SP digit... (a status line of any version or code), or a token, SP, then text holding a ':' and
// ending in SP "SIP/" digits "." digits (a request line with extra spaces, spaces in the URI, or another version).
bool hasStartLineShape(std::string_view line);

// True when the header lines after the start line of `message` (up to the empty line) name Via, Call-ID and CSeq,
// compact forms included: what makes a message with a broken start line plainly SIP.
bool hasSipCoreHeaders(std::string_view message);

// Where a SIP start line begins inside `line` (without its line ending) after other bytes, e.g. the end of a body
// sent without a final line break: "</presence>OPTIONS sip:b@c SIP/2.0". npos when none does. The method of a glued
// request line is the RFC method name the bytes before its Request-URI end with, or else the token run after a
// byte that is not a token character.
std::size_t findStartLineInside(std::string_view line);

// True for a header line ("Name: value", whitespace allowed before the colon) and for the empty line.
bool isHeaderLineOrEnd(std::string_view line);

// Skips leading CR and LF bytes (keepalives, RFC 5626 §4.4.1) and returns the rest.
std::string_view skipLineBreaks(std::string_view bytes);

// Offset just past the blank line that ends the headers ("\r\n\r\n", or "\n\n" from sloppy senders);
// npos while the headers are incomplete.
std::size_t findHeaderEnd(std::string_view bytes);

// The Content-Length (or compact "l") value in a header block, 0 when absent (RFC 3261 §18.3: stream senders
// must send it, so absence means no body). nullopt when the value is not a number or is above `maxValue`.
std::optional<std::size_t> contentLength(std::string_view headers, std::size_t maxValue);

// The value of the first header named `name` (case-insensitive, no compact forms), trimmed; empty if absent.
std::string_view headerValue(std::string_view headers, std::string_view name);

// True when `list` (a comma-separated header value) holds `token`, case-insensitive.
bool listContainsToken(std::string_view list, std::string_view token);

bool equalsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace sipscope::capture::detail
