// The import pipeline. This thread reads, decodes, parses and correlates; BatchWriter writes on its own thread.
#include "store/ingest.hpp"

#include "capture/error.hpp"
#include "capture/packet_source.hpp"
#include "decode/sip_parser.hpp"
#include "store/database.hpp"
#include "store/detail/batch_writer.hpp"
#include "store/detail/media_rows.hpp"
#include "store/detail/statement.hpp"
#include "store/detail/text_blocks.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
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
    BatchBuilder(detail::BatchWriter& writer, std::size_t batchMessages, bool isWriting)
        : m_writer(writer), m_isWriting(isWriting), m_batchMessages(batchMessages ? batchMessages : 1), m_batch(newBatch()) {}

    void add(const decode::SipMessageView& message, const capture::PayloadView& payload,
             const decode::Correlation& correlation, std::int64_t captureId) {
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
        // SDP alone or inside a multipart body: flagged, its role noted, and its m= lines kept as media rows.
        if (const std::string_view sdp = message.sdp(); !sdp.empty()) {
            r.flags |= detail::FlagHasSdp;
            if (correlation.sdpRole == decode::SdpRole::Offer)
                r.flags |= detail::FlagSdpOffer;
            else if (correlation.sdpRole == decode::SdpRole::Answer)
                r.flags |= detail::FlagSdpAnswer;
            if (!correlation.isRetransmission)  // a retransmission repeats its original's media rows
                detail::addMediaRecords(b, m_sdp, sdp, static_cast<std::uint32_t>(b.messages.size() - 1),
                                        correlation.callKey, correlation.sdpRole);
        }
        // Keep what was on the wire for this message; an unparseable payload is kept whole.
        const std::string_view text = message.raw().empty() ? payload.bytes : message.raw();
        r.textOffset = static_cast<std::uint32_t>(b.texts.size());
        r.textLength = static_cast<std::uint32_t>(text.size());
        if (m_isWriting)  // decoding only: nothing will read the text
            b.texts.append(text);
    }

    bool full() const {
        return m_batch->messages.size() >= m_batchMessages || m_batch->texts.size() >= (64u << 20);
    }
    detail::Batch& batch() { return *m_batch; }

    void send() {
        if (m_batch->empty())
            return;
        if (!m_isWriting) {
            m_batch->clear();
            return;
        }
        detail::encodeTextBlocks(*m_batch, m_encoder);
        // A fresh batch first: when the writer has failed, push() throws and this builder must stay usable.
        std::unique_ptr<detail::Batch> full = std::move(m_batch);
        m_batch = newBatch();
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
    bool m_isWriting;
    std::size_t m_batchMessages;
    std::unique_ptr<detail::Batch> m_batch;
    decode::SdpParser m_sdp;
    detail::TextBlockEncoder m_encoder;
    bool m_hasWriteFailed = false;
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

} // namespace

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
    detail::BatchWriter writer(db, options.queueBatches, !options.writeOpenCalls);
    decode::Correlator correlator(writer.firstCallKey(), options.correlator);
    decode::SipParser parser(options.parser);
    BatchBuilder builder(writer, options.batchMessages, options.writeDatabase);
    IngestReport report;
    std::int64_t captureId = writer.firstCaptureId();
    std::vector<decode::CallSummary> flushed;
    const auto flushInterval = std::chrono::milliseconds(options.flushIntervalMs);

    for (std::size_t index = 0; index < sources.size(); ++index) {
        const SourceOpener& opener = sources[index];
        if (options.stop && options.stop->load())
            break;
        FileReport file;
        file.path = opener.name;
        if (duplicates[index]) {
            file.skipped = duplicates[index];
            report.files.push_back(std::move(file));
            continue;
        }
        file.captureId = captureId++;
        std::unique_ptr<capture::PacketSource> source;
        try {
            source = opener.open();
        } catch (const Error& unreadable) {
            file.error = unreadable.what();
            report.files.push_back(std::move(file));
            continue;
        }
        // The content hash is written with the file's last batch only: a capture whose import was killed or stopped
        // half way is not "already imported" (its committed part stays, as its own capture).
        detail::CaptureRecord captureRow{file.captureId, opener.name, source->totalBytes(), 0, 0, std::nullopt,
                                         std::nullopt};
        builder.batch().captures.push_back(captureRow);

        // The clock calls age by is the time of the messages themselves: HEP carries the sender's timestamps,
        // which need not agree with the time the datagrams reached us.
        std::int64_t lastTimestampUs = 0;
        capture::PacketDecoder decoder([&](const capture::PayloadView& payload) {
            lastTimestampUs = std::max(lastTimestampUs, payload.timestampUs);
            const decode::SipMessageView& message = parser.parse(payload.bytes);
            const decode::MessageMeta meta{payload.timestampUs, payload.src, payload.dst, payload.transport};
            const decode::Correlation correlation = correlator.onMessage(message, meta);
            builder.add(message, payload, correlation, file.captureId);
            ++file.sipMessages;
            if (!message.isValid())
                ++file.invalidMessages;
        }, options.decoder);

        auto lastProgress = std::chrono::steady_clock::now();
        auto lastFlush = lastProgress;
        auto sendBatch = [&] {
            correlator.takeFlushed(lastTimestampUs, flushed);
            for (auto& call : flushed) {
                report.callRecordsDropped += call.recordsDropped;
                builder.batch().calls.push_back(std::move(call));
            }
            report.calls += flushed.size();
            flushed.clear();
            // Live: calls still in progress are written as they stand, so readers see them now (those that changed).
            if (options.writeOpenCalls)
                correlator.snapshotChanged(builder.batch().calls);
            captureRow.packets = file.packets;
            captureRow.sipMessages = file.sipMessages;
            captureRow.error = file.error;
            builder.batch().captures.push_back(captureRow);
            builder.send();
            lastFlush = std::chrono::steady_clock::now();
        };

        capture::RawPacket packet;
        try {
            while (source->next(packet)) {
                if (!packet.bytes.empty() || packet.frameNumber != 0) {
                    ++file.packets;
                    decoder.decode(packet);
                }
                const bool isDue = flushInterval.count() > 0 &&
                                   std::chrono::steady_clock::now() - lastFlush >= flushInterval;
                if (builder.full() || isDue)
                    sendBatch();
                if (options.onProgress && ((file.packets & 1023) == 0 || flushInterval.count() > 0)) {
                    const auto now = std::chrono::steady_clock::now();
                    if (now - lastProgress > std::chrono::milliseconds(200)) {
                        lastProgress = now;
                        options.onProgress({opener.name, source->bytesRead(), source->totalBytes(),
                                            report.sipMessages + file.sipMessages});
                    }
                }
                if (options.stop && options.stop->load())
                    break;
            }
        } catch (const Error& damage) {
            if (builder.hasWriteFailed())
                throw;
            file.error = damage.what();
        }
        decoder.finish();
        report.decoder.add(decoder.stats());
        report.sipMessages += file.sipMessages;
        if (!(options.stop && options.stop->load()))
            captureRow.contentHash = opener.contentHash;
        sendBatch();
        if (options.onProgress)
            options.onProgress({opener.name, source->totalBytes(), source->totalBytes(), report.sipMessages});
        report.files.push_back(std::move(file));
    }

    correlator.takeAll(flushed);
    report.calls += flushed.size();
    for (auto& call : flushed) {
        report.callRecordsDropped += call.recordsDropped;
        builder.batch().calls.push_back(std::move(call));
    }
    builder.send();
    report.readCpuSeconds = detail::threadCpuSeconds();
    writer.finish();
    report.writeCpuSeconds = writer.cpuSeconds();
    report.waitSeconds = writer.waitSeconds();
    report.correlator = correlator.stats();
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

} // namespace sipscope::store
