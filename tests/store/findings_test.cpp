// Findings end to end (issue 16): for each kind, a generated capture that has the problem and one that does not,
// imported into a database and its findings read back; the project's SIPp samples give none at all.
#include "common/error.hpp"
#include "store/database.hpp"
#include "store/ingest.hpp"
#include "store/reader.hpp"
#include "tests/tools/media_calls.hpp"
#include "tests/tools/run.hpp"
#include "tests/tools/test_sql.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

using namespace sipscope;
using test::TimedPcap;
using test::UdpPacket;

namespace {

constexpr std::uint32_t Alice = 0x0a000001, Bob = 0x0a000002, Public = 0xcb007105;  // 203.0.113.5
constexpr std::int64_t Ms = 1000, S = 1'000'000;
constexpr std::int64_t T0 = 1'700'000'000 * S;

// One SIP message: Via branch from the Call-ID and CSeq number (an ACK gets its own), Max-Forwards in requests,
// Contact in INVITEs and in 2xx to INVITEs, `extra` headers, and the body with its type and length.
std::string sip(const std::string& startLine, const std::string& callId, const std::string& cseq,
                const std::string& toTag = "", const std::string& extra = "", const std::string& body = "",
                const std::string& contactHost = "10.0.0.1") {
    const bool isRequest = startLine.rfind("SIP/2.0", 0) != 0;
    const std::string number = cseq.substr(0, cseq.find(' '));
    const std::string method = cseq.substr(cseq.find(' ') + 1);
    std::string text = startLine + "\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-" + callId + "-" + number +
                       (isRequest && method == "ACK" ? "-ack" : "") +
                       "\r\nFrom: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>" +
                       (toTag.empty() ? "" : ";tag=" + toTag) + "\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq + "\r\n";
    if (isRequest)
        text += "Max-Forwards: 70\r\n";
    if (method == "INVITE" && (isRequest || startLine.rfind("SIP/2.0 2", 0) == 0))
        text += "Contact: <sip:alice@" + contactHost + ":5060>\r\n";
    text += extra;
    if (!body.empty())
        text += "Content-Type: application/sdp\r\n";
    return text + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string invite(const std::string& callId, const std::string& cseq = "1 INVITE", const std::string& extra = "",
                   const std::string& body = "") {
    return sip("INVITE sip:bob@example.com SIP/2.0", callId, cseq, "", extra, body);
}

// Packets from Alice to Bob (`a`) and back (`b`).
UdpPacket a(std::int64_t atUs, std::string text) { return {T0 + atUs, Alice, Bob, 5060, 5060, std::move(text)}; }
UdpPacket b(std::int64_t atUs, std::string text) { return {T0 + atUs, Bob, Alice, 5060, 5060, std::move(text)}; }

// A complete, healthy call: INVITE, 180, 200, ACK, BYE, 200.
std::vector<UdpPacket> healthyCall(const std::string& id, std::int64_t atUs = 0) {
    return {a(atUs, invite(id)),
            b(atUs + 50 * Ms, sip("SIP/2.0 180 Ringing", id, "1 INVITE", "b1")),
            b(atUs + 900 * Ms, sip("SIP/2.0 200 OK", id, "1 INVITE", "b1")),
            a(atUs + 910 * Ms, sip("ACK sip:bob@10.0.0.2 SIP/2.0", id, "1 ACK", "b1")),
            a(atUs + 5 * S, sip("BYE sip:bob@10.0.0.2 SIP/2.0", id, "2 BYE", "b1")),
            b(atUs + 5 * S + 10 * Ms, sip("SIP/2.0 200 OK", id, "2 BYE", "b1"))};
}

TimedPcap timed(const std::vector<UdpPacket>& packets) {
    TimedPcap pcap;
    for (const UdpPacket& packet : packets)
        pcap.add(packet);
    return pcap;
}

struct Imported {
    test::TempDir dir;
    std::unique_ptr<store::Reader> reader;

    explicit Imported(const std::vector<UdpPacket>& packets, const store::IngestOptions& options = {})
        : Imported(timed(packets), options) {}
    explicit Imported(const TimedPcap& pcap, const store::IngestOptions& options = {}) {
        pcap.write(dir.file("f.pcap"));
        store::importFiles(dir.database(), {dir.file("f.pcap")}, options);
        reader = std::make_unique<store::Reader>(dir.database());
    }
    std::vector<store::FindingRow> all() const { return reader->findings({}); }
    std::vector<store::FindingRow> of(const std::string& kind) const {
        store::FindingFilter only;
        only.kinds = {kind};
        return reader->findings({}, only);
    }
};

std::string describe(const std::vector<store::FindingRow>& rows) {
    std::string text;
    for (const auto& f : rows)
        text += "\n  " + f.kind + ": " + f.explanation + " (" + f.rfc + ")";
    return text.empty() ? " none" : text;
}

struct Case {
    std::string kind;
    std::vector<UdpPacket> with;     // the capture that has it
    std::vector<UdpPacket> without;  // the same flow done right
    std::string evidence;            // a piece of the explanation: the numbers or addresses it must name
    std::string rfc;
};

std::vector<UdpPacket> join(std::vector<UdpPacket> first, const std::vector<UdpPacket>& more) {
    first.insert(first.end(), more.begin(), more.end());
    return first;
}

std::vector<Case> cases() {
    std::vector<Case> list;
    const std::string sdpPcmu = test::audioSdp(Alice, 4000);
    // Protocol.
    list.push_back({"malformed",
                    {a(0, "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1\r\nthis is no header\r\n"
                          "Call-ID: m1\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\n\r\n")},
                    {a(0, invite("m1"))},
                    "10.0.0.1:5060",
                    "RFC 3261 25.1"});
    {
        std::string shortBody = sip("MESSAGE sip:bob@example.com SIP/2.0", "cl1", "1 MESSAGE", "", "", "hello");
        shortBody.replace(shortBody.find("Content-Length: 5"), 17, "Content-Length: 50");
        list.push_back({"content-length",
                        {a(0, shortBody)},
                        {a(0, sip("MESSAGE sip:bob@example.com SIP/2.0", "cl1", "1 MESSAGE", "", "", "hello"))},
                        "Content-Length says 50 bytes",
                        "RFC 3261 20.14"});
        std::string longBody = sip("MESSAGE sip:bob@example.com SIP/2.0", "cl2", "1 MESSAGE", "", "", "hello");
        longBody.replace(longBody.find("Content-Length: 5"), 17, "Content-Length: 2");
        list.push_back({"content-length",
                        {a(0, longBody)},
                        {a(0, sip("MESSAGE sip:bob@example.com SIP/2.0", "cl2", "1 MESSAGE", "", "", "hello"))},
                        "carries 3 more",
                        "RFC 3261 18.3"});
    }
    {
        std::string noMaxForwards = invite("mh1");
        noMaxForwards.erase(noMaxForwards.find("Max-Forwards: 70\r\n"), 18);
        list.push_back(
            {"missing-header", {a(0, noMaxForwards)}, {a(0, invite("mh1"))}, "Max-Forwards", "RFC 3261 8.1.1.6"});
        std::string noCseq = invite("mh2");
        noCseq.erase(noCseq.find("CSeq: 1 INVITE\r\n"), 16);
        list.push_back({"missing-header", {a(0, noCseq)}, {a(0, invite("mh2"))}, "CSeq", "RFC 3261 8.1.1"});
    }
    list.push_back({"orphan-response",
                    {b(0, sip("SIP/2.0 200 OK", "o1", "7 OPTIONS", "b1"))},
                    {a(0, sip("OPTIONS sip:bob@example.com SIP/2.0", "o1", "7 OPTIONS")),
                     b(10 * Ms, sip("SIP/2.0 200 OK", "o1", "7 OPTIONS", "b1"))},
                    "10.0.0.2:5060 -> 10.0.0.1:5060",
                    "RFC 3261 17.1.3"});
    {
        const std::string ok = sip("SIP/2.0 200 OK", "u1", "1 INVITE", "b1");
        list.push_back(
            {"unacked-2xx",
             {a(0, invite("u1")), b(100 * Ms, ok), b(600 * Ms, ok), b(1600 * Ms, ok)},
             {a(0, invite("u1")), b(100 * Ms, ok), a(110 * Ms, sip("ACK sip:b SIP/2.0", "u1", "1 ACK", "b1"))},
             "sent 3 times",
             "RFC 3261 13.3.1.4"});
    }
    list.push_back({"unknown-dialog",
                    join(healthyCall("d1"), {a(3 * S, sip("BYE sip:bob@10.0.0.2 SIP/2.0", "d1", "3 BYE", "zz"))}),
                    healthyCall("d1"), "BYE (CSeq 3)", "RFC 3261 12.2.2"});
    list.push_back({"481",
                    {a(0, sip("BYE sip:bob@10.0.0.2 SIP/2.0", "x1", "2 BYE", "b1")),
                     b(10 * Ms, sip("SIP/2.0 481 Call/Transaction Does Not Exist", "x1", "2 BYE", "b1"))},
                    healthyCall("x1"),
                    "10.0.0.2:5060 answered BYE (CSeq 2) with 481",
                    "RFC 3261 21.4.19"});
    list.push_back({"cseq-backwards",
                    join(healthyCall("c1"), {a(2 * S, sip("INFO sip:bob@10.0.0.2 SIP/2.0", "c1", "3 INFO", "b1")),
                                             b(2 * S + 10 * Ms, sip("SIP/2.0 200 OK", "c1", "3 INFO", "b1"))}),
                    healthyCall("c1"), "BYE (CSeq 2) on 10.0.0.1:5060 -> 10.0.0.2:5060 came after INFO (CSeq 3)",
                    "RFC 3261 12.2.1.1"});
    // Timers.
    {
        std::vector<UdpPacket> unanswered;
        for (const std::int64_t at : {0LL, 500LL, 1500LL, 3500LL, 7500LL, 15500LL, 31500LL})
            unanswered.push_back(a(at * Ms, invite("t1")));
        unanswered.push_back(a(40 * S, sip("OPTIONS sip:bob@example.com SIP/2.0", "t2", "1 OPTIONS")));
        unanswered.push_back(b(40 * S + 5 * Ms, sip("SIP/2.0 200 OK", "t2", "1 OPTIONS", "b2")));
        list.push_back({"timeout", unanswered, healthyCall("t1"), "Timer B", "RFC 3261 17.1.1.2"});
    }
    list.push_back({"retransmission-timing",
                    join({a(0, invite("r1")), a(100 * Ms, invite("r1")), a(200 * Ms, invite("r1"))},
                         {b(250 * Ms, sip("SIP/2.0 486 Busy Here", "r1", "1 INVITE", "b1")),
                          a(260 * Ms, sip("ACK sip:bob@example.com SIP/2.0", "r1", "1 ACK", "b1"))}),
                    join({a(0, invite("r1")), a(500 * Ms, invite("r1")), a(1500 * Ms, invite("r1"))},
                         {b(1600 * Ms, sip("SIP/2.0 486 Busy Here", "r1", "1 INVITE", "b1")),
                          a(1610 * Ms, sip("ACK sip:bob@example.com SIP/2.0", "r1", "1 ACK", "b1"))}),
                    "repeated after 100 ms, 100 ms", "RFC 3261 17.1.1.2"});
    list.push_back({"slow-provisional",
                    {a(0, invite("sp1")), a(500 * Ms, invite("sp1")),
                     b(1200 * Ms, sip("SIP/2.0 180 Ringing", "sp1", "1 INVITE", "b1")),
                     b(2 * S, sip("SIP/2.0 486 Busy Here", "sp1", "1 INVITE", "b1")),
                     a(2 * S + 10 * Ms, sip("ACK sip:bob@example.com SIP/2.0", "sp1", "1 ACK", "b1"))},
                    healthyCall("sp1"),
                    "came 1.2 s after it (180), later than T1 = 500 ms",
                    "RFC 3261 17.2.1"});
    {
        const std::string reliable =
            sip("SIP/2.0 183 Session Progress", "pr1", "1 INVITE", "b1", "Require: 100rel\r\nRSeq: 1\r\n");
        const std::vector<UdpPacket> tail = {b(2 * S, sip("SIP/2.0 486 Busy Here", "pr1", "1 INVITE", "b1")),
                                             a(2 * S + 10 * Ms, sip("ACK sip:b SIP/2.0", "pr1", "1 ACK", "b1"))};
        list.push_back(
            {"missing-prack",
             join({a(0, invite("pr1", "1 INVITE", "Supported: 100rel\r\n")), b(100 * Ms, reliable),
                   b(600 * Ms, reliable), b(1600 * Ms, reliable)},
                  tail),
             join({a(0, invite("pr1", "1 INVITE", "Supported: 100rel\r\n")), b(100 * Ms, reliable),
                   a(110 * Ms, sip("PRACK sip:bob@10.0.0.2 SIP/2.0", "pr1", "2 PRACK", "b1", "RAck: 1 1 INVITE\r\n")),
                   b(120 * Ms, sip("SIP/2.0 200 OK", "pr1", "2 PRACK", "b1"))},
                  tail),
             "requires 100rel and was sent 3 times, never PRACKed", "RFC 3262 4"});
    }
    // Setup and failure patterns.
    {
        std::vector<UdpPacket> slow = healthyCall("s1");
        slow[1].timestampUs = T0 + 4200 * Ms;
        slow[2].timestampUs = T0 + 4300 * Ms;
        slow[3].timestampUs = T0 + 4310 * Ms;
        list.push_back({"slow-srd", slow, healthyCall("s1"), "post-dial delay 4.2 s", "RFC 6076 4.2"});
    }
    {
        std::vector<UdpPacket> loop, once;
        for (int i = 1; i <= 3; ++i) {
            const std::string cseq = std::to_string(i) + " REGISTER";
            loop.push_back(a(i * S, sip("REGISTER sip:example.com SIP/2.0", "l1", cseq, "",
                                        i > 1 ? "Authorization: Digest username=\"alice\"\r\n" : "")));
            loop.push_back(b(i * S + 10 * Ms, sip("SIP/2.0 401 Unauthorized", "l1", cseq, "r1")));
        }
        once = {a(0, sip("REGISTER sip:example.com SIP/2.0", "l1", "1 REGISTER")),
                b(10 * Ms, sip("SIP/2.0 401 Unauthorized", "l1", "1 REGISTER", "r1")),
                a(20 * Ms, sip("REGISTER sip:example.com SIP/2.0", "l1", "2 REGISTER", "",
                               "Authorization: Digest username=\"alice\"\r\n")),
                b(30 * Ms, sip("SIP/2.0 200 OK", "l1", "2 REGISTER", "r1", "Expires: 3600\r\n"))};
        list.push_back({"challenge-loop", loop, once, "challenged 3 times", "RFC 3261 22.1"});
    }
    list.push_back({"codec-mismatch",
                    {a(0, invite("n1", "1 INVITE", "", sdpPcmu)),
                     b(20 * Ms, sip("SIP/2.0 488 Not Acceptable Here", "n1", "1 INVITE", "b1",
                                    "Warning: 305 bob \"Incompatible media format: G729 only\"\r\n")),
                     a(30 * Ms, sip("ACK sip:bob@example.com SIP/2.0", "n1", "1 ACK", "b1"))},
                    healthyCall("n1"),
                    "offer [audio PCMU telephone-event] vs answer [305 bob",
                    "RFC 3264 6"});
    list.push_back({"cancel-race",
                    {a(0, invite("k1")), b(50 * Ms, sip("SIP/2.0 180 Ringing", "k1", "1 INVITE", "b1")),
                     a(3 * S, sip("CANCEL sip:bob@example.com SIP/2.0", "k1", "1 CANCEL")),
                     b(3 * S + 5 * Ms, sip("SIP/2.0 200 OK", "k1", "1 INVITE", "b1")),
                     b(3 * S + 6 * Ms, sip("SIP/2.0 200 OK", "k1", "1 CANCEL", "b1")),
                     a(3 * S + 10 * Ms, sip("ACK sip:bob@10.0.0.2 SIP/2.0", "k1", "1 ACK", "b1")),
                     a(3 * S + 20 * Ms, sip("BYE sip:bob@10.0.0.2 SIP/2.0", "k1", "2 BYE", "b1")),
                     b(3 * S + 30 * Ms, sip("SIP/2.0 200 OK", "k1", "2 BYE", "b1"))},
                    {a(0, invite("k1")), b(50 * Ms, sip("SIP/2.0 180 Ringing", "k1", "1 INVITE", "b1")),
                     a(3 * S, sip("CANCEL sip:bob@example.com SIP/2.0", "k1", "1 CANCEL")),
                     b(3 * S + 6 * Ms, sip("SIP/2.0 200 OK", "k1", "1 CANCEL", "b1")),
                     b(3 * S + 7 * Ms, sip("SIP/2.0 487 Request Terminated", "k1", "1 INVITE", "b1")),
                     a(3 * S + 10 * Ms, sip("ACK sip:bob@example.com SIP/2.0", "k1", "1 ACK", "b1"))},
                    "crossed the 200 OK",
                    "RFC 3261 9.1"});
    list.push_back(
        {"glare",
         {a(0, invite("g1")), b(900 * Ms, sip("SIP/2.0 200 OK", "g1", "1 INVITE", "b1")),
          a(910 * Ms, sip("ACK sip:bob@10.0.0.2 SIP/2.0", "g1", "1 ACK", "b1")), a(2 * S, invite("g1", "2 INVITE")),
          b(2 * S + 10 * Ms, sip("SIP/2.0 491 Request Pending", "g1", "2 INVITE", "b1")),
          a(2 * S + 20 * Ms, sip("ACK sip:bob@10.0.0.2 SIP/2.0", "g1", "2 ACK", "b1")),
          a(5 * S, sip("BYE sip:bob@10.0.0.2 SIP/2.0", "g1", "3 BYE", "b1")),
          b(5 * S + 10 * Ms, sip("SIP/2.0 200 OK", "g1", "3 BYE", "b1"))},
         healthyCall("g1"),
         "491 Request Pending to INVITE (CSeq 2)",
         "RFC 3261 14.1"});
    list.push_back({"forked-answers",
                    {a(0, invite("f1")),
                     b(100 * Ms, sip("SIP/2.0 200 OK", "f1", "1 INVITE", "fork1")),
                     {T0 + 120 * Ms, 0x0a000003, Alice, 5060, 5060, sip("SIP/2.0 200 OK", "f1", "1 INVITE", "fork2")},
                     a(130 * Ms, sip("ACK sip:bob@10.0.0.2 SIP/2.0", "f1", "1 ACK", "fork1"))},
                    healthyCall("f1"),
                    "answered 2xx by 2 forks (10.0.0.2:5060, 10.0.0.3:5060)",
                    "RFC 3261 13.2.2.4"});
    // NAT and addressing.
    list.push_back({"private-address",
                    {{T0, Public, Bob, 5060, 5060,
                      sip("INVITE sip:bob@example.com SIP/2.0", "p1", "1 INVITE", "", "", "", "192.168.1.20")}},
                    {{T0, Alice, Bob, 5060, 5060,
                      sip("INVITE sip:bob@example.com SIP/2.0", "p1", "1 INVITE", "", "", "", "192.168.1.20")}},
                    "public 203.0.113.5:5060 but names private addresses (top Via 10.0.0.1, Contact 192.168.1.20)",
                    "RFC 1918 3"});
    {
        std::string natted = sip("SIP/2.0 200 OK", "v1", "1 OPTIONS", "b1");
        natted.replace(natted.find(";branch="), 8, ";received=203.0.113.5;rport=40112;branch=");
        list.push_back({"via-nat",
                        {a(0, sip("OPTIONS sip:bob@example.com SIP/2.0", "v1", "1 OPTIONS")), b(10 * Ms, natted)},
                        {a(0, sip("OPTIONS sip:bob@example.com SIP/2.0", "v1", "1 OPTIONS")),
                         b(10 * Ms, sip("SIP/2.0 200 OK", "v1", "1 OPTIONS", "b1"))},
                        "from 203.0.113.5:40112",
                        "RFC 3581 4"});
    }
    {
        std::string zero = sdpPcmu;
        zero.replace(zero.find("c=IN IP4 10.0.0.1"), 17, "c=IN IP4 0.0.0.0");
        list.push_back({"zero-address",
                        {a(0, invite("z1", "1 INVITE", "", zero))},
                        {a(0, invite("z1", "1 INVITE", "", sdpPcmu))},
                        "c=0.0.0.0 port 4000",
                        "RFC 3264 8.4"});
    }
    // Registration.
    {
        const std::string contact = "Contact: <sip:alice@10.0.0.1:5060>\r\n";
        auto reg = [&](std::int64_t at, const std::string& cseq, const std::string& asked) {
            return a(at,
                     sip("REGISTER sip:example.com SIP/2.0", "g2", cseq, "", contact + "Expires: " + asked + "\r\n"));
        };
        auto ok = [&](std::int64_t at, const std::string& cseq, const std::string& granted) {
            return b(at, sip("SIP/2.0 200 OK", "g2", cseq, "r1", contact + "Expires: " + granted + "\r\n"));
        };
        list.push_back({"registration-shortened",
                        {reg(0, "1 REGISTER", "3600"), ok(10 * Ms, "1 REGISTER", "60")},
                        {reg(0, "1 REGISTER", "3600"), ok(10 * Ms, "1 REGISTER", "3600")},
                        "asked for 3600 s, the registrar granted 60 s",
                        "RFC 3261 10.3"});
        list.push_back({"registration-lapsed",
                        {reg(0, "1 REGISTER", "10"), ok(10 * Ms, "1 REGISTER", "10"), reg(30 * S, "2 REGISTER", "10"),
                         ok(30 * S + 10 * Ms, "2 REGISTER", "10")},
                        {reg(0, "1 REGISTER", "10"), ok(10 * Ms, "1 REGISTER", "10"), reg(5 * S, "2 REGISTER", "10"),
                         ok(5 * S + 10 * Ms, "2 REGISTER", "10")},
                        "refreshed 20 s after its binding expired",
                        "RFC 3261 10.2.4"});
        list.push_back(
            {"registration-failed",
             {reg(0, "1 REGISTER", "3600"), b(10 * Ms, sip("SIP/2.0 403 Forbidden", "g2", "1 REGISTER", "r1"))},
             {reg(0, "1 REGISTER", "3600"), ok(10 * Ms, "1 REGISTER", "3600")},
             "REGISTER of sip:bob@example.com refused 1 time, last status 403",
             "RFC 3261 10.3"});
    }
    // Security.
    list.push_back(
        {"scanner",
         {a(0, sip("OPTIONS sip:100@example.com SIP/2.0", "sc1", "1 OPTIONS", "", "User-Agent: friendly-scanner\r\n"))},
         {a(0, sip("OPTIONS sip:100@example.com SIP/2.0", "sc1", "1 OPTIONS", "", "User-Agent: Linphone/5.0\r\n"))},
         "User-Agent \"friendly-scanner\"",
         "RFC 3261 26.1"});
    {
        std::vector<UdpPacket> scan, few;
        for (int i = 0; i < 12; ++i) {
            const std::string id = "sc" + std::to_string(i);
            std::string request = sip("REGISTER sip:example.com SIP/2.0", id, "1 REGISTER");
            request.replace(request.find("sip:bob@"), 8, "sip:" + std::to_string(1000 + i) + "@");
            std::string refused = sip("SIP/2.0 404 Not Found", id, "1 REGISTER", "r");
            (i < 12 ? scan : few).push_back({T0 + i * 100 * Ms, Public, Bob, 5070, 5060, request});
            scan.push_back({T0 + i * 100 * Ms + 5 * Ms, Bob, Public, 5060, 5070, refused});
            if (i < 3) {
                few.push_back({T0 + i * 100 * Ms, Public, Bob, 5070, 5060, request});
                few.push_back({T0 + i * 100 * Ms + 5 * Ms, Bob, Public, 5060, 5070, refused});
            }
        }
        list.push_back({"scanner", scan, few, "asked for 12 distinct users", "RFC 3261 26.1"});
    }
    {
        std::vector<UdpPacket> guess, typo;
        for (int i = 0; i < 6; ++i) {
            const std::string id = "bf" + std::to_string(i);
            const UdpPacket request{T0 + i * S,
                                    Public,
                                    Bob,
                                    5060,
                                    5060,
                                    sip("REGISTER sip:example.com SIP/2.0", id, "2 REGISTER", "",
                                        "Authorization: Digest username=\"bob\", response=\"x\"\r\n")};
            const UdpPacket refused{
                T0 + i * S + 5 * Ms, Bob, Public, 5060, 5060, sip("SIP/2.0 403 Forbidden", id, "2 REGISTER", "r")};
            guess.push_back(request);
            guess.push_back(refused);
            if (i < 2) {
                typo.push_back(request);
                typo.push_back(refused);
            }
        }
        list.push_back({"brute-force", guess, typo, "6 authentications with credentials failed", "RFC 3261 22.4"});
    }
    {
        const std::string auth = "Authorization: Digest username=\"bob\", response=\"x\"\r\n";
        auto tollInvite = [&](const std::string& id, const std::string& number) {
            std::string text = sip("INVITE sip:" + number + "@example.com SIP/2.0", id, "2 INVITE", "", auth);
            return UdpPacket{T0 + 2 * S, Public, Bob, 5060, 5060, text};
        };
        const std::vector<UdpPacket> failed = {
            {T0, Public, Bob, 5060, 5060, sip("INVITE sip:100@example.com SIP/2.0", "tf1", "2 INVITE", "", auth)},
            {T0 + 5 * Ms, Bob, Public, 5060, 5060, sip("SIP/2.0 403 Forbidden", "tf1", "2 INVITE", "r")}};
        list.push_back({"toll-fraud", join(failed, {tollInvite("tf2", "00441234567890")}),
                        join(failed, {tollInvite("tf2", "1001")}), "then called 00441234567890", "RFC 3261 26.1"});
    }
    return list;
}

TEST(Findings, EachKindIsFoundWhereItIsAndNowhereElse) {
    for (const Case& c : cases()) {
        SCOPED_TRACE(c.kind + " (" + c.evidence + ")");
        const Imported with(c.with);
        const auto found = with.of(c.kind);
        ASSERT_FALSE(found.empty()) << "not found; all findings:" << describe(with.all());
        const auto it = std::find_if(found.begin(), found.end(), [&](const store::FindingRow& f) {
            return f.explanation.find(c.evidence) != std::string::npos;
        });
        ASSERT_NE(it, found.end()) << "no explanation names \"" << c.evidence << "\":" << describe(found);
        EXPECT_EQ(it->rfc, c.rfc);
        EXPECT_NE(it->messageId, 0) << "a finding points at its message";
        const Imported without(c.without);
        EXPECT_TRUE(without.of(c.kind).empty()) << "found where it is not:" << describe(without.of(c.kind));
    }
}

// Every kind --kind accepts has its case above (the media kinds in MediaVerdicts), and none is tested unannounced.
TEST(Findings, EveryKindIsTested) {
    std::vector<std::string> tested = {"media-none", "media-one-way", "media-wrong-address", "media-late"};
    for (const Case& c : cases())
        if (std::find(tested.begin(), tested.end(), c.kind) == tested.end())
            tested.push_back(c.kind);
    std::vector<std::string> known(decode::findingKinds().begin(), decode::findingKinds().end());
    std::sort(tested.begin(), tested.end());
    std::sort(known.begin(), known.end());
    EXPECT_EQ(tested, known);
}

TEST(Findings, AHealthyCallHasNone) {
    const Imported healthy(join(healthyCall("h1"), healthyCall("h2", 10 * S)));
    EXPECT_TRUE(healthy.all().empty()) << describe(healthy.all());
}

TEST(Findings, TheProjectsSippSamplesHaveNone) {
    test::TempDir dir;
    const std::string samples = SIPSCOPE_SAMPLES_DIR;
    store::importFiles(dir.database(), {samples + "/call-complete.pcap", samples + "/call-failed.pcap",
                                        samples + "/register.pcap", samples + "/subscribe.pcap"});
    const store::Reader reader(dir.database());
    EXPECT_GT(reader.calls({}).size(), 3u);
    EXPECT_TRUE(reader.findings({}).empty()) << describe(reader.findings({}));
}

TEST(Findings, PointAtTheirMessagesAndCall) {
    const std::string ok = sip("SIP/2.0 200 OK", "u1", "1 INVITE", "b1");
    const Imported imported({a(0, invite("u1")), b(100 * Ms, ok), b(600 * Ms, ok), b(1600 * Ms, ok),
                             a(2 * S, sip("BYE sip:bob@10.0.0.2 SIP/2.0", "u1", "2 BYE", "b1"))});
    const auto found = imported.of("unacked-2xx");
    ASSERT_EQ(found.size(), 1u) << describe(imported.all());
    const store::CallRow call = *imported.reader->findCall("u1");
    EXPECT_EQ(found[0].callKey, call.key);
    EXPECT_EQ(found[0].callId, "u1");
    const auto messages = imported.reader->callMessages(call.key, false);
    ASSERT_EQ(found[0].messageIds.size(), 2u);  // the 200 and the BYE after it
    EXPECT_EQ(found[0].messageIds[0], messages[1].id);
    EXPECT_EQ(found[0].messageIds[1], messages[4].id);
    EXPECT_EQ(found[0].severity, decode::FindingSeverity::Error);
    EXPECT_EQ(imported.reader->callFindings(call.key).size(), imported.all().size());
}

TEST(Findings, T1AndTheSrdThresholdAreOptions) {
    std::vector<UdpPacket> slow = healthyCall("s1");
    slow[1].timestampUs = T0 + 2 * S;  // 2 s post-dial delay: under 3 s, over 1 s
    EXPECT_TRUE(Imported(slow).of("slow-srd").empty());
    store::IngestOptions strict;
    strict.findings.srdWarnUs = 1 * S;
    EXPECT_EQ(Imported(slow, strict).of("slow-srd").size(), 1u);
    // Retransmissions every 100 ms follow a T1 of 100 ms.
    const std::vector<UdpPacket> fast = {a(0, invite("r1")), a(100 * Ms, invite("r1")), a(300 * Ms, invite("r1")),
                                         b(350 * Ms, sip("SIP/2.0 486 Busy Here", "r1", "1 INVITE", "b1")),
                                         a(360 * Ms, sip("ACK sip:bob@example.com SIP/2.0", "r1", "1 ACK", "b1"))};
    EXPECT_EQ(Imported(fast).of("retransmission-timing").size(), 1u);
    store::IngestOptions t1;
    t1.findings.t1Us = 100 * Ms;
    EXPECT_TRUE(Imported(fast, t1).of("retransmission-timing").empty());
}

TEST(Findings, SeverityFilter) {
    const std::string ok = sip("SIP/2.0 200 OK", "u1", "1 INVITE", "b1");
    const Imported imported({a(0, invite("u1")), b(100 * Ms, ok), b(600 * Ms, ok), b(1600 * Ms, ok),
                             b(2 * S, sip("SIP/2.0 200 OK", "o1", "7 OPTIONS", "b1"))});
    store::FindingFilter errors;
    errors.severity = decode::FindingSeverity::Error;
    const auto rows = imported.reader->findings({}, errors);
    ASSERT_FALSE(rows.empty());
    for (const auto& f : rows)
        EXPECT_EQ(f.severity, decode::FindingSeverity::Error) << f.kind;
    EXPECT_LT(rows.size(), imported.all().size());
}

// Schema 5 -> 6: a database from before findings gets the table (empty: its captures were not looked at).
TEST(Findings, MigrationAddsTheTable) {
    const Imported imported(healthyCall("m1"));
    const std::string path = imported.dir.database();
    for (const char* sql : {"DROP TABLE findings", "ALTER TABLE streams DROP COLUMN series",  // schema 7's
                            "UPDATE meta SET value = '5' WHERE key = 'schema_version'"})
        test::execSql(path, sql);
    EXPECT_THROW(store::Reader{path}, Error) << "a read-only open names sipscope migrate";
    { store::Database upgraded(path, store::Database::Mode::ReadWrite); }
    const store::Reader reader(path);
    EXPECT_TRUE(reader.findings({}).empty());
    EXPECT_EQ(reader.calls({}).size(), 1u);
}

// Media verdicts (issue 15) as findings: a one-way call and a silent one in a capture that carries RTP; a call with
// RTP both ways has none, and a signalling-only capture says nothing about media.
TEST(Findings, MediaVerdicts) {
    auto call = [](const std::string& id, std::int64_t atUs, std::uint16_t alicePort, std::uint16_t bobPort) {
        return test::SipCall{id,   Alice,       Bob, test::audioSdp(Alice, alicePort), test::audioSdp(Bob, bobPort),
                             atUs, atUs + 3 * S};
    };
    TimedPcap pcap;
    const test::SipCall good = call("two-way", T0, 4000, 5000), oneWay = call("one-way", T0 + S, 4100, 5100),
                        silent = call("silent", T0 + 2 * S, 4200, 5200), nat = call("nat", T0 + 3 * S, 4300, 5300),
                        late = call("late", T0 + 4 * S, 4400, 5400);
    for (const test::SipCall* c : {&good, &oneWay, &silent, &nat, &late})
        c->write(pcap);
    test::rtpFlow(Public, 5300, Alice, 4300, nat.answeredUs() + 10 * Ms, 50, 4).write(pcap);  // Bob behind a NAT
    test::rtpFlow(Alice, 4300, Public, 5300, nat.answeredUs() + 10 * Ms, 50, 5).write(pcap);
    test::rtpFlow(Alice, 4400, Bob, 5400, late.answeredUs() + 2 * S, 50, 6).write(pcap);
    test::rtpFlow(Bob, 5400, Alice, 4400, late.answeredUs() + 2 * S, 50, 7).write(pcap);
    test::rtpFlow(Alice, 4000, Bob, 5000, good.answeredUs() + 10 * Ms, 50, 1).write(pcap);
    test::rtpFlow(Bob, 5000, Alice, 4000, good.answeredUs() + 10 * Ms, 50, 2).write(pcap);
    test::rtpFlow(Bob, 5100, Alice, 4100, oneWay.answeredUs() + 10 * Ms, 50, 3).write(pcap);
    const Imported imported(pcap);
    const auto oneWayFindings = imported.of("media-one-way");
    ASSERT_EQ(oneWayFindings.size(), 1u) << describe(imported.all());
    EXPECT_EQ(oneWayFindings[0].callId, "one-way");
    EXPECT_EQ(oneWayFindings[0].severity, decode::FindingSeverity::Error);
    EXPECT_EQ(oneWayFindings[0].rfc, "RFC 3264 5.1");
    const auto messages = imported.reader->callMessages(oneWayFindings[0].callKey, false);
    ASSERT_GE(messages.size(), 2u);
    EXPECT_EQ(oneWayFindings[0].messageId, messages[1].id) << "it points at the 200 OK";
    const auto none = imported.of("media-none");
    ASSERT_EQ(none.size(), 1u) << describe(imported.all());
    EXPECT_EQ(none[0].callId, "silent");
    const auto natted = imported.of("media-wrong-address");
    ASSERT_EQ(natted.size(), 1u) << describe(imported.all());
    EXPECT_EQ(natted[0].callId, "nat");
    const auto slow = imported.of("media-late");
    ASSERT_EQ(slow.size(), 1u) << describe(imported.all());
    EXPECT_EQ(slow[0].callId, "late");
    for (const auto& f : imported.all())
        EXPECT_FALSE(f.callId == "two-way" && f.kind.rfind("media-", 0) == 0) << f.kind << ": " << f.explanation;

    TimedPcap signalling;
    good.write(signalling);
    silent.write(signalling);
    const Imported withoutRtp(signalling);
    EXPECT_TRUE(withoutRtp.of("media-none").empty()) << describe(withoutRtp.all());
}

// The detector's memory is bounded, and what the bounds cost is counted (IngestReport::findings).
TEST(Findings, BoundsAreCounted) {
    test::TempDir dir;
    const std::vector<UdpPacket> calls =
        join(healthyCall("b1"), join(healthyCall("b2", 1 * S), healthyCall("b3", 2 * S)));
    TimedPcap pcap = timed(calls);
    pcap.add({T0 + 3 * S, Public, Bob, 5060, 5060, sip("OPTIONS sip:bob@example.com SIP/2.0", "o9", "1 OPTIONS")});
    pcap.add({T0 + 3 * S + 5 * Ms, Bob, Public, 5060, 5060, sip("SIP/2.0 200 OK", "o9", "1 OPTIONS", "b9")});
    pcap.write(dir.file("b.pcap"));
    store::IngestOptions tight;
    tight.findings.maxOpenCalls = 1;
    tight.findings.maxMessagesPerCall = 2;
    tight.findings.maxSources = 1;
    const store::IngestReport report = store::importFiles(dir.database("tight.db"), {dir.file("b.pcap")}, tight);
    EXPECT_EQ(report.findings.callsEvicted, 3u) << "four calls overlap; one is remembered";
    EXPECT_GT(report.findings.messagesDropped, 0u);
    EXPECT_GT(report.findings.sourcesDropped, 0u);
    const store::IngestReport roomy = store::importFiles(dir.database("roomy.db"), {dir.file("b.pcap")});
    EXPECT_EQ(roomy.findings.callsEvicted, 0u);
    EXPECT_EQ(roomy.findings.messagesDropped, 0u);
    EXPECT_EQ(roomy.findings.sourcesDropped, 0u);
    EXPECT_EQ(roomy.findings.findings, 1u) << "the OPTIONS from a public address names private 10.0.0.1 in its Via";
}

}  // namespace
