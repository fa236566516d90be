// End-to-end: what a newcomer meets on the command line (issue 11): exports that never destroy the file they would
// replace, filter values checked against what --help lists, a missing capture or a capture given as --db, tables
// that fit the terminal, finding a call by key or Call-ID prefix, calls --grep, dates alone, and a capture imported
// twice.
#include "tests/cli/cli_fixture.hpp"
#include "tests/tools/run.hpp"

#include <fcntl.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using nlohmann::json;
using sipscope::test::quote;
using sipscope::test::readFile;
using sipscope::test::runCommand;

namespace {

class Usability : public sipscope::test::CliFixture {
protected:
    Usability() : CliFixture(true) {}

    std::set<std::string> callIds(const std::string& arguments) {
        std::set<std::string> ids;
        for (const json& row : jsonLines(arguments))
            ids.insert(row["call_id"].get<std::string>());
        return ids;
    }
    // The files of the test folder but the database's (a failed export must leave no temporary file behind).
    std::set<std::string> files() const {
        std::set<std::string> names;
        for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(db).parent_path()))
            if (entry.path().filename().string().rfind("test.db", 0) != 0)
                names.insert(entry.path().filename().string());
        return names;
    }
};

// Runs the binary on a pseudo-terminal `columns` wide and returns what it printed (CR LF as LF).
std::string runOnTerminal(const std::string& arguments, unsigned short columns, const char* columnsEnv = nullptr) {
    winsize size{};
    size.ws_col = columns;
    size.ws_row = 50;
    int master = -1;
    const pid_t child = forkpty(&master, nullptr, nullptr, &size);
    if (child < 0)
        return "forkpty failed";
    if (child == 0) {
        if (columnsEnv)
            setenv("COLUMNS", columnsEnv, 1);
        else
            unsetenv("COLUMNS");
        execl("/bin/sh", "sh", "-c", (std::string(SIPSCOPE_BINARY) + " " + arguments).c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    std::string out;
    char buffer[4096];
    for (;;) {
        const ssize_t n = read(master, buffer, sizeof buffer);
        if (n > 0)
            out.append(buffer, static_cast<std::size_t>(n));
        else if (n < 0 && errno == EINTR)
            continue;
        else
            break;  // EIO once the child has exited and the terminal is closed
    }
    close(master);
    int status = 0;
    waitpid(child, &status, 0);
    std::string text;
    for (char c : out)
        if (c != '\r')
            text += c;
    return text;
}

// Display width in code points ("…" is one).
std::size_t widthOf(const std::string& line) {
    std::size_t width = 0;
    for (unsigned char c : line)
        width += (c & 0xc0) != 0x80;
    return width;
}

std::size_t widestLine(const std::string& text) {
    std::size_t widest = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        widest = std::max(widest, widthOf(line));
    return widest;
}

// --- 1. A failed export leaves the file it would have written as it was. ---

TEST_F(Usability, FailedExportsLeaveTheTargetFileAsItWas) {
    importSamples();
    const std::string keep = dir.file("keep.svg");
    std::ofstream(keep) << "x\n";
    const auto before = files();
    auto ladder = sipscope("export ladder nosuch --format svg -o " + quote(keep));
    EXPECT_EQ(ladder.exitCode, 2) << ladder.out;
    EXPECT_NE(ladder.out.find("no call 'nosuch'"), std::string::npos) << ladder.out;
    EXPECT_EQ(readFile(keep), "x\n");
    EXPECT_EQ(files(), before);  // no temporary file left behind

    const std::string missing = dir.file("missing.db");
    for (const char* command : {"export pcap --state rejected -o ", "export calls --format csv -o "}) {
        const auto result =
            runCommand(Binary + " " + std::string(command) + quote(keep) + " --db " + quote(missing), true);
        EXPECT_EQ(result.exitCode, 2) << command << result.out;
        EXPECT_EQ(readFile(keep), "x\n") << command;
        EXPECT_EQ(files(), before) << command;
    }

    // A successful export replaces the file, keeping its permissions; a new file gets the usual ones.
    chmod(keep.c_str(), 0640);
    auto replaced = sipscope("export ladder 1-5802@127.0.0.1 --format svg -o " + quote(keep));
    ASSERT_EQ(replaced.exitCode, 0) << replaced.out;
    EXPECT_NE(readFile(keep).find("<svg"), std::string::npos);
    struct stat info {};
    ASSERT_EQ(stat(keep.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0640u);
    const std::string fresh = dir.file("calls.csv");
    ASSERT_EQ(sipscope("export calls --format csv -o " + quote(fresh)).exitCode, 0);
    ASSERT_EQ(stat(fresh.c_str(), &info), 0);
    const mode_t mask = umask(0);
    umask(mask);
    EXPECT_EQ(info.st_mode & 0777, 0666u & ~mask);
    EXPECT_NE(readFile(fresh).find("1-5802@127.0.0.1"), std::string::npos);

    // Standard output still streams.
    const auto streamed = sipscope("export calls --format json -o -", false);
    EXPECT_EQ(streamed.exitCode, 0);
    EXPECT_NE(streamed.out.find("\"call_id\":\"1-5802@127.0.0.1\""), std::string::npos) << streamed.out;
}

// --- 2. Filter values are checked against what --help lists. ---

TEST_F(Usability, BadFilterValuesAreUsageErrorsThatListTheChoices) {
    importSamples();
    const std::pair<const char*, const char*> cases[] = {
        {"calls --state bogus", "calling, proceeding, ringing"},
        {"calls --kind calls", "call, registration, subscription"},
        {"calls --host not-an-ip", "an IP address, ip:port"},
        {"calls --status 99999", "100 to 699"},
        {"messages --status 7xx", "1xx to 6xx"},
        {"calls --limit -5", "1 or more"},
        {"calls --limit 0", "1 or more"},
        {"calls --since yesterday", "2024-05-01T12:00:00Z"},
        {"calls --since 2024-05-02 --until 2024-05-01", "nothing can match"},
        {"subscriptions --state answered", "active, pending, terminated"},
        {"messages --call 1-5802@127.0.0.1 --call-id 1-5807@127.0.0.1", "give one of them"},
        {"export pcap --call 1-5802@127.0.0.1 --state rejected -o -", "give one or the other"},
        {"stats --method 'IN VITE'", "a SIP method"},
        {"stats --top -5", "--top"},
    };
    for (const auto& [arguments, expected] : cases) {
        const auto result = sipscope(arguments);
        EXPECT_EQ(result.exitCode, 1) << arguments << "\n" << result.out;
        EXPECT_NE(result.out.find(expected), std::string::npos) << arguments << "\n" << result.out;
    }
    // What --help lists works, case-insensitively, and a status class is a range.
    EXPECT_EQ(callIds("calls --state REJECTED"), std::set<std::string>{"1-5802@127.0.0.1"});
    EXPECT_EQ(callIds("calls --status 4xx"), (std::set<std::string>{"1-5802@127.0.0.1", "1-5807@127.0.0.1"}));
    EXPECT_EQ(callIds("calls --host 127.0.0.1:15060 --kind registration"), std::set<std::string>{"1-5828@127.0.0.1"});
    EXPECT_EQ(jsonLines("calls --limit 2").size(), 2u);
    EXPECT_EQ(jsonLines("messages --status 1xx --call-id 1-5807@127.0.0.1").size(), 2u);
}

// --- 3. A missing capture is an error in place of the counts, and creates nothing. ---

TEST_F(Usability, UnreadableCapturesCreateNothing) {
    auto missing = sipscope("import /nonexistent.pcap", false);
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_EQ(missing.out.find("0 packets"), std::string::npos) << missing.out;
    EXPECT_EQ(missing.out.find("stored"), std::string::npos) << missing.out;
    EXPECT_FALSE(std::filesystem::exists(db));
    const std::string text = dir.file("notes.txt");
    std::ofstream(text) << "not a capture\n";
    auto both = sipscope("import /nonexistent.pcap " + quote(text));
    EXPECT_EQ(both.exitCode, 2);
    EXPECT_NE(both.out.find("/nonexistent.pcap: cannot open"), std::string::npos) << both.out;
    EXPECT_NE(both.out.find("not a pcap, pcapng or NetMon"), std::string::npos) << both.out;
    EXPECT_FALSE(std::filesystem::exists(db));

    // One readable file among them is imported; the exit code still says something was not.
    auto mixed = sipscope("import --quiet /nonexistent.pcap " + Samples + "/call-failed.pcap");
    EXPECT_EQ(mixed.exitCode, 2) << mixed.out;
    EXPECT_NE(mixed.out.find("call-failed.pcap: 11 packets"), std::string::npos) << mixed.out;
    EXPECT_EQ(jsonLines("calls").size(), 2u);
}

TEST_F(Usability, ACaptureGivenAsTheDatabaseIsNamed) {
    const std::string capture = Samples + "/call-complete.pcap";
    for (const char* command : {"calls", "show 1", "stats", "export calls --format csv -o -"}) {
        const auto result = runCommand(Binary + " " + command + " --db " + quote(capture) + " 2>&1");
        EXPECT_EQ(result.exitCode, 2) << command;
        EXPECT_NE(result.out.find("is a capture file, not a database: run sipscope import " + capture + " first"),
                  std::string::npos)
            << result.out;
    }
    const auto import = runCommand(Binary + " import " + quote(capture) + " --db " + quote(capture) + " 2>&1");
    EXPECT_EQ(import.exitCode, 2);
    EXPECT_NE(import.out.find("is a capture file, not a database"), std::string::npos) << import.out;
}

// --- 4. Tables fit the terminal; pipes and files get every column at full width. ---

TEST_F(Usability, TablesFitTheTerminalWidth) {
    importSamples();
    const std::string calls = "calls --db " + quote(db);
    const auto piped = sipscope("calls", false).out;
    EXPECT_GT(widestLine(piped), 150u);
    EXPECT_EQ(piped.find("…"), std::string::npos);

    const std::string narrow = runOnTerminal(calls, 80);
    EXPECT_LE(widestLine(narrow), 80u) << narrow;
    EXPECT_NE(narrow.find("Key"), std::string::npos) << narrow;
    EXPECT_NE(narrow.find("State"), std::string::npos) << narrow;
    EXPECT_NE(narrow.find("rejected"), std::string::npos) << narrow;
    EXPECT_NE(narrow.find("…"), std::string::npos) << narrow;  // free text cut
    const std::string wide = runOnTerminal(calls, 250);
    EXPECT_EQ(wide, piped);  // it fits: the full table
    // COLUMNS wins over the terminal's own width.
    EXPECT_LE(widestLine(runOnTerminal(calls, 250, "100")), 100u);
    EXPECT_LE(widestLine(runOnTerminal("messages --db " + quote(db), 60)), 60u);
}

// --- 5. The key first; a key or a unique Call-ID prefix wherever a Call-ID is; reason, ended_by; calls --grep. ---

TEST_F(Usability, CallsAreFoundByKeyAndByAUniquePrefix) {
    importSamples();
    const auto table = sipscope("calls", false).out;
    EXPECT_EQ(table.rfind("Key", 0), 0u) << table;
    EXPECT_NE(table.find("Reason"), std::string::npos);
    EXPECT_NE(table.find("Ended by"), std::string::npos);
    EXPECT_NE(table.find("Busy Here"), std::string::npos);
    std::string key;
    for (const json& row : jsonLines("calls"))
        if (row["call_id"] == "1-5802@127.0.0.1")
            key = row["key"].dump();
    ASSERT_FALSE(key.empty());
    EXPECT_NE(table.find("\n" + key + " "), std::string::npos) << table;

    const auto byKey = sipscope("show " + key + " --color never", false);
    EXPECT_EQ(byKey.exitCode, 0);
    EXPECT_NE(byKey.out.find("Call-ID: 1-5802@127.0.0.1"), std::string::npos) << byKey.out;
    const auto byPrefix = sipscope("show 1-5802 --color never", false);
    EXPECT_EQ(byPrefix.exitCode, 0);
    EXPECT_NE(byPrefix.out.find("Call-ID: 1-5802@127.0.0.1"), std::string::npos) << byPrefix.out;
    const auto ambiguous = sipscope("show 1-580");
    EXPECT_EQ(ambiguous.exitCode, 2);
    EXPECT_NE(ambiguous.out.find("starts 2 Call-IDs"), std::string::npos) << ambiguous.out;
    EXPECT_NE(ambiguous.out.find("Call-ID 1-5802@127.0.0.1"), std::string::npos) << ambiguous.out;
    EXPECT_NE(ambiguous.out.find("Call-ID 1-5807@127.0.0.1"), std::string::npos) << ambiguous.out;
    EXPECT_EQ(sipscope("export ladder 1-5807 --format mermaid -o -", false).exitCode, 0);
    EXPECT_EQ(sipscope("export ladder 1-580 --format mermaid -o -").exitCode, 2);
    const std::string pcap = dir.file("one.pcap");
    EXPECT_EQ(sipscope("export pcap --call 1-5807 -o " + quote(pcap)).exitCode, 0);
    EXPECT_TRUE(std::filesystem::exists(pcap));
    // The key where a Call-ID is: --call-id and --call.
    EXPECT_EQ(callIds("calls --call-id " + key), std::set<std::string>{"1-5802@127.0.0.1"});
    EXPECT_EQ(jsonLines("messages --call " + key).size(), 4u);
    EXPECT_EQ(jsonLines("messages --call 1-5802").size(), 4u);
}

TEST_F(Usability, CallsGrepKeepsCallsWithAMatchingMessage) {
    importSamples();
    EXPECT_EQ(callIds("calls --grep 'SIP/2.0 486 Busy'"), std::set<std::string>{"1-5802@127.0.0.1"});
    EXPECT_EQ(callIds("calls --grep '^cancel ' -i"), std::set<std::string>{"1-5807@127.0.0.1"});
    EXPECT_EQ(callIds("calls --grep '^REGISTER ' --limit 1").size(), 1u);
    EXPECT_TRUE(callIds("calls --grep 'no such text anywhere'").empty());
    EXPECT_EQ(sipscope("calls --grep '(a)\\1'").exitCode, 1);
}

// --- 6. A date alone: midnight UTC for --since, the whole day for --until. ---

TEST_F(Usability, DatesAloneBoundWholeDays) {
    importSamples();  // every call is on 2026-11-25
    EXPECT_EQ(jsonLines("calls --since 2026-11-25").size(), 7u);
    EXPECT_EQ(jsonLines("calls --until 2026-11-25").size(), 7u);
    EXPECT_EQ(jsonLines("calls --since 2026-11-25 --until 2026-11-25").size(), 7u);
    EXPECT_TRUE(jsonLines("calls --until 2026-11-24").empty());
    EXPECT_TRUE(jsonLines("calls --since 2026-11-26").empty());
    EXPECT_EQ(jsonLines("messages --since 2026-11-25T10:06:34Z").size(), 2u);
}

// --- 7. A capture imported twice: each copy names its capture; show asks for the key. ---

TEST_F(Usability, CopiesOfACallNameTheirCaptureAndShowAsksForTheKey) {
    const std::string capture = Samples + "/call-failed.pcap";
    ASSERT_EQ(sipscope("import --quiet " + quote(capture)).exitCode, 0);
    ASSERT_EQ(sipscope("import --quiet --force " + quote(capture)).exitCode, 0);
    std::vector<std::pair<std::int64_t, std::int64_t>> copies;  // key, capture_id
    for (const json& row : jsonLines("calls --call-id 1-5802@127.0.0.1")) {
        EXPECT_EQ(row["capture"], capture);
        copies.emplace_back(row["key"].get<std::int64_t>(), row["capture_id"].get<std::int64_t>());
    }
    ASSERT_EQ(copies.size(), 2u);
    EXPECT_NE(copies[0].second, copies[1].second);
    const auto table = sipscope("calls", false).out;
    EXPECT_NE(table.find("Capture"), std::string::npos) << table;
    // The table names the file (a long folder would be cut by the column's width); the JSON above has the path.
    EXPECT_NE(table.find("#" + std::to_string(copies[1].second) + " call-failed.pcap"), std::string::npos) << table;

    const auto ambiguous = sipscope("show 1-5802@127.0.0.1");
    EXPECT_EQ(ambiguous.exitCode, 2);
    EXPECT_NE(ambiguous.out.find("is in 2 calls"), std::string::npos) << ambiguous.out;
    for (const auto& [key, captureId] : copies)
        EXPECT_NE(ambiguous.out.find("key " + std::to_string(key) + "  2026-11-25T10:06:30.700610Z  capture #" +
                                     std::to_string(captureId) + " " + capture),
                  std::string::npos)
            << ambiguous.out;
    const auto chosen = sipscope("show " + std::to_string(copies[1].first) + " --color never", false);
    EXPECT_EQ(chosen.exitCode, 0);
    EXPECT_NE(chosen.out.find("Call-ID: 1-5802@127.0.0.1"), std::string::npos);
    EXPECT_EQ(sipscope("export ladder 1-5802@127.0.0.1 --format text -o -").exitCode, 2);
}

}  // namespace
