// The audio of RTP streams read back from their capture file (issue 15's `sipscope export audio`): the packets of
// the chosen streams, G.711 decoded onto a timeline by RTP timestamp (decode::AudioTrack) and written as a WAV,
// one channel per direction of a call. The database keeps no packet, so the capture file is read again.
#pragma once

#include "store/reader.hpp"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace sipscope::exports {

// What one WAV is made of: the capture to read again and the streams of each channel (one channel: mono; two:
// stereo, left first). A channel's streams are one direction of a call (several when a re-INVITE moved its media).
struct AudioPlan {
    std::string capturePath;
    std::vector<std::vector<store::StreamRow>> channels;
    std::vector<std::string> leftOut;  // the call's streams not in the file, each with why (for the user)
    std::vector<std::string> notes;    // streams of another call taken for a side (a B2BUA's other leg), and why
};

// The plan for one stream (mono), or for a call (stereo: left the offerer's streams, right the answerer's; silence
// in a channel whose direction sent nothing; a side without a stream of its own takes the streams between the
// call's SDP addresses tied to another call, Reader::otherLegStreams: a B2BUA's other leg with media end to end).
// Throws sipscope::Error, an input error, when a stream's codec is not G.711 (naming the codec and the stream), when
// the call has no RTP stream, or when the capture cannot be read again: read from standard input, not found where it
// was imported from, or not the file imported (its content hash differs). `capturePath`, when not empty, is where the
// capture is now (a moved file); it is checked the same way.
AudioPlan streamAudioPlan(const store::Reader& reader, const store::StreamRow& stream,
                          const std::string& capturePath = {});
AudioPlan callAudioPlan(const store::Reader& reader, const store::CallRow& call, const std::string& capturePath = {});

struct AudioExportReport {
    std::uint64_t frames = 0;     // samples per channel written
    std::uint64_t packets = 0;    // RTP packets placed on the timeline
    std::uint64_t late = 0;       // dropped: they came after their samples were written, or long after their time
    std::uint64_t skipped = 0;    // of another payload type than the channel's (telephone events, comfort noise)
    std::uint64_t reanchors = 0;  // timestamp jumps the timeline followed
    std::uint64_t cut = 0;        // samples past the 4 GiB a WAV can hold
};

// Reads the plan's capture again and writes its streams' audio to `out` as a 16-bit 8 kHz WAV. Memory is bounded
// (AudioTrack's window) whatever the capture's length. Throws sipscope::Error when the capture cannot be opened or
// is damaged before the streams end.
AudioExportReport writeAudio(const AudioPlan& plan, std::ostream& out);

}  // namespace sipscope::exports
