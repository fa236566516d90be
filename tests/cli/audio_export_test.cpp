// `sipscope export audio` end to end (issue 15): generated calls whose parties send a G.711 tone each, imported by
// the binary and exported as WAV, read back and measured (the tone of each channel, silence where a packet was
// lost); a stream by its key as mono; the refusal of another codec; a capture file that moved.
#include "tests/cli/cli_e2e.hpp"
#include "tests/tools/media_calls.hpp"
#include "tests/tools/wav_check.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace sipscope::test;

namespace {

constexpr std::uint32_t Alice = 0x0a000001, Bob = 0x0a000002;
constexpr int PacketSamples = 160;  // 20 ms at 8 kHz
constexpr int Packets = 100;        // 2 s
constexpr int LostPacket = 40;      // of Alice's stream

// An SDP like audioSdp's with one codec: `payloadType` named `rtpmap` (e.g. "PCMA/8000").
std::string sdpWith(std::uint32_t ip, std::uint16_t port, int payloadType, const std::string& rtpmap) {
    const std::string address = ipText(ip);
    return "v=0\r\no=- 1 1 IN IP4 " + address + "\r\ns=-\r\nc=IN IP4 " + address + "\r\nt=0 0\r\nm=audio " +
           std::to_string(port) + " RTP/AVP " + std::to_string(payloadType) +
           "\r\na=rtpmap:" + std::to_string(payloadType) + " " + rtpmap + "\r\n";
}

// A tone as the payload of every packet of `flow` (`isMuLaw`: PCMU, payload type 0; else PCMA, 8); `lost` is not sent.
void writeTone(const RtpFlow& flow, TimedPcap& pcap, bool isMuLaw, double hz, int lost = -1) {
    flow.write(pcap, [&](int i, RtpFlow::Packet& p) {
        p.payloadType = isMuLaw ? 0 : 8;
        p.payload = g711Tone(isMuLaw, hz, static_cast<std::int64_t>(i) * PacketSamples, PacketSamples);
        return i != lost;
    });
}

// One capture: "tones" (Alice offers PCMU and says 697 Hz, Bob answers PCMA and says 1209 Hz, Alice's packet
// LostPacket lost), and "g729" (G.729 both ways), imported into a database.
struct Imported {
    TempDir dir;
    std::string db = dir.file("media.db");
    std::string pcap = dir.file("media.pcap");

    Imported() {
        TimedPcap capture;
        const SipCall tones{
            "tones",   Alice,    Bob, sdpWith(Alice, 4000, 0, "PCMU/8000"), sdpWith(Bob, 5000, 8, "PCMA/8000"),
            1'000'000, 4'000'000};
        tones.write(capture);
        // Both directions start together, so both channels' sample 0 is the first packet's.
        writeTone(rtpFlow(Alice, 4000, Bob, 5000, tones.answeredUs() + 20'000, Packets, 0xA11CE), capture, true, 697.0,
                  LostPacket);
        writeTone(rtpFlow(Bob, 5000, Alice, 4000, tones.answeredUs() + 20'000, Packets, 0xB0B), capture, false, 1209.0);
        const SipCall g729{
            "g729",    Alice,    Bob, sdpWith(Alice, 4100, 18, "G729/8000"), sdpWith(Bob, 5100, 18, "G729/8000"),
            1'500'000, 4'000'000};
        g729.write(capture);
        for (const RtpFlow& f : {rtpFlow(Alice, 4100, Bob, 5100, g729.answeredUs() + 20'000, Packets, 0xC),
                                 rtpFlow(Bob, 5100, Alice, 4100, g729.answeredUs() + 20'000, Packets, 0xD)})
            f.write(capture, [](int, RtpFlow::Packet& p) {
                p.payloadType = 18;
                p.payload.resize(20);
                return true;
            });
        capture.write(pcap);
        const CommandResult imported = runCommand(Binary + " import " + quote(pcap) + " --db " + quote(db), true);
        EXPECT_EQ(imported.exitCode, 0) << imported.out;
    }
    CommandResult exportAudio(const std::string& target, const std::string& wav, const std::string& extra = "") const {
        return runCommand(
            Binary + " export audio " + quote(target) + " -o " + quote(wav) + " --db " + quote(db) + " " + extra, true);
    }
    // The key of the stream from `srcPort` (the `key` field of `sipscope streams --format json`).
    std::string streamKey(int srcPort) const {
        const CommandResult listed = runCommand(Binary + " streams --format json --db " + quote(db));
        for (const auto& row : parseJsonLines(listed.out))
            if (row["src"].get<std::string>().ends_with(":" + std::to_string(srcPort)))
                return std::to_string(row["key"].get<long long>());
        ADD_FAILURE() << "no stream from port " << srcPort << " in:\n" << listed.out;
        return "0";
    }
};

TEST(ExportAudio, ACallIsAStereoFileWithEachPartysToneOnItsSide) {
    const Imported db;
    const std::string wavPath = db.dir.file("call.wav");
    const CommandResult result = db.exportAudio("tones", wavPath);
    ASSERT_EQ(result.exitCode, 0) << result.out;
    EXPECT_NE(result.out.find("left (offerer)"), std::string::npos) << result.out;

    const Wav wav = readWav(readFile(wavPath));
    EXPECT_EQ(wav.channels, 2);
    EXPECT_EQ(wav.sampleRate, 8000u);
    EXPECT_EQ(wav.dataSize, wav.samples.size() * 2);
    const std::vector<double> left = channel(wav, 0);
    const std::vector<double> right = channel(wav, 1);
    ASSERT_EQ(left.size(), static_cast<std::size_t>(Packets * PacketSamples));
    EXPECT_EQ(strongestFrequency(left, 8000), 697);
    EXPECT_EQ(strongestFrequency(right, 8000), 1209);
    // The lost packet is silence, and only on Alice's side; the packets around it are the tone.
    for (int i = 0; i < PacketSamples; ++i) {
        const auto at = static_cast<std::size_t>(LostPacket * PacketSamples + i);
        ASSERT_EQ(left[at], 0) << "sample " << at << " of the lost packet";
    }
    double around = 0, rightThere = 0;
    for (int i = 0; i < PacketSamples; ++i) {
        around += std::abs(left[static_cast<std::size_t>((LostPacket - 1) * PacketSamples + i)]);
        rightThere += std::abs(right[static_cast<std::size_t>(LostPacket * PacketSamples + i)]);
    }
    EXPECT_GT(around / PacketSamples, 5000);  // a sine of amplitude 12000 averages 7640
    EXPECT_GT(rightThere / PacketSamples, 5000);
}

TEST(ExportAudio, AStreamByItsKeyIsAMonoFile) {
    const Imported db;
    const std::string wavPath = db.dir.file("bob.wav");
    const CommandResult result = db.exportAudio(db.streamKey(5000), wavPath);
    ASSERT_EQ(result.exitCode, 0) << result.out;
    const Wav wav = readWav(readFile(wavPath));
    EXPECT_EQ(wav.channels, 1);
    ASSERT_EQ(wav.samples.size(), static_cast<std::size_t>(Packets * PacketSamples));
    EXPECT_EQ(strongestFrequency(channel(wav, 0), 8000), 1209);
}

TEST(ExportAudio, AnotherCodecIsRefusedByName) {
    const Imported db;
    const std::string wavPath = db.dir.file("g729.wav");
    const CommandResult call = db.exportAudio("g729", wavPath);
    EXPECT_EQ(call.exitCode, 2) << call.out;
    EXPECT_NE(call.out.find("G729"), std::string::npos) << call.out;
    EXPECT_NE(call.out.find("stream "), std::string::npos) << call.out;
    EXPECT_NE(call.out.find("only G.711"), std::string::npos) << call.out;
    EXPECT_FALSE(std::filesystem::exists(wavPath));
    const std::string key = db.streamKey(4100);
    const CommandResult stream = db.exportAudio(key, wavPath);
    EXPECT_EQ(stream.exitCode, 2) << stream.out;
    EXPECT_NE(stream.out.find("stream " + key + " (10.0.0.1:4100 -> 10.0.0.2:5100) is G729"), std::string::npos)
        << stream.out;
    EXPECT_FALSE(std::filesystem::exists(wavPath));
}

TEST(ExportAudio, AMovedCaptureIsNamedAndCanBeGivenAgain) {
    const Imported db;
    const std::string wavPath = db.dir.file("call.wav");
    const std::string moved = db.dir.file("moved.pcap");
    std::filesystem::rename(db.pcap, moved);
    const CommandResult missing = db.exportAudio("tones", wavPath);
    EXPECT_EQ(missing.exitCode, 2) << missing.out;
    EXPECT_NE(missing.out.find(db.pcap + ": capture 1 of call tones is not there"), std::string::npos) << missing.out;
    EXPECT_NE(missing.out.find("--capture FILE"), std::string::npos) << missing.out;
    EXPECT_FALSE(std::filesystem::exists(wavPath));

    // Another file in its place is not taken for it.
    TimedPcap other;
    SipCall{"other", Alice, Bob, "", "", 1'000'000, 2'000'000}.write(other);
    other.write(db.pcap);
    const CommandResult changed = db.exportAudio("tones", wavPath);
    EXPECT_EQ(changed.exitCode, 2) << changed.out;
    EXPECT_NE(changed.out.find("not the file imported as capture 1"), std::string::npos) << changed.out;

    const CommandResult given = db.exportAudio("tones", wavPath, "--capture " + quote(moved));
    ASSERT_EQ(given.exitCode, 0) << given.out;
    EXPECT_EQ(strongestFrequency(channel(readWav(readFile(wavPath)), 1), 8000), 1209);
}

// A B2BUA passes the SDP through and the media flows end to end: each stream is tied to one leg, and either leg's
// audio still has both sides.
TEST(ExportAudio, ALegOfAB2buaWithMediaEndToEndHasBothSides) {
    constexpr std::uint32_t B2bua = 0x0a000009;
    TempDir dir;
    TimedPcap capture;
    const std::string offer = sdpWith(Alice, 4000, 0, "PCMU/8000");
    const std::string answer = sdpWith(Bob, 5000, 8, "PCMA/8000");
    const SipCall legA{"leg-a", Alice, B2bua, offer, answer, 1'000'000, 4'000'000};
    const SipCall legB{"leg-b", B2bua, Bob, offer, answer, 1'010'000, 4'000'000};
    legA.write(capture);
    legB.write(capture);
    writeTone(rtpFlow(Alice, 4000, Bob, 5000, legB.answeredUs() + 20'000, Packets, 0xA), capture, true, 697.0);
    writeTone(rtpFlow(Bob, 5000, Alice, 4000, legB.answeredUs() + 20'000, Packets, 0xB), capture, false, 1209.0);
    capture.write(dir.file("b2bua.pcap"));
    const std::string db = dir.file("b2bua.db");
    ASSERT_EQ(runCommand(Binary + " import " + quote(dir.file("b2bua.pcap")) + " --db " + quote(db), true).exitCode, 0);
    for (const char* leg : {"leg-a", "leg-b"}) {
        SCOPED_TRACE(leg);
        const std::string wavPath = dir.file(std::string(leg) + ".wav");
        const CommandResult result =
            runCommand(Binary + " export audio " + leg + " -o " + quote(wavPath) + " --db " + quote(db), true);
        ASSERT_EQ(result.exitCode, 0) << result.out;
        const Wav wav = readWav(readFile(wavPath));
        ASSERT_EQ(wav.channels, 2);
        EXPECT_EQ(strongestFrequency(channel(wav, 0), 8000), 697) << result.out;
        EXPECT_EQ(strongestFrequency(channel(wav, 1), 8000), 1209) << result.out;
    }
}

}  // namespace
