// Messages whose start line breaks the grammar (RFC 4475 badvers, bigcode, lwsruri, lwsstart, a request in SIP/7.0)
// through the whole path: capture's looks-like-SIP test, the parser, and an import that stores them as malformed.
#include "capture/packet_decoder.hpp"
#include "decode/sip_parser.hpp"

#include "tests/tools/corpus_required.hpp"
#include "tests/tools/pcap_writer.hpp"
#include "tests/tools/run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace sipscope {
namespace {

namespace fs = std::filesystem;

struct BrokenCase {
    std::string name;
    std::string bytes;
    std::string callId;
    std::string reason;  // what the stored error says about the start line
};

const std::string Sip7Request = "INVITE sip:bob@example.com SIP/7.0\r\n"
                                "Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK7v\r\n"
                                "From: <sip:alice@example.com>;tag=7\r\n"
                                "To: <sip:bob@example.com>\r\n"
                                "Call-ID: sip7@10.0.0.1\r\n"
                                "CSeq: 1 INVITE\r\n"
                                "Content-Length: 0\r\n"
                                "\r\n";

// The built SIP/7.0 request, and the RFC 4475 files when the corpus is there (empty `missing` then).
std::vector<BrokenCase> cases(std::string& missing) {
    std::vector<BrokenCase> result{{"SIP/7.0 request", Sip7Request, "sip7@10.0.0.1", "SIP version is not 2.0"}};
    const fs::path dir = fs::path(SIPSCOPE_CORPUS_DIR) / "rfc4475";
    if (!fs::is_directory(dir)) {
        missing = "RFC 4475 corpus not found at " + dir.string() + " (expected ../shared/corpus beside the checkout)";
        return result;
    }
    const struct {
        const char* file;
        const char* callId;
        const char* reason;
    } files[] = {
        {"badvers.dat", "badvers.31417@c.example.com", "SIP version is not 2.0"},
        {"bigcode.dat", "bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i", "status code is not three digits"},
        {"lwsruri.dat", "lwsruri.asdfasdoeoi2323-asdfwrn23-asd834rk423", "Request-URI contains whitespace"},
        {"lwsstart.dat", "lwsstart.dfknq234oi243099adsdfnawe3@example.com",
         "more than one SP between request line elements"},
    };
    for (const auto& file : files)
        result.push_back({file.file, test::readFile((dir / file.file).string()), file.callId, file.reason});
    return result;
}

TEST(BrokenStartLine, LooksLikeSipAndParsesAsMalformedWithTheReason) {
    std::string missing;
    decode::SipParser parser;
    for (const BrokenCase& c : cases(missing)) {
        SCOPED_TRACE(c.name);
        // Exactly sized heap copy, so ASan sees reads past the message.
        std::unique_ptr<char[]> copy(new char[c.bytes.size()]);
        std::memcpy(copy.get(), c.bytes.data(), c.bytes.size());
        const std::string_view bytes(copy.get(), c.bytes.size());
        EXPECT_TRUE(capture::looksLikeSip(bytes));  // off the SIP ports: the core headers decide
        const decode::SipMessageView& message = parser.parse(bytes);
        EXPECT_NE(message.error().code, decode::ParseErrorCode::None);
        EXPECT_EQ(message.error().reason, c.reason);
        EXPECT_EQ(message.callId(), c.callId);
    }
    if (!missing.empty()) {
        SIPSCOPE_CORPUS_MISSING() << missing << "; only the built SIP/7.0 request was checked";
    }
}

TEST(BrokenStartLine, ImportStoresEachAsAMalformedMessage) {
    std::string missing;
    const std::vector<BrokenCase> all = cases(missing);
    test::TempDir dir;
    test::PcapWriter pcap;
    std::int64_t timestampUs = 1'700'000'000'000'000;
    for (const BrokenCase& c : all) {
        test::UdpPacket packet;
        packet.timestampUs = timestampUs += 1000;
        packet.srcPort = 5070;  // not a SIP port: the message is found by its headers
        packet.dstPort = 5070;
        packet.payload = c.bytes;
        pcap.add(packet);
    }
    const std::string capturePath = dir.file("broken.pcap");
    const std::string db = dir.file("broken.db");
    pcap.write(capturePath);
    const std::string binary = SIPSCOPE_BINARY;
    const test::CommandResult imported =
        test::runCommand(binary + " import --quiet --db " + test::quote(db) + " " + test::quote(capturePath), true);
    ASSERT_EQ(imported.exitCode, 0) << imported.out;
    const test::CommandResult listed =
        test::runCommand(binary + " messages --format json --db " + test::quote(db), true);
    ASSERT_EQ(listed.exitCode, 0) << listed.out;

    std::vector<nlohmann::json> messages;
    std::istringstream lines(listed.out);
    for (std::string line; std::getline(lines, line);)
        messages.push_back(nlohmann::json::parse(line));
    ASSERT_EQ(messages.size(), all.size()) << listed.out;
    for (std::size_t i = 0; i < all.size(); ++i) {
        SCOPED_TRACE(all[i].name);
        EXPECT_EQ(messages[i]["call_id"], all[i].callId);
        EXPECT_EQ(messages[i]["valid"], false);
        ASSERT_TRUE(messages[i]["error"].is_string());
        EXPECT_NE(messages[i]["error"].get<std::string>().find(all[i].reason), std::string::npos)
            << messages[i]["error"];
    }
    if (!missing.empty()) {
        SIPSCOPE_CORPUS_MISSING() << missing << "; only the built SIP/7.0 request was imported";
    }
}

}  // namespace
}  // namespace sipscope
