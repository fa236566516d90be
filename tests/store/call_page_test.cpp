// Reader::callPage and Reader::countCalls, the viewer's paged call list: pages cut the same rows as the full
// listing sorted the same way, the count follows the filter, and a filter's limit does not cut either.
#include "store/ingest.hpp"
#include "store/reader.hpp"
#include "tests/tools/pcap_writer.hpp"
#include "tests/tools/run.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

using namespace sipscope;
using sipscope::test::sipMessage;

namespace {

// Five calls a second apart, call-0 .. call-4; call-1 and call-3 rejected with 486, the others OPTIONS pings.
test::PcapWriter fiveCalls() {
    test::PcapWriter pcap;
    for (int i = 0; i < 5; ++i) {
        const std::string callId = "call-" + std::to_string(i);
        const std::int64_t t = 1'000'000 * (i + 1);
        const auto peer = static_cast<std::uint32_t>(0x0a000002 + i);
        if (i % 2 == 1) {
            pcap.add({t, 0x0a000001, peer, 5060, 5060,
                      sipMessage("INVITE sip:bob@example.com SIP/2.0", callId, "1 INVITE")});
            pcap.add({t + 1000 * i, peer, 0x0a000001, 5060, 5060,
                      sipMessage("SIP/2.0 486 Busy Here", callId, "1 INVITE", "", "x")});
        } else {
            pcap.add({t, 0x0a000001, peer, 5060, 5060,
                      sipMessage("OPTIONS sip:carol@example.com SIP/2.0", callId, "7 OPTIONS")});
        }
    }
    return pcap;
}

std::vector<std::string> callIds(const std::vector<store::CallRow>& rows) {
    std::vector<std::string> ids;
    for (const auto& row : rows)
        ids.push_back(row.callId);
    return ids;
}

TEST(CallPage, PagesCutTheSortedListing) {
    test::TempDir dir;
    fiveCalls().write(dir.file("a.pcap"));
    store::importFiles(dir.database(), {dir.file("a.pcap")});
    store::Reader reader(dir.database());

    const struct {
        const char* sort;
        bool descending;
        std::size_t offset, count;
        std::vector<std::string> expected;
    } cases[] = {
        {"start", false, 0, 2, {"call-0", "call-1"}},
        {"start", false, 3, 10, {"call-3", "call-4"}},
        {"start", true, 0, 2, {"call-4", "call-3"}},
        {"start", false, 5, 2, {}},
        {"status", true, 0, 2, {"call-3", "call-1"}},  // 486 first; descending reverses ties too, as calls --reverse
        {"duration", true, 0, 1, {"call-3"}},          // 3 ms, the longest
        {"dst", true, 0, 5, {"call-4", "call-3", "call-2", "call-1", "call-0"}},
        {"method", false, 0, 5, {"call-1", "call-3", "call-0", "call-2", "call-4"}},  // INVITE < OPTIONS
        {"no-such-field", false, 1, 1, {"call-1"}},                                   // start order
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.sort) + (c.descending ? " desc" : "") + " at " + std::to_string(c.offset));
        EXPECT_EQ(callIds(reader.callPage({}, c.sort, c.descending, c.offset, c.count)), c.expected);
    }
    EXPECT_EQ(reader.countCalls({}), 5u);
}

TEST(CallPage, CountAndPagesFollowTheFilterButNotItsLimit) {
    test::TempDir dir;
    fiveCalls().write(dir.file("a.pcap"));
    store::importFiles(dir.database(), {dir.file("a.pcap")});
    store::Reader reader(dir.database());

    store::Filter rejected;
    rejected.state = "rejected";
    rejected.limit = 1;
    EXPECT_EQ(reader.countCalls(rejected), 2u);
    EXPECT_EQ(callIds(reader.callPage(rejected, "start", false, 0, 10)),
              (std::vector<std::string>{"call-1", "call-3"}));

    store::Filter host;
    host.host = "10.0.0.4";  // call-2's peer
    EXPECT_EQ(reader.countCalls(host), 1u);
    EXPECT_EQ(callIds(reader.callPage(host, "start", false, 0, 10)), std::vector<std::string>{"call-2"});

    store::Filter from;
    from.from = "ALI";  // the pings and the INVITEs all come from alice
    EXPECT_EQ(reader.countCalls(from), 5u);
    from.from = "nobody";
    EXPECT_EQ(reader.countCalls(from), 0u);
    EXPECT_TRUE(reader.callPage(from, "start", false, 0, 10).empty());
}

// Keyset pages (Reader::callPageFrom) cut the same rows as OFFSET pages, from any anchor, both ways, in every order
// (ties and NULLs included: the pings have no status, three calls share a method), and callPosition is each call's
// place in that order.
TEST(CallPage, KeysetPagesAndPositionsMatchOffsetPages) {
    test::TempDir dir;
    fiveCalls().write(dir.file("a.pcap"));
    store::importFiles(dir.database(), {dir.file("a.pcap")});
    store::Reader reader(dir.database());
    for (const char* sort : {"start", "duration", "from", "src", "method", "state", "status", "call_id", "kind"}) {
        for (const bool descending : {false, true}) {
            SCOPED_TRACE(std::string(sort) + (descending ? " desc" : ""));
            const std::vector<store::CallRow> all = reader.callPage({}, sort, descending, 0, 10);
            ASSERT_EQ(all.size(), 5u);
            const std::vector<std::string> ids = callIds(all);
            auto slice = [&ids](std::size_t from, std::size_t to) {
                return std::vector<std::string>(ids.begin() + static_cast<std::ptrdiff_t>(std::min(from, to)),
                                                ids.begin() + static_cast<std::ptrdiff_t>(to));
            };
            EXPECT_EQ(callIds(reader.callPageFrom({}, sort, descending, std::nullopt, false, 1, 2)), slice(1, 3));
            EXPECT_EQ(callIds(reader.callPageFrom({}, sort, descending, std::nullopt, true, 1, 2)), slice(2, 4));
            for (std::size_t at = 0; at < all.size(); ++at) {
                SCOPED_TRACE("anchor " + ids[at]);
                EXPECT_EQ(reader.callPosition({}, sort, descending, all[at].key), at);
                EXPECT_EQ(callIds(reader.callPageFrom({}, sort, descending, all[at].key, false, 0, 2)),
                          slice(at + 1, std::min<std::size_t>(at + 3, 5)));
                EXPECT_EQ(callIds(reader.callPageFrom({}, sort, descending, all[at].key, false, 1, 10)),
                          slice(std::min<std::size_t>(at + 2, 5), 5));
                EXPECT_EQ(callIds(reader.callPageFrom({}, sort, descending, all[at].key, true, 0, 2)),
                          slice(at >= 2 ? at - 2 : 0, at));
            }
        }
    }
    store::Filter rejected;
    rejected.state = "rejected";
    const std::vector<store::CallRow> all = reader.callPage({}, "start", false, 0, 10);
    EXPECT_EQ(reader.callPosition(rejected, "start", false, all[3].key), 1u);            // call-3, after call-1
    EXPECT_EQ(reader.callPosition(rejected, "start", false, all[2].key), std::nullopt);  // a ping: not listed
    EXPECT_EQ(callIds(reader.callPageFrom(rejected, "start", false, all[2].key, false, 0, 10)),
              std::vector<std::string>{"call-3"});  // an anchor the filter leaves out still has its place
}

// A page carries every field of `sipscope calls`, the capture of each call too: the viewer's CSV of the list is
// the CSV `sipscope export calls` writes.
TEST(CallPage, RowsAreThoseOfTheListing) {
    test::TempDir dir;
    fiveCalls().write(dir.file("a.pcap"));
    test::PcapWriter other;
    other.add({9'000'000, 0x0a000001, 0x0a000009, 5060, 5060,
               sipMessage("OPTIONS sip:dave@example.com SIP/2.0", "call-9", "1 OPTIONS")});
    other.write(dir.file("b.pcap"));
    store::importFiles(dir.database(), {dir.file("a.pcap"), dir.file("b.pcap")});
    store::Reader reader(dir.database());
    const std::vector<store::CallRow> listed = reader.calls({});
    const std::vector<store::CallRow> page = reader.callPage({}, "start", false, 0, 10);
    ASSERT_EQ(page.size(), 6u);
    ASSERT_EQ(listed.size(), page.size());
    for (std::size_t i = 0; i < page.size(); ++i) {
        SCOPED_TRACE(page[i].callId);
        EXPECT_EQ(page[i].key, listed[i].key);
        EXPECT_EQ(page[i].capture, listed[i].capture);
        EXPECT_EQ(page[i].captureId, listed[i].captureId);
        EXPECT_EQ(page[i].legs, listed[i].legs);
    }
    EXPECT_NE(page.back().capture.find("b.pcap"), std::string::npos);
}

}  // namespace
