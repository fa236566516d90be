// The one import pipeline: capture files -> packet decoder -> SIP parser -> correlator -> batched SQLite writer.
// Used by `sipscope import`, `sipscope capture` and the viewer. Reading/decoding and writing run on two threads.
#pragma once

#include "capture/packet_decoder.hpp"
#include "capture/packet_source.hpp"
#include "decode/capture_points.hpp"
#include "decode/correlator.hpp"
#include "decode/findings.hpp"
#include "decode/media_tracker.hpp"
#include "decode/sip_parser.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sipscope::store {

struct IngestProgress {
    std::string file;
    std::uint64_t bytesRead = 0;
    std::uint64_t totalBytes = 0;  // 0 when unknown (stdin, live)
    std::uint64_t messages = 0;
};

struct IngestOptions {
    std::size_t batchMessages = 8192;  // messages per write transaction
    std::size_t queueBatches = 4;      // batches in flight between the threads before the reader waits
    std::function<void(const IngestProgress&)> onProgress;  // called from the ingest thread, a few times a second
    const std::atomic<bool>* stop = nullptr;  // set it (e.g. on Ctrl-C) to stop at the next packet, keeping all so far
    bool writeDatabase = true;  // false: decode and correlate only, write nothing (benchmarks: the cost of the store)
    bool allowDuplicates = false;         // import a file even when a capture with its content hash is stored (--force)
    std::uint32_t flushIntervalMs = 0;    // also write a batch this often (live capture); 0 = only when full
    capture::DecoderLimits decoder;       // limits, and --sip-ports narrowing
    decode::ParserLimits parser;          // header fields per message
    decode::CorrelatorLimits correlator;  // open calls, records per call, idle timeout, link headers
    decode::MediaTrackerLimits media;     // RTP streams tracked at once (--limit rtp-streams), idle time
    bool trackMedia = true;               // RTP/RTCP streams (issue 15); false: UDP that is not SIP is dropped
    decode::FindingOptions findings;      // --t1, --srd-warn and the detector's bounds (issue 16)
    bool findFindings = true;             // false: no findings looked for
    bool writeOpenCalls = false;          // write calls in progress at each batch (live capture)
    // Called with every SIP payload the decoder delivers, before it is parsed, on the ingest thread (capture
    // --hep-send forwards each one to a HEP collector). Must not throw.
    std::function<void(const capture::PayloadView&)> onPayload;
    // Several sources: read them as one capture, merged by packet timestamp (as mergecap would write it), so that
    // the correlator sees a call's messages in time order however the capture was split. Off: one after the other.
    // Merging keeps every source open at once (one packet each). For files; a live source never ends.
    bool mergeSources = true;
    // Merged files taken at different points of one path (issue 16): a message seen in two files on the same hop is
    // stored once (FileReport::copies), not as a retransmission; and, when this is set, each file's clock offset
    // against the first is estimated from those messages (a first reading of the files) and taken off its times.
    bool correctClockSkew = true;
};

struct FileReport {
    std::string path;
    std::int64_t captureId = 0;
    std::uint64_t packets = 0;
    std::uint64_t sipMessages = 0;
    std::uint64_t invalidMessages = 0;
    std::optional<std::string> error;    // damage found; everything before it was stored
    std::optional<std::string> skipped;  // not imported, and why: the same content is already stored (no error)
    // Merged with others: its clock offset against the first file (median over the messages both have; nullopt when
    // none, or for the first), taken off its times when IngestOptions::correctClockSkew; and its messages another
    // file had already given on the same hop (stored once).
    std::optional<decode::ClockOffset> clockOffset;
    bool isClockCorrected = false;
    std::uint64_t copies = 0;
};

struct IngestReport {
    std::vector<FileReport> files;
    capture::DecoderStats decoder;
    decode::CorrelatorStats correlator;
    decode::MediaTrackerStats media;
    decode::FindingStats findings;
    std::uint64_t sipMessages = 0;
    std::uint64_t calls = 0;
    std::uint64_t callRecordsDropped = 0;  // sum of CallSummary::recordsDropped: records beyond the per-call caps
    // Where the time went: CPU seconds of the thread that reads, decodes and correlates, and of the writer thread;
    // seconds the reader waited because the writer's queue was full (the store was the slower of the two).
    double readCpuSeconds = 0;
    double writeCpuSeconds = 0;
    double waitSeconds = 0;
    bool hasErrors() const;
};

// A source to ingest: its name (file path, "lo", "hep:udp:0.0.0.0:9060") and how to open it. open() may throw
// sipscope::Error; that is reported in FileReport::error and the next source is tried.
struct SourceOpener {
    std::string name;
    std::function<std::unique_ptr<capture::PacketSource>()> open;
    std::optional<std::uint64_t> contentHash = std::nullopt;  // files: captureContentHash(path); none for stdin, live
};

// The identity of a capture file for duplicate detection: 64-bit FNV-1a over the file size (8 bytes, little
// endian), its first MiB and its last MiB (the whole file when it is 2 MiB or less). Reads at most 2 MiB, so it
// costs nothing beside an import; two files that differ only in the middle of a large capture share it (rare for
// captures, whose timestamps change throughout). None when the path is not a regular readable file.
std::optional<std::uint64_t> captureContentHash(const std::string& path);

// Ingests the sources into the database at dbPath (created when missing), through one correlator: merged by time
// (IngestOptions::mergeSources), else one after the other. FileReports come in the order of `sources`. Live sources may
// return idle ticks (see PacketSource::next) so batches are written on time. Throws sipscope::Error when the database
// cannot be opened or written.
IngestReport ingestSources(const std::string& dbPath, const std::vector<SourceOpener>& sources,
                           const IngestOptions& options = {});

// Imports the files into the database at dbPath (created when missing). Throws sipscope::Error when the database
// cannot be opened or written; damage inside a capture file is reported in FileReport::error instead, after
// everything before it has been stored.
IngestReport importFiles(const std::string& dbPath, const std::vector<std::string>& paths,
                         const IngestOptions& options = {});

}  // namespace sipscope::store
