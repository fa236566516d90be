// The reader's queries on a small database of known calls: each field of store::Filter, alone and with others, on
// the calls and the messages listings; each sort key of the call pages, both ways; paging and counting. Every
// filter case expects a strict subset, so a filter that were ignored fails it; every sort case expects an order other
// than the start order that an ignored sort key would give.
#include "store/ingest.hpp"
#include "store/reader.hpp"
#include "tests/tools/pcap_writer.hpp"
#include "tests/tools/run.hpp"
#include "tests/tools/test_sql.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

using namespace sipscope;

namespace {

constexpr std::int64_t Second = 1'000'000;

struct Host {
    std::uint32_t ip;
    std::uint16_t port;
};

std::string text(Host host) {
    return std::to_string(host.ip >> 24) + "." + std::to_string((host.ip >> 16) & 0xff) + "." +
           std::to_string((host.ip >> 8) & 0xff) + "." + std::to_string(host.ip & 0xff) + ":" +
           std::to_string(host.port);
}

// One SIP dialog's messages between two hosts, with the From and To the test chooses.
class Exchange {
public:
    Exchange(test::PcapWriter& pcap, std::string callId, std::string from, std::string to, Host caller, Host callee)
        : m_pcap(pcap), m_callId(std::move(callId)), m_from(std::move(from)), m_to(std::move(to)), m_caller(caller),
          m_callee(callee) {}

    // A request from the caller; `method` as in the CSeq, `branch` names its transaction.
    void request(std::int64_t timeUs, const std::string& method, int cseq, const std::string& branch) {
        send(timeUs, m_caller, m_callee, method + " " + m_to + " SIP/2.0", method, cseq, branch);
    }
    // A response from the callee to the transaction `branch`.
    void response(std::int64_t timeUs, const std::string& status, const std::string& method, int cseq,
                  const std::string& branch) {
        send(timeUs, m_callee, m_caller, "SIP/2.0 " + status, method, cseq, branch);
    }

private:
    void send(std::int64_t timeUs, Host src, Host dst, const std::string& startLine, const std::string& method,
              int cseq, const std::string& branch) {
        const bool isResponse = startLine.rfind("SIP/2.0 ", 0) == 0;
        const std::string toTag = isResponse || method == "ACK" || method == "BYE" ? ";tag=to-" + m_callId : "";
        const std::string message = startLine + "\r\nVia: SIP/2.0/UDP " + text(m_caller) + ";branch=z9hG4bK-" +
                                    m_callId + "-" + branch + "\r\nFrom: <" + m_from + ">;tag=from-" + m_callId +
                                    "\r\nTo: <" + m_to + ">" + toTag + "\r\nCall-ID: " + m_callId +
                                    "\r\nCSeq: " + std::to_string(cseq) + " " + method +
                                    "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        m_pcap.add({timeUs, src.ip, dst.ip, src.port, dst.port, message});
    }

    test::PcapWriter& m_pcap;
    std::string m_callId, m_from, m_to;
    Host m_caller, m_callee;
};

// Six calls ten seconds apart, their Call-IDs out of alphabetical order:
//   start  Call-ID  method    From                    To                    caller -> callee              answer
//   10 s   delta    INVITE    alice@example.com       bob@example.com       10.0.0.1:5060 -> 10.0.0.2:5060  200, BYE
//   20 s   alpha    INVITE    carol@example.com       dave@example.com      10.0.0.3:5060 -> 10.0.0.2:5060  486
//   30 s   echo     REGISTER  erin@example.com        erin@example.com      10.0.0.4:5060 -> 10.0.0.5:5060  200
//   40 s   bravo    OPTIONS   alice@example.com       frank@example.com     10.0.0.1:5060 -> 10.0.0.6:5060  503
//   50 s   foxtrot  MESSAGE   grace@example.com       bob@example.com       10.0.0.10:5060 -> 10.0.0.2:5080 202
//   60 s   charlie  INVITE    heidi@example.org       ivan@example.com      10.0.0.8:5060 -> 10.0.0.9:5060  180 only
test::PcapWriter sixCalls() {
    test::PcapWriter pcap;
    const Host alice{0x0a000001, 5060}, proxy{0x0a000002, 5060}, carol{0x0a000003, 5060}, erin{0x0a000004, 5060},
        registrar{0x0a000005, 5060}, frank{0x0a000006, 5060}, grace{0x0a00000a, 5060}, bobMessages{0x0a000002, 5080},
        heidi{0x0a000008, 5060}, ivan{0x0a000009, 5060};

    Exchange delta(pcap, "delta", "sip:alice@example.com", "sip:bob@example.com", alice, proxy);
    delta.request(10 * Second, "INVITE", 1, "1");
    delta.response(10 * Second + 500'000, "200 OK", "INVITE", 1, "1");
    delta.request(10 * Second + 510'000, "ACK", 1, "2");
    delta.request(15 * Second, "BYE", 2, "3");
    delta.response(16 * Second, "200 OK", "BYE", 2, "3");  // 6 s long

    Exchange alpha(pcap, "alpha", "sip:carol@example.com", "sip:dave@example.com", carol, proxy);
    alpha.request(20 * Second, "INVITE", 1, "1");
    alpha.response(20 * Second + 200'000, "486 Busy Here", "INVITE", 1, "1");
    alpha.request(20 * Second + 250'000, "ACK", 1, "1");  // 0.25 s

    Exchange echo(pcap, "echo", "sip:erin@example.com", "sip:erin@example.com", erin, registrar);
    echo.request(30 * Second, "REGISTER", 1, "1");
    echo.response(30 * Second + 40'000, "200 OK", "REGISTER", 1, "1");  // 0.04 s

    Exchange bravo(pcap, "bravo", "sip:alice@example.com", "sip:frank@example.com", alice, frank);
    bravo.request(40 * Second, "OPTIONS", 1, "1");
    bravo.response(40 * Second + 300'000, "503 Service Unavailable", "OPTIONS", 1, "1");  // 0.3 s

    Exchange foxtrot(pcap, "foxtrot", "sip:grace@example.com", "sip:bob@example.com", grace, bobMessages);
    foxtrot.request(50 * Second, "MESSAGE", 1, "1");
    foxtrot.response(50 * Second + 10'000, "202 Accepted", "MESSAGE", 1, "1");  // 0.01 s

    Exchange charlie(pcap, "charlie", "sip:heidi@example.org", "sip:ivan@example.com", heidi, ivan);
    charlie.request(60 * Second, "INVITE", 1, "1");
    charlie.response(60 * Second + 700'000, "180 Ringing", "INVITE", 1, "1");  // 0.7 s
    return pcap;
}

const std::vector<std::string> StartOrder = {"delta", "alpha", "echo", "bravo", "foxtrot", "charlie"};

std::vector<std::string> callIds(const std::vector<store::CallRow>& rows) {
    std::vector<std::string> ids;
    for (const auto& row : rows)
        ids.push_back(row.callId);
    return ids;
}

// "Call-ID method-or-status" of each message, e.g. "delta INVITE", "delta 200".
std::vector<std::string> messageNames(const std::vector<store::MessageRow>& rows) {
    std::vector<std::string> names;
    for (const auto& row : rows)
        names.push_back(row.callId.value_or("-") + " " +
                        (row.method   ? *row.method
                         : row.status ? std::to_string(*row.status)
                                      : "?"));
    return names;
}

class ReaderQueries : public ::testing::Test {
protected:
    void SetUp() override {
        sixCalls().write(m_dir.file("six.pcap"));
        store::importFiles(db(), {m_dir.file("six.pcap")});
        store::Reader reader(db());
        for (const store::CallRow& row : reader.calls({}))
            m_keys[row.callId] = row.key;
    }
    std::string db() const { return m_dir.database("six.db"); }
    std::int64_t key(const std::string& callId) const { return m_keys.at(callId); }

    std::vector<std::string> calls(const store::Filter& filter) const {
        return callIds(store::Reader(db()).calls(filter));
    }
    std::vector<std::string> messages(const store::Filter& filter) const {
        return messageNames(store::Reader(db()).messages(filter));
    }

    test::TempDir m_dir;
    std::map<std::string, std::int64_t> m_keys;
};

TEST_F(ReaderQueries, TheDatabaseHoldsTheCallsAsWritten) {
    const std::vector<store::CallRow> rows = store::Reader(db()).calls({});
    ASSERT_EQ(callIds(rows), StartOrder);
    std::vector<std::string> summary;
    for (const auto& row : rows)
        summary.push_back(row.callId + " " + row.method + " " + std::string(decode::callKindName(row.kind)) + " " +
                          std::string(decode::callStateName(row.state)) + " " +
                          (row.status ? std::to_string(*row.status) : "-") + " " + row.src.value().toString() + " " +
                          row.dst.value().toString() + " " + std::to_string(row.messages));
    EXPECT_EQ(summary, (std::vector<std::string>{
                           "delta INVITE call completed 200 10.0.0.1:5060 10.0.0.2:5060 5",
                           "alpha INVITE call rejected 486 10.0.0.3:5060 10.0.0.2:5060 3",
                           "echo REGISTER registration done 200 10.0.0.4:5060 10.0.0.5:5060 2",
                           "bravo OPTIONS options failed 503 10.0.0.1:5060 10.0.0.6:5060 2",
                           "foxtrot MESSAGE message done 202 10.0.0.10:5060 10.0.0.2:5080 2",
                           "charlie INVITE call ringing - 10.0.0.8:5060 10.0.0.9:5060 2",
                       }));
    // Keys are given in the order the calls began.
    EXPECT_LT(key("delta"), key("alpha"));
    EXPECT_LT(key("foxtrot"), key("charlie"));
}

// --- Each filter on the calls listing ---

TEST_F(ReaderQueries, FromMatchesUserOrUriCaseInsensitively) {
    store::Filter filter;
    filter.from = "ALICE";
    EXPECT_EQ(calls(filter), (std::vector<std::string>{"delta", "bravo"}));
    filter.from = "example.org";  // the domain: a part of the URI, not of the user
    EXPECT_EQ(calls(filter), std::vector<std::string>{"charlie"});
    filter.from = "nobody";
    EXPECT_TRUE(calls(filter).empty());
}

TEST_F(ReaderQueries, FromGivesTheSameCallsWithoutTheIndexOfCallers) {
    // The --from fast path (call_froms and the calls_from index) against the scan of every call it replaces.
    test::execSql(db(), "DROP INDEX calls_from");
    store::Filter filter;
    filter.from = "ALICE";
    EXPECT_EQ(calls(filter), (std::vector<std::string>{"delta", "bravo"}));
    filter.from = "example.org";
    EXPECT_EQ(calls(filter), std::vector<std::string>{"charlie"});
}

TEST_F(ReaderQueries, ToMatchesUserOrUri) {
    store::Filter filter;
    filter.to = "Bob";
    EXPECT_EQ(calls(filter), (std::vector<std::string>{"delta", "foxtrot"}));
    filter.to = "frank@";
    EXPECT_EQ(calls(filter), std::vector<std::string>{"bravo"});
}

TEST_F(ReaderQueries, CallIdIsExact) {
    store::Filter filter;
    filter.callId = "echo";
    EXPECT_EQ(calls(filter), std::vector<std::string>{"echo"});
    filter.callId = "ech";  // not a prefix match
    EXPECT_TRUE(calls(filter).empty());
}

TEST_F(ReaderQueries, KeyIsThatCall) {
    store::Filter filter;
    filter.callKey = key("bravo");
    EXPECT_EQ(calls(filter), std::vector<std::string>{"bravo"});
    filter.callKey = key("charlie") + 100;
    EXPECT_TRUE(calls(filter).empty());
}

TEST_F(ReaderQueries, MethodIsTheFirstRequestsInAnyCase) {
    store::Filter filter;
    filter.method = "invite";
    EXPECT_EQ(calls(filter), (std::vector<std::string>{"delta", "alpha", "charlie"}));
    filter.method = "BYE";  // a later request of delta, not its first
    EXPECT_TRUE(calls(filter).empty());
}

TEST_F(ReaderQueries, StatusIsTheFinalStatus) {
    store::Filter filter;
    filter.status = 200;
    EXPECT_EQ(calls(filter), (std::vector<std::string>{"delta", "echo"}));
    filter.status = 180;  // charlie's only response, not final
    EXPECT_TRUE(calls(filter).empty());
}

TEST_F(ReaderQueries, StatusClassIsEveryStatusOfIt) {
    store::Filter filter;
    filter.statusClass = 2;
    EXPECT_EQ(calls(filter), (std::vector<std::string>{"delta", "echo", "foxtrot"}));
    filter.statusClass = 5;
    EXPECT_EQ(calls(filter), std::vector<std::string>{"bravo"});
    filter.statusClass = 4;
    EXPECT_EQ(calls(filter), std::vector<std::string>{"alpha"});
    filter.statusClass = 1;
    EXPECT_TRUE(calls(filter).empty());
}

TEST_F(ReaderQueries, StateInAnyCase) {
    store::Filter filter;
    filter.state = "Rejected";  // an INVITE's failure; other requests' failures are "failed"
    EXPECT_EQ(calls(filter), std::vector<std::string>{"alpha"});
    filter.state = "failed";
    EXPECT_EQ(calls(filter), std::vector<std::string>{"bravo"});
    filter.state = "DONE";  // a request other than INVITE, answered 2xx
    EXPECT_EQ(calls(filter), (std::vector<std::string>{"echo", "foxtrot"}));
    filter.state = "ringing";
    EXPECT_EQ(calls(filter), std::vector<std::string>{"charlie"});
}

TEST_F(ReaderQueries, KindInAnyCase) {
    store::Filter filter;
    filter.kind = "call";
    EXPECT_EQ(calls(filter), (std::vector<std::string>{"delta", "alpha", "charlie"}));
    filter.kind = "OPTIONS";
    EXPECT_EQ(calls(filter), std::vector<std::string>{"bravo"});
    filter.kind = "registration";
    EXPECT_EQ(calls(filter), std::vector<std::string>{"echo"});
}

TEST_F(ReaderQueries, HostIsAnAddressOrAnAddressAndPort) {
    store::Filter filter;
    filter.host = "10.0.0.2";  // any port: the proxy's 5060 and its 5080
    EXPECT_EQ(calls(filter), (std::vector<std::string>{"delta", "alpha", "foxtrot"}));
    filter.host = "10.0.0.2:5080";
    EXPECT_EQ(calls(filter), std::vector<std::string>{"foxtrot"});
    filter.host = "10.0.0.1";  // not 10.0.0.10, whose text starts the same
    EXPECT_EQ(calls(filter), (std::vector<std::string>{"delta", "bravo"}));
    filter.host = "10.0.0.9";  // a callee: the host is source or destination
    EXPECT_EQ(calls(filter), std::vector<std::string>{"charlie"});
    filter.host = "10.0.0._";  // LIKE's wildcards are taken as they are
    EXPECT_TRUE(calls(filter).empty());
}

TEST_F(ReaderQueries, SinceAndUntilBoundTheStartBothInclusive) {
    store::Filter filter;
    filter.sinceUs = 30 * Second;
    EXPECT_EQ(calls(filter), (std::vector<std::string>{"echo", "bravo", "foxtrot", "charlie"}));
    filter.sinceUs.reset();
    filter.untilUs = 30 * Second;
    EXPECT_EQ(calls(filter), (std::vector<std::string>{"delta", "alpha", "echo"}));
    filter.sinceUs = 30 * Second;
    EXPECT_EQ(calls(filter), std::vector<std::string>{"echo"});
    filter.sinceUs = 10 * Second + 1;  // delta began before, though it lasted past it
    filter.untilUs = 20 * Second;
    EXPECT_EQ(calls(filter), std::vector<std::string>{"alpha"});
}

TEST_F(ReaderQueries, TextWordsEachMatchCallIdFromOrTo) {
    store::Filter filter;
    filter.text = {"ALPH"};  // in a Call-ID
    EXPECT_EQ(calls(filter), std::vector<std::string>{"alpha"});
    filter.text = {"frank"};  // in a To URI
    EXPECT_EQ(calls(filter), std::vector<std::string>{"bravo"});
    filter.text = {"grace"};  // in a From URI
    EXPECT_EQ(calls(filter), std::vector<std::string>{"foxtrot"});
    filter.text = {"alice", "bravo"};  // every word, each anywhere
    EXPECT_EQ(calls(filter), std::vector<std::string>{"bravo"});
}

TEST_F(ReaderQueries, LimitKeepsTheFirstRows) {
    store::Filter filter;
    filter.limit = 2;
    EXPECT_EQ(calls(filter), (std::vector<std::string>{"delta", "alpha"}));
    filter.kind = "call";
    filter.limit = 2;
    EXPECT_EQ(calls(filter), (std::vector<std::string>{"delta", "alpha"}));
    filter.sinceUs = 15 * Second;
    EXPECT_EQ(calls(filter), (std::vector<std::string>{"alpha", "charlie"}));
}

TEST_F(ReaderQueries, FiltersCombineWithAnd) {
    store::Filter filter;
    filter.from = "alice";
    filter.kind = "call";
    EXPECT_EQ(calls(filter), std::vector<std::string>{"delta"});
    filter.status = 486;
    EXPECT_TRUE(calls(filter).empty());

    store::Filter hostAndClass;
    hostAndClass.host = "10.0.0.2";
    hostAndClass.statusClass = 2;
    EXPECT_EQ(calls(hostAndClass), (std::vector<std::string>{"delta", "foxtrot"}));
}

// --- The filters on the messages listing: method, status, times and host are the message's own ---

TEST_F(ReaderQueries, MessagesUnfilteredAreInTimeOrder) {
    EXPECT_EQ(messages({}), (std::vector<std::string>{
                                "delta INVITE", "delta 200", "delta ACK", "delta BYE", "delta 200", "alpha INVITE",
                                "alpha 486", "alpha ACK", "echo REGISTER", "echo 200", "bravo OPTIONS", "bravo 503",
                                "foxtrot MESSAGE", "foxtrot 202", "charlie INVITE", "charlie 180"}));
}

TEST_F(ReaderQueries, MessagesByMethodIncludeTheResponsesToIt) {
    store::Filter filter;
    filter.method = "bye";
    EXPECT_EQ(messages(filter), (std::vector<std::string>{"delta BYE", "delta 200"}));
    filter.method = "ACK";
    EXPECT_EQ(messages(filter), (std::vector<std::string>{"delta ACK", "alpha ACK"}));
}

TEST_F(ReaderQueries, MessagesByStatusAndClass) {
    store::Filter filter;
    filter.status = 200;
    EXPECT_EQ(messages(filter), (std::vector<std::string>{"delta 200", "delta 200", "echo 200"}));
    filter.status.reset();
    filter.statusClass = 1;
    EXPECT_EQ(messages(filter), std::vector<std::string>{"charlie 180"});
    filter.statusClass = 4;
    EXPECT_EQ(messages(filter), std::vector<std::string>{"alpha 486"});
}

TEST_F(ReaderQueries, MessagesBySinceAndUntilOfTheirOwnTime) {
    store::Filter filter;
    filter.sinceUs = 15 * Second;  // inside delta: its BYE and the 200 after
    filter.untilUs = 20 * Second;
    EXPECT_EQ(messages(filter), (std::vector<std::string>{"delta BYE", "delta 200", "alpha INVITE"}));
}

TEST_F(ReaderQueries, MessagesByHostAsSourceOrDestination) {
    store::Filter filter;
    filter.host = "10.0.0.2:5080";
    EXPECT_EQ(messages(filter), (std::vector<std::string>{"foxtrot MESSAGE", "foxtrot 202"}));
    filter.host = "10.0.0.1";
    EXPECT_EQ(messages(filter), (std::vector<std::string>{"delta INVITE", "delta 200", "delta ACK", "delta BYE",
                                                          "delta 200", "bravo OPTIONS", "bravo 503"}));
}

TEST_F(ReaderQueries, MessagesByTheirCallsFields) {
    store::Filter filter;
    filter.from = "carol";
    EXPECT_EQ(messages(filter), (std::vector<std::string>{"alpha INVITE", "alpha 486", "alpha ACK"}));
    filter = {};
    filter.to = "erin";
    EXPECT_EQ(messages(filter), (std::vector<std::string>{"echo REGISTER", "echo 200"}));
    filter = {};
    filter.callId = "bravo";
    EXPECT_EQ(messages(filter), (std::vector<std::string>{"bravo OPTIONS", "bravo 503"}));
    filter = {};
    filter.callKey = key("charlie");
    EXPECT_EQ(messages(filter), (std::vector<std::string>{"charlie INVITE", "charlie 180"}));
    filter = {};
    filter.state = "done";
    filter.kind = "message";
    EXPECT_EQ(messages(filter), (std::vector<std::string>{"foxtrot MESSAGE", "foxtrot 202"}));
    filter = {};
    filter.text = {"echo"};
    EXPECT_EQ(messages(filter), (std::vector<std::string>{"echo REGISTER", "echo 200"}));
    filter = {};
    filter.limit = 3;
    EXPECT_EQ(messages(filter), (std::vector<std::string>{"delta INVITE", "delta 200", "delta ACK"}));
}

// --- Each sort key of the call pages, both ways; descending reverses the ties (start, then key) too ---

TEST_F(ReaderQueries, EverySortKeyBothWays) {
    const struct {
        const char* field;
        std::vector<std::string> ascending;
    } cases[] = {
        {"duration", {"foxtrot", "echo", "alpha", "bravo", "charlie", "delta"}},
        {"from", {"delta", "bravo", "alpha", "echo", "foxtrot", "charlie"}},  // alice, alice, carol, erin, grace, heidi
        {"to", {"delta", "foxtrot", "alpha", "echo", "bravo", "charlie"}},    // bob, bob, dave, erin, frank, ivan
        // As text: "10.0.0.10:5060" sorts before "10.0.0.1:5060".
        {"src", {"foxtrot", "delta", "bravo", "alpha", "echo", "charlie"}},
        {"dst", {"delta", "alpha", "foxtrot", "echo", "bravo", "charlie"}},
        {"method", {"delta", "alpha", "charlie", "foxtrot", "bravo", "echo"}},  // INVITE MESSAGE OPTIONS REGISTER
        {"state", {"delta", "echo", "foxtrot", "bravo", "alpha", "charlie"}},  // completed done failed rejected ringing
        {"status", {"charlie", "delta", "echo", "foxtrot", "alpha", "bravo"}},  // none first, 200 200 202 486 503
        {"messages", {"echo", "bravo", "foxtrot", "charlie", "alpha", "delta"}},
        {"call_id", {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"}},
        {"kind", {"delta", "alpha", "charlie", "foxtrot", "bravo", "echo"}},  // call message options registration
    };
    store::Reader reader(db());
    for (const auto& c : cases) {
        SCOPED_TRACE(c.field);
        ASSERT_NE(c.ascending, StartOrder);
        EXPECT_EQ(callIds(reader.callPage({}, c.field, false, 0, 100)), c.ascending);
        const std::vector<std::string> descending(c.ascending.rbegin(), c.ascending.rend());
        EXPECT_EQ(callIds(reader.callPage({}, c.field, true, 0, 100)), descending);
    }
    EXPECT_EQ(callIds(reader.callPage({}, "start", false, 0, 100)), StartOrder);
    EXPECT_EQ(callIds(reader.callPage({}, "start", true, 0, 100)),
              std::vector<std::string>(StartOrder.rbegin(), StartOrder.rend()));
}

// --- Paging and counting ---

TEST_F(ReaderQueries, PagesCutTheSortedListingAndTheCountFollowsTheFilter) {
    store::Reader reader(db());
    EXPECT_EQ(reader.countCalls({}), 6u);
    // Pages of two, by Call-ID descending, joined, are the whole listing; past the end, nothing.
    std::vector<std::string> joined;
    for (std::size_t offset = 0; offset < 6; offset += 2) {
        const auto page = callIds(reader.callPage({}, "call_id", true, offset, 2));
        EXPECT_EQ(page.size(), 2u);
        joined.insert(joined.end(), page.begin(), page.end());
    }
    EXPECT_EQ(joined, (std::vector<std::string>{"foxtrot", "echo", "delta", "charlie", "bravo", "alpha"}));
    EXPECT_TRUE(reader.callPage({}, "call_id", true, 6, 2).empty());
    EXPECT_EQ(callIds(reader.callPage({}, "call_id", true, 5, 2)), std::vector<std::string>{"alpha"});

    store::Filter filter;
    filter.kind = "call";
    filter.limit = 1;  // neither the count nor the pages are cut by it
    EXPECT_EQ(reader.countCalls(filter), 3u);
    EXPECT_EQ(callIds(reader.callPage(filter, "duration", false, 1, 5)),
              (std::vector<std::string>{"charlie", "delta"}));

    const struct {
        const char* name;
        store::Filter filter;
        std::uint64_t count;
    } counts[] = {
        {"from",
         [] {
             store::Filter f;
             f.from = "alice";
             return f;
         }(),
         2},
        {"to",
         [] {
             store::Filter f;
             f.to = "bob";
             return f;
         }(),
         2},
        {"callId",
         [] {
             store::Filter f;
             f.callId = "echo";
             return f;
         }(),
         1},
        {"method",
         [] {
             store::Filter f;
             f.method = "INVITE";
             return f;
         }(),
         3},
        {"status",
         [] {
             store::Filter f;
             f.status = 200;
             return f;
         }(),
         2},
        {"statusClass",
         [] {
             store::Filter f;
             f.statusClass = 5;
             return f;
         }(),
         1},
        {"state",
         [] {
             store::Filter f;
             f.state = "rejected";
             return f;
         }(),
         1},
        {"kind",
         [] {
             store::Filter f;
             f.kind = "message";
             return f;
         }(),
         1},
        {"host",
         [] {
             store::Filter f;
             f.host = "10.0.0.2";
             return f;
         }(),
         3},
        {"since",
         [] {
             store::Filter f;
             f.sinceUs = 40 * Second;
             return f;
         }(),
         3},
        {"until",
         [] {
             store::Filter f;
             f.untilUs = 40 * Second;
             return f;
         }(),
         4},
        {"text",
         [] {
             store::Filter f;
             f.text = {"example.org"};
             return f;
         }(),
         1},
    };
    for (const auto& c : counts) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(reader.countCalls(c.filter), c.count);
        EXPECT_EQ(reader.callPage(c.filter, "start", false, 0, 100).size(), c.count);
    }
    store::Filter byKey;
    byKey.callKey = key("foxtrot");
    EXPECT_EQ(reader.countCalls(byKey), 1u);
}

}  // namespace
