// The RFC 4475 torture messages (corpus/rfc4475): every file's verdict as EXPECTED.md classes it, and for the
// accepted ones the fields read by eye from the bytes.
#include "decode/sip_parser.hpp"

#include "tests/decode/parser_test_util.hpp"
#include "tests/tools/corpus_required.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>

namespace sipscope::decode {
namespace {

namespace fs = std::filesystem;
using test::ExactBuffer;

enum class Verdict { Valid, ValidSemanticError, Invalid, Unclassified };

struct TortureCase {
    std::string_view file;
    Verdict verdict;                  // as EXPECTED.md classes it
    ParseErrorCode ours;              // what our parser reports; None = accepted as valid
    std::string_view deviation = {};  // why `ours` departs from `verdict`, when it does
    // What the bytes say, for accepted messages (and insuf): method or status, Request-URI, Call-ID, CSeq,
    // From/To URI and tag.
    std::string_view method = {};
    int status = 0;
    std::string_view requestUri = {};
    std::string_view callId = {};
    std::uint32_t cseqNumber = 0;
    std::string_view cseqMethod = {};
    std::string_view fromUri = {};
    std::string_view fromTag = {};
    std::string_view toUri = {};
    std::string_view toTag = {};
};

constexpr std::string_view LongreqToUri =
    "sip:user@example.com:6000;unknownparam1=verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglong"
    "longlonglonglonglongvalue;longparamnamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamename"
    "namenamenamenamenamenamenamename=shortvalue;verylonglonglonglonglonglonglonglonglonglonglonglonglonglong"
    "longlonglonglonglonglonglonglonglonglonglongParameterNameWithNoValue";
constexpr std::string_view LongreqFromTag =
    "1298298298298298298298298298298298298298298298298298298298298298298298298298298298298298298298298298298"
    "2982982982982982982982982982982982982982982982982424";
constexpr std::string_view IntmethMethod = "!interesting-Method0123456789_*+`.%indeed'~";

using enum Verdict;
using enum ParseErrorCode;

// clang-format off
const TortureCase Cases[] = {
    // 3.1.1 valid
    {"wsinv.dat", Valid, None, {}, "INVITE", 0, "sip:vivekg@chair-dnrc.example.com;unknownparam",
     "wsinv.ndaksdj@192.0.2.1", 9, "INVITE", "sip:jdrosen@example.com", "98asjd8",
     "sip:vivekg@chair-dnrc.example.com", "1918181833n"},
    {"intmeth.dat", Valid, None, {}, IntmethMethod, 0,
     "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"
     "@example.com",
     "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", 139122385, IntmethMethod, "sip:mundane@example.com",
     "_token~1'+`*%!-.", "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com", ""},
    {"esc01.dat", Valid, None, {}, "INVITE", 0, "sip:sips%3Auser%40example.com@example.net",
     "esc01.239409asdfakjkn23onasd0-3234", 234234, "INVITE", "sip:I%20have%20spaces@example.net", "938",
     "sip:%75se%72@example.com", ""},
    {"escnull.dat", Valid, None, {}, "REGISTER", 0, "sip:example.com", "escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd",
     14398234, "REGISTER", "sip:null-%00-null@example.com", "839923423", "sip:null-%00-null@example.com", ""},
    {"esc02.dat", Valid, None, {}, "RE%47IST%45R", 0, "sip:registrar.example.com",
     "esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf", 29344, "RE%47IST%45R", "sip:resource@example.com",
     "f232jadfj23", "sip:resource@example.com", ""},
    {"lwsdisp.dat", Valid, None, {}, "OPTIONS", 0, "sip:user@example.com", "lwsdisp.1234abcd@funky.example.com",
     60, "OPTIONS", "sip:caller@example.com", "323", "sip:user@example.com", ""},
    {"longreq.dat", Valid, None, {}, "INVITE", 0, "sip:user@example.com",
     "longreq.onereallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreally"
     "reallyreallyreallyreallyreallylongcallid",
     3882340, "INVITE",
     "sip:amazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallername"
     "amazinglylongcallername@example.net",
     LongreqFromTag, LongreqToUri, ""},
    {"dblreq.dat", Valid, None, {}, "REGISTER", 0, "sip:example.com", "dblreq.0ha0isndaksdj99sdfafnl3lk233412", 8,
     "REGISTER", "sip:j.user@example.com", "43251j3j324", "sip:j.user@example.com", ""},
    {"semiuri.dat", Valid, None, {}, "OPTIONS", 0, "sip:user;par=u%40example.net@example.com",
     "semiuri.0ha0isndaksdj", 8, "OPTIONS", "sip:caller@example.org", "33242", "sip:j_user@example.com", ""},
    {"transports.dat", Valid, None, {}, "OPTIONS", 0, "sip:user@example.com", "transports.kijh4akdnaqjkwendsasfdj",
     60, "OPTIONS", "sip:caller@example.com", "323", "sip:user@example.com", ""},
    {"mpart01.dat", Valid, None, {}, "MESSAGE", 0, "sip:kumiko@example.org",
     "3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..", 1, "MESSAGE", "sip:fluffy@example.com", "2fb0dcc9",
     "sip:kumiko@example.org", ""},
    {"unreason.dat", Valid, None, {}, {}, 200, {}, "unreason.1234ksdfak3j2erwedfsASdf", 35, "INVITE",
     "sip:user@example.com", "11141343", "sip:user@example.edu", "2229"},
    {"noreason.dat", Valid, None, {}, {}, 100, {}, "noreason.asndj203insdf99223ndf", 35, "INVITE",
     "sip:user@example.com", "39ansfi3", "sip:user@example.edu", "902jndnke3"},
    // 3.1.2 invalid
    {"badinv01.dat", Invalid, BadHeaderValue},
    {"clerr.dat", Invalid, BodyTruncated},
    {"ncl.dat", Invalid, BadContentLength},
    {"scalar02.dat", Invalid, BadCSeq},
    {"scalarlg.dat", Invalid, BadCSeq},
    {"quotbal.dat", Invalid, BadHeaderValue},
    {"ltgtruri.dat", Invalid, BadStartLine},
    {"lwsruri.dat", Invalid, BadStartLine},
    {"lwsstart.dat", Invalid, BadStartLine},
    {"trws.dat", Invalid, BadStartLine},
    {"escruri.dat", Invalid, BadStartLine},
    {"baddate.dat", Invalid, BadHeaderValue},
    {"regbadct.dat", Invalid, BadHeaderValue},
    {"badaspec.dat", Invalid, BadHeaderValue},
    {"baddn.dat", Invalid, BadHeaderValue},
    {"badvers.dat", Invalid, BadVersion},
    {"mismatch01.dat", Invalid, BadCSeq},
    {"mismatch02.dat", Invalid, BadCSeq},
    {"bigcode.dat", Invalid, BadStatusCode},
    // 3.2 transaction layer
    {"badbranch.dat", ValidSemanticError, None, {}, "OPTIONS", 0, "sip:user@example.com",
     "badbranch.sadonfo23i420jv0as0derf3j3n", 8, "OPTIONS", "sip:caller@example.org", "33242",
     "sip:user@example.com", ""},
    // 3.3 application layer
    {"insuf.dat", ValidSemanticError, MissingHeader,
     "a message without Call-ID, From and To cannot be correlated; the RFC's ideal answer is 400, and the "
     "lead's contract makes Call-ID/CSeq/From/To/Via mandatory. Every field present is still read.",
     "INVITE", 0, "sip:user@example.com", "", 193942, "INVITE", "", "", "", ""},
    {"unkscm.dat", ValidSemanticError, None, {}, "OPTIONS", 0, "nobodyKnowsThisScheme:totallyopaquecontent",
     "unkscm.nasdfasser0q239nwsdfasdkl34", 3923423, "OPTIONS", "sip:caller@example.net", "384",
     "sip:user@example.com", ""},
    {"novelsc.dat", Valid, None, {}, "OPTIONS", 0, "soap.beep://192.0.2.103:3002",
     "novelsc.asdfasser0q239nwsdfasdkl34", 3923423, "OPTIONS", "sip:caller@example.net", "384",
     "sip:user@example.com", ""},
    {"unksm2.dat", Valid, None, {}, "REGISTER", 0, "sip:example.com", "unksm2.daksdj@hyphenated-host.example.com",
     234902, "REGISTER", "http://www.example.com", "3234233", "isbn:2983792873", ""},
    {"bext01.dat", ValidSemanticError, None, {}, "OPTIONS", 0, "sip:user@example.com", "bext01.0ha0isndaksdj", 8,
     "OPTIONS", "sip:caller@example.net", "242etr", "sip:j_user@example.com", ""},
    {"invut.dat", ValidSemanticError, None, {}, "INVITE", 0, "sip:user@example.com",
     "invut.0ha0isndaksdjadsfij34n23d", 235448, "INVITE", "sip:caller@example.net", "8392034",
     "sip:j.user@example.com", ""},
    {"regaut01.dat", ValidSemanticError, None, {}, "REGISTER", 0, "sip:example.com", "regaut01.0ha0isndaksdj", 9338,
     "REGISTER", "sip:j.user@example.com", "87321hj23128", "sip:j.user@example.com", ""},
    {"multi01.dat", Invalid, DuplicateHeader},
    {"mcl01.dat", Invalid, BadContentLength},
    {"bcast.dat", ValidSemanticError, None, {}, {}, 200, {}, "bcast.0384840201234ksdfak3j2erwedfsASdf", 35,
     "INVITE", "sip:user@example.com", "11141343", "sip:user@example.edu", "2229"},
    {"zeromf.dat", Valid, None, {}, "OPTIONS", 0, "sip:user@example.com", "zeromf.jfasdlfnm2o2l43r5u0asdfas",
     39234321, "OPTIONS", "sip:caller@example.net", "3ghsd41", "sip:user@example.com", ""},
    {"cparam01.dat", Valid, None, {}, "REGISTER", 0, "sip:example.com", "cparam01.70710@saturn.example.com", 2,
     "REGISTER", "sip:watson@example.com", "DkfVgjkrtMwaerKKpe", "sip:watson@example.com", ""},
    {"cparam02.dat", Valid, None, {}, "REGISTER", 0, "sip:example.com", "cparam02.70710@saturn.example.com", 3,
     "REGISTER", "sip:watson@example.com", "838293", "sip:watson@example.com", ""},
    {"regescrt.dat", Valid, None, {}, "REGISTER", 0, "sip:example.com", "regescrt.k345asrl3fdbv@192.0.2.1",
     14398234, "REGISTER", "sip:user@example.com", "8", "sip:user@example.com", ""},
    {"sdp01.dat", ValidSemanticError, None, {}, "INVITE", 0, "sip:user@example.com", "sdp01.ndaksdj9342dasdd", 8,
     "INVITE", "sip:caller@example.net", "234", "sip:j_user@example.com", ""},
    // 3.4 backward compatibility: RFC 2543 addr-specs, so ";user=phone" on To is a header parameter.
    {"inv2543.dat", Valid, None, {}, "INVITE", 0, "sip:UserB@example.com", "inv2543.1717@ift.client.example.com",
     56, "INVITE", "sip:+13035551111@ift.client.example.net;user=phone", "", "sip:+16505552222@ss1.example.net",
     ""},
    // In the archive, in no section.
    {"test.dat", Unclassified, BadStartLine},
};
// clang-format on

fs::path corpusDir() { return fs::path(SIPSCOPE_CORPUS_DIR) / "rfc4475"; }

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// The "Expect" column of every "| file.dat | § | Expect | ... |" row of EXPECTED.md.
std::map<std::string, Verdict> readExpectedMd(const fs::path& path) {
    std::map<std::string, Verdict> verdicts;
    std::istringstream lines(readFile(path));
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.starts_with("| ") || line.find(".dat |") == std::string::npos) {
            continue;
        }
        std::vector<std::string> cells;
        std::istringstream row(line.substr(1));
        std::string cell;
        while (std::getline(row, cell, '|')) {
            const std::size_t begin = cell.find_first_not_of(' ');
            const std::size_t end = cell.find_last_not_of(' ');
            cells.push_back(begin == std::string::npos ? "" : cell.substr(begin, end - begin + 1));
        }
        if (cells.size() < 3) {
            continue;
        }
        const std::string& expect = cells[2];
        const std::optional<Verdict> verdict = expect == "valid"                    ? std::optional(Valid)
                                               : expect == "valid, semantic error"  ? std::optional(ValidSemanticError)
                                               : expect == "invalid"                ? std::optional(Invalid)
                                               : expect == "invalid (unclassified)" ? std::optional(Unclassified)
                                                                                    : std::nullopt;
        EXPECT_TRUE(verdict.has_value()) << "unknown Expect value '" << expect << "' for " << cells[0];
        if (verdict) {
            verdicts[cells[0]] = *verdict;
        }
    }
    return verdicts;
}

#define SIPSCOPE_SKIP_WITHOUT_CORPUS()                                                                                 \
    if (!fs::is_directory(corpusDir())) {                                                                              \
        SIPSCOPE_CORPUS_MISSING() << "RFC 4475 corpus not found at " << corpusDir()                                    \
                                  << " (expected ../shared/corpus beside the checkout); these checks did not run";     \
    }

TEST(Rfc4475, TableCoversEveryFileAndAgreesWithExpectedMd) {
    SIPSCOPE_SKIP_WITHOUT_CORPUS();
    std::set<std::string> inTable;
    for (const TortureCase& c : Cases) {
        EXPECT_TRUE(inTable.insert(std::string(c.file)).second) << c.file << " twice in the table";
        EXPECT_TRUE(fs::exists(corpusDir() / c.file)) << c.file << " is in the table but not in the corpus";
    }
    std::size_t files = 0;
    for (const fs::directory_entry& entry : fs::directory_iterator(corpusDir())) {
        if (entry.path().extension() == ".dat") {
            ++files;
            EXPECT_TRUE(inTable.contains(entry.path().filename().string()))
                << entry.path().filename() << " has no row in the test table";
        }
    }
    EXPECT_EQ(files, 50u);

    const std::map<std::string, Verdict> expected = readExpectedMd(corpusDir() / "EXPECTED.md");
    EXPECT_EQ(expected.size(), 50u);
    for (const TortureCase& c : Cases) {
        SCOPED_TRACE(c.file);
        const auto found = expected.find(std::string(c.file));
        ASSERT_NE(found, expected.end()) << "no row in EXPECTED.md";
        EXPECT_EQ(found->second, c.verdict);
        // Accepted exactly when EXPECTED.md says valid, unless the row documents why not.
        const bool isExpectedValid = c.verdict == Valid || c.verdict == ValidSemanticError;
        if (c.deviation.empty()) {
            EXPECT_EQ(c.ours == None, isExpectedValid);
        } else {
            EXPECT_TRUE(isExpectedValid) << "deviations only ever flag what RFC 4475 lets pass";
        }
    }
}

TEST(Rfc4475, EveryMessage) {
    SIPSCOPE_SKIP_WITHOUT_CORPUS();
    SipParser parser;
    for (const TortureCase& c : Cases) {
        SCOPED_TRACE(c.file);
        const std::string bytes = readFile(corpusDir() / c.file);
        ASSERT_FALSE(bytes.empty());
        const ExactBuffer buffer(bytes);
        const SipMessageView& message = parser.parse(buffer.view());
        EXPECT_EQ(message.error().code, c.ours) << "reason: " << message.error().reason;
        EXPECT_FALSE(message.raw().empty());
        EXPECT_LE(message.error().offset, bytes.size());
        if (c.ours != None) {
            EXPECT_FALSE(message.isValid());
            EXPECT_FALSE(message.error().reason.empty());
        }
        if (c.ours != None && c.deviation.empty()) {
            continue;  // the fields of rejected messages are checked in the Rfc4475.RejectedMessagesKeepWhatTheyCan
                       // test
        }
        EXPECT_EQ(message.isRequest(), !c.method.empty());
        EXPECT_EQ(message.method(), c.method);
        EXPECT_EQ(message.statusCode(), c.status);
        EXPECT_EQ(message.requestUri(), c.requestUri);
        EXPECT_EQ(message.callId(), c.callId);
        EXPECT_EQ(message.cseq().number, c.cseqNumber);
        EXPECT_EQ(message.cseq().method, c.cseqMethod);
        EXPECT_EQ(message.from().uri, c.fromUri);
        EXPECT_EQ(message.from().tag, c.fromTag);
        EXPECT_EQ(message.to().uri, c.toUri);
        EXPECT_EQ(message.to().tag, c.toTag);
    }
}

const SipMessageView& parseFile(SipParser& parser, std::string_view file, std::unique_ptr<ExactBuffer>& keep) {
    keep = std::make_unique<ExactBuffer>(readFile(corpusDir() / file));
    return parser.parse(keep->view());
}

TEST(Rfc4475, Details) {
    SIPSCOPE_SKIP_WITHOUT_CORPUS();
    SipParser parser;
    std::unique_ptr<ExactBuffer> keep;

    const SipMessageView& wsinv = parseFile(parser, "wsinv.dat", keep);
    EXPECT_EQ(wsinv.topViaBranch(), "390skdjuw");
    EXPECT_EQ(wsinv.topViaSentBy(), "192.0.2.2");
    EXPECT_EQ(wsinv.from().displayName, "J Rosenberg \\\\\\\"");
    EXPECT_EQ(wsinv.headerCount("Via"), 2u);
    EXPECT_EQ(wsinv.header("Subject"), "");
    EXPECT_EQ(wsinv.header("NewFangledHeader"), "newfangled value\r\n continued newfangled value");
    EXPECT_EQ(wsinv.body().size(), 150u);

    const SipMessageView& esc02 = parseFile(parser, "esc02.dat", keep);
    EXPECT_EQ(esc02.headerCount("Contact"), 2u);  // C%6Fntact is another header (RFC 4475 §3.1.1.5)
    EXPECT_EQ(esc02.headerCount("C%6Fntact"), 1u);

    const SipMessageView& dblreq = parseFile(parser, "dblreq.dat", keep);
    EXPECT_TRUE(dblreq.raw().ends_with("Content-Length: 0\r\n\r\n"));
    EXPECT_TRUE(dblreq.body().empty());

    const SipMessageView& inv2543 = parseFile(parser, "inv2543.dat", keep);
    EXPECT_FALSE(inv2543.contentLength().has_value());
    EXPECT_TRUE(inv2543.body().starts_with("v=0\r\n"));  // no Content-Length: the rest of the datagram
    EXPECT_TRUE(inv2543.topViaBranch().empty());
    EXPECT_EQ(inv2543.topViaSentBy(), "iftgw.example.com");

    const SipMessageView& mpart01 = parseFile(parser, "mpart01.dat", keep);
    EXPECT_EQ(mpart01.body().size(), 553u);
    EXPECT_EQ(mpart01.userAgent(), "SIPimp.org/0.2.5 (curses)");

    const SipMessageView& noreason = parseFile(parser, "noreason.dat", keep);
    EXPECT_TRUE(noreason.isResponse());
    EXPECT_EQ(noreason.reasonPhrase(), "");

    const SipMessageView& unreason = parseFile(parser, "unreason.dat", keep);
    EXPECT_TRUE(unreason.reasonPhrase().starts_with("= 2**3 * 5**2 "));

    const SipMessageView& badbranch = parseFile(parser, "badbranch.dat", keep);
    EXPECT_EQ(badbranch.topViaBranch(), "z9hG4bK");

    const SipMessageView& lwsdisp = parseFile(parser, "lwsdisp.dat", keep);
    EXPECT_EQ(lwsdisp.from().displayName, "caller");
}

// Typed access (sip_headers.hpp) on torture messages: escapes, compact and mixed-case names, many hops, multipart.
TEST(Rfc4475, TypedAccess) {
    SIPSCOPE_SKIP_WITHOUT_CORPUS();
    SipParser parser;
    std::unique_ptr<ExactBuffer> keep;

    const SipMessageView& esc01 = parseFile(parser, "esc01.dat", keep);
    SipUri requestUri;
    ASSERT_TRUE(parseUri(esc01.requestUri(), requestUri));
    std::string user;
    EXPECT_TRUE(unescape(requestUri.user, user));
    EXPECT_EQ(user, "sips:user@example.com");  // RFC 4475 §3.1.1.2: an escaped URI inside the user part
    EXPECT_EQ(requestUri.host, "example.net");
    EXPECT_TRUE(sameAddress(esc01.to().uri, "sip:user@example.com"));  // sip:%75se%72@example.com
    const NameAddr contact = esc01.contact();                          // folded onto a second line
    SipUri contactUri;
    ASSERT_TRUE(parseUri(contact.uri, contactUri));
    std::string contactUser;
    unescape(contactUri.user, contactUser);
    EXPECT_EQ(contactUser, "caller");
    EXPECT_EQ(contactUri.param("n%61me"), "v%61lue%25%34%31");  // parameter names stay escaped as sent
    EXPECT_EQ(esc01.maxForwards(), 87u);
    EXPECT_EQ(esc01.topVia().host, "host5.example.net");
    EXPECT_EQ(esc01.contentType(), "application/sdp");  // compact c:
    EXPECT_EQ(esc01.sdp(), esc01.body());

    const SipMessageView& longreq = parseFile(parser, "longreq.dat", keep);
    EXPECT_EQ(longreq.viaHopCount(), 34u);  // Via, v, V, ViA, VIa, ... all counted
    EXPECT_EQ(longreq.topVia().transport, "TCP");
    EXPECT_EQ(longreq.topVia().host, "sip33.example.com");
    EXPECT_EQ(longreq.to().host, "example.com:6000");
    EXPECT_TRUE(longreq.contact().uri.starts_with("sip:amazinglylongcallername"));

    const SipMessageView& mpart01 = parseFile(parser, "mpart01.dat", keep);
    EXPECT_TRUE(mpart01.sdp().empty());  // text/plain and application/octet-stream parts, no SDP
    EXPECT_FALSE(findBodyPart(mpart01.contentType(), mpart01.body(), "text/plain").empty());
    EXPECT_FALSE(findBodyPart(mpart01.contentType(), mpart01.body(), "application/octet-stream").empty());

    const SipMessageView& wsinv = parseFile(parser, "wsinv.dat", keep);
    EXPECT_EQ(wsinv.viaHopCount(), 3u);  // the second Via header holds two via-parms
    EXPECT_EQ(wsinv.topVia().branch, "390skdjuw");
    EXPECT_EQ(wsinv.topVia().transport, "UDP");  // "SIP  /   2.0\r\n /UDP" folded
    std::vector<ViaHop> hops;
    wsinv.forEachElement("Via", [&hops](std::string_view element) {
        ViaHop hop;
        EXPECT_TRUE(parseViaHop(element, hop)) << element;
        hops.push_back(hop);
    });
    ASSERT_EQ(hops.size(), 3u);
    EXPECT_EQ(hops[1].transport, "TCP");
    EXPECT_EQ(hops[1].host, "spindle.example.com");
    EXPECT_EQ(hops[1].branch, "z9hG4bK9ikj8");  // "branch  =   z9hG4bK9ikj8" across a fold
    EXPECT_EQ(hops[2].host, "192.168.255.111");
    EXPECT_EQ(hops[2].branch, "z9hG4bK30239");
}

TEST(Rfc4475, RejectedMessagesKeepWhatTheyCan) {
    SIPSCOPE_SKIP_WITHOUT_CORPUS();
    SipParser parser;
    std::unique_ptr<ExactBuffer> keep;

    const SipMessageView& clerr = parseFile(parser, "clerr.dat", keep);
    EXPECT_EQ(clerr.contentLength(), 9999u);
    EXPECT_FALSE(clerr.body().empty());
    EXPECT_EQ(clerr.callId(), "clerr.0ha0isndaksdjweiafasdk3");

    const SipMessageView& quotbal = parseFile(parser, "quotbal.dat", keep);
    EXPECT_EQ(quotbal.to().uri, "sip:j.user@example.com");  // salvaged from behind the broken quote
    EXPECT_EQ(quotbal.from().tag, "93334");

    const SipMessageView& badvers = parseFile(parser, "badvers.dat", keep);
    EXPECT_EQ(badvers.method(), "OPTIONS");
    EXPECT_EQ(badvers.requestUri(), "sip:t.watson@example.org");

    const SipMessageView& bigcode = parseFile(parser, "bigcode.dat", keep);
    EXPECT_EQ(bigcode.reasonPhrase(), "better not break the receiver");
    EXPECT_EQ(bigcode.cseq().number, 353494u);

    const SipMessageView& multi01 = parseFile(parser, "multi01.dat", keep);
    EXPECT_EQ(multi01.callId(), "multi01.98asdh@192.0.2.1");  // the first of two
    EXPECT_EQ(multi01.headerCount("Call-ID"), 2u);

    const SipMessageView& mismatch01 = parseFile(parser, "mismatch01.dat", keep);
    EXPECT_EQ(mismatch01.cseq().method, "INVITE");
    EXPECT_EQ(mismatch01.method(), "OPTIONS");

    const SipMessageView& lwsstart = parseFile(parser, "lwsstart.dat", keep);
    EXPECT_EQ(lwsstart.requestUri(), "sip:user@example.com");

    const SipMessageView& testDat = parseFile(parser, "test.dat", keep);
    EXPECT_EQ(testDat.method(), "INVITE");
    EXPECT_EQ(testDat.requestUri(), "sip:alan@jasomi.com");
    EXPECT_EQ(testDat.callId(), "test.0ha0isndaksdj@192.0.2.1");
    EXPECT_EQ(testDat.body().size(), 18u);
}

}  // namespace
}  // namespace sipscope::decode
