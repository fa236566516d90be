// One unit of writing: the rows of up to a few thousand messages and the calls finished meanwhile.
// Owns its bytes in two arenas, so a batch costs a handful of allocations, not one per field.
#pragma once

#include "capture/packet.hpp"
#include "decode/correlator.hpp"
#include "decode/findings.hpp"
#include "decode/media_tracker.hpp"
#include "store/detail/message_flags.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::store::detail {

// A slice of Batch::strings; length NoString means SQL NULL.
struct StringRef {
    static constexpr std::uint32_t NoString = 0xffffffffu;
    std::uint32_t offset = 0;
    std::uint32_t length = NoString;
    bool isNull() const { return length == NoString; }
};

struct MessageRecord {
    std::int64_t timestampUs = 0;
    std::uint64_t frame = 0;
    std::int64_t captureId = 0;
    capture::Endpoint src;
    capture::Endpoint dst;
    capture::Transport transport = capture::Transport::Udp;
    std::uint64_t callKey = 0;  // 0 = none
    std::uint64_t transactionKey = 0;
    std::uint64_t dialogKey = 0;
    StringRef method;
    int status = 0;  // 0 = request
    StringRef reason;
    std::uint32_t cseq = 0;
    StringRef cseqMethod;
    std::uint32_t flags = 0;  // MessageFlags
    StringRef error;
    std::uint32_t errorOffset = 0;
    std::uint32_t textOffset = 0;  // into Batch::texts
    std::uint32_t textLength = 0;
    std::uint32_t block = 0;        // its text's block: index into Batch::blocks (set by encodeTextBlocks)
    std::uint32_t blockOffset = 0;  // where the text starts in that block, uncompressed
};

// Consecutive messages' texts as one text_blocks row, as it is to be written: Batch::blockBytes[offset, offset +
// size) holds the bytes in `codec`, rawSize long once decoded.
struct TextBlockRecord {
    int codec = 0;  // TextCodec
    std::uint32_t rawSize = 0;
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
};

// One m= line of a message's SDP (the media table). The message is Batch::messages[messageIndex].
struct MediaRecord {
    std::uint32_t messageIndex = 0;
    std::uint32_t mediaIndex = 0;  // 0 for the first m= line
    std::uint64_t callKey = 0;
    decode::SdpRole role = decode::SdpRole::None;
    StringRef type;  // "audio", "video", "image", ...
    std::uint16_t port = 0;
    StringRef proto;            // "RTP/AVP", "RTP/SAVPF", "udptl", ...
    StringRef address;          // the media's c= address, else the session's; null when neither
    StringRef direction;        // sendrecv, sendonly, recvonly, inactive (media, else session, else sendrecv)
    StringRef codecs;           // "PCMU/8000,telephone-event/8000"
    std::uint32_t ptimeMs = 0;  // 0 = no a=ptime
};

struct CaptureRecord {
    std::int64_t id = 0;
    std::string path;
    std::uint64_t sizeBytes = 0;
    std::uint64_t packets = 0;
    std::uint64_t sipMessages = 0;
    std::optional<std::string> error;
    std::optional<std::uint64_t> contentHash;  // captureContentHash of a file; none for streams and live sources
};

struct Batch {
    std::string strings;  // short fields: methods, reasons, errors
    std::string texts;    // raw message texts, back to back
    std::vector<MessageRecord> messages;
    std::vector<decode::CallSummary> calls;  // finished calls, written whole
    // Messages of calls written already (by this batch or an earlier one): their counts, applied after `calls`.
    std::vector<decode::LateMessage> lateMessages;
    std::vector<MediaRecord> media;                  // SDP media descriptions of the messages above
    std::vector<CaptureRecord> captures;             // capture rows to create or update
    std::vector<decode::MediaStreamRecord> streams;  // RTP streams the media tracker finished (issue 15)
    std::vector<decode::Finding> findings;           // problems found (issue 16); they name messages by sequence
    std::uint64_t firstSequence = 0;                 // the import's sequence number of messages[0]
    std::vector<TextBlockRecord> blocks;             // the messages' texts, compressed (encodeTextBlocks)
    std::string blockBytes;

    StringRef addString(std::string_view text) {
        StringRef ref{static_cast<std::uint32_t>(strings.size()), static_cast<std::uint32_t>(text.size())};
        strings.append(text);
        return ref;
    }
    std::string_view view(StringRef ref) const {
        return ref.isNull() ? std::string_view{} : std::string_view(strings).substr(ref.offset, ref.length);
    }
    bool empty() const {
        return messages.empty() && calls.empty() && captures.empty() && media.empty() && lateMessages.empty() &&
               streams.empty() && findings.empty();
    }
    // Empties the batch and keeps its buffers' capacity, for the batch to be filled again.
    void clear() {
        strings.clear();
        texts.clear();
        messages.clear();
        calls.clear();
        lateMessages.clear();
        media.clear();
        captures.clear();
        streams.clear();
        findings.clear();
        blocks.clear();
        blockBytes.clear();
    }
};

}  // namespace sipscope::store::detail
