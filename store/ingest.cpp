// The import pipeline. This thread reads, decodes, parses and correlates; BatchWriter writes on its own thread.
#include "store/ingest.hpp"

#include "capture/packet_source.hpp"
#include "common/error.hpp"
#include "decode/sip_parser.hpp"
#include "store/database.hpp"
#include "store/detail/batch_writer.hpp"
#include "store/detail/clock_offsets.hpp"
#include "store/detail/media_findings.hpp"
#include "store/detail/media_rows.hpp"
#include "store/detail/message_flags.hpp"
#include "store/detail/statement.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <queue>
#include <sys/stat.h>
#include <unordered_map>

namespace sipscope::store {

bool IngestReport::hasErrors() const {
    for (const FileReport& file : files)
        if (file.error)
            return true;
    return false;
}

namespace {

// Builds batches from decoded messages and hands them to the writer.
class BatchBuilder {
public:
    BatchBuilder(detail::BatchWriter& writer, std::size_t batchMessages, bool isWriting, decode::MediaTracker* media)
        : m_writer(writer), m_media(media), m_isWriting(isWriting), m_batchMessages(batchMessages ? batchMessages : 1),
          m_batch(newBatch()) {}

    // Returns the message's SDP as parsed (valid until the next add), or null when it has none or repeats one.
    const decode::SessionDescriptionView* add(const decode::SipMessageView& message,
                                              const capture::PayloadView& payload,
                                              const decode::Correlation& correlation, std::int64_t captureId,
                                              bool isRepeatedFailure) {
        const decode::SessionDescriptionView* parsed = nullptr;
        ++m_sequence;
        detail::Batch& b = *m_batch;
        detail::MessageRecord& r = b.messages.emplace_back();
        r.timestampUs = payload.timestampUs;
        r.frame = payload.frameNumber;
        r.captureId = captureId;
        r.src = payload.src;
        r.dst = payload.dst;
        r.transport = payload.transport;
        r.callKey = correlation.callKey;
        r.transactionKey = correlation.transactionKey;
        r.dialogKey = correlation.dialogKey;
        if (message.isRequest()) {
            r.method = b.addString(message.method());
            r.flags |= detail::FlagRequest;
        } else if (message.statusCode()) {
            r.status = message.statusCode();
            r.reason = b.addString(message.reasonPhrase());
        }
        r.cseq = message.cseq().number;
        if (!message.cseq().method.empty())
            r.cseqMethod = b.addString(message.cseq().method);
        if (message.isValid())
            r.flags |= detail::FlagValid;
        else {
            r.error = b.addString(message.error().reason);
            r.errorOffset = message.error().offset;
        }
        if (correlation.isRetransmission)
            r.flags |= detail::FlagRetransmission;
        if (isRepeatedFailure)
            r.flags |= detail::FlagRepeatedFailure;
        // SDP alone or inside a multipart body: flagged, its role noted, and its m= lines kept as media rows.
        if (const std::string_view sdp = message.sdp(); !sdp.empty()) {
            r.flags |= detail::FlagHasSdp;
            if (correlation.sdpRole == decode::SdpRole::Offer)
                r.flags |= detail::FlagSdpOffer;
            else if (correlation.sdpRole == decode::SdpRole::Answer)
                r.flags |= detail::FlagSdpAnswer;
            if (!correlation.isRetransmission) {  // a retransmission repeats its original's media rows
                const decode::SessionDescriptionView& session =
                    detail::addMediaRecords(b, m_sdp, sdp, static_cast<std::uint32_t>(b.messages.size() - 1),
                                            correlation.callKey, correlation.sdpRole);
                if (m_media)  // where this call's RTP is expected (issue 15)
                    m_media->onSdp(correlation.callKey, correlation.sdpRole, session);
                parsed = &session;
            }
        }
        // Keep what was on the wire for this message; an unparseable payload is kept whole.
        const std::string_view text = message.raw().empty() ? payload.bytes : message.raw();
        r.textOffset = static_cast<std::uint32_t>(b.texts.size());
        r.textLength = static_cast<std::uint32_t>(text.size());
        if (m_isWriting)  // decoding only: nothing will read the text
            b.texts.append(text);
        return parsed;
    }
    // The sequence number of the message added last (the first is 0): how findings name messages.
    std::uint64_t lastSequence() const { return m_sequence - 1; }

    bool full() const {
        return m_batch->messages.size() >= m_batchMessages || m_batch->texts.size() >= (64u << 20) ||
               m_batch->streams.size() >= m_batchMessages || m_batch->findings.size() >= m_batchMessages;
    }
    detail::Batch& batch() { return *m_batch; }

    void send() {
        if (m_batch->empty())
            return;
        if (!m_isWriting) {
            m_batch->clear();
            m_batch->firstSequence = m_sequence;
            return;
        }
        // A fresh batch first: when the writer has failed, push() throws and this builder must stay usable.
        std::unique_ptr<detail::Batch> full = std::move(m_batch);
        m_batch = newBatch();
        m_batch->firstSequence = m_sequence;
        try {
            m_writer.push(std::move(full));
        } catch (...) {
            m_hasWriteFailed = true;
            throw;
        }
    }
    // The database could not be written: the error is the database's, not damage in the capture being read.
    bool hasWriteFailed() const { return m_hasWriteFailed; }

private:
    std::unique_ptr<detail::Batch> newBatch() const {
        if (auto spare = m_writer.takeSpare()) {
            spare->clear();
            return spare;
        }
        auto batch = std::make_unique<detail::Batch>();
        batch->messages.reserve(m_batchMessages);
        return batch;
    }

    detail::BatchWriter& m_writer;
    decode::MediaTracker* m_media;  // null when media is not tracked
    bool m_isWriting;
    std::size_t m_batchMessages;
    std::unique_ptr<detail::Batch> m_batch;
    decode::SdpParser m_sdp;
    bool m_hasWriteFailed = false;
    std::uint64_t m_sequence = 0;  // messages added so far
};

// For each source, why it is skipped as a duplicate (nullopt: import it): its content hash is already in captures,
// or an earlier source of this same import has it. Runs before the writer thread owns the connection.
std::vector<std::optional<std::string>> findDuplicates(Database& db, const std::vector<SourceOpener>& sources,
                                                       bool allowDuplicates) {
    std::vector<std::optional<std::string>> skipped(sources.size());
    if (allowDuplicates)
        return skipped;
    const std::string again = "; skipped (sipscope import --force imports it again)";
    std::unordered_map<std::uint64_t, std::string> seen;  // hash -> where that content already is
    detail::Statement stored(db.handle(), "SELECT id, path FROM captures WHERE content_hash = ? ORDER BY id LIMIT 1");
    for (std::size_t i = 0; i < sources.size(); ++i) {
        if (!sources[i].contentHash)
            continue;
        const std::uint64_t hash = *sources[i].contentHash;
        if (auto earlier = seen.find(hash); earlier != seen.end()) {
            skipped[i] = sources[i].name + ": same content as " + earlier->second + again;
            continue;
        }
        stored.bindInt(1, static_cast<std::int64_t>(hash));
        if (stored.step()) {
            const std::string where = "capture " + std::to_string(stored.columnInt(0)) + " (" + stored.columnText(1) +
                                      ") already in " + db.path();
            skipped[i] = sources[i].name + ": same content as " + where + again;
            seen.emplace(hash, where);
        } else {
            seen.emplace(hash, sources[i].name + " earlier in this import");
        }
        stored.reset();
    }
    return skipped;
}

// The failure responses of the open calls. Through a proxy one failure crosses several hops (a 486 from the callee
// to the proxy, then from the proxy to the caller): the same call, CSeq and status. Its first copy is the call's
// failure; the others are flagged FlagRepeatedFailure, so that stats count a call's failure once.
class ForwardedFailures {
public:
    // Whether `message` (not a retransmission) repeats a failure its call already had on another hop; remembers it.
    bool isRepeat(const decode::SipMessageView& message, std::uint64_t callKey) {
        const int status = message.statusCode();
        if (callKey == 0 || !detail::isFailureStatus(status))
            return false;
        std::vector<Failure>& seen = m_calls[callKey];
        const Failure failure{message.cseq().number, status, std::string(message.cseq().method)};
        if (std::find(seen.begin(), seen.end(), failure) != seen.end())
            return true;
        if (seen.size() < MaxPerCall)  // beyond it, later copies count again: bounded memory over exactness
            seen.push_back(failure);
        return false;
    }
    // The call was written: no more of its messages come with this key.
    void forget(std::uint64_t callKey) { m_calls.erase(callKey); }

private:
    struct Failure {
        std::uint32_t cseq = 0;
        int status = 0;
        std::string method;
        bool operator==(const Failure&) const = default;
    };
    static constexpr std::size_t MaxPerCall = 64;
    std::unordered_map<std::uint64_t, std::vector<Failure>> m_calls;  // as many as the correlator's open calls
};

// One source being read: its report and capture row, its own packet decoder, and the packet it holds next.
struct OpenSource {
    std::size_t index = 0;  // in the sources given
    FileReport file;
    std::unique_ptr<capture::PacketSource> source;
    detail::CaptureRecord captureRow;
    std::unique_ptr<capture::PacketDecoder> decoder;
    capture::RawPacket packet;       // its bytes are valid until source->next() is called again
    bool isDone = false;             // read to its end, its damage, or a stop
    bool isRowFinal = false;         // its capture row was written as it ends
    std::int64_t clockOffsetUs = 0;  // taken off every packet's time (multi-point import)
};

}  // namespace

std::optional<std::uint64_t> captureContentHash(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr)
        return std::nullopt;
    struct stat status {};
    if (fstat(fileno(file), &status) != 0 || !S_ISREG(status.st_mode)) {
        std::fclose(file);
        return std::nullopt;
    }
    constexpr std::uint64_t Prime = 0x100000001b3ULL;
    std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
    auto mix = [&hash](const unsigned char* bytes, std::size_t size) {
        for (std::size_t i = 0; i < size; ++i)
            hash = (hash ^ bytes[i]) * Prime;
    };
    const auto size = static_cast<std::uint64_t>(status.st_size);
    unsigned char sizeBytes[8];
    for (int i = 0; i < 8; ++i)
        sizeBytes[i] = static_cast<unsigned char>(size >> (8 * i));
    mix(sizeBytes, sizeof sizeBytes);
    constexpr std::uint64_t Part = 1u << 20;
    std::vector<unsigned char> buffer(Part);
    // The first MiB, then the last MiB (or what is left after the first one).
    const std::uint64_t ranges[2][2] = {{0, std::min(size, Part)},
                                        {std::max(Part, size >= Part ? size - Part : 0), size}};
    for (const auto& range : ranges) {
        if (range[1] <= range[0])
            continue;
        const auto length = static_cast<std::size_t>(range[1] - range[0]);
        if (fseeko(file, static_cast<off_t>(range[0]), SEEK_SET) != 0 ||
            std::fread(buffer.data(), 1, length, file) != length) {
            std::fclose(file);
            return std::nullopt;
        }
        mix(buffer.data(), length);
    }
    std::fclose(file);
    return hash;
}

IngestReport ingestSources(const std::string& dbPath, const std::vector<SourceOpener>& sources,
                           const IngestOptions& options) {
    Database db(dbPath, Database::Mode::ReadWrite);
    const std::vector<std::optional<std::string>> duplicates = findDuplicates(db, sources, options.allowDuplicates);
    // An import builds calls_from at its end; a live capture keeps it up to date, since readers query it meanwhile.
    detail::BatchWriter writer(db, options.queueBatches, options.writeOpenCalls);
    decode::Correlator correlator(writer.firstCallKey(), options.correlator);
    decode::SipParser parser(options.parser);
    decode::MediaTracker media(options.media);
    decode::FindingDetector findings(options.findings);
    BatchBuilder builder(writer, options.batchMessages, options.writeDatabase, options.trackMedia ? &media : nullptr);
    IngestReport report;
    std::vector<std::optional<FileReport>> files(sources.size());  // reported in the order the sources were given
    std::int64_t captureId = writer.firstCaptureId();
    std::vector<decode::CallSummary> flushed;
    ForwardedFailures failures;
    const auto flushInterval = std::chrono::milliseconds(options.flushIntervalMs);
    auto isStopped = [&options] { return options.stop && options.stop->load(); };
    // Several files merged may be one path captured at several points (issue 16): the same message seen twice is
    // kept once, and each file's clock is set to the first one's.
    const bool isMultiPoint = options.mergeSources && sources.size() > 1;
    decode::CapturePointCopies copies;
    std::vector<std::optional<decode::ClockOffset>> clockOffsets(sources.size());
    if (isMultiPoint) {
        std::vector<bool> isRead(sources.size());
        bool areFiles = true;
        for (std::size_t index = 0; index < sources.size(); ++index) {
            isRead[index] = !duplicates[index];
            areFiles = areFiles && sources[index].contentHash;  // standard input cannot be read twice
        }
        if (areFiles)
            clockOffsets = detail::estimateClockOffsets(sources, isRead, options);
    }

    // The clock calls age by is the time of the messages themselves and of the other packets: HEP carries the
    // sender's timestamps, which need not agree with the time the datagrams reached us.
    std::int64_t lastTimestampUs = 0;
    // The sources read now: one at a time, or every one at once when they are merged. Stable addresses: each
    // decoder's sink points at its own source.
    std::vector<std::unique_ptr<OpenSource>> reading;
    auto lastProgress = std::chrono::steady_clock::now();
    auto lastFlush = lastProgress;

    auto sendBatch = [&] {
        correlator.takeFlushed(lastTimestampUs, flushed);
        for (auto& call : flushed) {
            if (options.findFindings)
                findings.onCallFinished(call, lastTimestampUs);
            media.onCallFinished(call.key);
            failures.forget(call.key);
            report.callRecordsDropped += call.recordsDropped;
            builder.batch().calls.push_back(std::move(call));
        }
        report.calls += flushed.size();
        flushed.clear();
        correlator.takeLateMessages(builder.batch().lateMessages);
        media.takeFinished(builder.batch().streams);
        findings.takeFindings(builder.batch().findings);
        // Live: calls still in progress are written as they stand, so readers see them now (those that changed).
        if (options.writeOpenCalls)
            correlator.snapshotChanged(builder.batch().calls);
        for (auto& open : reading) {
            if (open->isRowFinal)
                continue;
            open->captureRow.packets = open->file.packets;
            open->captureRow.sipMessages = open->file.sipMessages;
            open->captureRow.error = open->file.error;
            builder.batch().captures.push_back(open->captureRow);
            open->isRowFinal = open->isDone;
        }
        builder.send();
        lastFlush = std::chrono::steady_clock::now();
    };

    // Opens sources[index] into `reading`, with its capture row in the batch being built (its messages refer to it).
    auto openSource = [&](std::size_t index) {
        FileReport file;
        file.path = sources[index].name;
        if (duplicates[index]) {
            file.skipped = duplicates[index];
            files[index] = std::move(file);
            return;
        }
        file.captureId = captureId++;
        file.clockOffset = clockOffsets[index];
        file.isClockCorrected = file.clockOffset && options.correctClockSkew;
        std::unique_ptr<capture::PacketSource> source;
        try {
            source = sources[index].open();
        } catch (const Error& unreadable) {
            file.error = unreadable.what();
            files[index] = std::move(file);
            return;
        }
        auto open = std::make_unique<OpenSource>();
        open->index = index;
        open->file = std::move(file);
        open->source = std::move(source);
        if (open->file.isClockCorrected)
            open->clockOffsetUs = open->file.clockOffset->offsetUs;
        // The content hash is written with the file's last batch only: a capture whose import was killed or stopped
        // half way is not "already imported" (its committed part stays, as its own capture).
        open->captureRow = {open->file.captureId, sources[index].name, open->source->totalBytes(), 0, 0,
                            std::nullopt,         std::nullopt};
        builder.batch().captures.push_back(open->captureRow);
        OpenSource* self = open.get();
        open->decoder = std::make_unique<capture::PacketDecoder>(
            [&, self](const capture::PayloadView& payload) {
                lastTimestampUs = std::max(lastTimestampUs, payload.timestampUs);
                if (options.onPayload)
                    options.onPayload(payload);
                const decode::SipMessageView& message = parser.parse(payload.bytes);
                ++self->file.sipMessages;
                if (isMultiPoint && !message.callId().empty() &&
                    copies.isCopy(decode::hopSignature(message, payload.src, payload.dst), self->file.captureId,
                                  payload.timestampUs)) {
                    ++self->file.copies;  // the same message another file gave on this hop: one arrow, once
                    return;
                }
                const decode::MessageMeta meta{payload.timestampUs, payload.src, payload.dst, payload.transport};
                const decode::Correlation correlation = correlator.onMessage(message, meta);
                const bool isRepeatedFailure = !correlation.isRetransmission && !message.isRequest() &&
                                               failures.isRepeat(message, correlation.callKey);
                const decode::SessionDescriptionView* sdp =
                    builder.add(message, payload, correlation, self->file.captureId, isRepeatedFailure);
                if (options.findFindings)  // problems with their evidence (issue 16)
                    findings.onMessage(
                        message, meta, correlation, builder.lastSequence(),
                        payload.transport == capture::Transport::Udp ? payload.bytes : std::string_view{}, sdp);
                ++report.sipMessages;
                if (!message.isValid())
                    ++self->file.invalidMessages;
            },
            options.decoder);
        if (options.trackMedia)  // UDP that is not SIP: RTP and RTCP for the media tracker (issue 15)
            open->decoder->setOtherUdpSink(
                [&media, self](const capture::PayloadView& payload) { media.onPacket(payload, self->file.captureId); });
        reading.push_back(std::move(open));
    };

    // The end of a source (clean, damaged or stopped): what its decoder still holds is counted, and a source read to
    // its end gets its content hash, so importing it again is skipped.
    auto finishSource = [&](OpenSource& open) {
        open.isDone = true;
        open.decoder->finish();
        report.decoder.add(open.decoder->stats());
        if (!isStopped())
            open.captureRow.contentHash = sources[open.index].contentHash;
    };

    auto reportProgress = [&](bool isFinal) {
        IngestProgress progress;
        progress.file =
            reading.size() == 1 ? reading.front()->file.path : std::to_string(reading.size()) + " files merged by time";
        for (const auto& open : reading) {
            progress.bytesRead += isFinal ? open->source->totalBytes() : open->source->bytesRead();
            progress.totalBytes += open->source->totalBytes();
        }
        progress.messages = report.sipMessages;
        options.onProgress(progress);
    };

    // Reads the sources in `reading` as one capture: always the packet with the earliest timestamp next, ties to the
    // source given first (a k-way merge, as mergecap does). Each source holds only its next packet, so memory does
    // not grow with the files; each keeps its own decoder, since a TCP stream or a fragment belongs to one capture.
    auto readAll = [&] {
        using Next = std::pair<std::int64_t, std::size_t>;  // the packet's timestamp, its source's place in `reading`
        std::priority_queue<Next, std::vector<Next>, std::greater<>> queue;
        auto advance = [&](std::size_t at) {
            OpenSource& open = *reading[at];
            try {
                if (open.source->next(open.packet)) {
                    open.packet.timestampUs -= open.clockOffsetUs;
                    queue.push({open.packet.timestampUs, at});
                    return;
                }
            } catch (const Error& damage) {
                open.file.error = damage.what();
            }
            finishSource(open);
        };
        for (std::size_t at = 0; at < reading.size(); ++at)
            advance(at);
        std::uint64_t packets = 0;
        while (!queue.empty()) {
            const std::size_t at = queue.top().second;
            queue.pop();
            OpenSource& open = *reading[at];
            if (!open.packet.bytes.empty() || open.packet.frameNumber != 0) {  // not a live source's idle tick
                ++open.file.packets;
                ++packets;
                try {
                    open.decoder->decode(open.packet);
                    if (media.hasFinished())
                        media.takeFinished(builder.batch().streams);
                    // Requests time out by this clock too (a capture that goes on without SIP still ages them);
                    // not with HEP, whose packets are stamped on arrival.
                    if (open.decoder->stats().hepPackets == 0)
                        lastTimestampUs = std::max(lastTimestampUs, open.packet.timestampUs);
                } catch (const Error& damage) {
                    if (builder.hasWriteFailed())
                        throw;
                    open.file.error = damage.what();
                    finishSource(open);
                    continue;
                }
            }
            const bool isDue =
                flushInterval.count() > 0 && std::chrono::steady_clock::now() - lastFlush >= flushInterval;
            if (builder.full() || isDue)
                sendBatch();
            if (options.onProgress && ((packets & 1023) == 0 || flushInterval.count() > 0)) {
                const auto now = std::chrono::steady_clock::now();
                if (now - lastProgress > std::chrono::milliseconds(200)) {
                    lastProgress = now;
                    reportProgress(false);
                }
            }
            if (isStopped())
                break;
            advance(at);
        }
        for (auto& open : reading)
            if (!open->isDone)
                finishSource(*open);  // stopped
        sendBatch();
        if (options.onProgress && !reading.empty())
            reportProgress(true);
        for (auto& open : reading)
            files[open->index] = std::move(open->file);
        reading.clear();
    };

    if (options.mergeSources && sources.size() > 1) {
        for (std::size_t index = 0; index < sources.size(); ++index)
            openSource(index);
        readAll();
    } else {
        for (std::size_t index = 0; index < sources.size() && !isStopped(); ++index) {
            openSource(index);
            readAll();
        }
    }
    for (auto& file : files)
        if (file)
            report.files.push_back(std::move(*file));

    correlator.takeAll(flushed);
    report.calls += flushed.size();
    for (auto& call : flushed) {
        if (options.findFindings)
            findings.onCallFinished(call, lastTimestampUs);
        report.callRecordsDropped += call.recordsDropped;
        builder.batch().calls.push_back(std::move(call));
    }
    if (options.findFindings)
        findings.finish();
    findings.takeFindings(builder.batch().findings);
    correlator.takeLateMessages(builder.batch().lateMessages);
    media.finishAll();
    media.takeFinished(builder.batch().streams);
    builder.send();
    report.readCpuSeconds = detail::threadCpuSeconds();
    writer.finish();
    // The media verdicts (issue 15) as findings, once every stream of the calls is stored.
    if (options.findFindings && options.writeDatabase && options.trackMedia)
        report.findings.findings += detail::writeMediaFindings(db, writer.firstCallKey(), writer.callKeyEnd());
    report.writeCpuSeconds = writer.cpuSeconds();
    report.waitSeconds = writer.waitSeconds();
    report.correlator = correlator.stats();
    report.media = media.stats();
    const std::uint64_t mediaFindings = report.findings.findings;
    report.findings = findings.stats();
    report.findings.findings += mediaFindings;
    return report;
}

IngestReport importFiles(const std::string& dbPath, const std::vector<std::string>& paths,
                         const IngestOptions& options) {
    std::vector<SourceOpener> sources;
    for (const std::string& path : paths)
        sources.push_back({path, [path] { return capture::openCaptureFile(path); },
                           path == "-" ? std::nullopt : captureContentHash(path)});
    return ingestSources(dbPath, sources, options);
}

}  // namespace sipscope::store
