// The RFC 5118 IPv6 torture messages (corpus/rfc5118): verdicts as its EXPECTED.md classes them.
#include "decode/sip_parser.hpp"

#include "tests/decode/parser_test_util.hpp"
#include "tests/tools/corpus_required.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sipscope::decode {
namespace {

namespace fs = std::filesystem;

struct Ipv6Case {
    std::string_view file;
    ParseErrorCode ours;
    std::string_view topViaSentBy;
};

const Ipv6Case Cases[] = {
    {"ipv6-good.dat", ParseErrorCode::None, "[2001:db8::9:1]"},
    {"ipv6-bad.dat", ParseErrorCode::BadStartLine, "[2001:db8::9:1]"},  // §4.2: no brackets around IPv6
    {"port-ambiguous.dat", ParseErrorCode::None, "[2001:db8::9:1]"},
    {"port-unambiguous.dat", ParseErrorCode::None, "[2001:db8::9:1]"},
    {"via-received-param-with-delim.dat", ParseErrorCode::None, "[2001:db8::9:1]"},
    {"via-received-param-no-delim.dat", ParseErrorCode::None, "[2001:db8::9:1]"},
    // This copy's CRLF body is shorter than the RFC's Content-Length of 268 (see EXPECTED.md): flagged.
    {"ipv6-in-sdp.dat", ParseErrorCode::BodyTruncated, "[2001:db8::20]"},
    {"mult-ip-in-header.dat", ParseErrorCode::None, "[2001:db8::9:1]:6050"},
    {"mult-ip-in-sdp.dat", ParseErrorCode::None, "[2001:db8::9:1]"},
    {"ipv4-mapped-ipv6.dat", ParseErrorCode::None, "[::ffff:192.0.2.10]:19823"},
    {"ipv6-bug-abnf-3-colons.dat", ParseErrorCode::None, "lab1.east.example.com"},  // §4.10: tolerated
    {"ipv6-correct-abnf-2-colons.dat", ParseErrorCode::None, "lab1.east.example.com"},
};

TEST(Rfc5118, EveryMessage) {
    const fs::path dir = fs::path(SIPSCOPE_CORPUS_DIR) / "rfc5118";
    if (!fs::is_directory(dir)) {
        SIPSCOPE_CORPUS_MISSING() << "RFC 5118 corpus not found at " << dir << "; these checks did not run";
    }
    std::size_t files = 0;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
        files += entry.path().extension() == ".dat" ? 1 : 0;
    }
    EXPECT_EQ(files, std::size(Cases)) << "a .dat file without a row in the test table";
    SipParser parser;
    for (const Ipv6Case& c : Cases) {
        SCOPED_TRACE(c.file);
        std::ifstream in(dir / c.file, std::ios::binary);
        std::ostringstream bytes;
        bytes << in.rdbuf();
        ASSERT_FALSE(bytes.str().empty());
        const test::ExactBuffer buffer(bytes.str());
        const SipMessageView& message = parser.parse(buffer.view());
        EXPECT_EQ(message.error().code, c.ours) << message.error().reason;
        EXPECT_EQ(message.topViaSentBy(), c.topViaSentBy);
        EXPECT_FALSE(message.callId().empty());
    }
}

}  // namespace
}  // namespace sipscope::decode
