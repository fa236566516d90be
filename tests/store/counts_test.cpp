// What makes the queries of a big database fast must not change their answers: `stats` without a filter reads the
// message_counts and host_counts tables the writer keeps, and `calls --from` tests the distinct From values the
// writer keeps in call_froms, then finds their calls through the calls_from index. Each is compared here with the
// scan it replaces (the tables or the index dropped).
#include "capture/packet_source.hpp"
#include "store/database.hpp"
#include "store/detail/message_flags.hpp"
#include "store/ingest.hpp"
#include "store/reader.hpp"
#include "tests/tools/pcap_writer.hpp"
#include "tests/tools/run.hpp"
#include "tests/tools/test_sql.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

using namespace sipscope;
using sipscope::test::sipMessage;

namespace {

const std::vector<std::string> Samples = {
    SIPSCOPE_SAMPLES_DIR "/call-complete.pcap", SIPSCOPE_SAMPLES_DIR "/call-failed.pcap",
    SIPSCOPE_SAMPLES_DIR "/register.pcap", SIPSCOPE_SAMPLES_DIR "/subscribe.pcap"};

// Failures with reasons, a retransmitted failure, a 407 challenge, a message that is not SIP enough to be valid.
test::PcapWriter failures() {
    test::PcapWriter pcap;
    pcap.add({1'000'000, 0x0a000001, 0x0a000002, 5060, 5060,
              sipMessage("INVITE sip:Bob@example.com SIP/2.0", "f-1", "1 INVITE")});
    pcap.add({1'050'000, 0x0a000002, 0x0a000001, 5060, 5060,
              sipMessage("SIP/2.0 407 Proxy Authentication Required", "f-1", "1 INVITE", "", "t1")});
    pcap.add({1'100'000, 0x0a000001, 0x0a000002, 5060, 5060,
              sipMessage("INVITE sip:Bob@example.com SIP/2.0", "f-1", "2 INVITE")});
    pcap.add({1'150'000, 0x0a000002, 0x0a000001, 5060, 5060,
              sipMessage("SIP/2.0 503 Service Unavailable", "f-1", "2 INVITE", "", "t1")});
    pcap.add({1'650'000, 0x0a000002, 0x0a000001, 5060, 5060,
              sipMessage("SIP/2.0 503 Service Unavailable", "f-1", "2 INVITE", "", "t1")});
    pcap.add({2'000'000, 0x0a000003, 0x0a000002, 5070, 5060,
              sipMessage("INVITE sip:carol@example.com SIP/2.0", "f-2", "1 INVITE")});
    pcap.add({2'010'000, 0x0a000002, 0x0a000003, 5060, 5070,
              sipMessage("SIP/2.0 486 Busy Here", "f-2", "1 INVITE", "", "t2")});
    pcap.add({3'000'000, 0x0a000003, 0x0a000002, 5070, 5060, "OPTIONS sip:x SIP/2.0\r\nCall-ID: broken\r\n\r\n"});
    return pcap;
}

void exec(const std::string& db, const std::string& sql) { test::execSql(db, sql); }

void expectSameDelay(const store::DelayStats& a, const store::DelayStats& b, const char* name) {
    EXPECT_EQ(a.count, b.count) << name;
    EXPECT_EQ(a.meanMs, b.meanMs) << name;
    EXPECT_EQ(a.minMs, b.minMs) << name;
    EXPECT_EQ(a.maxMs, b.maxMs) << name;
    EXPECT_EQ(a.p50Ms, b.p50Ms) << name;
    EXPECT_EQ(a.p95Ms, b.p95Ms) << name;
}

void expectSameStats(const store::Stats& a, const store::Stats& b) {
    EXPECT_EQ(a.messages, b.messages);
    EXPECT_EQ(a.invalidMessages, b.invalidMessages);
    EXPECT_EQ(a.retransmissions, b.retransmissions);
    EXPECT_EQ(a.calls, b.calls);
    EXPECT_EQ(a.requests, b.requests);
    EXPECT_EQ(a.responses, b.responses);
    EXPECT_EQ(a.callStates, b.callStates);
    EXPECT_EQ(a.callOutcomes, b.callOutcomes);
    EXPECT_EQ(a.endedBy, b.endedBy);
    ASSERT_EQ(a.failures.size(), b.failures.size());
    for (std::size_t i = 0; i < a.failures.size(); ++i) {
        EXPECT_EQ(a.failures[i].status, b.failures[i].status) << i;
        EXPECT_EQ(a.failures[i].reason, b.failures[i].reason) << i;
        EXPECT_EQ(a.failures[i].count, b.failures[i].count) << i;
    }
    ASSERT_EQ(a.hosts.size(), b.hosts.size());
    for (std::size_t i = 0; i < a.hosts.size(); ++i) {
        EXPECT_EQ(a.hosts[i].host, b.hosts[i].host) << i;
        EXPECT_EQ(a.hosts[i].sent, b.hosts[i].sent) << i;
        EXPECT_EQ(a.hosts[i].received, b.hosts[i].received) << i;
        EXPECT_EQ(a.hosts[i].requestsSent, b.hosts[i].requestsSent) << i;
        EXPECT_EQ(a.hosts[i].responsesSent, b.hosts[i].responsesSent) << i;
        EXPECT_EQ(a.hosts[i].failuresSent, b.hosts[i].failuresSent) << i;
        EXPECT_EQ(a.hosts[i].calls, b.hosts[i].calls) << i;
    }
    expectSameDelay(a.rfc6076.rrd, b.rfc6076.rrd, "rrd");
    expectSameDelay(a.rfc6076.srdSuccessful, b.rfc6076.srdSuccessful, "srd_successful");
    expectSameDelay(a.rfc6076.srdFailed, b.rfc6076.srdFailed, "srd_failed");
    expectSameDelay(a.rfc6076.setupSuccessful, b.rfc6076.setupSuccessful, "setup_successful");
    expectSameDelay(a.rfc6076.sdd, b.rfc6076.sdd, "sdd");
    expectSameDelay(a.rfc6076.sdt, b.rfc6076.sdt, "sdt");
    EXPECT_EQ(a.rfc6076.invites, b.rfc6076.invites);
    EXPECT_EQ(a.rfc6076.ser, b.rfc6076.ser);
    EXPECT_EQ(a.rfc6076.seer, b.rfc6076.seer);
    EXPECT_EQ(a.rfc6076.isa, b.rfc6076.isa);
    EXPECT_EQ(a.rfc6076.scr, b.rfc6076.scr);
}

// Two imports into one database, so the counts are added batch after batch.
std::string importAll(test::TempDir& dir) {
    failures().write(dir.file("failures.pcap"));
    const std::string db = dir.database();
    store::importFiles(db, Samples);
    store::importFiles(db, {dir.file("failures.pcap")});
    return db;
}

TEST(StoreCounts, StatsFromTheCountsEqualTheScanOfEveryMessage) {
    test::TempDir dir;
    const std::string db = importAll(dir);
    const store::Stats fromCounts = store::Reader(db).stats({});
    ASSERT_GT(fromCounts.messages, 20u);
    ASSERT_FALSE(fromCounts.failures.empty());
    EXPECT_GT(fromCounts.retransmissions, 0u);
    EXPECT_GT(fromCounts.invalidMessages, 0u);

    exec(db, "DROP TABLE message_counts; DROP TABLE host_counts");
    const store::Stats scanned = store::Reader(db).stats({});  // without the tables: the scan
    expectSameStats(fromCounts, scanned);

    // A read-write open (an import, a capture) fills missing tables from the messages once.
    { store::Database refill(db, store::Database::Mode::ReadWrite); }
    expectSameStats(store::Reader(db).stats({}), scanned);

    // A filter that keeps everything still scans, and agrees.
    store::Filter everything;
    everything.sinceUs = 0;
    expectSameStats(store::Reader(db).stats(everything), scanned);
}

// The Call-IDs of the calls `--from needle` lists (at most `limit`, 0 = all).
std::vector<std::string> callIdsFrom(store::Reader& reader, const std::string& needle, std::size_t limit = 0) {
    store::Filter filter;
    filter.from = needle;
    if (limit)
        filter.limit = limit;
    std::vector<std::string> ids;
    for (const auto& call : reader.calls(filter))
        ids.push_back(call.callId);
    return ids;
}

TEST(StoreCounts, FromMatchesTheSameCallsWithAndWithoutTheIndex) {
    test::TempDir dir;
    const std::string db = importAll(dir);
    const std::vector<std::string> needles = {"alice", "ALI", "bob",          "example", "sip:", "@",
                                              "1",     "",    "no-such-user", "%",       "_"};
    std::vector<std::vector<std::string>> indexed;
    {
        store::Reader reader(db);
        for (const std::string& needle : needles)
            indexed.push_back(callIdsFrom(reader, needle));
    }
    EXPECT_FALSE(indexed[0].empty());
    EXPECT_TRUE(indexed[8].empty());
    // Refilled from the calls by a read-write open when missing, then the same again.
    exec(db, "DROP TABLE call_froms");
    { store::Database refill(db, store::Database::Mode::ReadWrite); }
    {
        store::Reader reader(db);
        for (std::size_t i = 0; i < needles.size(); ++i)
            EXPECT_EQ(callIdsFrom(reader, needles[i]), indexed[i]) << "--from '" << needles[i] << "' after the refill";
    }
    exec(db, "DROP INDEX calls_from");  // the scan of every call
    store::Reader reader(db);
    for (std::size_t i = 0; i < needles.size(); ++i) {
        EXPECT_EQ(callIdsFrom(reader, needles[i]), indexed[i]) << "--from '" << needles[i] << "'";
        EXPECT_EQ(callIdsFrom(reader, needles[i], 1).size(), std::min<std::size_t>(1, indexed[i].size())) << needles[i];
    }
}

// An import into a fresh database builds calls_from at its end; into a database that has calls it keeps the index as
// it is; a database left without it (an import killed before its end) gets it back at the next read-write open.
TEST(StoreCounts, CallsFromIndexIsThereAfterEveryImportAndComesBackWhenMissing) {
    test::TempDir dir;
    const std::string db = dir.database();
    auto hasIndex = [&db] {
        store::Database open(db, store::Database::Mode::ReadOnly);
        return open.hasIndex("calls_from");
    };
    store::importFiles(db, {Samples[0]});
    EXPECT_TRUE(hasIndex());
    store::importFiles(db, {Samples[1]});
    EXPECT_TRUE(hasIndex());
    exec(db, "DROP INDEX calls_from");
    EXPECT_FALSE(hasIndex());
    { store::Database reopened(db, store::Database::Mode::ReadWrite); }
    EXPECT_TRUE(hasIndex());
    store::Reader reader(db);
    EXPECT_FALSE(callIdsFrom(reader, "sipp").empty());
}

// A live capture (writeOpenCalls) keeps calls_from while it writes, for the readers that query it meanwhile.
TEST(StoreCounts, LiveCaptureKeepsCallsFromWhileItRuns) {
    test::TempDir dir;
    const std::string db = dir.database();
    // A source that looks at the database from a second connection while the import runs (after some packets).
    class Watching final : public capture::PacketSource {
    public:
        Watching(std::unique_ptr<capture::PacketSource> inner, std::string db, int& seen)
            : m_inner(std::move(inner)), m_db(std::move(db)), m_seen(seen) {}
        bool next(capture::RawPacket& packet) override {
            if (++m_calls == 10)
                m_seen = store::Database(m_db, store::Database::Mode::ReadOnly).hasIndex("calls_from") ? 1 : 0;
            return m_inner->next(packet);
        }
        std::uint64_t bytesRead() const override { return m_inner->bytesRead(); }
        std::uint64_t totalBytes() const override { return m_inner->totalBytes(); }
        const std::string& name() const override { return m_inner->name(); }

    private:
        std::unique_ptr<capture::PacketSource> m_inner;
        std::string m_db;
        int& m_seen;
        int m_calls = 0;
    };
    for (const bool isLive : {true, false}) {
        SCOPED_TRACE(isLive);
        const std::string path = dir.file(isLive ? "live.db" : "import.db");
        int seen = -1;
        store::IngestOptions options;
        options.writeOpenCalls = isLive;
        store::ingestSources(
            path,
            {{"sample", [&] { return std::make_unique<Watching>(capture::openCaptureFile(Samples[0]), path, seen); }}},
            options);
        EXPECT_EQ(seen, isLive ? 1 : 0);  // an import builds it at its end instead
        EXPECT_TRUE(store::Database(path, store::Database::Mode::ReadOnly).hasIndex("calls_from"));
    }
}

// The SQL the counts and the statistics select failures with is what decode::isFailureStatus says, code by code,
// flag by flag: written from it, it cannot drift from it.
TEST(FailureSql, SelectsWhatDecodeCallsAFailureOnEveryStatusCode) {
    const auto db = store::detail::openSqlite(":memory:", false);
    const std::uint32_t excluded = store::detail::FlagRetransmission | store::detail::FlagRepeatedFailure;
    const std::string sql =
        "SELECT " + store::detail::failureSql("m.", excluded) + " FROM (SELECT ?1 AS status, ?2 AS flags) m";
    store::detail::Statement stmt(*db, sql);
    for (int code = 0; code <= 999; ++code) {
        for (const std::uint32_t flags : {0u, std::uint32_t{store::detail::FlagValid}, excluded}) {
            stmt.bindInt(1, code);
            stmt.bindInt(2, flags);
            ASSERT_TRUE(stmt.step());
            const bool expected = decode::isFailureStatus(code) && (flags & excluded) == 0;
            EXPECT_EQ(stmt.columnInt(0) != 0, expected) << "status " << code << ", flags " << flags;
            stmt.reset();
        }
    }
}

}  // namespace
