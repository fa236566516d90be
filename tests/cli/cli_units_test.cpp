// Unit tests of the cli's pieces: --interval, the --grep bounds, the pcap
// writer's frames and CSV/sort helpers.
#include "cli/ingest_shared.hpp"
#include "cli/output.hpp"
#include "cli/stats_output.hpp"
#include "cli/text_search.hpp"
#include "export/frame_export.hpp"
#include "export/rows.hpp"

#include "common/error.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

namespace {

using namespace sipscope::cli;
using namespace sipscope::exports;
using sipscope::store::MessageRow;

TEST(Interval, NumbersWithAUnit) {
    EXPECT_EQ(parseInterval("30s"), 30'000'000);
    EXPECT_EQ(parseInterval("1m"), 60'000'000);
    EXPECT_EQ(parseInterval("5m"), 300'000'000);
    EXPECT_EQ(parseInterval("1h"), 3'600'000'000);
    EXPECT_EQ(parseInterval("1d"), 86'400'000'000);
    for (const char* bad : {"", "m", "0m", "-1m", "1", "1mm", "1.5m", "1w", "99999999999d"})
        EXPECT_FALSE(parseInterval(bad)) << bad;
}

// --t1 and --srd-warn (issue 16).
TEST(Duration, NumbersWithAUnit) {
    EXPECT_EQ(parseDurationUs("500ms"), 500'000);
    EXPECT_EQ(parseDurationUs("3s"), 3'000'000);
    EXPECT_EQ(parseDurationUs("1.5s"), 1'500'000);
    EXPECT_EQ(parseDurationUs("250us"), 250);
    for (const char* bad : {"", "s", "0s", "-1s", "3", "3 s", "3m", "soon", "4000s", "0.1us"})
        EXPECT_FALSE(parseDurationUs(bad)) << bad;
}

TEST(TextSearch, SearchesBytesWithinItsBound) {
    TextSearch search("Call-ID: [a-z]+@host", false);
    EXPECT_TRUE(search.matches("INVITE x\r\nCall-ID: abc@host\r\n"));
    EXPECT_FALSE(search.matches("call-id: abc@host"));
    EXPECT_TRUE(TextSearch("call-id", true).matches("Call-ID"));
    // NUL bytes do not end the text; matches past the first 64 KiB are not searched.
    const std::string withNul = std::string("a\0b", 3) + "Call-ID: x@host";
    EXPECT_TRUE(search.matches(withNul));
    const std::string far = std::string(TextSearch::MaxTextBytes, 'x') + "Call-ID: x@host";
    EXPECT_FALSE(search.matches(far));
    EXPECT_TRUE(TextSearch("^$", false).matches(""));
    EXPECT_THROW(TextSearch("(a)\\1", false), std::invalid_argument);
    EXPECT_THROW(TextSearch("[unclosed", false), std::invalid_argument);
    EXPECT_THROW(TextSearch(std::string(TextSearch::MaxPatternBytes + 1, 'a'), false), std::invalid_argument);
    EXPECT_NO_THROW(TextSearch("\\\\1", false));  // an escaped backslash, then 1: no back-reference
}

TEST(SortRows, NullsFirstThenNumbersThenTextStableAndLimited) {
    std::vector<Row> rows;
    for (const Row& value : {Row(3), Row("b"), Row(), Row(1), Row("a"), Row(1)}) {
        Row row;
        row["v"] = value;
        row["i"] = rows.size();
        rows.push_back(row);
    }
    auto order = [](const std::vector<Row>& sorted) {
        std::string out;
        for (const Row& row : sorted)
            out += std::to_string(row["i"].get<int>());
        return out;
    };
    auto copy = rows;
    sortRows(copy, "v", false);
    EXPECT_EQ(order(copy), "235041");
    copy = rows;
    sortRows(copy, "v", true);
    EXPECT_EQ(order(copy), "140532");
    copy = rows;
    sortRows(copy, "v", true, 2);
    EXPECT_EQ(order(copy), "14");
    copy = rows;
    sortRows(copy, "", true);
    EXPECT_EQ(order(copy), "543210");
}

std::uint16_t be16(const std::string& bytes, std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[at]) << 8 |
                                      static_cast<unsigned char>(bytes[at + 1]));
}
std::uint32_t le32(const std::string& bytes, std::size_t at) {
    std::uint32_t value = 0;
    for (int i = 3; i >= 0; --i)
        value = value << 8 | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
    return value;
}
// RFC 1071 sum over bytes, folded; a correct header or pseudo-header checksum sums to 0xffff.
std::uint16_t onesSum(const std::string& bytes, std::uint32_t sum = 0) {
    for (std::size_t i = 0; i + 1 < bytes.size(); i += 2)
        sum += be16(bytes, i);
    if (bytes.size() % 2)
        sum += static_cast<std::uint32_t>(static_cast<unsigned char>(bytes.back()) << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

// The viewer streams its CSV one call at a time; it must be the file `sipscope export calls --format csv` writes.
TEST(CallsCsv, StreamedIsWhatTheListingWrites) {
    std::vector<sipscope::store::CallRow> calls(3);
    calls[0].key = 1;
    calls[0].callId = "a,\"b\"\nc";
    calls[0].status = 486;
    calls[0].reason = "Busy Here";
    calls[1].key = 2;
    calls[1].fromUri = "sip:alice@example.com";
    calls[1].answeredUs = 5;
    calls[1].attemptUs = 1;
    calls[2].key = 3;
    std::vector<Row> rows;
    for (const auto& call : calls)
        rows.push_back(callRow(call));
    std::ostringstream listing;
    printRows(listing, Format::Csv, rows, {}, false, {callRow(sipscope::store::CallRow{})});
    std::ostringstream streamed;
    writeCallsCsv(streamed, calls);
    EXPECT_EQ(streamed.str(), listing.str());
    EXPECT_NE(streamed.str().find("\"a,\"\"b\"\"\nc\""), std::string::npos);  // RFC 4180 quoting, bytes kept
    std::ostringstream empty;
    writeCallsCsv(empty, {});
    std::ostringstream emptyListing;
    printRows(emptyListing, Format::Csv, {}, {}, false, {callRow(sipscope::store::CallRow{})});
    EXPECT_EQ(empty.str(), emptyListing.str());
}

TEST(PcapExport, FramesCarryTheTextWithValidChecksums) {
    MessageRow udp;
    udp.id = 1;
    udp.timestampUs = 1'700'000'000'123'456;
    udp.src = sipscope::capture::parseEndpoint("10.0.0.1:5060").value();
    udp.dst = sipscope::capture::parseEndpoint("10.0.0.2:5062").value();
    udp.transport = sipscope::capture::Transport::Udp;
    udp.text = "OPTIONS sip:x SIP/2.0\r\n\r\n";
    MessageRow tcp = udp;
    tcp.id = 2;
    tcp.src = sipscope::capture::parseEndpoint("[2001:db8::1]:5060").value();
    tcp.dst = sipscope::capture::parseEndpoint("[2001:db8::2]:5060").value();
    tcp.transport = sipscope::capture::Transport::Tcp;
    tcp.text = std::string(3000, 'x');  // three segments
    MessageRow bad = udp;
    bad.id = 3;
    bad.src = tcp.src;  // IPv6 to IPv4: no one IP packet carries the pair
    std::ostringstream out;
    const PcapExportReport report = writePcap(out, {udp, tcp, bad});
    EXPECT_EQ(report.messages, 2u);
    EXPECT_EQ(report.frames, 1u + 3u + 3u);  // UDP; SYN, SYN-ACK, ACK; three data segments
    ASSERT_EQ(report.skipped.size(), 1u);
    EXPECT_EQ(report.skippedMessages, 1u);
    EXPECT_NE(report.skipped[0].find("[2001:db8::1]:5060 -> 10.0.0.2:5062"), std::string::npos) << report.skipped[0];

    const std::string file = out.str();
    EXPECT_EQ(le32(file, 0), 0xa1b2c3d4u);
    EXPECT_EQ(le32(file, 20), 1u);  // Ethernet
    std::size_t at = 24;
    // The UDP frame: timestamp, IPv4 header checksum, UDP checksum over the pseudo-header, the text.
    EXPECT_EQ(le32(file, at), 1'700'000'000u);
    EXPECT_EQ(le32(file, at + 4), 123'456u);
    const std::size_t length = le32(file, at + 8);
    const std::string frame = file.substr(at + 16, length);
    at += 16 + length;
    EXPECT_EQ(be16(frame, 12), 0x0800);
    EXPECT_EQ(onesSum(frame.substr(14, 20)), 0xffff);
    const std::string segment = frame.substr(34);
    EXPECT_EQ(be16(segment, 2), 5062);
    const std::uint32_t pseudo = onesSum(frame.substr(26, 8)) + 17 + static_cast<std::uint32_t>(segment.size());
    EXPECT_EQ(onesSum(segment, pseudo), 0xffff);
    EXPECT_EQ(segment.substr(8), udp.text);

    // The TCP data over IPv6: sequence numbers follow each other and the text comes back whole.
    std::string text;
    std::uint32_t nextSequence = 0;
    for (int i = 0; i < 6; ++i) {
        const std::size_t size = le32(file, at + 8);
        const std::string ip6 = file.substr(at + 16, size);
        at += 16 + size;
        EXPECT_EQ(be16(ip6, 12), 0x86dd);
        const std::string tcpBytes = ip6.substr(14 + 40);
        const std::uint32_t pseudo6 = onesSum(ip6.substr(14 + 8, 32)) + 6 + static_cast<std::uint32_t>(tcpBytes.size());
        EXPECT_EQ(onesSum(tcpBytes, pseudo6), 0xffff) << "segment " << i;
        const std::uint32_t sequence = static_cast<std::uint32_t>(be16(tcpBytes, 4)) << 16 | be16(tcpBytes, 6);
        if (i >= 3) {
            if (i > 3) {
                EXPECT_EQ(sequence, nextSequence);
            }
            nextSequence = sequence + static_cast<std::uint32_t>(tcpBytes.size() - 20);
            text += tcpBytes.substr(20);
        }
    }
    EXPECT_EQ(text, tcp.text);
    EXPECT_EQ(at, file.size());
}

}  // namespace
