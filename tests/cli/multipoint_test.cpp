// Multi-point import (issue 16): one call through a proxy captured at the phone (phone <-> proxy) and at the proxy
// (both legs), the proxy's clock 2.5 s ahead. The messages both files have are stored once, the retransmission both
// saw counts once, the offset is estimated and taken off the proxy file's times (or kept with --no-skew-correction).
#include "tests/tools/json_lines.hpp"
#include "tests/tools/media_calls.hpp"
#include "tests/tools/run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include <string>
#include <vector>

namespace {

using sipscope::test::quote;
using sipscope::test::runCommand;
using sipscope::test::sipMessage;
using sipscope::test::UdpPacket;

const std::string Binary = SIPSCOPE_BINARY;
constexpr std::uint32_t Phone = 0x0a000001;  // 10.0.0.1
constexpr std::uint32_t Proxy = 0x0a00000a;  // 10.0.0.10
constexpr std::uint32_t Callee = 0x0a000002;
constexpr std::int64_t SkewUs = 2'500'000;  // the proxy's clock runs this far ahead
constexpr std::int64_t StartUs = 1'700'000'000'000'000;

struct Hop {
    std::int64_t us;  // after the start, true time
    std::uint32_t src, dst;
    std::string text;
};

// The call as it happened: INVITE phone -> proxy (sent twice: the first copy retransmitted after 500 ms), proxy ->
// callee, 200 back over both hops, ACK and BYE / 200 on both hops. Each hop's copy carries its own top Via branch.
std::vector<Hop> callThroughProxy() {
    const std::string id = "mp-call";
    auto leg = [&](const std::string& start, const std::string& cseq, const std::string& branch,
                   const std::string& toTag) {
        std::string text = sipMessage(start, id, cseq, "", toTag);
        const std::string via = "branch=z9hG4bK" + id + cseq.substr(0, 1);
        text.replace(text.find(via), via.size(), "branch=z9hG4bK" + branch);
        return text;
    };
    const std::string invite = "INVITE sip:bob@example.com SIP/2.0";
    return {
        {0, Phone, Proxy, leg(invite, "1 INVITE", "phone1", "")},
        {500'000, Phone, Proxy, leg(invite, "1 INVITE", "phone1", "")},  // the retransmission
        {500'400, Proxy, Phone, leg("SIP/2.0 100 Trying", "1 INVITE", "phone1", "")},
        {501'000, Proxy, Callee, leg(invite, "1 INVITE", "proxy1", "")},
        {560'000, Callee, Proxy, leg("SIP/2.0 200 OK", "1 INVITE", "proxy1", "t")},
        {560'500, Proxy, Phone, leg("SIP/2.0 200 OK", "1 INVITE", "phone1", "t")},
        {561'000, Phone, Proxy, leg("ACK sip:bob@example.com SIP/2.0", "1 ACK", "phone2", "t")},
        {561'500, Proxy, Callee, leg("ACK sip:bob@example.com SIP/2.0", "1 ACK", "proxy2", "t")},
        {3'000'000, Phone, Proxy, leg("BYE sip:bob@example.com SIP/2.0", "2 BYE", "phone3", "t")},
        {3'000'500, Proxy, Callee, leg("BYE sip:bob@example.com SIP/2.0", "2 BYE", "proxy3", "t")},
        {3'010'000, Callee, Proxy, leg("SIP/2.0 200 OK", "2 BYE", "proxy3", "t")},
        {3'010'500, Proxy, Phone, leg("SIP/2.0 200 OK", "2 BYE", "phone3", "t")},
    };
}

class MultiPointImport : public testing::Test {
protected:
    void SetUp() override {
        sipscope::test::PcapWriter phoneSide, proxySide;
        for (const Hop& hop : callThroughProxy()) {
            // The phone's capture sees its own link; the proxy's sees both, 200 µs later on the phone's link (the
            // wire between them) and with its clock 2.5 s ahead.
            const bool isPhoneLink = hop.src == Phone || hop.dst == Phone;
            if (isPhoneLink)
                phoneSide.add(UdpPacket{StartUs + hop.us, hop.src, hop.dst, 5060, 5060, hop.text});
            const std::int64_t wireUs = isPhoneLink ? (hop.src == Phone ? 200 : -200) : 0;
            proxySide.add(UdpPacket{StartUs + hop.us + wireUs + SkewUs, hop.src, hop.dst, 5060, 5060, hop.text});
        }
        phoneSide.write(m_dir.file("phone.pcap"));
        proxySide.write(m_dir.file("proxy.pcap"));
    }

    sipscope::test::CommandResult import(const std::string& db, const std::string& extra = "") {
        return runCommand(Binary + " import --quiet " + extra + " --db " + quote(db) + " " +
                              quote(m_dir.file("phone.pcap")) + " " + quote(m_dir.file("proxy.pcap")),
                          true);
    }
    std::vector<nlohmann::json> messages(const std::string& db) {
        return sipscope::test::parseJsonLines(runCommand(Binary + " messages --format json --db " + quote(db)).out);
    }

    sipscope::test::TempDir m_dir;
};

TEST_F(MultiPointImport, EstimatesTheOffsetAndKeepsEachMessageOncePerHop) {
    const std::string db = m_dir.file("m.db");
    const auto imported = import(db);
    ASSERT_EQ(imported.exitCode, 0) << imported.out;
    // The 6 distinct messages of the phone's link (the INVITE's retransmission is no new one) pair up: 2.5 s + 200 µs
    // for the three the phone sent, - 200 µs for the three the proxy sent; the median takes the upper middle.
    EXPECT_NE(imported.out.find("proxy.pcap: clock +2.500200 s against"), std::string::npos) << imported.out;
    EXPECT_NE(imported.out.find("(median of 6 messages seen in both), corrected"), std::string::npos) << imported.out;
    // Of the 7 messages on the phone's link (the retransmission included), the copy that comes first in corrected
    // time is kept: the phone's file has the phone's 4 first, the proxy's file the proxy's 3.
    EXPECT_NE(imported.out.find("phone.pcap: 3 messages already seen on the same hop in another file, stored once"),
              std::string::npos)
        << imported.out;
    EXPECT_NE(imported.out.find("proxy.pcap: 4 messages already seen on the same hop in another file, stored once"),
              std::string::npos)
        << imported.out;

    const auto rows = messages(db);
    ASSERT_EQ(rows.size(), callThroughProxy().size()) << "one message per hop";
    int retransmissions = 0;
    for (const auto& row : rows)
        retransmissions += row["retransmission"].get<bool>() ? 1 : 0;
    EXPECT_EQ(retransmissions, 1) << "the INVITE resent once, seen in both files";
    // Every message at its true time, to the 200 µs of the wire: the proxy's legs between the phone's.
    const auto hops = callThroughProxy();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(rows[i]["src"], sipscope::test::ipText(hops[i].src) + ":5060");
    }
    // The proxy's own leg at the proxy's time less the offset: 501 ms + 200 µs of wire error after the start.
    EXPECT_EQ(rows[3]["ts"], "2023-11-14T22:13:20.500800Z");
    const auto calls =
        sipscope::test::parseJsonLines(runCommand(Binary + " calls --format json --db " + quote(db)).out);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0]["state"], "completed");
    EXPECT_EQ(calls[0]["messages"], 12);
    const auto stats = nlohmann::json::parse(runCommand(Binary + " stats --format json --db " + quote(db)).out);
    EXPECT_EQ(stats["retransmissions"], 1);
}

TEST_F(MultiPointImport, NoSkewCorrectionKeepsTheRawTimes) {
    const std::string db = m_dir.file("raw.db");
    const auto imported = import(db, "--no-skew-correction");
    ASSERT_EQ(imported.exitCode, 0) << imported.out;
    EXPECT_NE(imported.out.find("not corrected (--no-skew-correction)"), std::string::npos) << imported.out;
    const auto rows = messages(db);
    ASSERT_EQ(rows.size(), callThroughProxy().size());
    int retransmissions = 0;
    for (const auto& row : rows)
        retransmissions += row["retransmission"].get<bool>() ? 1 : 0;
    EXPECT_EQ(retransmissions, 1);
    // The proxy's INVITE to the callee, known from the proxy's file only, keeps its skewed time: it now comes after
    // the phone's ACK.
    const auto proxyInvite = std::find_if(rows.begin(), rows.end(), [](const nlohmann::json& row) {
        return row["src"] == "10.0.0.10:5060" && row["dst"] == "10.0.0.2:5060" && row["method"] == "INVITE";
    });
    ASSERT_NE(proxyInvite, rows.end());
    EXPECT_EQ((*proxyInvite)["ts"], "2023-11-14T22:13:23.001000Z");
}

// Files that share no message (a capture split in two) are read as before: no offset, nothing kept once.
TEST_F(MultiPointImport, UnrelatedFilesAreNotShifted) {
    sipscope::test::PcapWriter other;
    other.add(UdpPacket{StartUs + 10'000'000, Phone, Callee, 5060, 5060,
                        sipMessage("OPTIONS sip:bob@example.com SIP/2.0", "other", "1 OPTIONS")});
    other.write(m_dir.file("other.pcap"));
    const std::string db = m_dir.file("u.db");
    const auto imported = runCommand(Binary + " import --quiet --db " + quote(db) + " " +
                                         quote(m_dir.file("phone.pcap")) + " " + quote(m_dir.file("other.pcap")),
                                     true);
    ASSERT_EQ(imported.exitCode, 0) << imported.out;
    EXPECT_EQ(imported.out.find("clock"), std::string::npos) << imported.out;
    EXPECT_EQ(imported.out.find("stored once"), std::string::npos) << imported.out;
    const auto rows = messages(db);
    ASSERT_EQ(rows.size(), 8u);
    EXPECT_EQ(rows.back()["ts"], "2023-11-14T22:13:30.000000Z");
}

}  // namespace
