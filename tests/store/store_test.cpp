// The store end to end through its public API: import a capture, read calls and messages back, filters,
// message text, several imports into one database, damaged files, and schema versions.
#include "common/error.hpp"
#include "store/database.hpp"
#include "store/ingest.hpp"
#include "store/reader.hpp"
#include "tests/tools/pcap_writer.hpp"
#include "tests/tools/run.hpp"
#include "tests/tools/test_sql.hpp"

#include <gtest/gtest.h>

using namespace sipscope;
using sipscope::test::sipMessage;

namespace {

test::PcapWriter twoCalls() {
    test::PcapWriter pcap;
    pcap.add({1'000'000, 0x0a000001, 0x0a000002, 5060, 5060,
              sipMessage("INVITE sip:bob@example.com SIP/2.0", "call-a", "1 INVITE")});
    pcap.add({1'100'000, 0x0a000002, 0x0a000001, 5060, 5060,
              sipMessage("SIP/2.0 486 Busy Here", "call-a", "1 INVITE", "", "x")});
    pcap.add({1'200'000, 0x0a000001, 0x0a000002, 5060, 5060,
              sipMessage("ACK sip:bob@example.com SIP/2.0", "call-a", "1 ACK", "", "x")});
    pcap.add({2'000'000, 0x0a000001, 0x0a000003, 5060, 5070,
              sipMessage("OPTIONS sip:carol@example.com SIP/2.0", "call-b", "7 OPTIONS")});
    pcap.add(
        {2'000'500, 0x0a000003, 0x0a000001, 5070, 5060, sipMessage("SIP/2.0 200 OK", "call-b", "7 OPTIONS", "", "y")});
    return pcap;
}

TEST(Store, ImportThenReadCallsMessagesAndText) {
    test::TempDir dir;
    twoCalls().write(dir.file("a.pcap"));
    const auto report = store::importFiles(dir.database(), {dir.file("a.pcap")});
    EXPECT_FALSE(report.hasErrors());
    EXPECT_EQ(report.sipMessages, 5u);
    EXPECT_EQ(report.calls, 2u);

    store::Reader reader(dir.database());
    const auto calls = reader.calls({});
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].callId, "call-a");
    EXPECT_EQ(calls[0].state, decode::CallState::Rejected);
    EXPECT_EQ(calls[0].status, 486);
    EXPECT_EQ(calls[0].messages, 3u);
    ASSERT_TRUE(calls[0].src && calls[0].dst);
    EXPECT_EQ(calls[0].src->toString(), "10.0.0.1:5060");
    EXPECT_EQ(calls[0].dst->toString(), "10.0.0.2:5060");
    EXPECT_EQ(calls[0].fromUser, "alice");
    EXPECT_EQ(calls[0].startUs, 1'000'000);
    EXPECT_EQ(calls[0].endUs, 1'200'000);
    EXPECT_EQ(calls[1].callId, "call-b");
    EXPECT_EQ(calls[1].state, decode::CallState::Done);

    const auto messages = reader.callMessages(calls[0].key, true);
    ASSERT_EQ(messages.size(), 3u);
    EXPECT_EQ(messages[0].method, "INVITE");
    EXPECT_EQ(messages[1].status, 486);
    EXPECT_EQ(messages[1].reason, "Busy Here");
    EXPECT_EQ(messages[1].cseqMethod, "INVITE");
    EXPECT_EQ(messages[0].text, sipMessage("INVITE sip:bob@example.com SIP/2.0", "call-a", "1 INVITE"));
    EXPECT_EQ(messages[2].frame, 3u);
    // The INVITE, its 486 and the ACK of the 486 are one transaction (RFC 3261 §17.1.1.3), read for the ladder.
    EXPECT_NE(messages[0].transactionKey, 0);
    EXPECT_EQ(messages[1].transactionKey, messages[0].transactionKey);
    EXPECT_EQ(messages[2].transactionKey, messages[0].transactionKey);
}

TEST(Store, FiltersNarrowCallsAndMessages) {
    test::TempDir dir;
    twoCalls().write(dir.file("a.pcap"));
    store::importFiles(dir.database(), {dir.file("a.pcap")});
    store::Reader reader(dir.database());
    struct Case {
        const char* name;
        store::Filter filter;
        std::size_t calls;
        std::size_t messages;
    };
    std::vector<Case> cases(7);
    cases[0] = {"status", {}, 1, 1};
    cases[0].filter.status = 486;
    cases[1] = {"method", {}, 1, 2};  // messages: OPTIONS request and its response (by CSeq method)
    cases[1].filter.method = "options";
    cases[2] = {"host", {}, 1, 2};
    cases[2].filter.host = "10.0.0.3";
    cases[3] = {"call-id", {}, 1, 3};
    cases[3].filter.callId = "call-a";
    cases[4] = {"state", {}, 1, 2};
    cases[4].filter.state = "done";
    cases[5] = {"since", {}, 1, 2};
    cases[5].filter.sinceUs = 1'500'000;
    cases[6] = {"limit", {}, 1, 1};
    cases[6].filter.limit = 1;
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(reader.calls(c.filter).size(), c.calls);
        EXPECT_EQ(reader.messages(c.filter).size(), c.messages);
    }
    EXPECT_EQ(reader.findCall("call-b")->callId, "call-b");
    EXPECT_FALSE(reader.findCall("no-such-call"));
}

TEST(Store, SecondImportAddsWithoutReusingKeys) {
    test::TempDir dir;
    twoCalls().write(dir.file("a.pcap"));
    store::IngestOptions again;
    again.allowDuplicates = true;
    store::importFiles(dir.database(), {dir.file("a.pcap")});
    store::importFiles(dir.database(), {dir.file("a.pcap")}, again);
    store::Reader reader(dir.database());
    const auto calls = reader.calls({});
    ASSERT_EQ(calls.size(), 4u);
    for (const auto& call : calls)
        EXPECT_EQ(reader.callMessages(call.key, false).size(), call.messages);
    EXPECT_EQ(reader.stats({}).messages, 10u);
}

TEST(Store, DamagedFileKeepsWhatCameBeforeAndNamesTheOffset) {
    test::TempDir dir;
    const std::string bytes = twoCalls().bytes();
    const std::string cut = bytes.substr(0, bytes.size() - 40);  // the last packet loses its tail
    std::ofstream(dir.file("cut.pcap"), std::ios::binary) << cut;
    const auto report = store::importFiles(dir.database(), {dir.file("cut.pcap")});
    ASSERT_TRUE(report.hasErrors());
    const std::string error = *report.files[0].error;
    EXPECT_NE(error.find("cut.pcap"), std::string::npos) << error;
    EXPECT_NE(error.find("byte"), std::string::npos) << error;
    store::Reader reader(dir.database());
    EXPECT_EQ(reader.stats({}).messages, 4u);
}

TEST(Store, StatsCountMethodsCodesAndStates) {
    test::TempDir dir;
    twoCalls().write(dir.file("a.pcap"));
    store::importFiles(dir.database(), {dir.file("a.pcap")});
    const auto stats = store::Reader(dir.database()).stats({});
    EXPECT_EQ(stats.messages, 5u);
    EXPECT_EQ(stats.calls, 2u);
    EXPECT_EQ(stats.requests.at("INVITE"), 1u);
    EXPECT_EQ(stats.requests.at("ACK"), 1u);
    EXPECT_EQ(stats.requests.at("OPTIONS"), 1u);
    EXPECT_EQ(stats.responses.at(486), 1u);
    EXPECT_EQ(stats.responses.at(200), 1u);
    EXPECT_EQ(stats.callStates.at("rejected"), 1u);
}

// A capture is known by its content hash (captureContentHash): the same bytes under another name are skipped, with
// the reason, and nothing is stored twice; allowDuplicates imports them again; a changed file is a new capture.
TEST(Store, DuplicateContentIsSkippedUnlessAllowed) {
    test::TempDir dir;
    const std::string bytes = twoCalls().bytes();
    for (const char* name : {"a.pcap", "copy.pcap"})
        std::ofstream(dir.file(name), std::ios::binary) << bytes;
    std::ofstream(dir.file("changed.pcap"), std::ios::binary) << bytes.substr(0, bytes.size() - 1) << 'X';
    ASSERT_EQ(store::captureContentHash(dir.file("a.pcap")), store::captureContentHash(dir.file("copy.pcap")));
    ASSERT_NE(store::captureContentHash(dir.file("a.pcap")), store::captureContentHash(dir.file("changed.pcap")));
    EXPECT_EQ(store::captureContentHash(dir.file("missing.pcap")), std::nullopt);

    store::importFiles(dir.database(), {dir.file("a.pcap")});
    const auto second = store::importFiles(dir.database(), {dir.file("copy.pcap"), dir.file("a.pcap")});
    ASSERT_EQ(second.files.size(), 2u);
    for (const auto& file : second.files) {
        ASSERT_TRUE(file.skipped) << file.path;
        EXPECT_FALSE(file.error);
        EXPECT_NE(file.skipped->find("same content as capture 1 (" + dir.file("a.pcap") + ")"), std::string::npos)
            << *file.skipped;
        EXPECT_NE(file.skipped->find("--force"), std::string::npos) << *file.skipped;
    }
    EXPECT_FALSE(second.hasErrors());
    EXPECT_EQ(store::Reader(dir.database()).stats({}).messages, 5u);

    // Twice in one import: the second copy is skipped; a changed file is imported.
    test::TempDir other;
    const auto once = store::importFiles(other.database(), {dir.file("a.pcap"), dir.file("copy.pcap")});
    ASSERT_FALSE(once.files[0].skipped);
    ASSERT_TRUE(once.files[1].skipped);
    EXPECT_NE(once.files[1].skipped->find(dir.file("a.pcap") + " earlier in this import"), std::string::npos);
    EXPECT_EQ(store::Reader(other.database()).stats({}).messages, 5u);

    store::IngestOptions force;
    force.allowDuplicates = true;
    const auto forced = store::importFiles(dir.database(), {dir.file("copy.pcap"), dir.file("changed.pcap")}, force);
    EXPECT_FALSE(forced.files[0].skipped);
    EXPECT_FALSE(forced.files[1].skipped);
    // The changed file repeats copy.pcap's messages on the same hops: imported together, they are one capture seen at
    // two points, each message stored once (issue 16's multi-point import); copy.pcap's 5 are stored again.
    EXPECT_EQ(forced.files[1].copies, 5u);
    EXPECT_EQ(store::Reader(dir.database()).stats({}).messages, 10u);
    const auto changed = store::importFiles(dir.database(), {dir.file("changed.pcap")});
    EXPECT_TRUE(changed.files[0].skipped);  // stored by the forced import above
}

TEST(Store, RefusesNewerSchemaAndNonDatabases) {
    test::TempDir dir;
    twoCalls().write(dir.file("a.pcap"));
    store::importFiles(dir.database(), {dir.file("a.pcap")});
    test::execSql(dir.database(), "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    try {
        store::Reader reader(dir.database());
        FAIL() << "a newer schema was accepted";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("newer"), std::string::npos) << error.what();
    }
    EXPECT_THROW(store::Reader(dir.file("missing.db")), Error);
}

// A database written by schema version 1 (no transactions, dialogs, registrations, call timings) is refused by
// readers with the command that upgrades it, and migrated in place, keeping its calls, by a read-write open.
TEST(Store, MigratesAnOlderSchemaKeepingItsData) {
    test::TempDir dir;
    twoCalls().write(dir.file("a.pcap"));
    store::importFiles(dir.database(), {dir.file("a.pcap")});
    const auto db = test::connectTo(dir.database());
    const char* const downgrade[] = {
        "DROP TABLE transactions", "DROP TABLE dialogs", "DROP TABLE registrations",
        "ALTER TABLE messages DROP COLUMN transaction_key", "ALTER TABLE messages DROP COLUMN dialog_key",
        // and what version 3 added
        "DROP TABLE subscriptions", "DROP TABLE call_links", "DROP TABLE media", "ALTER TABLE calls DROP COLUMN kind",
        "DROP INDEX captures_content_hash", "ALTER TABLE captures DROP COLUMN content_hash",
        // and what version 4 added
        "DROP TABLE streams", "UPDATE meta SET value = '1' WHERE key = 'schema_version'"};
    for (const char* sql : downgrade)
        db->exec(sql);
    for (const char* column :
         {"attempt_us", "first_provisional_us", "final_us", "answered_us", "bye_us", "bye_answered_us", "ended_by",
          "reason", "early_media", "reinvites", "holds", "resumes", "glare", "records_dropped"}) {
        db->exec(std::string("ALTER TABLE calls DROP COLUMN ") + column);
    }

    try {
        store::Reader reader(dir.database());
        FAIL() << "a read-only open accepted an older schema";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("sipscope migrate"), std::string::npos) << error.what();
    }
    { store::Database upgraded(dir.database(), store::Database::Mode::ReadWrite); }
    store::Reader reader(dir.database());
    const auto calls = reader.calls({});
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].callId, "call-a");
    EXPECT_EQ(calls[0].status, 486);
    EXPECT_EQ(reader.messages({}).size(), 5u);
    // New imports into the migrated database fill the new tables.
    twoCalls().write(dir.file("b.pcap"));
    store::importFiles(dir.database(), {dir.file("b.pcap")});
    EXPECT_EQ(store::Reader(dir.database()).calls({}).size(), 4u);
}

// [SECTION] Calls written as they end (issue 14)

// The text of the first row of `sql` on the database at `path` ("" when there is none).
std::string queryText(const std::string& path, const std::string& sql) { return test::queryRow(path, sql); }

// A call that ends (BYE answered), then copies of its BYE's 200 and of the BYE come within the linger time: the
// call is written when it ends, and the copies add to its row and its BYE's transaction, as they did when the call
// waited 32 s to be written whole.
test::PcapWriter callWithLateCopies() {
    test::PcapWriter pcap;
    auto add = [&pcap](std::int64_t atUs, bool fromCaller, const std::string& text) {
        pcap.add(
            {atUs, fromCaller ? 0x0a000001u : 0x0a000002u, fromCaller ? 0x0a000002u : 0x0a000001u, 5060, 5060, text});
    };
    add(1'000'000, true, sipMessage("INVITE sip:bob@example.com SIP/2.0", "late", "1 INVITE"));
    add(1'100'000, false, sipMessage("SIP/2.0 200 OK", "late", "1 INVITE", "", "t"));
    add(1'200'000, true, sipMessage("ACK sip:bob@example.com SIP/2.0", "late", "1 ACK", "", "t"));
    add(2'000'000, true, sipMessage("BYE sip:bob@example.com SIP/2.0", "late", "2 BYE", "", "t"));
    add(2'100'000, false, sipMessage("SIP/2.0 200 OK", "late", "2 BYE", "", "t"));
    add(2'600'000, false, sipMessage("SIP/2.0 200 OK", "late", "2 BYE", "", "t"));                  // copy of the 200
    add(3'000'000, true, sipMessage("BYE sip:bob@example.com SIP/2.0", "late", "2 BYE", "", "t"));  // of the BYE
    add(4'000'000, true, sipMessage("OPTIONS sip:carol@example.com SIP/2.0", "other", "1 OPTIONS"));
    return pcap;
}

TEST(Store, LateCopiesOfAWrittenCallAddToItsRowAndTransaction) {
    test::TempDir dir;
    callWithLateCopies().write(dir.file("late.pcap"));
    // One message a batch: the call's row is written long before its copies come. Then all in one batch.
    store::IngestOptions eachMessage;
    eachMessage.batchMessages = 1;
    const auto report = store::importFiles(dir.database("each.db"), {dir.file("late.pcap")}, eachMessage);
    EXPECT_FALSE(report.hasErrors());
    EXPECT_EQ(report.calls, 2u);
    EXPECT_EQ(report.correlator.callsEndedEarly, 1u);
    EXPECT_EQ(report.correlator.lateMessages, 2u);
    store::importFiles(dir.database("whole.db"), {dir.file("late.pcap")});

    for (const char* db : {"each.db", "whole.db"}) {
        const std::string path = dir.database(db);
        SCOPED_TRACE(db);
        EXPECT_EQ(queryText(path, "SELECT messages, retransmissions, end_us, state FROM calls WHERE call_id = 'late'"),
                  "7|2|3000000|completed");
        // The BYE's transaction: two copies of the request, two of the response.
        EXPECT_EQ(queryText(path, "SELECT count(*), sum(requests), sum(responses) FROM transactions t JOIN strings s "
                                  "ON s.id = t.method_id WHERE s.text = 'BYE'"),
                  "1|2|2");
        // The copies' message rows name the call and the BYE's transaction.
        EXPECT_EQ(queryText(path, "SELECT count(*), count(DISTINCT call_key), count(DISTINCT transaction_key) FROM "
                                  "messages WHERE cseq = 2"),
                  "4|1|1");
        EXPECT_EQ(queryText(path, "SELECT count(*) FROM messages m JOIN calls c ON c.id = m.call_key WHERE "
                                  "c.call_id = 'late'"),
                  "7");
    }
}

}  // namespace
