// Reliability through the `sipscope` binary, as a user meets it: damaged capture files, an import killed with
// SIGKILL, the same capture imported twice, a disk that fills up, and floods of Call-IDs and half-open TCP streams
// that must stay inside the configured bounds (checked by the eviction counters, never by time).
#include "tests/tools/pcap_writer.hpp"
#include "tests/tools/run.hpp"
#include "tests/tools/test_sql.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

using sipscope::test::quote;
using sipscope::test::runCommand;
using sipscope::test::sipMessage;

namespace {

const std::string Binary = SIPSCOPE_BINARY;
const std::string GenFlood = GEN_FLOOD_BINARY;
const std::string GenCalls = GEN_CALLS_BINARY;
constexpr std::uint64_t FloodCalls = FLOOD_CALLS;  // 1,000,000; 100,000 under the sanitizers

// One connection for the checks, to the SQLite file or the PostgreSQL database (read-write, so a WAL left by a
// killed writer is recovered as any later sipscope run would).
class Db {
public:
    explicit Db(const std::string& path) : m_isPostgres(sipscope::store::isPostgresDatabase(path)) {
        try {
            m_db = sipscope::test::connectTo(path);
            if (!m_isPostgres)
                m_db->exec("PRAGMA busy_timeout = 10000");
        } catch (const sipscope::Error& error) {
            ADD_FAILURE() << error.what();
        }
    }
    bool isPostgres() const { return m_isPostgres; }

    std::string text(const std::string& sql) const {
        if (!m_db)
            return "<error> no connection";
        try {
            sipscope::store::detail::Statement stmt(*m_db, sql);
            if (!stmt.step())
                return "<no row>";
            return stmt.columnIsNull(0) ? "<null>" : stmt.columnText(0);
        } catch (const sipscope::Error& error) {
            return std::string("<error> ") + error.what();
        }
    }
    std::int64_t count(const std::string& sql) const {
        const std::string value = text(sql);
        char* end = nullptr;
        const long long number = std::strtoll(value.c_str(), &end, 10);
        EXPECT_TRUE(end && *end == '\0' && !value.empty()) << sql << " -> " << value;
        return number;
    }

private:
    bool m_isPostgres;
    std::unique_ptr<sipscope::store::detail::Connection> m_db;
};

// What must hold for any database sipscope leaves behind, whatever happened to the process: SQLite's own check,
// and whole batches only. A batch carries its messages and its capture's running counts in one transaction, so
// each capture's sip_messages equals the messages stored under it; no message points at a missing capture or
// text block; no call is stored without its messages.
void expectConsistent(const std::string& path) {
    Db db(path);
    if (!db.isPostgres()) {  // PostgreSQL's own pages are the server's to keep whole
        EXPECT_EQ(db.text("PRAGMA integrity_check"), "ok") << path;
    }
    EXPECT_EQ(db.count("SELECT count(*) FROM messages WHERE capture_id NOT IN (SELECT id FROM captures)"), 0);
    EXPECT_EQ(db.count("SELECT count(*) FROM messages WHERE block_id NOT IN (SELECT id FROM text_blocks)"), 0);
    EXPECT_EQ(db.count("SELECT count(*) FROM captures c WHERE sip_messages != "
                       "(SELECT count(*) FROM messages m WHERE m.capture_id = c.id)"),
              0)
        << "a capture's counts and its messages come from different batches";
    // A call is written after (or with) its messages, so a committed call has its messages committed.
    EXPECT_EQ(db.count("SELECT count(*) FROM calls c WHERE NOT EXISTS "
                       "(SELECT 1 FROM messages m WHERE m.call_key = c.id)"),
              0);
}

std::int64_t messageCount(const std::string& path) { return Db(path).count("SELECT count(*) FROM messages"); }

// ---- capture files made here -----------------------------------------------------------------------------------

std::string messageFor(int index, const std::string& prefix) {
    return sipMessage("OPTIONS sip:probe@example.com SIP/2.0", prefix + std::to_string(index), "1 OPTIONS");
}

// A classic pcap of `count` SIP messages; recordOffsets gets each record's offset in the file.
std::string pcapOf(int count, const std::string& prefix, std::vector<std::size_t>* recordOffsets = nullptr) {
    sipscope::test::PcapWriter writer;
    std::vector<std::size_t> offsets;
    for (int i = 0; i < count; ++i) {
        offsets.push_back(writer.bytes().size());
        writer.add({1'000'000 + i * 1000, 0x0a000001, 0x0a000002, 5060, 5060, messageFor(i, prefix)});
    }
    if (recordOffsets)
        *recordOffsets = offsets;
    return writer.bytes();
}

// The Ethernet frame of one UDP packet, as PcapWriter builds it.
std::string frameOf(const std::string& payload) {
    sipscope::test::PcapWriter writer;
    writer.add({0, 0x0a000001, 0x0a000002, 5060, 5060, payload});
    return writer.bytes().substr(24 + 16);
}

void le32(std::string& out, std::uint32_t value) {
    for (int i = 0; i < 4; ++i)
        out += static_cast<char>(value >> (8 * i));
}

// A little-endian pcapng: section header, one Ethernet interface, one Enhanced Packet Block per message.
// blockOffsets gets the offset of every block (0: the section header, 1: the interface, 2...: the packets).
std::string pcapngOf(int count, const std::string& prefix, std::vector<std::size_t>* blockOffsets) {
    std::string out;
    blockOffsets->clear();
    blockOffsets->push_back(out.size());
    le32(out, 0x0A0D0D0A);
    le32(out, 28);
    le32(out, 0x1A2B3C4D);
    out += std::string("\x01\x00\x00\x00", 4);                  // version 1.0
    out += std::string("\xff\xff\xff\xff\xff\xff\xff\xff", 8);  // section length unknown
    le32(out, 28);
    blockOffsets->push_back(out.size());
    le32(out, 1);
    le32(out, 20);
    le32(out, 1);  // link type Ethernet, reserved 0
    le32(out, 65535);
    le32(out, 20);
    for (int i = 0; i < count; ++i) {
        blockOffsets->push_back(out.size());
        const std::string frame = frameOf(messageFor(i, prefix));
        const std::size_t padded = (frame.size() + 3) / 4 * 4;
        const auto length = static_cast<std::uint32_t>(32 + padded);
        le32(out, 6);
        le32(out, length);
        le32(out, 0);  // interface 0
        const std::uint64_t ts = 1'700'000'000'000'000ULL + static_cast<std::uint64_t>(i) * 1000;
        le32(out, static_cast<std::uint32_t>(ts >> 32));
        le32(out, static_cast<std::uint32_t>(ts));
        le32(out, static_cast<std::uint32_t>(frame.size()));
        le32(out, static_cast<std::uint32_t>(frame.size()));
        out += frame;
        out.append(padded - frame.size(), '\0');
        le32(out, length);
    }
    return out;
}

void put32(std::string& bytes, std::size_t at, std::uint32_t value) {
    for (int i = 0; i < 4; ++i)
        bytes[at + i] = static_cast<char>(value >> (8 * i));
}

void writeFile(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

// ---- damaged files -------------------------------------------------------------------------------------------

struct Damage {
    const char* name;    // file name, and what the case is
    std::string bytes;   // the damaged file
    std::size_t offset;  // where the error must say the damage is
    std::int64_t kept;   // messages of the damaged file stored before it
};

std::vector<Damage> damages() {
    std::vector<Damage> all;
    std::vector<std::size_t> records;
    const std::string pcap = pcapOf(5, "pcap-", &records);
    {
        std::string bytes = pcap;
        bytes.replace(0, 4, "XXXX");
        all.push_back({"bad-magic.pcap", bytes, 0, 0});
    }
    all.push_back({"cut-file-header.pcap", pcap.substr(0, 10), 0, 0});
    all.push_back({"cut-mid-packet.pcap", pcap.substr(0, records[3] + 16 + 30), records[3], 3});
    all.push_back({"cut-record-header.pcap", pcap.substr(0, records[4] + 7), records[4], 4});
    {
        std::string bytes = pcap;
        put32(bytes, records[2] + 8, 1u << 20);  // caplen 1 MiB: above the file's snap length of 65535
        all.push_back({"caplen-above-snaplen.pcap", bytes, records[2], 2});
    }
    std::vector<std::size_t> blocks;
    const std::string pcapng = pcapngOf(5, "ng-", &blocks);
    {
        std::string bytes = pcapng;
        put32(bytes, 8, 0x11223344);  // the section's byte-order magic
        all.push_back({"bad-magic.pcapng", bytes, 0, 0});
    }
    {
        std::string bytes = pcapng;
        put32(bytes, blocks[4] + 4, 66);  // third packet's block length, not a multiple of 4
        all.push_back({"bad-block-length.pcapng", bytes, blocks[4], 2});
    }
    {
        std::string bytes = pcapng;
        put32(bytes, blocks[5] + 4, 1u << 20);  // fourth packet's block length, past the end of the file
        all.push_back({"block-length-past-end.pcapng", bytes, blocks[5], 3});
    }
    all.push_back({"cut-mid-packet.pcapng", pcapng.substr(0, blocks[6] + 40), blocks[6], 4});
    all.push_back({"cut-section-header.pcapng", pcapng.substr(0, 20), 0, 0});
    {
        std::string bytes = pcapng;
        put32(bytes, 4, 12);  // a section header as short as a block can be: no room for its byte-order magic
        put32(bytes, 24, 12);
        all.push_back({"section-header-of-12-bytes.pcapng", bytes, 0, 0});
    }
    return all;
}

// Each damage: exit 2, an error naming the file and the byte offset, everything before the damage stored (and the
// good file imported in the same command too), the capture row keeping the error.
TEST(Reliability, DamagedFilesNameFileAndOffsetKeepWhatCameBeforeAndExitTwo) {
    for (const Damage& damage : damages()) {
        SCOPED_TRACE(damage.name);
        sipscope::test::TempDir dir;
        const std::string good = dir.file("good.pcap");
        const std::string damaged = dir.file(damage.name);
        const std::string db = dir.file("db");
        writeFile(good, pcapOf(3, "good-"));
        writeFile(damaged, damage.bytes);
        const auto result =
            runCommand(Binary + " import --quiet " + quote(good) + " " + quote(damaged) + " --db " + quote(db), true);
        EXPECT_EQ(result.exitCode, 2) << result.out;
        const std::string where = damaged + ": ";
        const auto line = result.out.find("sipscope: " + where);
        ASSERT_NE(line, std::string::npos) << result.out;
        const std::string error = result.out.substr(line, result.out.find('\n', line) - line);
        EXPECT_NE(error.find("at byte " + std::to_string(damage.offset)), std::string::npos) << error;
        Db check(db);
        EXPECT_EQ(check.count("SELECT count(*) FROM messages m JOIN captures c ON c.id = m.capture_id "
                              "WHERE c.path = " +
                              quote(good)),
                  3);
        if (damage.kept > 0) {
            EXPECT_EQ(check.count("SELECT count(*) FROM messages m JOIN captures c ON c.id = m.capture_id "
                                  "WHERE c.path = " +
                                  quote(damaged)),
                      damage.kept);
            EXPECT_NE(check.text("SELECT error FROM captures WHERE path = " + quote(damaged))
                          .find("at byte " + std::to_string(damage.offset)),
                      std::string::npos);
        }
        EXPECT_EQ(check.count("SELECT count(*) FROM messages"), 3 + damage.kept);
    }
}

// ---- duplicate imports ---------------------------------------------------------------------------------------

TEST(Reliability, TheSameCaptureIsImportedOnceUnlessForced) {
    sipscope::test::TempDir dir;
    const std::string db = dir.file("db");
    writeFile(dir.file("a.pcap"), pcapOf(4, "dup-"));
    writeFile(dir.file("renamed copy.pcap"), pcapOf(4, "dup-"));
    const auto sipscope = [&](const std::string& arguments) {
        return runCommand(Binary + " import --quiet " + arguments + " --db " + quote(db), true);
    };
    ASSERT_EQ(sipscope(quote(dir.file("a.pcap"))).exitCode, 0);
    const auto again = sipscope(quote(dir.file("renamed copy.pcap")));
    EXPECT_EQ(again.exitCode, 0) << again.out;
    EXPECT_NE(again.out.find("renamed copy.pcap: same content as capture 1 (" + dir.file("a.pcap") + ")"),
              std::string::npos)
        << again.out;
    EXPECT_NE(again.out.find("--force"), std::string::npos) << again.out;
    EXPECT_EQ(messageCount(db), 4);
    EXPECT_EQ(Db(db).count("SELECT count(*) FROM captures"), 1);

    const auto forced = sipscope("--force " + quote(dir.file("renamed copy.pcap")));
    EXPECT_EQ(forced.exitCode, 0) << forced.out;
    EXPECT_EQ(messageCount(db), 8);
    EXPECT_EQ(Db(db).count("SELECT count(DISTINCT content_hash) FROM captures"), 1);
}

// ---- SIGKILL during an import -------------------------------------------------------------------------------

pid_t spawn(const std::vector<std::string>& arguments) {
    std::vector<char*> argv;
    for (const std::string& argument : arguments)
        argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

// Committed messages, or -1 while the database or its tables do not exist yet. Read-only, so it never takes the
// writer's lock; a busy database counts as "not yet".
std::int64_t committedMessages(const std::string& path) {
    try {
        const auto db = sipscope::test::connectTo(path, true);
        return sipscope::store::detail::queryInt(*db, "SELECT count(*) FROM messages", -1);
    } catch (const sipscope::Error&) {
        return -1;
    }
}

// The import is killed at several moments after its first commit; each time the database opens, passes SQLite's
// integrity check and holds whole batches only. The killed capture is not taken for imported: importing the file
// again stores all of it.
TEST(Reliability, SigkillDuringAnImportLeavesWholeBatchesAndAnIntactDatabase) {
    sipscope::test::TempDir dir;
    const std::string capture = dir.file("large.pcap");
    const auto made = runCommand(GenCalls + " --calls " + std::to_string(FloodCalls / 25) + " -o " + quote(capture));
    ASSERT_EQ(made.exitCode, 0) << made.out;
    const std::int64_t total = static_cast<std::int64_t>(FloodCalls / 25) * 7;  // gen_calls: 7 messages a call

    int killedMidway = 0;
    for (const int afterMs : {0, 20, 100, 300}) {
        SCOPED_TRACE("killed " + std::to_string(afterMs) + " ms after the first commit");
        const std::string db = dir.database("killed-" + std::to_string(afterMs) + ".db");
        const pid_t pid = spawn({Binary, "import", "--quiet", capture, "--db", db});
        ASSERT_GT(pid, 0);
        // Poll until a batch is committed (or the import ended on its own): the moment is what the test chooses,
        // so nothing here depends on how fast the machine is.
        int status = 0;
        bool hasExited = false;
        while (committedMessages(db) <= 0) {
            if (waitpid(pid, &status, WNOHANG) == pid) {
                hasExited = true;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        if (!hasExited) {
            std::this_thread::sleep_for(std::chrono::milliseconds(afterMs));
            kill(pid, SIGKILL);
            ASSERT_EQ(waitpid(pid, &status, 0), pid);
            hasExited = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
            if (hasExited)
                ++killedMidway;
        }
        expectConsistent(db);
        const std::int64_t kept = messageCount(db);
        EXPECT_GT(kept, 0);
        EXPECT_LE(kept, total);
        EXPECT_EQ(
            Db(db).text("SELECT content_hash IS NULL OR sip_messages = " + std::to_string(total) + " FROM captures"),
            "1")
            << "a capture cut short must not carry the hash that makes it 'already imported'";
        // Every sipscope command still reads it.
        const auto calls = runCommand(Binary + " stats --db " + quote(db), true);
        EXPECT_EQ(calls.exitCode, 0) << calls.out;
        if (afterMs == 300 && Db(db).text("SELECT content_hash IS NULL FROM captures") == "1") {
            const auto again = runCommand(Binary + " import --quiet " + quote(capture) + " --db " + quote(db), true);
            EXPECT_EQ(again.exitCode, 0) << again.out;
            EXPECT_EQ(again.out.find("skipped"), std::string::npos) << again.out;
            EXPECT_EQ(Db(db).count("SELECT sip_messages FROM captures ORDER BY id DESC LIMIT 1"), total);
            expectConsistent(db);
        }
    }
    EXPECT_GT(killedMidway, 0) << "every import finished before it could be killed; make the capture larger";
}

// ---- disk full -----------------------------------------------------------------------------------------------

// A file size limit (SIGXFSZ ignored, so writes fail with EFBIG as on a full disk) stops the import: exit 2, an
// error naming the database and the cause, and a database that opens, passes the integrity check and holds the
// batches committed before.
TEST(Reliability, AFullDiskIsAClearErrorAndLeavesAConsistentDatabase) {
    sipscope::test::TempDir dir;
    const std::string capture = dir.file("calls.pcap");
    ASSERT_EQ(runCommand(GenCalls + " --calls 8000 -o " + quote(capture)).exitCode, 0);
    const std::string db = dir.file("full.db");
    const auto result = runCommand("bash -c " + quote("ulimit -f 3072; trap '' XFSZ; exec " + quote(Binary) +
                                                      " import --quiet " + quote(capture) + " --db " + quote(db)),
                                   true);
    EXPECT_EQ(result.exitCode, 2) << result.out;
    EXPECT_NE(result.out.find("sipscope: " + db + ": cannot write"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("the file size limit of 3145728 bytes was reached"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("committed before it is kept"), std::string::npos) << result.out;
    expectConsistent(db);
    EXPECT_LT(messageCount(db), 8000 * 7);
    EXPECT_EQ(runCommand(Binary + " calls --db " + quote(db) + " --format csv", true).exitCode, 0);
}

// The benchmark's workloads are plain, healthy traffic: every shape gen_calls makes imports with no finding at all
// (a generator whose 200 OK had no Contact once made every bench call an error).
TEST(Reliability, BenchWorkloadsAreHealthyCallsWithNoFindings) {
    sipscope::test::TempDir dir;
    const std::vector<std::string> shapes = {"", "--rate 5000", "--transport tcp --rate 20000", "--rtp 60",
                                             "--options --rate 5000"};
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        SCOPED_TRACE("gen_calls " + shapes[i]);
        const std::string capture = dir.file("bench" + std::to_string(i) + ".pcap");
        const std::string db = dir.file("bench" + std::to_string(i) + ".db");
        ASSERT_EQ(runCommand(GenCalls + " --calls 300 " + shapes[i] + " -o " + quote(capture)).exitCode, 0);
        const auto imported = runCommand(Binary + " import --quiet " + quote(capture) + " --db " + quote(db), true);
        ASSERT_EQ(imported.exitCode, 0) << imported.out;
        Db check(db);
        EXPECT_EQ(check.text("SELECT count(*) FROM calls"), "300");
        EXPECT_EQ(check.text("SELECT group_concat(kind) FROM (SELECT DISTINCT kind FROM findings)"), "<null>");
    }
}

// ---- escaping ---------------------------------------------------------------------------------------------

// Terminal controls in every field a packet can fill (Call-ID, URIs, tags, reason phrases, User-Agent, Contact,
// Event, Reason) reach no listing, in any format, raw: no ESC, BEL or 8-bit CSI on any command's output.
TEST(Reliability, PacketTextReachesNoOutputUnescaped) {
    sipscope::test::TempDir dir;
    const std::string evil = "\x1b]0;owned\x07\x1b[2J\x9b"
                             "31m";
    auto message = [&](const std::string& start, const std::string& callId, const std::string& cseq,
                       const std::string& extra, const std::string& toTag) {
        return start + "\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK" + callId.substr(0, 4) + cseq.substr(0, 1) +
               "\r\nFrom: \"Al" + evil + "ice\" <sip:al" + evil + "ice@example.com>;tag=1" + evil + "\r\nTo: <sip:b" +
               evil + "ob@example.com>" + (toTag.empty() ? "" : ";tag=" + toTag) + "\r\nCall-ID: " + callId +
               "\r\nCSeq: " + cseq + "\r\nMax-Forwards: 70\r\nUser-Agent: ua" + evil + "\r\nContact: <sip:c" + evil +
               "@10.0.0.1>\r\n" + extra + "Content-Length: 0\r\n\r\n";
    };
    const std::string call = "evil" + evil;
    sipscope::test::PcapWriter pcap;
    const std::pair<std::string, std::string> exchange[][2] = {
        {{"REGISTER sip:example.com SIP/2.0", "1 REGISTER"}, {"SIP/2.0 200 O" + evil + "K", "1 REGISTER"}},
        {{"SUBSCRIBE sip:b@example.com SIP/2.0", "1 SUBSCRIBE"}, {"SIP/2.0 202 Acc" + evil, "1 SUBSCRIBE"}},
        {{"INVITE sip:b" + evil + "@example.com SIP/2.0", "1 INVITE"}, {"SIP/2.0 486 Bu" + evil + "sy", "1 INVITE"}},
    };
    std::int64_t at = 1'000'000;
    for (const auto& [request, response] : exchange) {
        const std::string callId = call + request.second.substr(2, 3);
        const std::string extra =
            "Expires: 60\r\nEvent: pres" + evil + "ence\r\nReason: Q.850;cause=17;text=\"b" + evil + "\"\r\n";
        pcap.add({at, 0x0a000001, 0x0a000002, 5060, 5060, message(request.first, callId, request.second, extra, "")});
        pcap.add({at + 1000, 0x0a000002, 0x0a000001, 5060, 5060,
                  message(response.first, callId, response.second, extra, "x" + evil)});
        at += 1'000'000;
    }
    pcap.write(dir.file("evil.pcap"));
    const std::string db = " --db " + quote(dir.file("db"));
    ASSERT_EQ(runCommand(Binary + " import --quiet " + quote(dir.file("evil.pcap")) + db).exitCode, 0);
    const std::string invite = quote(call + "INV");
    const std::vector<std::string> commands = {"calls",
                                               "messages --raw",
                                               "stats",
                                               "stats --by-host",
                                               "registrations",
                                               "subscriptions",
                                               "show --raw " + invite,
                                               "export calls -o -",
                                               "export messages --raw -o -",
                                               "export stats -o -",
                                               "export ladder " + invite + " --format text -o -",
                                               "export ladder " + invite + " --format mermaid -o -",
                                               "export ladder " + invite + " --format plantuml -o -",
                                               "export ladder " + invite + " --format svg -o -"};
    for (const std::string& command : commands)
        for (const char* format : {"", " --format csv", " --format json"}) {
            const bool isExport = command.rfind("export", 0) == 0;
            if ((isExport && *format == '\0' && command.find("ladder") == std::string::npos) ||
                (isExport && *format != '\0' && command.find("ladder") != std::string::npos) ||
                (command.rfind("show", 0) == 0 && *format != '\0'))
                continue;  // export needs --format csv|json (ladders have their own); show has no --format
            SCOPED_TRACE(command + format);
            const auto result = runCommand(Binary + " " + command + format + db, true);
            EXPECT_EQ(result.exitCode, 0) << result.out;
            EXPECT_GT(result.out.size(), 0u);
            for (const char control : {'\x1b', '\x07', '\x9b'})
                EXPECT_EQ(result.out.find(control), std::string::npos) << result.out;
        }
}

// ---- limits --------------------------------------------------------------------------------------------------

// --limit reaches the parser (and, in the floods below, the correlator and the TCP reassembler); a bound that bites
// marks what it cut, and a bad name or value is a usage error naming the option.
TEST(Reliability, LimitsAreSetByNameAndMarkWhatTheyCut) {
    sipscope::test::TempDir dir;
    writeFile(dir.file("a.pcap"), pcapOf(3, "limit-"));
    const std::string db = " --db " + quote(dir.file("db"));
    const auto result =
        runCommand(Binary + " import --quiet --limit headers=3 " + quote(dir.file("a.pcap")) + db, true);
    ASSERT_EQ(result.exitCode, 0) << result.out;
    EXPECT_NE(result.out.find("3 malformed"), std::string::npos) << result.out;
    EXPECT_EQ(Db(dir.file("db"))
                  .count("SELECT count(*) FROM messages m JOIN strings s ON s.id = m.error_id "
                         "WHERE s.text LIKE '%header fields than the parser''s limit%'"),
              3);
    for (const char* bad : {"headers", "headers=0", "headers=x", "no-such-limit=5", "open-calls=-1"}) {
        SCOPED_TRACE(bad);
        const auto refused =
            runCommand(Binary + " import --quiet --limit " + quote(bad) + " " + quote(dir.file("a.pcap")) + db, true);
        EXPECT_EQ(refused.exitCode, 1) << refused.out;
        EXPECT_NE(refused.out.find("--limit"), std::string::npos) << refused.out;
    }
}

// ---- floods -------------------------------------------------------------------------------------------------

std::uint64_t countBefore(const std::string& output, const std::string& words) {
    const auto at = output.find(words);
    if (at == std::string::npos)
        return 0;
    auto start = output.rfind('\n', at);
    start = start == std::string::npos ? 0 : start + 1;
    return std::strtoull(output.c_str() + start, nullptr, 10);
}

// A million distinct Call-IDs, each a lone INVITE never answered, with at most 10,000 calls open: every call beyond
// the bound is written early (counted), and every one is in the database with its message.
TEST(Reliability, CallIdFloodStaysWithinTheOpenCallBound) {
    sipscope::test::TempDir dir;
    const std::string db = dir.file("flood.db");
    const auto result = runCommand(quote(GenFlood) + " invites " + std::to_string(FloodCalls) + " | " + quote(Binary) +
                                       " import --quiet - --limit open-calls=10000 --db " + quote(db),
                                   true);
    ASSERT_EQ(result.exitCode, 0) << result.out;
    EXPECT_EQ(countBefore(result.out, " calls written early to bound memory"), FloodCalls - 10000) << result.out;
    Db check(db);
    EXPECT_EQ(check.count("SELECT count(*) FROM calls"), static_cast<std::int64_t>(FloodCalls));
    EXPECT_EQ(check.count("SELECT count(*) FROM messages"), static_cast<std::int64_t>(FloodCalls));
    EXPECT_EQ(check.count("SELECT count(*) FROM calls WHERE messages != 1"), 0);
}

// As many TCP connections, each stopping half way through an INVITE's headers, with at most 10,000 directions
// tracked: the rest are closed early and every half message is counted as cut, none stored as if whole.
TEST(Reliability, HalfOpenTcpFloodStaysWithinTheFlowBound) {
    sipscope::test::TempDir dir;
    const std::string db = dir.file("flood.db");
    const auto result = runCommand(quote(GenFlood) + " half-open " + std::to_string(FloodCalls) + " | " +
                                       quote(Binary) + " import --quiet - --limit tcp-flows=10000 --db " + quote(db),
                                   true);
    ASSERT_EQ(result.exitCode, 0) << result.out;
    EXPECT_EQ(countBefore(result.out, " TCP streams closed early"), FloodCalls - 10000) << result.out;
    EXPECT_EQ(countBefore(result.out, " SIP messages cut by a TCP gap or the stream's end"), FloodCalls) << result.out;
    EXPECT_EQ(messageCount(db), 0);
}

}  // namespace
