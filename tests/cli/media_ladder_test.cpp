// RTP on the ladder (issue 15) end to end: a generated call whose parties send PCMU both ways (Alice's stream with
// three packets lost, Bob's through a NAT that no SIP message came from), imported by the binary; `show` (its marks
// and its stream lines under the ladder), the text and the SVG ladder export compared with their goldens
// (tests/cli/golden/media), and the marks checked one by one.
#include "tests/cli/cli_e2e.hpp"
#include "tests/tools/golden.hpp"
#include "tests/tools/media_calls.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

using namespace sipscope::test;

namespace {

constexpr std::uint32_t Alice = 0x0a000001, Bob = 0x0a000002, BobsNat = 0xc6336407;  // 198.51.100.7
const std::filesystem::path GoldenDir = SIPSCOPE_SOURCE_DIR "/tests/cli/golden/media";

struct Imported {
    TempDir dir;
    std::string db = dir.file("media.db");

    Imported() {
        TimedPcap capture;
        const SipCall call{"rtp-call", Alice, Bob, audioSdp(Alice, 4000), audioSdp(Bob, 5000), 1'000'000, 4'000'000};
        call.write(capture);
        const RtpFlow alice = rtpFlow(Alice, 4000, Bob, 5000, call.answeredUs() + 20'000, 140, 0xA11CE);
        alice.write(capture, [](int i, RtpFlow::Packet&) { return i < 60 || i > 62; });
        // From Bob's public address: the SDP said 10.0.0.2:5000.
        const RtpFlow bob = rtpFlow(BobsNat, 61000, Alice, 4000, call.answeredUs() + 30'000, 120, 0xB0B);
        bob.write(capture);
        capture.write(dir.file("media.pcap"));
        const CommandResult imported =
            runCommand(Binary + " import --quiet " + quote(dir.file("media.pcap")) + " --db " + quote(db), true);
        EXPECT_EQ(imported.exitCode, 0) << imported.out;
    }
    std::string run(const std::string& arguments) const {
        const CommandResult result = runCommand(Binary + " " + arguments + " --db " + quote(db), true);
        EXPECT_EQ(result.exitCode, 0) << arguments << "\n" << result.out;
        return result.out;
    }
};

// The ladder's lines from its first arrow on: what `show` prints under the header.
std::vector<std::string> ladderLines(const std::string& shown) {
    std::vector<std::string> lines;
    std::istringstream in(shown);
    bool inLadder = false;
    for (std::string line; std::getline(in, line);) {
        inLadder = inLadder || line.find("INVITE (SDP offer") != std::string::npos;
        if (line == "Streams:")
            break;  // the stream lines under the ladder
        if (inLadder && !line.empty())
            lines.push_back(line);
    }
    return lines;
}

TEST(MediaLadder, ShowMarksEachStreamsStartAndStopInTimeOrder) {
    const Imported db;
    const std::string shown = db.run("show rtp-call --color never");
    expectGolden(GoldenDir / "show-rtp.txt", shown);
    const std::vector<std::string> lines = ladderLines(shown);
    auto indexOf = [&](const std::string& text) {
        for (std::size_t i = 0; i < lines.size(); ++i)
            if (lines[i].find(text) != std::string::npos)
                return static_cast<int>(i);
        ADD_FAILURE() << "no line with '" << text << "' in:\n" << shown;
        return -1;
    };
    // INVITE 100 200 ACK, then the streams start (Alice's, then Bob's), stop, and the BYE comes last.
    const int ack = indexOf("ACK"), aliceStarts = indexOf("RTP PCMU 137 pkts start ~");
    const int bobStarts = indexOf("RTP PCMU 120 pkts start 198.51.100.7:61000 -> 10.0.0.1:4000");
    const int aliceStops = indexOf("RTP PCMU stop (lost 2.1%, jitter max 0.0 ms)");
    const int bobStops = indexOf("RTP PCMU stop (lost 0.0%, jitter max 0.0 ms) 198.51.100.7");
    const int bye = indexOf("BYE");
    EXPECT_LT(ack, aliceStarts);
    EXPECT_LT(aliceStarts, bobStarts);
    EXPECT_LT(bobStarts, bobStops);  // Bob's 120 packets end before Alice's 140
    EXPECT_LT(bobStops, aliceStops);
    EXPECT_LT(aliceStops, bye);
    // Alice's is drawn between the two columns, left to right; Bob's NATed side is no column: a marked line.
    EXPECT_NE(lines[static_cast<std::size_t>(aliceStarts)].find("|~~"), std::string::npos) << shown;
    EXPECT_NE(lines[static_cast<std::size_t>(aliceStarts)].find("~>|"), std::string::npos) << shown;
    EXPECT_NE(lines[static_cast<std::size_t>(bobStarts)].find("|~~ RTP"), std::string::npos) << shown;
    // The stream lines under the ladder, before the findings; the verdict above it.
    const std::size_t streamsAt = shown.find("\nStreams:\n  #");
    ASSERT_NE(streamsAt, std::string::npos) << shown;
    EXPECT_GT(streamsAt, shown.find(" BYE "));
    EXPECT_LT(streamsAt, shown.find("Findings:"));
    EXPECT_LT(shown.find("RTP:     wrong-address"), shown.find("INVITE (SDP offer"));
}

TEST(MediaLadder, LadderExportsDrawTheStreams) {
    const Imported db;
    expectGolden(GoldenDir / "ladder-rtp.txt", db.run("export ladder rtp-call --format text -o -"));
    const std::string svg = db.run("export ladder rtp-call --format svg -o -");
    expectGolden(GoldenDir / "ladder-rtp.svg", svg);
    // PlantUML and Mermaid: each start and stop a note over the stream's columns, between the ACK and the BYE.
    const std::string puml = db.run("export ladder rtp-call --format plantuml -o -");
    expectGolden(GoldenDir / "ladder-rtp.puml", puml);
    const std::string mermaid = db.run("export ladder rtp-call --format mermaid -o -");
    expectGolden(GoldenDir / "ladder-rtp.mmd", mermaid);
    for (const std::string* text : {&puml, &mermaid}) {
        const std::size_t firstNote = text->find(text == &puml ? "note over P0, P1 : RTP PCMU 137 pkts start"
                                                               : "Note over P0,P1: RTP PCMU 137 pkts start");
        ASSERT_NE(firstNote, std::string::npos) << *text;
        EXPECT_GT(firstNote, text->find(": ACK"));
        EXPECT_LT(text->rfind(text == &puml ? "note over" : "Note over"), text->find(": BYE"));
    }
}

}  // namespace
