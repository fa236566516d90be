// A call through a proxy, captured on both hops, and messages in time order: what a capture split into several files
// gives once imported (merged by packet time, so calls, states and timings are those of the whole capture), how every
// reader lists a call's messages whatever order they were stored in, and the SDP a proxy forwards listed once.
#include "ladder/ladder_model.hpp"
#include "store/database.hpp"
#include "store/ingest.hpp"
#include "store/reader.hpp"
#include "tests/tools/pcap_writer.hpp"
#include "tests/tools/run.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <tuple>
#include <vector>

using namespace sipscope;

namespace {

constexpr std::uint32_t Caller = 0x0a000001, Proxy = 0x0a000002, Callee = 0x0a000003;

// A message of the proxied call: on hop 2 (proxy -> callee) the proxy's own Via is on top of the caller's.
std::string proxied(const std::string& startLine, int hop, const std::string& cseq, const std::string& toTag = "",
                    const std::string& sdp = "") {
    std::string vias = "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKcaller" + cseq.substr(0, 1) + "\r\n";
    if (hop == 2)
        vias = "Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKproxy" + cseq.substr(0, 1) + "\r\n" + vias;
    return startLine + "\r\n" + vias + "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>" +
           (toTag.empty() ? "" : ";tag=" + toTag) + "\r\nCall-ID: proxied-1\r\nCSeq: " + cseq +
           "\r\nMax-Forwards: 70\r\n" + (sdp.empty() ? "" : "Content-Type: application/sdp\r\n") +
           "Content-Length: " + std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
}

std::string sdpOf(const std::string& ip, int port) {
    return "v=0\r\no=- 1 1 IN IP4 " + ip + "\r\ns=-\r\nc=IN IP4 " + ip + "\r\nt=0 0\r\nm=audio " +
           std::to_string(port) + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
}

struct Hop {
    test::PcapWriter caller, callee, whole;
    void add(int hop, std::int64_t atUs, bool fromCallerSide, const std::string& payload) {
        const std::uint32_t near = hop == 1 ? Caller : Proxy, far = hop == 1 ? Proxy : Callee;
        const test::UdpPacket packet{atUs,   fromCallerSide ? near : far, fromCallerSide ? far : near, 5060, 5060,
                                     payload};
        (hop == 1 ? caller : callee).add(packet);
        whole.add(packet);
    }
};

// One call through a proxy, captured on both hops: `whole` in time order, `caller` and `callee` one hop each.
Hop proxiedCall() {
    Hop c;
    const std::int64_t t = 1'700'000'000'000'000;
    const std::string offer = sdpOf("10.0.0.1", 4000), answer = sdpOf("10.0.0.3", 5000);
    c.add(1, t, true, proxied("INVITE sip:bob@example.com SIP/2.0", 1, "1 INVITE", "", offer));
    c.add(1, t + 1'000, false, proxied("SIP/2.0 100 Trying", 1, "1 INVITE"));
    c.add(2, t + 2'000, true, proxied("INVITE sip:bob@10.0.0.3 SIP/2.0", 2, "1 INVITE", "", offer));
    c.add(2, t + 25'000, false, proxied("SIP/2.0 180 Ringing", 2, "1 INVITE", "b1"));
    c.add(1, t + 27'000, false, proxied("SIP/2.0 180 Ringing", 1, "1 INVITE", "b1"));
    c.add(2, t + 1'314'000, false, proxied("SIP/2.0 200 OK", 2, "1 INVITE", "b1", answer));
    c.add(1, t + 1'316'000, false, proxied("SIP/2.0 200 OK", 1, "1 INVITE", "b1", answer));
    c.add(1, t + 1'330'000, true, proxied("ACK sip:bob@10.0.0.3 SIP/2.0", 1, "1 ACK", "b1"));
    c.add(2, t + 1'331'000, true, proxied("ACK sip:bob@10.0.0.3 SIP/2.0", 2, "1 ACK", "b1"));
    c.add(1, t + 4'000'000, true, proxied("BYE sip:bob@10.0.0.3 SIP/2.0", 1, "2 BYE", "b1"));
    c.add(2, t + 4'001'000, true, proxied("BYE sip:bob@10.0.0.3 SIP/2.0", 2, "2 BYE", "b1"));
    c.add(2, t + 4'010'000, false, proxied("SIP/2.0 200 OK", 2, "2 BYE", "b1"));
    c.add(1, t + 4'011'000, false, proxied("SIP/2.0 200 OK", 1, "2 BYE", "b1"));
    return c;
}

std::string run(const std::string& arguments) {
    const test::CommandResult result = test::runCommand(std::string(SIPSCOPE_BINARY) + " " + arguments);
    EXPECT_EQ(result.exitCode, 0) << arguments << "\n" << result.out;
    return result.out;
}

// A listing as JSON lines without what names the file: `frame` (a packet's number in its own file), `capture`
// and `capture_id` (the file a call's first message came from), which splitting the capture changes.
std::string withoutFiles(const std::string& json) {
    return std::regex_replace(json, std::regex(R"(("frame":[0-9]+|"capture_id":[0-9]+|"capture":"[^"]*"),?)"), "");
}

}  // namespace

// The issue's case: the two hops of one proxied call imported as two files, in either order, give the calls and
// messages (order, timings, states) of the capture they were split from.
TEST(IngestOrder, TwoHopsInTwoFilesEqualTheWholeCapture) {
    test::TempDir dir;
    const Hop call = proxiedCall();
    call.whole.write(dir.file("whole.pcap"));
    call.caller.write(dir.file("caller-side.pcap"));
    call.callee.write(dir.file("callee-side.pcap"));
    run("import -q --db " + test::quote(dir.database("whole.db")) + " " + dir.file("whole.pcap"));
    run("import -q --db " + test::quote(dir.database("split.db")) + " " + dir.file("caller-side.pcap") + " " +
        dir.file("callee-side.pcap"));
    run("import -q --db " + test::quote(dir.database("reversed.db")) + " " + dir.file("callee-side.pcap") + " " +
        dir.file("caller-side.pcap"));

    const std::string calls = withoutFiles(run("calls --format json --db " + test::quote(dir.database("whole.db"))));
    const std::string messages =
        withoutFiles(run("messages --format json --db " + test::quote(dir.database("whole.db"))));
    ASSERT_NE(calls.find("\"state\":\"completed\""), std::string::npos) << calls;
    for (const char* db : {"split.db", "reversed.db"}) {
        SCOPED_TRACE(db);
        EXPECT_EQ(withoutFiles(run("calls --format json --db " + test::quote(dir.database(db)))), calls);
        EXPECT_EQ(withoutFiles(run("messages --format json --db " + test::quote(dir.database(db)))), messages);
    }
}

// Several files are reported in the order they were given, each with its own packets and messages.
TEST(IngestOrder, MergedFilesKeepTheirOwnReports) {
    test::TempDir dir;
    const Hop call = proxiedCall();
    call.caller.write(dir.file("caller-side.pcap"));
    call.callee.write(dir.file("callee-side.pcap"));
    const auto report =
        store::importFiles(dir.database(), {dir.file("callee-side.pcap"), dir.file("caller-side.pcap")});
    ASSERT_EQ(report.files.size(), 2u);
    EXPECT_EQ(report.files[0].path, dir.file("callee-side.pcap"));
    EXPECT_EQ(report.files[0].sipMessages, 6u);
    EXPECT_EQ(report.files[1].sipMessages, 7u);
    EXPECT_EQ(report.sipMessages, 13u);
    EXPECT_EQ(report.calls, 1u);
    // Each message keeps the capture and frame it came from.
    store::Reader reader(dir.database());
    for (const store::MessageRow& message : reader.messages({})) {
        const bool isCallerSide = message.src.ip.toString() == "10.0.0.1" || message.dst.ip.toString() == "10.0.0.1";
        EXPECT_GE(message.frame, 1u);
        EXPECT_LE(message.frame, isCallerSide ? 7u : 6u);
    }
}

// Packets stored out of time order (here the 200 before its OPTIONS, as a TCP segment resent after a gap can
// leave them) are listed in time order by every reader: the listing, a call's messages, the ladder, the export.
TEST(IngestOrder, ReadersListMessagesInTimeOrder) {
    test::TempDir dir;
    test::PcapWriter pcap;
    const std::int64_t t = 1'700'000'000'000'000;
    pcap.add(
        {t + 5'000, Callee, Caller, 5060, 5060, test::sipMessage("SIP/2.0 200 OK", "gap-1", "1 OPTIONS", "", "x")});
    pcap.add(
        {t, Caller, Callee, 5060, 5060, test::sipMessage("OPTIONS sip:bob@example.com SIP/2.0", "gap-1", "1 OPTIONS")});
    pcap.add({t + 5'000, Caller, Callee, 5060, 5060,  // same time as the 200: capture order breaks the tie
              test::sipMessage("OPTIONS sip:carol@example.com SIP/2.0", "gap-1", "2 OPTIONS")});
    pcap.write(dir.file("gap.pcap"));
    store::importFiles(dir.database(), {dir.file("gap.pcap")});
    store::Reader reader(dir.database());

    auto expectTimeOrder = [](const std::vector<store::MessageRow>& messages, const char* what) {
        SCOPED_TRACE(what);
        ASSERT_EQ(messages.size(), 3u);
        EXPECT_EQ(messages[0].method, "OPTIONS");
        EXPECT_EQ(messages[0].cseq, 1u);
        EXPECT_EQ(messages[1].status, 200);
        EXPECT_EQ(messages[2].cseq, 2u);
    };
    expectTimeOrder(reader.messages({}), "messages");
    std::vector<store::MessageRow> streamed;
    reader.forEachMessage({}, false, [&](store::MessageRow& row) {
        streamed.push_back(row);
        return true;
    });
    expectTimeOrder(streamed, "forEachMessage");
    const auto call = reader.findCall("gap-1");
    ASSERT_TRUE(call);
    const auto messages = reader.callMessages(call->key, false);
    expectTimeOrder(messages, "callMessages");
    streamed.clear();
    reader.forEachCallMessage({call->key}, false, [&](store::MessageRow& row) {
        streamed.push_back(row);
        return true;
    });
    expectTimeOrder(streamed, "forEachCallMessage");
    const ladder::Model model = ladder::buildModel(messages, ladder::ModelOptions{});
    ASSERT_EQ(model.arrows.size(), 3u);
    EXPECT_EQ(model.arrows[0].text, "OPTIONS");
    EXPECT_LE(model.arrows[0].timestampUs, model.arrows[1].timestampUs);
    // --limit takes the earliest.
    store::Filter first;
    first.limit = 1;
    EXPECT_EQ(reader.messages(first).at(0).method, "OPTIONS");
}

// The proxy forwards the offer and the answer unchanged: each is listed once, as the first hop (caller - proxy)
// carried it, in time order.
TEST(IngestOrder, ForwardedSdpIsListedOnceFromTheFirstHop) {
    test::TempDir dir;
    proxiedCall().whole.write(dir.file("whole.pcap"));
    store::importFiles(dir.database(), {dir.file("whole.pcap")});
    store::Reader reader(dir.database());
    const auto call = reader.findCall("proxied-1");
    ASSERT_TRUE(call);
    const auto media = reader.callMedia(call->key);
    ASSERT_EQ(media.size(), 2u);
    EXPECT_EQ(media[0].role, decode::SdpRole::Offer);
    EXPECT_EQ(media[0].address, "10.0.0.1");
    EXPECT_EQ(media[0].src.toString(), "10.0.0.1:5060");
    EXPECT_EQ(media[0].dst.toString(), "10.0.0.2:5060");
    EXPECT_EQ(media[1].role, decode::SdpRole::Answer);
    EXPECT_EQ(media[1].port, 5000);
    EXPECT_EQ(media[1].src.toString(), "10.0.0.2:5060");  // the proxy's 200 to the caller, not the callee's earlier one
    EXPECT_EQ(media[1].dst.toString(), "10.0.0.1:5060");
}

// The time order is an index (messages_time), so the first page of messages reads a few index entries instead of
// sorting every message. A database of this schema version written before it gets it at its next read-write open.
TEST(IngestOrder, TimeIndexIsThereAndComesBackWhenMissing) {
    test::TempDir dir;
    proxiedCall().whole.write(dir.file("whole.pcap"));
    store::importFiles(dir.database(), {dir.file("whole.pcap")});
    {
        store::Database db(dir.database(), store::Database::Mode::ReadWrite);
        ASSERT_TRUE(db.hasIndex("messages_time"));
        ASSERT_TRUE(db.hasIndex("messages_call"));
        db.exec("DROP INDEX messages_time");
    }
    EXPECT_EQ(store::Reader(dir.database()).messages({}).size(), 13u);  // without it: sorted, the same answer
    store::Database reopened(dir.database(), store::Database::Mode::ReadWrite);
    EXPECT_TRUE(reopened.hasIndex("messages_time"));
}

// A call's transactions and dialogs are a range of ids, its media rows those of its messages: no index on their
// call_key (issue 14). One that an earlier database has is dropped at its next read-write open, and the call reads
// the same with it and without.
TEST(IngestOrder, CallRecordsNeedNoCallKeyIndex) {
    test::TempDir dir;
    proxiedCall().whole.write(dir.file("whole.pcap"));
    store::importFiles(dir.database(), {dir.file("whole.pcap")});
    const auto readCall = [&] {
        const store::Reader reader(dir.database());
        const auto call = reader.calls({}).front();
        return std::make_tuple(reader.callTransactions(call.key).size(), reader.callDialogs(call.key).size(),
                               reader.callMedia(call.key).size());
    };
    const auto before = readCall();
    EXPECT_GT(std::get<0>(before), 0u);
    EXPECT_GT(std::get<1>(before), 0u);
    EXPECT_GT(std::get<2>(before), 0u);
    {
        store::Database db(dir.database(), store::Database::Mode::ReadWrite);
        for (const char* index : {"transactions_call", "dialogs_call", "media_call"})
            EXPECT_FALSE(db.hasIndex(index)) << index;
        db.exec("CREATE INDEX transactions_call ON transactions(call_key)");
        db.exec("CREATE INDEX dialogs_call ON dialogs(call_key)");
        db.exec("CREATE INDEX media_call ON media(call_key)");
    }
    EXPECT_EQ(readCall(), before);
    store::Database reopened(dir.database(), store::Database::Mode::ReadWrite);
    for (const char* index : {"transactions_call", "dialogs_call", "media_call"})
        EXPECT_FALSE(reopened.hasIndex(index)) << index;
}
