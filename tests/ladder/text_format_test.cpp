// The text helpers both front ends share: printable text, terminal escaping, cutting, time formats.
#include "ladder/text_format.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace sipscope::ladder {
namespace {

TEST(TextFormat, PrintableTextIsValidUtf8OnOneLine) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"INVITE", "INVITE"},
        {"a\nb\r\tc", "a\\nb\\r\\tc"},
        {"\x1b[31m", "\\x1b[31m"},
        {"\x7f", "\\x7f"},
        {"\xff\xfe", "\\xff\\xfe"},
        {"\xc0\xaf", "\\xc0\\xaf"},                    // overlong '/'
        {"\xed\xa0\x80", "\\xed\\xa0\\x80"},           // surrogate
        {"\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"},  // above U+10FFFF
        {"\xe2\x82", "\\xe2\\x82"},                    // truncated
        {"\xc2\x85", "\\u0085"},                       // C1 NEL
        {"\xef\xbf\xbe", "\\ufffe"},                   // XML-forbidden noncharacter
        {"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x93\x9e", "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x93\x9e"},
    };
    for (const auto& [input, expected] : cases) {
        SCOPED_TRACE(input);
        EXPECT_EQ(printableText(input), expected);
        EXPECT_EQ(printableText(expected), expected);  // idempotent: drawers may apply it again
    }
}

TEST(TextFormat, TerminalEscapingLeavesNoControlCharacter) {
    EXPECT_EQ(escapeForTerminal("200 OK"), "200 OK");
    EXPECT_EQ(escapeForTerminal("\x1b]0;title\x07"), "\\x1b]0;title\\x07");
    EXPECT_EQ(escapeForTerminal("\xc2\x9b"
                                "31m"),
              "\\u009b31m");  // C1 CSI
    EXPECT_EQ(escapeForTerminal("\xe2\x86\x92"), "\xe2\x86\x92");
    EXPECT_EQ(escapeForTerminal("\xff"), "\\xff");
}

TEST(TextFormat, CutsToCellsWithAnEllipsis) {
    EXPECT_EQ(codePointCount("caf\xc3\xa9"), 4u);
    EXPECT_EQ(cutToCells("INVITE", 6), "INVITE");
    EXPECT_EQ(cutToCells("INVITE", 4), "INV…");
    EXPECT_EQ(cutToCells("caf\xc3\xa9s", 4), "caf…");
    EXPECT_EQ(cutToCells("\xe2\x86\x92\xe2\x86\x92\xe2\x86\x92", 2), "\xe2\x86\x92…");
    EXPECT_EQ(cutToCells("abc", 0), "");
}

TEST(TextFormat, TimesKeepMicroseconds) {
    constexpr std::int64_t Noon = 1'714'564'800'000'000;  // 2024-05-01T12:00:00Z
    EXPECT_EQ(isoTimestamp(Noon + 123'456), "2024-05-01T12:00:00.123456Z");
    EXPECT_EQ(isoTimestamp(-1), "1969-12-31T23:59:59.999999Z");
    EXPECT_EQ(clockTime(Noon + 500'001), "12:00:00.500001");
    EXPECT_EQ(deltaTime(611), "+0.611ms");
    EXPECT_EQ(deltaTime(105'746), "+105.746ms");
    EXPECT_EQ(deltaTime(999'999), "+999.999ms");
    // Above a second the µs stay: two deltas 1 µs apart never read the same.
    EXPECT_EQ(deltaTime(1'130'000), "+1.130000s");
    EXPECT_EQ(deltaTime(1'130'001), "+1.130001s");
    EXPECT_EQ(deltaTime(-1'314'228), "-1.314228s");
    EXPECT_EQ(deltaTime(-250), "-0.250ms");
    EXPECT_EQ(offsetTime(32'000'017), "+32.000017s");
    EXPECT_EQ(offsetTime(0), "+0.000000s");
}

}  // namespace
}  // namespace sipscope::ladder
