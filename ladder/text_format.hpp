// Text helpers both front ends need: packet text made printable and safe for a terminal or a document, text width
// in code points and cutting with "…", and the time formats of the ladder and the listings. No state, no locale.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sipscope::ladder {

// Packet text made printable on one line, as valid UTF-8: C0/C1 controls and DEL become visible escapes (\n, \r,
// \t, \x1b, \u0085), and each byte that is not part of a valid UTF-8 sequence (overlong forms and surrogates
// included) becomes \xNN. U+FFFE and U+FFFF, which XML forbids, become \ufffe and \uffff. Idempotent on its output.
std::string printableText(std::string_view text);
// Like printableText, for a terminal: control characters, escape sequences and DEL become visible escapes (\x1b, \r,
// \n, \t, C1 as \u0085); valid UTF-8 stays; an invalid byte becomes \xNN.
std::string escapeForTerminal(std::string_view text);

// Code points of UTF-8 text: its width in terminal cells, good enough for SIP text (no wide CJK accounting).
std::size_t codePointCount(std::string_view text);
// `text` (valid UTF-8) cut to at most `maxCells` code points, the last of them "…" when anything was cut.
std::string cutToCells(std::string_view text, std::size_t maxCells);

// "2024-05-01T12:00:00.123456Z" (UTC, always 6 fraction digits; times before 1970 count down correctly).
std::string isoTimestamp(std::int64_t microseconds);
// "12:00:00.123456": the time of day in UTC with µs, as every ladder prints a message's time.
std::string clockTime(std::int64_t microseconds);
// "+0.611ms" below one second, "+1.130000s" above: the time since the previous message, µs always shown.
std::string deltaTime(std::int64_t microseconds);
// "+12.345678s": the time since the call's first message, with µs.
std::string offsetTime(std::int64_t microseconds);

}  // namespace sipscope::ladder
