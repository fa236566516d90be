// Unit tests of ladder/ladder_export: SVG well-formedness, PlantUML/Mermaid/text goldens, escaping of
// hostile labels, and every format saying the same: labels, colours by class, µs times.
#include "ladder/ladder_export.hpp"

#include "ladder/ladder_text.hpp"

#include "common/concat.hpp"
#include "ladder/ladder_model.hpp"
#include "ladder/text_format.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::ladder {
namespace {

// [SECTION] The call under test: 3 hosts, 7 messages, hostile labels.

constexpr std::int64_t StartUs = 1'714'564'800'000'000;  // 2024-05-01T12:00:00Z

const std::string HostileScript = "OPTIONS <script>alert('x')</script>";
const std::string HostileQuotes = "480 \"Gone\" & ]]> \x1b[31m red\n@enduml\n!include /etc/passwd";
const std::string HostileBytes = "NOTIFY \xff\xfe; #x %%{init}%% style a:#35;";

store::MessageRow message(std::int64_t id, std::int64_t offsetUs, std::string src, std::string dst) {
    store::MessageRow row;
    row.id = id;
    row.timestampUs = StartUs + offsetUs;
    row.src = capture::parseEndpoint(src).value();
    row.dst = capture::parseEndpoint(dst).value();
    row.transport = capture::Transport::Udp;
    row.callId = "a84b4c76e66710@pc33";
    return row;
}

std::vector<store::MessageRow> sampleMessages() {
    const std::string alice = "10.0.0.1:5060";
    const std::string proxy = "10.0.0.2:5060";
    const std::string bob = "[2001:db8::3]:5080";
    std::vector<store::MessageRow> rows;
    rows.push_back(message(1, 0, alice, proxy));
    rows.back().method = "INVITE";
    rows.back().hasSdp = true;
    rows.back().sdpRole = decode::SdpRole::Offer;
    rows.push_back(message(2, 500'000, alice, proxy));
    rows.back().method = "INVITE";
    rows.back().hasSdp = true;
    rows.back().sdpRole = decode::SdpRole::Offer;
    rows.back().retransmission = true;
    rows.push_back(message(3, 501'250, proxy, alice));
    rows.back().status = 100;
    rows.back().reason = "Trying";
    rows.push_back(message(4, 620'000, proxy, bob));
    rows.back().method = HostileScript;
    rows.push_back(message(5, 1'750'000, bob, proxy));
    rows.back().status = 480;
    rows.back().reason = HostileQuotes.substr(4);
    rows.back().valid = false;
    rows.back().error = "bad header";
    rows.push_back(message(6, 1'750'100, bob, bob));
    rows.back().method = HostileBytes;
    rows.push_back(message(7, 2'000'000, proxy, alice));
    rows.back().status = 200;
    rows.back().reason = "OK";
    rows.back().hasSdp = true;
    rows.back().sdpRole = decode::SdpRole::Answer;
    return rows;
}

store::CallRow sampleCall() {
    store::CallRow call;
    call.key = 1;
    call.callId = "a84b4c76e66710@pc33<&>\"";
    call.startUs = StartUs;
    call.endUs = StartUs + 2'000'000;
    call.fromUri = "sip:alice@atlanta.example.com";
    call.toUri = "sip:bob@biloxi.example.com";
    call.method = "INVITE";
    call.state = decode::CallState::Answered;
    call.status = 200;
    call.messages = 7;
    return call;
}

struct Sample {
    store::CallRow call = sampleCall();
    std::vector<store::MessageRow> messages = sampleMessages();
    ladder::Model model = ladder::buildModel(messages);
};

std::string render(LadderFormat format, const Sample& sample) {
    std::ostringstream out;
    exportLadder(out, format, sample.call, sample.model);
    return out.str();
}

// A call answered, then a second INVITE rejected with 486: one arrow of each colour class that matters.
Sample rejectedSample() {
    Sample sample;
    sample.messages.clear();
    const std::string alice = "10.0.0.1:5060";
    const std::string bob = "10.0.0.2:5060";
    sample.messages.push_back(message(1, 0, alice, bob));
    sample.messages.back().method = "INVITE";
    sample.messages.push_back(message(2, 1'000, bob, alice));
    sample.messages.back().status = 180;
    sample.messages.back().reason = "Ringing";
    sample.messages.push_back(message(3, 1'100, bob, alice));
    sample.messages.back().status = 486;
    sample.messages.back().reason = "Busy Here";
    sample.messages.push_back(message(4, 1'200, alice, bob));
    sample.messages.back().method = "ACK";
    sample.model = ladder::buildModel(sample.messages);
    return sample;
}

std::size_t countOf(std::string_view haystack, std::string_view needle) {
    std::size_t count = 0;
    for (std::size_t at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1))
        ++count;
    return count;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> result;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        result.push_back(line);
    return result;
}

// Drops every entity `prefix` + hex digits + `end` ("<U+003C>", "#60;"), leaving what the tool
// reads literally.
std::string withoutEntities(std::string text, const std::string& prefix, char end) {
    for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) {
        std::size_t last = at + prefix.size();
        while (last < text.size() && std::isxdigit(static_cast<unsigned char>(text[last])))
            ++last;
        if (last == at + prefix.size() || last >= text.size() || text[last] != end) {
            ++at;
            continue;
        }
        text.erase(at, last + 1 - at);
    }
    return text;
}

// [SECTION] A small XML 1.0 well-formedness checker: enough for documents without DTDs or CDATA.

bool isValidUtf8AndXmlChars(std::string_view text, std::string& error) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                error = "control byte at " + std::to_string(i);
                return false;
            }
            ++i;
            continue;
        }
        const std::size_t length = c >= 0xc2 && c <= 0xdf   ? 2
                                   : c >= 0xe0 && c <= 0xef ? 3
                                   : c >= 0xf0 && c <= 0xf4 ? 4
                                                            : 0;
        if (length == 0 || i + length > text.size()) {
            error = "invalid UTF-8 at " + std::to_string(i);
            return false;
        }
        std::uint32_t codePoint = c & (length == 2 ? 0x1fu : length == 3 ? 0x0fu : 0x07u);
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xc0) != 0x80) {
                error = "invalid UTF-8 at " + std::to_string(i);
                return false;
            }
            codePoint = (codePoint << 6) | (next & 0x3fu);
        }
        const std::uint32_t minimum = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
        if (codePoint < minimum || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff) ||
            codePoint == 0xfffe || codePoint == 0xffff) {
            error = "invalid code point at " + std::to_string(i);
            return false;
        }
        i += length;
    }
    return true;
}

bool isNameChar(char c, bool first) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    return letter || (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

// Checks that every '&' in character data or an attribute value starts a reference.
bool referencesAreValid(std::string_view text) {
    for (std::size_t at = text.find('&'); at != std::string_view::npos; at = text.find('&', at + 1)) {
        const std::size_t end = text.find(';', at);
        if (end == std::string_view::npos)
            return false;
        const std::string_view name = text.substr(at + 1, end - at - 1);
        static const std::set<std::string_view> named = {"amp", "lt", "gt", "quot", "apos"};
        if (named.count(name))
            continue;
        if (name.size() < 2 || name[0] != '#')
            return false;
        const bool hex = name[1] == 'x';
        const std::string_view digits = name.substr(hex ? 2 : 1);
        if (digits.empty() ||
            digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string_view::npos)
            return false;
    }
    return true;
}

// "" when `doc` is well-formed, else what is wrong. Raw '>' in character data is also refused (we
// escape it).
std::string xmlError(std::string_view doc) {
    std::string error;
    if (!isValidUtf8AndXmlChars(doc, error))
        return error;
    std::size_t i = 0;
    if (doc.substr(0, 5) == "<?xml") {
        i = doc.find("?>");
        if (i == std::string_view::npos)
            return "unterminated XML declaration";
        i += 2;
    }
    std::vector<std::string> open;
    int roots = 0;
    while (i < doc.size()) {
        const std::size_t tag = doc.find('<', i);
        const std::string_view text = doc.substr(i, (tag == std::string_view::npos ? doc.size() : tag) - i);
        if (text.find('>') != std::string_view::npos)
            return "raw '>' in text near " + std::to_string(i);
        if (!referencesAreValid(text))
            return "bad '&' in text near " + std::to_string(i);
        if (open.empty() && text.find_first_not_of(" \t\r\n") != std::string_view::npos)
            return "text outside the root element near " + std::to_string(i);
        if (tag == std::string_view::npos)
            break;
        i = tag + 1;
        if (doc.substr(tag, 4) == "<!--") {
            const std::size_t end = doc.find("-->", tag + 4);
            if (end == std::string_view::npos)
                return "unterminated comment";
            i = end + 3;
            continue;
        }
        const bool closing = i < doc.size() && doc[i] == '/';
        if (closing)
            ++i;
        const std::size_t nameStart = i;
        while (i < doc.size() && isNameChar(doc[i], i == nameStart))
            ++i;
        const std::string name(doc.substr(nameStart, i - nameStart));
        if (name.empty())
            return "bad tag name at " + std::to_string(tag);
        if (closing) {
            while (i < doc.size() && doc[i] == ' ')
                ++i;
            if (i >= doc.size() || doc[i] != '>')
                return "bad end tag at " + std::to_string(tag);
            if (open.empty() || open.back() != name)
                return "mismatched </" + name + "> at " + std::to_string(tag);
            open.pop_back();
            ++i;
            continue;
        }
        std::set<std::string> attributes;
        for (;;) {
            const std::size_t before = i;
            while (i < doc.size() && (doc[i] == ' ' || doc[i] == '\n' || doc[i] == '\t'))
                ++i;
            if (i >= doc.size())
                return "unterminated tag <" + name;
            if (doc[i] == '>' || doc.substr(i, 2) == "/>") {
                const bool empty = doc[i] == '/';
                i += empty ? 2 : 1;
                if (open.empty() && ++roots > 1)
                    return "second root element <" + name + ">";
                if (!empty)
                    open.push_back(name);
                break;
            }
            if (i == before)
                return "no space before an attribute in <" + name + ">";
            const std::size_t attributeStart = i;
            while (i < doc.size() && isNameChar(doc[i], i == attributeStart))
                ++i;
            const std::string attribute(doc.substr(attributeStart, i - attributeStart));
            if (attribute.empty() || i + 1 >= doc.size() || doc[i] != '=' || (doc[i + 1] != '"' && doc[i + 1] != '\''))
                return "unquoted or malformed attribute in <" + name + ">";
            if (!attributes.insert(attribute).second)
                return "duplicate attribute " + attribute + " in <" + name + ">";
            const char quote = doc[i + 1];
            const std::size_t valueEnd = doc.find(quote, i + 2);
            if (valueEnd == std::string_view::npos)
                return "unterminated attribute value in <" + name + ">";
            const std::string_view value = doc.substr(i + 2, valueEnd - i - 2);
            if (value.find('<') != std::string_view::npos || !referencesAreValid(value))
                return "bad character in attribute " + attribute + " of <" + name + ">";
            i = valueEnd + 1;
        }
    }
    if (!open.empty())
        return "unclosed <" + open.back() + ">";
    return roots == 1 ? "" : "no root element";
}

TEST(XmlChecker, CatchesWhatItShould) {
    const std::vector<std::pair<std::string, bool>> cases = {
        {"<a x=\"1\"><b/>t &amp; &#60;</a>", true},
        {"<a><b></a></b>", false},
        {"<a x=1/>", false},
        {"<a>x < y</a>", false},
        {"<a>x & y</a>", false},
        {"<a>]]&gt; ok</a>", true},
        {"<a>]]></a>", false},
        {"<a>\x1b</a>", false},
        {"<a>\xff</a>", false},
        {"<a x=\"1\" x=\"2\"/>", false},
        {"<a/><b/>", false},
    };
    for (const auto& [doc, wellFormed] : cases) {
        SCOPED_TRACE(doc);
        EXPECT_EQ(xmlError(doc).empty(), wellFormed) << xmlError(doc);
    }
}

// [SECTION] Goldens: SIPSCOPE_UPDATE_GOLDEN=1 rewrites them; otherwise a difference fails with a
// line diff.

void expectGolden(const std::string& fileName, const std::string& actual) {
    const std::string path = std::string(SIPSCOPE_GOLDEN_DIR) + "/" + fileName;
    const char* update = std::getenv("SIPSCOPE_UPDATE_GOLDEN");
    if (update && std::string_view(update) == "1") {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << path << " is missing; create it with SIPSCOPE_UPDATE_GOLDEN=1 and review it";
    const std::string expected((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (expected == actual)
        return;
    const auto want = lines(expected);
    const auto got = lines(actual);
    std::ostringstream diff;
    diff << "--- " << path << "\n+++ actual\n";
    int shown = 0;
    for (std::size_t n = 0; n < std::max(want.size(), got.size()) && shown < 20; ++n) {
        const std::string* left = n < want.size() ? &want[n] : nullptr;
        const std::string* right = n < got.size() ? &got[n] : nullptr;
        if (left && right && *left == *right)
            continue;
        ++shown;
        diff << "@@ line " << n + 1 << " @@\n";
        if (left)
            diff << '-' << *left << '\n';
        if (right)
            diff << '+' << *right << '\n';
    }
    ADD_FAILURE() << fileName << " differs from its golden (rerun with SIPSCOPE_UPDATE_GOLDEN=1 if intended):\n"
                  << diff.str();
}

// [SECTION] Escaping

TEST(LadderExport, EscapesPerFormat) {
    EXPECT_EQ(escapeXml("<a href=\"x\">&'</a>]]>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;]]&gt;");
    EXPECT_EQ(escapePlantUml("200 OK"), "200 OK");
    // A lone '-' is no syntax (Call-ID reads as itself); "--" would strike through in Creole.
    EXPECT_EQ(escapePlantUml("Call-ID a--b -x-"), "Call-ID a<U+002D><U+002D>b -x-");
    EXPECT_EQ(escapePlantUml("**b** <img:x> \"q\"\n"),
              "<U+002A><U+002A>b<U+002A><U+002A> <U+003C>img:x<U+003E> <U+0022>q<U+0022><U+005C>n");
    EXPECT_EQ(escapePlantUml("a//b $x ~&#60;"), "a<U+002F><U+002F>b <U+0024>x <U+007E><U+0026><U+0023>60;");
    EXPECT_EQ(escapeMermaid("a;b#c%%d<br>"), "a#59;b#35;c#37;#37;d#60;br#62;");
    EXPECT_EQ(escapeMermaid("10.0.0.1:5060"), "10.0.0.1:5060");
    EXPECT_EQ(escapeMermaid("style x"), "#115;tyle x");
}

TEST(LadderExport, ParsesFormatNames) {
    const std::vector<std::pair<std::string, LadderFormat>> cases = {
        {"svg", LadderFormat::Svg},       {"SVG", LadderFormat::Svg},         {"plantuml", LadderFormat::PlantUml},
        {"puml", LadderFormat::PlantUml}, {"mermaid", LadderFormat::Mermaid}, {"mmd", LadderFormat::Mermaid},
        {"text", LadderFormat::Text},     {"txt", LadderFormat::Text},
    };
    for (const auto& [name, expected] : cases) {
        SCOPED_TRACE(name);
        LadderFormat format = LadderFormat::Text;
        ASSERT_TRUE(parseLadderFormat(name, format));
        EXPECT_EQ(format, expected);
        LadderFormat roundTrip = LadderFormat::Svg;
        EXPECT_TRUE(parseLadderFormat(ladderFormatName(format), roundTrip));
        EXPECT_EQ(roundTrip, format);
    }
    LadderFormat untouched = LadderFormat::Mermaid;
    EXPECT_FALSE(parseLadderFormat("png", untouched));
    EXPECT_FALSE(parseLadderFormat("", untouched));
    EXPECT_EQ(untouched, LadderFormat::Mermaid);
}

// [SECTION] SVG

TEST(LadderExport, SvgIsWellFormed) {
    const std::string svg = render(LadderFormat::Svg, Sample{});
    EXPECT_EQ(xmlError(svg), "");
    EXPECT_EQ(svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"", 0),
              0u);
    EXPECT_EQ(svg.find("<script"), std::string::npos);
    EXPECT_EQ(svg.find('\x1b'), std::string::npos);
}

TEST(LadderExport, SvgPassesXmllint) {
    if (std::system("command -v xmllint >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "xmllint not installed (package libxml2-utils)";
    const std::string path = testing::TempDir() + "ladder_export_test.svg";
    std::ofstream(path, std::ios::binary) << render(LadderFormat::Svg, Sample{});
    EXPECT_EQ(std::system(("xmllint --noout '" + path + "'").c_str()), 0);
    std::remove(path.c_str());
}

TEST(LadderExport, SvgDrawsOneArrowPerMessageWithItsLabel) {
    const Sample sample;
    const std::string svg = render(LadderFormat::Svg, sample);
    EXPECT_EQ(countOf(svg, "class=\"arrow\""), sample.model.arrows.size());
    EXPECT_EQ(countOf(svg, "<g class=\"message\">"), sample.model.arrows.size());
    // Each decorated label is one <text> element, XML-escaped.
    const std::vector<std::string> labels = {
        "INVITE (SDP offer)",
        "INVITE (SDP offer) (retrans)",
        "100 Trying",
        "OPTIONS &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
        "!480 &quot;Gone&quot; &amp; ]]&gt; \\x1b[31m red\\n@enduml\\n!include /etc/passwd",
        "NOTIFY \\xff\\xfe; #x %%{init}%% style a:#35;",
        "200 OK (SDP answer)",
    };
    for (const std::string& label : labels) {
        SCOPED_TRACE(label);
        EXPECT_EQ(countOf(svg, ">" + label + "</text>"), 1u);
    }
    for (const char* host : {"10.0.0.1:5060", "10.0.0.2:5060", "[2001:db8::3]:5080"})
        EXPECT_EQ(countOf(svg, ">" + std::string(host) + "</text>"), 1u) << host;
    EXPECT_NE(svg.find("a84b4c76e66710@pc33&lt;&amp;&gt;&quot; · sip:alice@atlanta.example.com → "
                       "sip:bob@biloxi.example.com · answered (200)</text>"),
              std::string::npos);
    EXPECT_NE(svg.find(">12:00:00.500000</text>"), std::string::npos);
    EXPECT_NE(svg.find(">+500.000ms</text>"), std::string::npos);
    EXPECT_NE(svg.find(">+1.130000s</text>"), std::string::npos);
}

// The viewer exports the ladder as it shows it: its column order, without its hidden columns.
TEST(LadderExport, SvgTakesTheViewersColumnOrder) {
    const Sample sample;
    std::ostringstream out;
    writeLadderSvg(out, sample.call, sample.model, {1, 0});  // the proxy first, Bob's column hidden
    const std::string svg = out.str();
    EXPECT_EQ(xmlError(svg), "");
    const std::size_t proxy = svg.find(">10.0.0.2:5060</text>");
    const std::size_t alice = svg.find(">10.0.0.1:5060</text>");
    ASSERT_NE(proxy, std::string::npos);
    ASSERT_NE(alice, std::string::npos);
    EXPECT_LT(proxy, alice);
    EXPECT_EQ(svg.find(">[2001:db8::3]:5080</text>"), std::string::npos);
    // Only the messages between Alice and the proxy are drawn: INVITE, its retransmission, 100, 200.
    EXPECT_EQ(countOf(svg, "<g class=\"message\">"), 4u);
    std::ostringstream all;
    writeLadderSvg(all, sample.call, sample.model);
    EXPECT_EQ(countOf(all.str(), "<g class=\"message\">"), sample.model.arrows.size());
}

// Issue 11: the SVG (and the PNG made from it) gave times in ms, so messages 100 µs apart read the same.
TEST(LadderExport, SvgTimesKeepMicroseconds) {
    const Sample sample;
    const std::string svg = render(LadderFormat::Svg, sample);
    EXPECT_NE(svg.find(">12:00:01.750000</text>"), std::string::npos);
    EXPECT_NE(svg.find(">12:00:01.750100</text>"), std::string::npos);
    std::set<std::string> times;
    for (const ladder::Arrow& arrow : sample.model.arrows)
        if (svg.find(concat(">", ladder::clockTime(arrow.timestampUs), "</text>")) != std::string::npos)
            times.insert(ladder::clockTime(arrow.timestampUs));
    EXPECT_EQ(times.size(), sample.model.arrows.size());
}

// Issue 11: a 486 arrow had the colour of every other arrow. Responses take the colour of their class.
TEST(LadderExport, SvgColoursArrowsByResponseClass) {
    const std::string svg = render(LadderFormat::Svg, rejectedSample());
    const std::string request = ladder::hexColor(ladder::classColor(ladder::MessageClass::Request));
    const std::string busy = ladder::hexColor(ladder::classColor(ladder::MessageClass::ClientError));
    const std::string ringing = ladder::hexColor(ladder::classColor(ladder::MessageClass::Provisional));
    ASSERT_NE(busy, request);
    EXPECT_NE(svg.find("stroke=\"" + busy + "\" stroke-width=\"1.5\" marker-end=\"url(#head-4xx)\""), std::string::npos)
        << svg;
    EXPECT_NE(svg.find("fill=\"" + busy + "\">486 Busy Here</text>"), std::string::npos);
    EXPECT_NE(svg.find("fill=\"" + ringing + "\">180 Ringing</text>"), std::string::npos);
    EXPECT_NE(svg.find("fill=\"" + request + "\">ACK</text>"), std::string::npos);
    EXPECT_NE(svg.find("<marker id=\"head-4xx\""), std::string::npos);
    EXPECT_EQ(xmlError(svg), "");
}

TEST(LadderExport, PlantUmlColoursResponsesByClass) {
    const std::string puml = render(LadderFormat::PlantUml, rejectedSample());
    const std::string busy = ladder::hexColor(ladder::classColor(ladder::MessageClass::ClientError));
    EXPECT_NE(puml.find("P1 -[" + busy + "]> P0 : 486 Busy Here\n"), std::string::npos) << puml;
    EXPECT_NE(puml.find("P0 -> P1 : INVITE\n"), std::string::npos) << puml;
}

// Issue 11: every format gives the same labels (the SDP role as the terminal gives it) and µs times.
TEST(LadderExport, EveryFormatSaysWhatTheTerminalSays) {
    const Sample sample;
    const std::string text = render(LadderFormat::Text, sample);
    const std::string puml = render(LadderFormat::PlantUml, sample);
    const std::string mmd = render(LadderFormat::Mermaid, sample);
    const std::string svg = render(LadderFormat::Svg, sample);
    for (const char* label : {"INVITE (SDP offer)", "INVITE (SDP offer) (retrans)", "200 OK (SDP answer)"}) {
        SCOPED_TRACE(label);
        EXPECT_NE(text.find(std::string(" ") + label + " "), std::string::npos);
        EXPECT_NE(puml.find(std::string(" : ") + label + "\n"), std::string::npos);
        EXPECT_NE(mmd.find(std::string(": ") + label + "\n"), std::string::npos);
        EXPECT_NE(svg.find(std::string(">") + label + "</text>"), std::string::npos);
    }
    for (const std::string* document : {&text, &puml, &mmd, &svg}) {
        EXPECT_NE(document->find("12:00:01.750100"), std::string::npos) << *document;
        EXPECT_EQ(document->find("(SDP)"), std::string::npos) << *document;
    }
    EXPECT_NE(puml.find("' 12:00:01.750100 +0.100ms\n"), std::string::npos);
    EXPECT_NE(mmd.find("    %% 12:00:01.750000 +1.130000s\n"), std::string::npos);
}

// --all-legs: every format numbers the labels by leg, and SVG and PlantUML name each leg (Call-ID and how it is
// linked) in a legend, the SVG in the leg's colour.
TEST(LadderExport, LegsGetALegend) {
    Sample sample;
    ladder::ModelOptions options;
    options.legOfMessage = {0, 0, 0, 1, 1, 1, 0};
    options.legs = {{"a84b4c76e66710@pc33", "this call"}, {"leg-b<x>", "replaces"}};
    sample.model = ladder::buildModel(sample.messages, options);
    const std::string svg = render(LadderFormat::Svg, sample);
    EXPECT_EQ(xmlError(svg), "");
    EXPECT_NE(svg.find("fill=\"" + ladder::hexColor(ladder::legColor(1)) + "\">#2 leg-b&lt;x&gt; (replaces)</text>"),
              std::string::npos)
        << svg;
    EXPECT_NE(svg.find(">#1 INVITE (SDP offer)</text>"), std::string::npos);
    const std::string puml = render(LadderFormat::PlantUml, sample);
    EXPECT_NE(puml.find("legend top left\n"), std::string::npos) << puml;
    EXPECT_NE(puml.find("<U+0023>2 leg-b<U+003C>x<U+003E> (replaces)\n"), std::string::npos) << puml;
    EXPECT_NE(render(LadderFormat::Mermaid, sample).find("#35;2 OPTIONS"), std::string::npos);
    EXPECT_EQ(render(LadderFormat::Svg, Sample{}).find("(this call)"), std::string::npos);  // one leg: no legend
}

// Issue 11: PlantUML wrote "Call<U+002D>ID" in the title.
TEST(LadderExport, PlantUmlTitleSpellsCallId) {
    const std::string puml = render(LadderFormat::PlantUml, Sample{});
    EXPECT_EQ(puml.find("<U+002D>"), std::string::npos);
    EXPECT_NE(puml.find("title Call-ID a84b4c76e66710@pc33"), std::string::npos);
}

TEST(LadderExport, SvgMarksRetransmissionsErrorsAndSelfMessages) {
    const std::string svg = render(LadderFormat::Svg, Sample{});
    EXPECT_EQ(countOf(svg, "stroke-dasharray="), 1u);                // message 2
    EXPECT_EQ(countOf(svg, "marker-end=\"url(#head-error)\""), 1u);  // message 5
    EXPECT_EQ(countOf(svg, "<path class=\"arrow\""), 1u);            // message 6 loops
    EXPECT_EQ(countOf(svg, "<line class=\"arrow\""), 6u);
}

TEST(LadderExport, SvgOfAnEmptyLadderIsWellFormed) {
    std::ostringstream out;
    writeLadderSvg(out, store::CallRow{}, ladder::Model{});
    EXPECT_EQ(xmlError(out.str()), "");
}

// [SECTION] PlantUML and Mermaid

TEST(LadderExport, PlantUmlMatchesGolden) {
    const std::string puml = render(LadderFormat::PlantUml, Sample{});
    const auto all = lines(puml);
    ASSERT_GE(all.size(), 2u);
    EXPECT_EQ(all.front(), "@startuml");
    EXPECT_EQ(all.back(), "@enduml");
    // Hostile text stays on its own line and spells no directive, markup or Creole.
    EXPECT_EQ(all.size(), 2u + 1u + 3u + 2u * 7u);
    for (std::size_t n = 1; n + 1 < all.size(); ++n) {
        SCOPED_TRACE(all[n]);
        const std::string& line = all[n];
        std::string text;
        if (line.rfind("' ", 0) == 0)
            continue;
        if (line.rfind("title ", 0) == 0)
            text = line.substr(6);
        else if (line.rfind("participant \"", 0) == 0 && line.find("\" as P") != std::string::npos)
            text = line.substr(13, line.find("\" as P") - 13);
        else if (line.rfind("P", 0) == 0 && line.find(" : ") != std::string::npos)
            text = line.substr(line.find(" : ") + 3);
        else
            ADD_FAILURE() << "a line we did not write";
        EXPECT_EQ(withoutEntities(text, "<U+", '>').find_first_of("<>\"\\*/_~=|[]$%!#&'"), std::string::npos);
        EXPECT_EQ(text.find("--"), std::string::npos);
    }
    EXPECT_NE(puml.find("P0 --> P1 : INVITE (SDP offer) (retrans)\n"), std::string::npos);
    EXPECT_NE(puml.find("P2 -[" + ladder::hexColor(ladder::errorColor()) + "]> P1 : "), std::string::npos);
    EXPECT_NE(puml.find("P2 -> P2 : "), std::string::npos);
    expectGolden("ladder.puml", puml);
}

TEST(LadderExport, PlantUmlPassesPlantUmlSyntaxCheck) {
    if (std::system("command -v plantuml >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "plantuml not installed";
    const Sample plain;
    Sample withLegs;
    ladder::ModelOptions legs;
    legs.legOfMessage = {0, 0, 0, 1, 1, 1, 0};
    legs.legs = {{"a", "this call"}, {"b", "replaces"}};
    withLegs.model = ladder::buildModel(withLegs.messages, legs);
    for (const Sample* sample : {&plain, static_cast<const Sample*>(&withLegs)}) {
        const std::string path = testing::TempDir() + "ladder_export_test.puml";
        std::ofstream(path, std::ios::binary) << render(LadderFormat::PlantUml, *sample);
        // -syntax prints the diagram type ("SEQUENCE") when the source parses, else "ERROR" + line.
        const std::string command = "plantuml -syntax < '" + path + "' 2>&1";
        FILE* pipe = popen(command.c_str(), "r");
        ASSERT_NE(pipe, nullptr);
        std::string output;
        char buffer[256];
        while (std::fgets(buffer, sizeof buffer, pipe))
            output += buffer;
        pclose(pipe);
        std::remove(path.c_str());
        EXPECT_EQ(output.find("ERROR"), std::string::npos) << output;
        EXPECT_NE(output.find("SEQUENCE"), std::string::npos) << output;
    }
}

TEST(LadderExport, MermaidMatchesGolden) {
    const std::string mmd = render(LadderFormat::Mermaid, Sample{});
    const auto all = lines(mmd);
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all.front(), "sequenceDiagram");
    EXPECT_EQ(all.size(), 1u + 1u + 3u + 2u * 7u);
    for (std::size_t n = 1; n < all.size(); ++n) {
        SCOPED_TRACE(all[n]);
        if (all[n].rfind("    %% ", 0) == 0)
            continue;
        // After "title ", "as " or ": " nothing may end the statement early or open markup or a
        // comment.
        const std::size_t text = all[n].find(all[n].rfind("    P", 0) == 0 ? ": " : " ", 4);
        ASSERT_NE(text, std::string::npos);
        EXPECT_EQ(withoutEntities(all[n].substr(text + 1), "#", ';').find_first_of(";<>&\"%{}\\#"), std::string::npos);
    }
    EXPECT_NE(mmd.find("    P0-->>P1: INVITE (SDP offer) (retrans)\n"), std::string::npos);
    EXPECT_NE(mmd.find("    participant P2 as [2001:db8::3]:5080\n"), std::string::npos);
    expectGolden("ladder.mmd", mmd);
}

// [SECTION] Text

// Issue 12: compared with a golden, not with the printLadder it calls.
TEST(LadderExport, TextMatchesGolden) {
    const std::string text = render(LadderFormat::Text, Sample{});
    EXPECT_EQ(text.rfind("Call-ID: a84b4c76e66710@pc33<&>\"\n", 0), 0u);
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
    EXPECT_NE(text.find("<-- NOTIFY \\xff\\xfe; #x %%{init}%% style a:#35; (to itself)"), std::string::npos);
    expectGolden("ladder.txt", text);
}

// Issue 11: a 3-hop ladder was 168 columns, wrapped on an 80-column terminal. Written to a terminal it fits: the
// label space shrinks and labels are cut with "…"; to pipes and files (maxWidth 0) it keeps its full width.
TEST(TerminalLadder, FitsTheTerminalWidth) {
    const Sample sample;
    std::ostringstream full;
    printLadder(full, sample.model, sample.messages, {});
    std::size_t widest = 0;
    for (const std::string& line : lines(full.str()))
        widest = std::max(widest, ladder::codePointCount(line));
    ASSERT_GT(widest, 80u);
    EXPECT_EQ(full.str().find("…"), std::string::npos);

    for (const std::size_t width : {80u, 100u, 132u}) {
        SCOPED_TRACE(width);
        LadderTextOptions options;
        options.maxWidth = width;
        std::ostringstream fitted;
        printLadder(fitted, sample.model, sample.messages, options);
        const auto all = lines(fitted.str());
        ASSERT_EQ(all.size(), 2u + sample.model.arrows.size());
        for (const std::string& line : all)
            EXPECT_LE(ladder::codePointCount(line), width) << line;
        EXPECT_NE(fitted.str().find("…"), std::string::npos);
        // Every message still has its arrow, and the short labels stay whole.
        EXPECT_EQ(countOf(fitted.str(), ">|") + countOf(fitted.str(), "|<"), 7u) << fitted.str();  // self: "|<--"
        EXPECT_NE(fitted.str().find(" 100 Trying "), std::string::npos) << fitted.str();
        EXPECT_NE(fitted.str().find("12:00:00.501250"), std::string::npos);
    }
    // A ladder that fits is drawn as it is.
    LadderTextOptions wide;
    wide.maxWidth = widest + 10;
    std::ostringstream same;
    printLadder(same, sample.model, sample.messages, wide);
    EXPECT_EQ(same.str(), full.str());
}

}  // namespace
}  // namespace sipscope::ladder
