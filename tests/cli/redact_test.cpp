// `export pcap --redact` (issue 16): a redacted export of the samples and of every corpus capture imports again with
// the same calls (state, status, kind, dialogs, message count, in start order), and no user, number, display name,
// hostname or IP address of the original messages is anywhere in the file's bytes. The names are found here with
// regular expressions of this test's own, not with the redactor's scanner, so the two check each other.
#include "tests/cli/cli_e2e.hpp"
#include "tests/tools/corpus_captures.hpp"
#include "tests/tools/corpus_required.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <set>

namespace fs = std::filesystem;
using nlohmann::json;
using namespace sipscope::test;

namespace {

const fs::path CorpusDir = SIPSCOPE_CORPUS_DIR;

std::string run(const std::string& arguments, const std::string& db) {
    const CommandResult result = runCommand(Binary + " " + arguments + " --db " + quote(db));
    EXPECT_EQ(result.exitCode, 0) << arguments;
    return result.out;
}

void import(const std::vector<std::string>& files, const std::string& db) {
    std::string command = Binary + " import --db " + quote(db);
    for (const std::string& file : files)
        command.append(" ").append(quote(file));
    command += " >/dev/null";
    const CommandResult result = runCommand(command, true);
    ASSERT_EQ(result.exitCode, 0) << result.out;
}

// The calls as the redaction must keep them: everything but names and addresses, in start order.
std::vector<std::string> callShapes(const std::string& db) {
    std::vector<std::string> shapes;
    for (const json& call : parseJsonLines(run("calls --format json", db)))
        shapes.push_back(call["start"].dump() + " " + call["state"].dump() + " " + call["status"].dump() + " " +
                         call["kind"].dump() + " messages " + call["messages"].dump() + " dialogs " +
                         call["dialogs"].dump() + " retransmissions " + call["retransmissions"].dump());
    std::sort(shapes.begin(), shapes.end());
    return shapes;
}

// What the redaction must take out of the messages of `db`: users and numbers of SIP URIs and display names
// (`minName` characters or more: shorter ones occur in any binary by chance), hostnames (with a letter), and the
// IP addresses of the packets, of URIs, Via and SDP c= / o=.
std::set<std::string> sensitive(const std::string& db, std::size_t minName) {
    static const std::regex uri(R"re((?:sips?):(?:([^@;>\s:"?,]+)(?::[^@\s]*)?@)?(\[[^\]\s]+\]|[^;>\s:"?,]+))re",
                                std::regex::icase);
    static const std::regex display(R"re((?:^|\n)(?:From|To|Contact|f|t|m)[ \t]*:[ \t]*"([^"\r\n]+)")re",
                                    std::regex::icase);
    static const std::regex viaHost(R"((?:^|\n)(?:Via|v)[ \t]*:[ \t]*SIP/2\.0/[A-Za-z]+[ \t]+([^;:\s]+))",
                                    std::regex::icase);
    static const std::regex sdpAddress(R"((?:^|\n)(?:c=IN IP[46]|o=\S+ \S+ \S+ IN IP[46]) ([^\s/]+))");
    static const std::regex ipv4(R"(^\d{1,3}(\.\d{1,3}){3}$)");
    static const std::regex rtpmap(R"(a=rtpmap:\d+ ([^\s]+))");
    std::set<std::string> names, codecs;
    auto name = [&](const std::string& text, bool isUser) {
        const bool hasLetter = std::any_of(text.begin(), text.end(), [](char c) { return std::isalpha(c); });
        const std::size_t digits = std::count_if(text.begin(), text.end(), [](char c) { return std::isdigit(c); });
        if (isUser ? (text.size() >= minName && (hasLetter || digits >= 6)) : hasLetter)
            names.insert(text);
    };
    auto address = [&](std::string text) {
        if (text.size() > 2 && text.front() == '[')
            text = text.substr(1, text.size() - 2);
        if (text == "0.0.0.0" || text == "::")
            return;
        if (std::regex_match(text, ipv4) || text.find(':') != std::string::npos)
            names.insert(text);
        else
            name(text, false);
    };
    for (const json& message : parseJsonLines(run("messages --format json --raw", db))) {
        for (const char* side : {"src", "dst"}) {
            const std::string endpoint = message[side];
            address(endpoint.substr(0, endpoint.rfind(':')));
        }
        const std::string text = message["text"].is_string() ? message["text"].get<std::string>() : "";
        for (std::sregex_iterator m(text.begin(), text.end(), uri), end; m != end; ++m) {
            if ((*m)[1].matched)
                name((*m)[1].str(), true);
            address((*m)[2].str());
        }
        for (std::sregex_iterator m(text.begin(), text.end(), display), end; m != end; ++m)
            name((*m)[1].str(), true);
        for (std::sregex_iterator m(text.begin(), text.end(), rtpmap), end; m != end; ++m)
            codecs.insert((*m)[1].str());
        for (const std::regex* pattern : {&viaHost, &sdpAddress})
            for (std::sregex_iterator m(text.begin(), text.end(), *pattern), end; m != end; ++m)
                address((*m)[1].str());
    }
    // A display name that is a codec's name ("GSM/8000", as SIPp test calls name themselves) stays where it is the
    // codec (a=rtpmap).
    for (const std::string& codec : codecs)
        names.erase(codec);
    return names;
}

// Redacts the calls of `db` to a pcap, imports it again and checks the calls and the bytes. Returns the file.
std::string checkRedacted(const std::string& db, const TempDir& dir, std::size_t minName) {
    const std::string redacted = dir.file("redacted.pcap");
    const CommandResult exported =
        runCommand(Binary + " export pcap --redact --db " + quote(db) + " -o " + quote(redacted), true);
    EXPECT_EQ(exported.exitCode, 0) << exported.out;
    const std::string again = dir.file("again.db");
    import({redacted}, again);
    // The plain export is the reference: what an export keeps of the calls (messages outside calls, TLS as TCP, ...)
    // is export pcap's own matter, tested in corpus_commands_test; the redaction must change nothing of it.
    const std::string plain = dir.file("plain.pcap");
    run("export pcap -o " + quote(plain), db);
    const std::string plainDb = dir.file("plain.db");
    import({plain}, plainDb);
    EXPECT_EQ(callShapes(again), callShapes(plainDb));
    const std::string bytes = readFile(redacted);
    const std::set<std::string> names = sensitive(db, minName);
    for (const std::string& name : names)
        EXPECT_EQ(bytes.find(name), std::string::npos) << "'" << name << "' is still in the redacted export";
    for (const std::string& name : sensitive(again, 1))
        EXPECT_EQ(names.count(name), 0u) << "'" << name << "' came back from the redacted export";
    return redacted;
}

TEST(Redact, SamplesImportAgainWithTheSameCallsAndNoNames) {
    TempDir dir;
    const std::string db = dir.file("samples.db");
    std::vector<std::string> samples;
    for (const auto& entry : fs::directory_iterator(Samples))
        if (entry.path().extension() == ".pcap")
            samples.push_back(entry.path().string());
    ASSERT_GE(samples.size(), 3u);
    import(samples, db);
    const auto original = callShapes(db);
    ASSERT_GE(original.size(), 5u);
    const std::string redacted = checkRedacted(db, dir, 3);
    const std::string again = dir.file("again.db");
    EXPECT_EQ(callShapes(again), original);
    // The names the samples are made with, by name too: the scan above must have looked for them.
    const std::set<std::string> names = sensitive(db, 3);
    for (const char* known : {"alice", "bob", "sipp", "127.0.0.1"})
        EXPECT_EQ(names.count(known), 1u) << known;
    const std::string bytes = readFile(redacted);
    EXPECT_NE(bytes.find("sip:user-0001@192.0.2.1"), std::string::npos);
    // Within one export the same input gives the same pseudonym: every call keeps its Call-ID's host.
    for (const json& call : parseJsonLines(run("calls --format json", again))) {
        const std::string callId = call["call_id"];
        EXPECT_EQ(callId.substr(callId.find('@')), "@192.0.2.1") << callId;
    }
}

TEST(Redact, KeyedPseudonymsAreTheSameInEveryExport) {
    TempDir dir;
    const std::string db = dir.file("samples.db");
    import({Samples + "/call-complete.pcap", Samples + "/call-failed.pcap"}, db);
    auto callIdsOf = [&](const std::string& arguments) {
        const std::string file = dir.file("keyed.pcap");
        const CommandResult exported =
            runCommand(Binary + " export pcap " + arguments + " --db " + quote(db) + " -o " + quote(file), true);
        EXPECT_EQ(exported.exitCode, 0) << exported.out;
        const std::string again = dir.file("keyed-" + std::to_string(std::hash<std::string>()(arguments)) + ".db");
        import({file}, again);
        std::map<std::string, std::string> fromOf;  // Call-ID -> From
        for (const json& call : parseJsonLines(run("calls --format json", again)))
            fromOf[call["call_id"]] = call["from"];
        return fromOf;
    };
    const auto all = callIdsOf("--redact-key secret");
    const auto rejected = callIdsOf("--redact-key secret --state rejected");
    const auto otherKey = callIdsOf("--redact-key other --state rejected");
    ASSERT_EQ(rejected.size(), 1u);
    ASSERT_EQ(otherKey.size(), 1u);
    // The one rejected call has the same pseudonyms alone as among all calls (its caller is not the first user).
    ASSERT_EQ(all.count(rejected.begin()->first), 1u) << rejected.begin()->first;
    EXPECT_EQ(all.at(rejected.begin()->first), rejected.begin()->second);
    EXPECT_NE(otherKey.begin()->first, rejected.begin()->first);
    EXPECT_NE(otherKey.begin()->second, rejected.begin()->second);
    EXPECT_EQ(rejected.begin()->first.find("127.0.0.1"), std::string::npos);
}

TEST(Redact, ListingsAndShowAreRedactedToo) {
    TempDir dir;
    const std::string db = dir.file("samples.db");
    import({Samples + "/call-complete.pcap", Samples + "/register.pcap"}, db);
    for (const std::string& arguments : {std::string("export calls --format csv --redact -o -"),
                                         std::string("export messages --format json --raw --redact -o -"),
                                         std::string("show 1 --raw --redact --color never")}) {
        const std::string out = run(arguments, db);
        EXPECT_NE(out.find("user-0001"), std::string::npos) << arguments;
        EXPECT_NE(out.find("192.0.2.1"), std::string::npos) << arguments;
        for (const char* name : {"alice", "sipp", "bob", "127.0.0.1"})
            EXPECT_EQ(out.find(name), std::string::npos) << arguments << ": " << name;
    }
}

class CorpusRedact : public testing::TestWithParam<std::string> {};

TEST_P(CorpusRedact, ImportsAgainWithTheSameCallsAndNoNames) {
    TempDir dir;
    const std::string db = dir.file("capture.db");
    runCommand(Binary + " import --db " + quote(db) + " " + quote((CorpusDir / "captures" / GetParam()).string()) +
               " >/dev/null 2>&1");  // a damaged capture exits 2 with what it could read stored
    // Names of five characters or more: role words of IMS ("orig", "term") and short numbers are also words of the
    // protocol that no pseudonym may replace.
    checkRedacted(db, dir, 5);
}

std::vector<std::string> corpusCaptures() {
    return sipscope::test::corpusCaptures(CorpusDir, CorpusDir / "captures", Truth::Any);
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusRedact, testing::ValuesIn(corpusCaptures()), captureTestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CorpusRedact);

TEST(CorpusRedactPresence, CorpusIsThere) {
    if (corpusCaptures().empty()) {
        SIPSCOPE_CORPUS_MISSING() << "corpus not found at " << CorpusDir;
    }
    SUCCEED();
}

}  // namespace
