// End-to-end tests of the listing features: --grep, --sort, the filters on every listing, stats breakdowns,
// export pcap (read back by sipscope import and by tshark), PNG ladders, show's SDP roles, colours and aliases,
// RFC 4180 CSV, --help examples, escaping and reading while a writer holds the database.
#include "tests/cli/cli_e2e.hpp"
#include "tests/tools/pcap_writer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <set>

using nlohmann::json;
using namespace sipscope::test;

namespace {

// RFC 4180: fields separated by commas, records by CRLF; a quoted field may hold commas, CR, LF and doubled quotes.
// Fails the test on anything else (a bare quote inside an unquoted field, a record not ended by CRLF).
std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '"') {
            for (++i;; ++i) {
                if (i >= text.size()) {
                    ADD_FAILURE() << "unterminated quoted field";
                    return records;
                }
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        ++i;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i];
            }
        } else {
            while (i < text.size() && text[i] != ',' && text[i] != '\r') {
                EXPECT_NE(text[i], '"') << "quote inside an unquoted field at byte " << i;
                EXPECT_NE(text[i], '\n') << "bare LF at byte " << i;
                field += text[i++];
            }
        }
        record.push_back(std::move(field));
        field.clear();
        if (i < text.size() && text[i] == ',') {
            ++i;
            continue;
        }
        EXPECT_TRUE(i + 1 < text.size() + 1 && text.compare(i, 2, "\r\n") == 0) << "record not ended by CRLF at " << i;
        i += 2;
        records.push_back(std::move(record));
        record.clear();
    }
    return records;
}

// A SIP message with an optional SDP body.
std::string sip(const std::string& startLine, const std::string& callId, const std::string& cseq,
                const std::string& extra, const std::string& toTag, bool withSdp) {
    const std::string body = withSdp ? "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                                       "m=audio 4000 RTP/AVP 0\r\n"
                                     : "";
    std::string message = startLine + "\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK" + callId + cseq.substr(0, 1) +
                          "\r\nFrom: \"Alice\" <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>" +
                          (toTag.empty() ? "" : ";tag=" + toTag) + "\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq +
                          "\r\nMax-Forwards: 70\r\n" + extra;
    if (withSdp)
        message += "Content-Type: application/sdp\r\n";
    return message + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

class CliFeatures : public testing::Test {
protected:
    TempDir dir;
    std::string db = dir.file("test.db");

    CommandResult sipscope(const std::string& arguments, bool mergeStderr = false, const std::string& database = "") {
        return runCommand(Binary + " " + arguments + " --db " + quote(database.empty() ? db : database), mergeStderr);
    }
    void importSamples() {
        const auto result = sipscope("import --quiet " + Samples + "/call-complete.pcap " + Samples +
                                     "/call-failed.pcap " + Samples + "/register.pcap");
        ASSERT_EQ(result.exitCode, 0) << result.out;
    }
    std::vector<json> jsonLines(const std::string& arguments) {
        const auto result = sipscope(arguments + " --format json");
        EXPECT_EQ(result.exitCode, 0) << arguments << "\n" << result.out;
        return parseJsonLines(result.out);
    }
    // A late-offer call (INVITE without SDP, 200 with the offer, ACK with the answer) with a retransmitted INVITE.
    void importLateOffer() {
        PcapWriter pcap;
        const std::string invite = sip("INVITE sip:bob@example.com SIP/2.0", "late", "1 INVITE", "", "", false);
        pcap.add({1'000'000, 0x0a000001, 0x0a000002, 5060, 5060, invite});
        pcap.add({1'500'000, 0x0a000001, 0x0a000002, 5060, 5060, invite});
        pcap.add(
            {1'600'000, 0x0a000002, 0x0a000001, 5060, 5060, sip("SIP/2.0 200 OK", "late", "1 INVITE", "", "b2", true)});
        pcap.add({1'700'000, 0x0a000001, 0x0a000002, 5060, 5060,
                  sip("ACK sip:bob@example.com SIP/2.0", "late", "1 ACK", "", "b2", true)});
        pcap.write(dir.file("late.pcap"));
        ASSERT_EQ(sipscope("import --quiet " + quote(dir.file("late.pcap"))).exitCode, 0);
    }
};

TEST_F(CliFeatures, GrepSelectsMessagesByTheirRawText) {
    importSamples();
    const auto cancels = jsonLines("messages --grep 'CSeq: 1 CANCEL'");
    ASSERT_EQ(cancels.size(), 2u);  // the CANCEL and its 200
    for (const json& message : cancels)
        EXPECT_EQ(message["cseq_method"], "CANCEL");
    EXPECT_EQ(jsonLines("messages --grep 'cseq: 1 cancel'").size(), 0u);
    EXPECT_EQ(jsonLines("messages --grep 'cseq: 1 cancel' -i").size(), 2u);
    // Extended syntax, combined with the filters and --limit (counted after the search).
    EXPECT_EQ(jsonLines("messages --grep '^SIP/2\\.0 (486|487) ' --status 487").size(), 1u);
    EXPECT_EQ(jsonLines("messages --grep 'm=audio [0-9]+' --limit 2").size(), 2u);
    const auto withText = jsonLines("messages --grep 'Busy Here' --raw");
    ASSERT_EQ(withText.size(), 1u);
    EXPECT_NE(withText[0]["text"].get<std::string>().find("486 Busy Here"), std::string::npos);
    for (const char* bad : {"'(unclosed'", "'(a)\\1'"}) {
        const auto refused = sipscope(std::string("messages --grep ") + bad, true);
        EXPECT_EQ(refused.exitCode, 1) << bad << ": " << refused.out;
        EXPECT_NE(refused.out.find("--grep"), std::string::npos) << refused.out;
    }
    const auto tooLong = sipscope("messages --grep " + std::string(2000, 'a'), true);
    EXPECT_EQ(tooLong.exitCode, 1) << tooLong.out;
}

TEST_F(CliFeatures, SortAndReverseOrderTheListings) {
    importSamples();
    const auto byDuration = jsonLines("calls --sort duration");
    ASSERT_EQ(byDuration.size(), 7u);
    for (std::size_t i = 1; i < byDuration.size(); ++i)
        EXPECT_LE(byDuration[i - 1]["duration"].get<double>(), byDuration[i]["duration"].get<double>());
    const auto longest = jsonLines("calls --sort duration --reverse --limit 2");
    ASSERT_EQ(longest.size(), 2u);
    EXPECT_EQ(longest[0], byDuration.back());
    EXPECT_EQ(longest[1], byDuration[byDuration.size() - 2]);
    const auto newestFirst = jsonLines("calls --reverse");
    EXPECT_EQ(newestFirst.front()["call_id"], jsonLines("calls").back()["call_id"]);
    // Messages by status: requests (no status) first, then responses in ascending code.
    const auto byStatus = jsonLines("messages --sort status");
    ASSERT_EQ(byStatus.size(), 38u);
    int last = 0;
    bool seenResponse = false;
    for (const json& message : byStatus) {
        if (!message.contains("status")) {
            EXPECT_FALSE(seenResponse) << "a request after a response";
            continue;
        }
        seenResponse = true;
        EXPECT_LE(last, message["status"].get<int>());
        last = message["status"].get<int>();
    }
    const auto text = sipscope("calls --sort from_user");
    EXPECT_EQ(text.exitCode, 0);
    const auto refused = sipscope("calls --sort colour", true);
    EXPECT_EQ(refused.exitCode, 1);
    EXPECT_NE(refused.out.find("duration"), std::string::npos) << "lists the fields: " << refused.out;
}

TEST_F(CliFeatures, EveryFilterWorksOnEveryListing) {
    importSamples();
    const std::string since = "--since 2026-11-25T10:06:30Z";
    // Each listing, each filter: exit 0 and only rows that pass it.
    for (const std::string listing : {"calls", "messages", "registrations"}) {
        SCOPED_TRACE(listing);
        const auto all = jsonLines(listing);
        ASSERT_FALSE(all.empty());
        EXPECT_EQ(jsonLines(listing + " --limit 1").size(), 1u);
        EXPECT_TRUE(jsonLines(listing + " --host 192.0.2.99").empty());
        EXPECT_EQ(jsonLines(listing + " --host 127.0.0.1").size(), all.size());
        EXPECT_EQ(jsonLines(listing + " --host 127.0.0.1:15060").size(), all.size());
        EXPECT_TRUE(jsonLines(listing + " --from nobody-at-all").empty());
        EXPECT_TRUE(jsonLines(listing + " --to nobody-at-all").empty());
        EXPECT_TRUE(jsonLines(listing + " --call-id no-such-call").empty());
        EXPECT_TRUE(jsonLines(listing + " --state ringing").empty());
        EXPECT_TRUE(jsonLines(listing + " --status 599").empty());
        EXPECT_TRUE(jsonLines(listing + " --method SUBSCRIBE").empty());
        EXPECT_TRUE(jsonLines(listing + " --until 2000-01-01T00:00:00Z").empty());
        EXPECT_TRUE(jsonLines(listing + " --since 2030-01-01T00:00:00Z").empty());
        EXPECT_EQ(jsonLines(listing + " --since 2026-11-25T00:00:00Z --until 2026-11-26T00:00:00Z").size(), all.size());
    }
    EXPECT_LT(jsonLines("calls " + since).size(), 7u);
    EXPECT_LT(jsonLines("messages " + since).size(), 38u);
    const auto alice = jsonLines("calls --from alice");
    EXPECT_FALSE(alice.empty());
    EXPECT_LT(alice.size(), 7u);
    for (const json& call : alice)
        EXPECT_NE(call["from"].get<std::string>().find("alice"), std::string::npos) << call.dump();
    EXPECT_EQ(jsonLines("messages --method cancel").size(), 2u);  // the CANCEL and its 200 (by CSeq method)
    EXPECT_EQ(jsonLines("registrations --method register").size(), jsonLines("registrations").size());
    EXPECT_TRUE(jsonLines("registrations --method invite").empty());
    // stats: the same filters narrow its counts.
    const auto all = jsonLines("stats");
    const auto cancelled = jsonLines("stats --state cancelled");
    ASSERT_EQ(all.size(), 1u);
    ASSERT_EQ(cancelled.size(), 1u);
    EXPECT_EQ(cancelled[0]["calls"], 1);
    EXPECT_EQ(cancelled[0]["messages"], 7);
    EXPECT_EQ(jsonLines("stats --host 192.0.2.99")[0]["messages"], 0);
    EXPECT_EQ(jsonLines("stats --method REGISTER")[0]["calls"], 1);
    EXPECT_EQ(jsonLines("stats --call-id 1-5807@127.0.0.1")[0]["messages"], 7);
}

TEST_F(CliFeatures, StatsBreakDownByClassOutcomeHostAndInterval) {
    importSamples();
    const auto stats = jsonLines("stats");
    ASSERT_EQ(stats.size(), 1u);
    const json& s = stats[0];
    std::uint64_t responses = 0, classes = 0;
    for (const auto& [code, count] : s["responses"].items())
        responses += count.get<std::uint64_t>();
    for (const auto& [name, count] : s["response_classes"].items())
        classes += count.get<std::uint64_t>();
    EXPECT_EQ(responses, classes);
    EXPECT_EQ(s["response_classes"]["4xx"], 3);  // 401, 486, 487
    EXPECT_EQ(s["response_classes"]["1xx"], 9);
    EXPECT_EQ(s["call_outcomes"]["2xx"], 5);
    EXPECT_EQ(s["call_outcomes"]["4xx"], 2);
    // Failures leave the 401 challenge out.
    std::set<int> failures;
    for (const json& failure : s["top_failures"])
        failures.insert(failure["status"].get<int>());
    EXPECT_EQ(failures, (std::set<int>{486, 487}));
    ASSERT_EQ(s["top_talkers"].size(), 2u);
    EXPECT_EQ(s["top_talkers"][0]["messages"], 38);
    EXPECT_EQ(jsonLines("stats --top 1")[0]["top_talkers"].size(), 1u);

    const auto hosts = jsonLines("stats --by-host");
    ASSERT_EQ(hosts.size(), 2u);
    std::uint64_t sent = 0;
    for (const json& host : hosts) {
        EXPECT_EQ(host["messages"], host["sent"].get<int>() + host["received"].get<int>());
        sent += host["sent"].get<std::uint64_t>();
    }
    EXPECT_EQ(sent, 38u);
    EXPECT_EQ(jsonLines("stats --by-host --host 127.0.0.1:15060")[0]["host"], "127.0.0.1:15060");

    const auto seconds = jsonLines("stats --interval 1s");
    std::uint64_t messages = 0, calls = 0;
    for (std::size_t i = 0; i < seconds.size(); ++i) {
        messages += seconds[i]["messages"].get<std::uint64_t>();
        calls += seconds[i]["calls"].get<std::uint64_t>();
        if (i) {
            EXPECT_EQ(seconds[i]["start"], seconds[i - 1]["end"]) << "buckets follow each other";
        }
    }
    EXPECT_EQ(messages, 38u);
    EXPECT_EQ(calls, 7u);
    const auto hour = jsonLines("stats --interval 1h");
    ASSERT_EQ(hour.size(), 1u);
    EXPECT_EQ(hour[0]["start"], "2026-11-25T10:00:00.000000Z");
    EXPECT_EQ(hour[0]["failures"], 2);
    // Table and CSV of each.
    for (const std::string arguments : {"stats", "stats --by-host", "stats --interval 5m"}) {
        const auto table = sipscope(arguments);
        EXPECT_EQ(table.exitCode, 0);
        const auto csv = sipscope(arguments + " --format csv");
        EXPECT_EQ(csv.exitCode, 0);
        const auto records = parseCsv(csv.out);
        ASSERT_GE(records.size(), 2u) << arguments;
        for (const auto& record : records)
            EXPECT_EQ(record.size(), records[0].size()) << arguments;
    }
    const std::string table = sipscope("stats").out;
    const auto failureLine = table.find("top failure");
    ASSERT_NE(failureLine, std::string::npos) << table;
    EXPECT_EQ(table.find("486 Busy Here"), table.find_first_not_of(' ', failureLine + 11)) << table;
    EXPECT_EQ(sipscope("stats --interval 5x", true).exitCode, 1);
    EXPECT_EQ(sipscope("stats --interval 0m", true).exitCode, 1);
    EXPECT_EQ(sipscope("stats --interval 1m --by-host", true).exitCode, 1);
}

// Messages of a listing without the frame number (which a re-import counts anew).
std::vector<json> withoutFrames(std::vector<json> rows) {
    for (json& row : rows)
        row.erase("frame");
    return rows;
}

TEST_F(CliFeatures, ExportedPcapReadsBackAsTheSameMessages) {
    importSamples();
    const std::string pcap = dir.file("cancelled.pcap");
    const auto exported = sipscope("export pcap --call 1-5807@127.0.0.1 -o " + quote(pcap), true);
    ASSERT_EQ(exported.exitCode, 0) << exported.out;
    EXPECT_NE(exported.out.find("7 messages of 1 calls"), std::string::npos) << exported.out;
    const std::string bytes = readFile(pcap);
    ASSERT_GE(bytes.size(), 24u);
    EXPECT_EQ(bytes.substr(0, 4), std::string("\xd4\xc3\xb2\xa1", 4));  // microsecond pcap, little-endian
    const std::string copy = dir.file("copy.db");
    ASSERT_EQ(sipscope("import --quiet " + quote(pcap), false, copy).exitCode, 0);
    const auto original = withoutFrames(jsonLines("messages --raw --call 1-5807@127.0.0.1"));
    const auto result = sipscope("messages --raw --format json", false, copy);
    EXPECT_EQ(withoutFrames(parseJsonLines(result.out)), original);

    // Filters choose the calls: the rejected and the cancelled call.
    const std::string failed = dir.file("failed.pcap");
    ASSERT_EQ(sipscope("export pcap --state rejected -o " + quote(failed)).exitCode, 0);
    const std::string failedDb = dir.file("failed.db");
    ASSERT_EQ(sipscope("import --quiet " + quote(failed), false, failedDb).exitCode, 0);
    const auto calls = parseJsonLines(sipscope("calls --format json", false, failedDb).out);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0]["status"], 486);
    EXPECT_EQ(sipscope("export pcap --call no-such-call -o " + quote(dir.file("none.pcap")), true).exitCode, 2);

    if (runCommand("command -v tshark >/dev/null").exitCode != 0)
        GTEST_SKIP() << "tshark not installed: the pcap was read back by sipscope only";
    const auto tshark = runCommand("tshark -r " + quote(pcap) + " -T fields -e sip.CSeq -e sip.Call-ID 2>&1");
    EXPECT_EQ(tshark.exitCode, 0) << tshark.out;
    std::size_t lines = 0;
    std::istringstream in(tshark.out);
    for (std::string line; std::getline(in, line);)
        if (line.find("1-5807@127.0.0.1") != std::string::npos)
            ++lines;
    EXPECT_EQ(lines, 7u) << tshark.out;
    const auto expert =
        runCommand("tshark -r " + quote(pcap) + " -Y '_ws.malformed || _ws.expert.severity >= error' 2>&1");
    EXPECT_EQ(expert.exitCode, 0);
    EXPECT_EQ(expert.out.find("Malformed"), std::string::npos) << expert.out;
}

TEST_F(CliFeatures, LadderExportsAsPng) {
    importSamples();
    const std::string png = dir.file("ladder.png");
    if (runCommand("command -v rsvg-convert >/dev/null").exitCode != 0) {
        const auto missing = sipscope("export ladder 1-5807@127.0.0.1 --format png -o " + quote(png), true);
        EXPECT_EQ(missing.exitCode, 2);
        EXPECT_NE(missing.out.find("librsvg2-bin"), std::string::npos) << missing.out;
        GTEST_SKIP() << "rsvg-convert (librsvg2-bin) not installed; checked the message that names it";
    }
    const auto result = sipscope("export ladder 1-5807@127.0.0.1 --format png -o " + quote(png), true);
    ASSERT_EQ(result.exitCode, 0) << result.out;
    const std::string bytes = readFile(png);
    ASSERT_GT(bytes.size(), 33u);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(bytes.substr(12, 4), "IHDR");
    auto be32 = [&bytes](std::size_t at) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24 |
               static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16 |
               static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8 |
               static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
    };
    // The SVG's size: two host columns wide, seven arrows tall.
    EXPECT_GE(be32(16), 400u);
    EXPECT_GE(be32(20), 7u * 34u);
    // Without rsvg-convert on PATH: exit 2 and the package to install.
    const auto missing = runCommand("PATH=/nonexistent " + Binary + " export ladder 1-5807@127.0.0.1 --format png -o " +
                                        quote(dir.file("no.png")) + " --db " + quote(db),
                                    true);
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_NE(missing.out.find("librsvg2-bin"), std::string::npos) << missing.out;
}

TEST_F(CliFeatures, ShowMarksSdpOfferAnswerAndRetransmissions) {
    importLateOffer();
    const auto show = sipscope("show late --color never");
    ASSERT_EQ(show.exitCode, 0) << show.out;
    EXPECT_NE(show.out.find("INVITE (retrans)"), std::string::npos) << show.out;
    EXPECT_NE(show.out.find("200 OK (SDP offer: PCMU)"), std::string::npos) << show.out;
    EXPECT_NE(show.out.find("ACK (SDP answer: PCMU)"), std::string::npos) << show.out;
    EXPECT_EQ(show.out.find('\x1b'), std::string::npos) << "no colours when told never";
    EXPECT_EQ(sipscope("show late").out.find('\x1b'), std::string::npos) << "no colours when not a terminal";

    const auto coloured = sipscope("show late --color always");
    ASSERT_EQ(coloured.exitCode, 0);
    EXPECT_NE(coloured.out.find("\x1b[1m"), std::string::npos) << "requests bold";
    EXPECT_NE(coloured.out.find("\x1b[2;1m"), std::string::npos) << "the retransmission dim";
    EXPECT_NE(coloured.out.find("\x1b[32m"), std::string::npos) << "2xx green";
    EXPECT_EQ(sipscope("show late --color sometimes", true).exitCode, 1);

    importSamples();
    const auto early = sipscope("show 1-5781@127.0.0.1");
    EXPECT_NE(early.out.find("INVITE (SDP offer: PCMU)"), std::string::npos) << early.out;
    EXPECT_NE(early.out.find("200 OK (SDP answer: PCMU PCMA)"), std::string::npos) << early.out;
}

TEST_F(CliFeatures, ShowAllLegsDrawsLinkedCallsInOneLadder) {
    // A B2BUA: leg A alice -> sbc (10.0.0.1 -> 10.0.0.2), leg B sbc -> bob (10.0.0.2 -> 10.0.0.3) naming leg A in
    // X-Call-ID.
    PcapWriter pcap;
    pcap.add({1'000'000, 0x0a000001, 0x0a000002, 5060, 5060,
              sip("INVITE sip:bob@example.com SIP/2.0", "leg-a", "1 INVITE", "", "", true)});
    pcap.add({1'100'000, 0x0a000002, 0x0a000003, 5060, 5060,
              sip("INVITE sip:bob@10.0.0.3 SIP/2.0", "leg-b", "1 INVITE", "X-Call-ID: leg-a\r\n", "", true)});
    pcap.add(
        {1'200'000, 0x0a000003, 0x0a000002, 5060, 5060, sip("SIP/2.0 200 OK", "leg-b", "1 INVITE", "", "b1", true)});
    pcap.add(
        {1'300'000, 0x0a000002, 0x0a000001, 5060, 5060, sip("SIP/2.0 200 OK", "leg-a", "1 INVITE", "", "a1", true)});
    pcap.write(dir.file("b2bua.pcap"));
    ASSERT_EQ(sipscope("import --quiet " + quote(dir.file("b2bua.pcap"))).exitCode, 0);
    const auto linked = jsonLines("calls --call-id leg-a");
    ASSERT_EQ(linked.size(), 1u);
    if (!linked[0].contains("legs") || linked[0]["legs"] != 2)
        FAIL() << "the store did not link the legs (leg linking regressed): " << linked[0].dump();

    const auto one = sipscope("show leg-a");
    ASSERT_EQ(one.exitCode, 0) << one.out;
    EXPECT_EQ(one.out.find("10.0.0.3:5060"), std::string::npos) << "only leg A without --all-legs\n" << one.out;
    for (const std::string call : {"leg-a", "leg-b"}) {
        const auto all = sipscope("show --all-legs " + call);
        ASSERT_EQ(all.exitCode, 0) << all.out;
        for (const char* expected :
             {"10.0.0.1:5060", "10.0.0.2:5060", "10.0.0.3:5060", "#1 INVITE (SDP offer", "#2 INVITE (SDP offer",
              "#1 200 OK (SDP answer", "#2 200 OK (SDP answer", "Leg #2: "})
            EXPECT_NE(all.out.find(expected), std::string::npos) << expected << "\n" << all.out;
        // Capture order: A's INVITE, B's INVITE, B's 200, A's 200.
        const auto first = all.out.find("INVITE (SDP offer");
        const auto answer = all.out.find("200 OK");
        EXPECT_LT(all.out.find("INVITE (SDP offer", first + 1), answer) << all.out;
    }
    // The exports too (Mermaid writes # as its entity #35;).
    const auto mermaid = sipscope("export ladder leg-a --all-legs --format mermaid -o -");
    ASSERT_EQ(mermaid.exitCode, 0) << mermaid.out;
    EXPECT_NE(mermaid.out.find("#35;1 INVITE"), std::string::npos) << mermaid.out;
    EXPECT_NE(mermaid.out.find("#35;2 200 OK"), std::string::npos) << mermaid.out;
    EXPECT_EQ(sipscope("export ladder leg-a --format mermaid -o -").out.find("#35;2"), std::string::npos);
}

TEST_F(CliFeatures, ShowNamesHostsFromAnAliasesFile) {
    importLateOffer();
    const std::string aliases = dir.file("hosts.aliases");
    std::ofstream(aliases) << "# lab\n10.0.0.1:5060 = alice-phone\n  10.0.0.2 = sbc-b   # any port\n\n";
    const auto show = sipscope("show late --aliases " + quote(aliases));
    ASSERT_EQ(show.exitCode, 0) << show.out;
    EXPECT_NE(show.out.find("alice-phone"), std::string::npos) << show.out;
    EXPECT_NE(show.out.find("sbc-b"), std::string::npos) << show.out;
    EXPECT_NE(show.out.find("10.0.0.1:5060"), std::string::npos) << "addresses stay under the names\n" << show.out;
    const auto byIp = sipscope("show late --by-ip --aliases " + quote(aliases));
    EXPECT_NE(byIp.out.find("sbc-b"), std::string::npos) << byIp.out;
    // ./sipscope.aliases is read by default; --aliases none reads nothing.
    std::ofstream(dir.file("sipscope.aliases")) << "10.0.0.2 = from-the-default-file\n";
    const auto inDir = runCommand("cd " + quote(dir.file("")) + " && " + Binary + " show late --db " + quote(db));
    EXPECT_NE(inDir.out.find("from-the-default-file"), std::string::npos) << inDir.out;
    const auto none =
        runCommand("cd " + quote(dir.file("")) + " && " + Binary + " show late --aliases none --db " + quote(db));
    EXPECT_EQ(none.out.find("from-the-default-file"), std::string::npos) << none.out;
    // The exported ladders carry the names too.
    const auto svg = sipscope("export ladder late --format svg -o - --aliases " + quote(aliases));
    EXPECT_NE(svg.out.find("alice-phone (10.0.0.1:5060)"), std::string::npos) << svg.out;
    // A bad line: exit 2 naming the file and the line.
    std::ofstream(aliases) << "10.0.0.1 = ok\nnot-an-address = x\n";
    const auto bad = sipscope("show late --aliases " + quote(aliases), true);
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.out.find("hosts.aliases:2"), std::string::npos) << bad.out;
}

TEST_F(CliFeatures, CsvFollowsRfc4180) {
    PcapWriter pcap;
    // Commas, quotes and (in the raw text) CR LF in the fields.
    std::string invite =
        sip("INVITE sip:bob@example.com SIP/2.0", "csv-call", "1 INVITE", "Subject: a, \"quoted\" word\r\n", "", false);
    const auto from = invite.find("\"Alice\"");
    invite.replace(from, 7, "\"Doe, \\\"Jo\\\"\"");
    pcap.add({1'000'000, 0x0a000001, 0x0a000002, 5060, 5060, invite});
    pcap.add({1'100'000, 0x0a000002, 0x0a000001, 5060, 5060,
              sip("SIP/2.0 486 Busy, \"really\"", "csv-call", "1 INVITE", "", "b", false)});
    pcap.write(dir.file("csv.pcap"));
    ASSERT_EQ(sipscope("import --quiet " + quote(dir.file("csv.pcap"))).exitCode, 0);

    // To a file: the bytes as they are, quoted where needed, newlines inside quotes.
    const std::string file = dir.file("messages.csv");
    ASSERT_EQ(sipscope("export messages --format csv --raw -o " + quote(file)).exitCode, 0);
    const std::string csv = readFile(file);
    const auto records = parseCsv(csv);
    ASSERT_EQ(records.size(), 3u) << csv;
    const auto& header = records[0];
    for (const auto& record : records)
        ASSERT_EQ(record.size(), header.size()) << csv;
    const auto column = [&header](const std::string& name) {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
    };
    ASSERT_LT(column("text"), header.size());
    ASSERT_LT(column("status"), header.size());
    ASSERT_LT(column("method"), header.size());
    EXPECT_EQ(records[1][column("text")], invite);
    EXPECT_EQ(records[1][column("method")], "INVITE");
    EXPECT_EQ(records[2][column("status")], "486");
    EXPECT_EQ(records[2][column("reason")], "Busy, \"really\"");
    EXPECT_NE(csv.find("\"Busy, \"\"really\"\"\""), std::string::npos) << csv;

    // To standard output: the same records, packet control characters escaped.
    const auto printed = sipscope("messages --raw --format csv");
    const auto printedRecords = parseCsv(printed.out);
    ASSERT_EQ(printedRecords.size(), 3u);
    EXPECT_EQ(printedRecords[1][column("text")].find('\r'), std::string::npos);
    EXPECT_NE(printedRecords[1][column("text")].find("\\r\\n"), std::string::npos);
    // An empty listing has the same header as a full one.
    for (const std::string listing : {"calls", "messages", "stats --by-host", "stats --interval 1m"}) {
        const auto full = parseCsv(sipscope(listing + " --format csv").out);
        const auto empty = parseCsv(sipscope(listing + " --format csv --host 192.0.2.99").out);
        ASSERT_EQ(empty.size(), 1u) << listing;
        ASSERT_FALSE(full.empty());
        EXPECT_EQ(empty[0], full[0]) << listing;
    }
    const auto calls = parseCsv(sipscope("calls --format csv").out);
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[1][std::find(calls[0].begin(), calls[0].end(), "from") - calls[0].begin()],
              "sip:alice@example.com");
}

TEST_F(CliFeatures, EveryCommandsHelpHasAnExample) {
    for (const std::string command : {"", "import", "calls", "messages", "show", "stats", "registrations", "export",
                                      "export ladder", "export calls", "export messages", "export stats", "export pcap",
                                      "migrate", "view", "capture", "subscriptions"}) {
        SCOPED_TRACE(command);
        const auto help = runCommand(Binary + " " + command + " --help");
        EXPECT_EQ(help.exitCode, 0);
        EXPECT_NE(help.out.find("Example"), std::string::npos) << help.out;
        EXPECT_NE(help.out.find("sipscope " + command), std::string::npos) << help.out;
    }
}

TEST_F(CliFeatures, PacketEscapesStayEscapedInEveryOutput) {
    PcapWriter pcap;
    const std::string evil = "\x1b]0;owned\x07\x1b[31m";
    const std::string invite = sip("INVITE sip:bob@example.com SIP/2.0", "evil" + evil, "1 INVITE",
                                   "User-Agent: phone" + evil + "\r\nX-Note: note" + evil + "\r\n", "", true);
    pcap.add({1'000'000, 0x0a000001, 0x0a000002, 5060, 5060, invite});
    pcap.add({1'100'000, 0x0a000002, 0x0a000001, 5060, 5060,
              sip("SIP/2.0 503 Down" + evil, "evil" + evil, "1 INVITE", "", "b", false)});
    pcap.write(dir.file("evil.pcap"));
    ASSERT_EQ(sipscope("import --quiet " + quote(dir.file("evil.pcap"))).exitCode, 0);
    const std::string call = quote("evil" + evil);
    for (const std::string& command : std::vector<std::string>{
             "calls", "calls --format csv", "messages", "messages --raw", "messages --raw --format csv",
             "messages --grep owned --raw", "show --raw " + call, "show --raw --color always " + call, "stats",
             "stats --by-host", "stats --format csv", "registrations", "export ladder " + call + " --format text -o -",
             "export messages --format csv --raw -o -"}) {
        SCOPED_TRACE(command);
        const auto result = sipscope(command);
        EXPECT_EQ(result.exitCode, 0) << result.out;
        EXPECT_EQ(result.out.find("\x1b]"), std::string::npos) << result.out;
        EXPECT_EQ(result.out.find("\x1b[31m"), std::string::npos) << result.out;
        EXPECT_EQ(result.out.find('\x07'), std::string::npos) << result.out;
    }
    EXPECT_NE(sipscope("show --raw " + call).out.find("User-Agent: phone\\x1b]0;owned\\x07"), std::string::npos);
    EXPECT_NE(sipscope("messages --raw --format csv").out.find("X-Note: note\\x1b]0;owned"), std::string::npos);
    EXPECT_NE(sipscope("calls").out.find("evil\\x1b]0;owned"), std::string::npos);
    EXPECT_NE(sipscope("stats").out.find("Down\\x1b]0;owned"), std::string::npos);
}

TEST_F(CliFeatures, ReadOnlyCommandsWorkWhileAWriterHoldsTheDatabase) {
    importSamples();
    // Another process's view: a write transaction open (and uncommitted) on the database, as a capture has.
    sqlite3* writer = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &writer), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(writer, "BEGIN IMMEDIATE; UPDATE calls SET state = 'calling';", nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(writer);
    for (const std::string command : {"calls", "messages", "stats", "stats --by-host", "registrations",
                                      "show 1-5807@127.0.0.1", "export calls --format csv -o -"}) {
        SCOPED_TRACE(command);
        const auto result = sipscope(command, true);
        EXPECT_EQ(result.exitCode, 0) << result.out;
        EXPECT_EQ(result.out.find("calling"), std::string::npos) << "sees only committed data";
    }
    sqlite3_exec(writer, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(writer);
    // A read-only command never creates a database.
    const std::string missing = dir.file("missing.db");
    EXPECT_EQ(sipscope("calls", true, missing).exitCode, 2);
    EXPECT_FALSE(std::filesystem::exists(missing));
}

}  // namespace
