// The writer thread. Each batch is one transaction: interned strings and endpoints, message text in blocks of
// many messages, narrow message rows in multi-row INSERTs, finished calls, capture rows.
#include "store/detail/batch_writer.hpp"

#include "store/database.hpp"
#include "store/detail/id_ranges.hpp"
#include "store/detail/row_buffer.hpp"
#include "store/detail/statement.hpp"
#include "store/detail/stream_rows.hpp"
#include "store/detail/text_blocks.hpp"

#include <sys/resource.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace sipscope::store::detail {

namespace {

constexpr std::size_t MessageColumns = 21;
constexpr std::size_t MessageRowsPerInsert = 64;  // 64 × 21 = 1344 parameters, well under SQLite's 32766
// Message rows held before they are written: a batch's 8192 would hold 5.5 MB of values at once (a COPY each).
constexpr std::size_t MessageRowsPerFlush = 1024;

constexpr const char* MessageInsertHead =
    "INSERT INTO messages(id, capture_id, frame, ts_us, src_id, dst_id, transport, call_key, transaction_key, "
    "dialog_key, method_id, status, reason_id, cseq, cseq_method_id, flags, error_id, error_offset, block_id, "
    "block_offset, length) VALUES";

// How many ids a claim in id_ranges takes (id_ranges.hpp). A writer's call keys are one range for its whole run
// (the correlator numbers calls on from the first); the others are claimed again when used up.
constexpr std::int64_t CallKeysPerWriter = std::int64_t{1} << 32;
constexpr std::int64_t CaptureIdsPerWriter = std::int64_t{1} << 16;
constexpr std::int64_t MessageIdsPerClaim = std::int64_t{1} << 20;
constexpr std::int64_t BlockIdsPerClaim = std::int64_t{1} << 16;

// The id of an interned text on PostgreSQL, where several writers intern into one table at once: the same for every
// writer (FNV-1a, 62 bits, never 0), so no writer has to learn another's ids. Two texts with one id among a million
// distinct texts: a chance of 1 in 10^7.
std::int64_t sharedTextId(std::string_view text) {
    std::uint64_t hash = 14695981039346656037ull;
    for (const char c : text)
        hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    hash &= (std::uint64_t{1} << 62) - 1;
    return static_cast<std::int64_t>(hash ? hash : 1);
}

// The time now as the captures table keeps it, UTC: "2026-12-06T05:15:47.123Z".
std::string utcNow() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[40];
    const std::size_t size = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(text + size, sizeof text - size, ".%03dZ", static_cast<int>(millis));
    return text;
}

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

// A message_counts key, in the order of its columns: method_id, status, reason_id, flags (CountedFlags).
using MessageCountKey = std::array<std::int64_t, 4>;
// A host_counts row after its host_id, in the order of its columns: sent, received, requests_sent, responses_sent,
// failures_sent.
using HostCounts = std::array<std::int64_t, 5>;

// Rolls back unless committed (RFC-free, SQLiteCpp's Transaction idea).
class TransactionGuard {
public:
    // `failedErrno` receives the system error of a failed transaction before ROLLBACK replaces it.
    TransactionGuard(Connection& db, int& failedErrno) : m_db(db), m_failedErrno(failedErrno) { m_db.beginWrite(); }
    ~TransactionGuard() {
        if (!m_committed) {
            m_failedErrno = m_db.systemErrno();
            m_db.rollbackQuietly();
        }
    }
    void commit() {
        m_db.exec("COMMIT");
        m_committed = true;
    }

private:
    Connection& m_db;
    int& m_failedErrno;
    bool m_committed = false;
};

constexpr const char* CallHead =
    "INSERT INTO calls(id, call_id, start_us, end_us, from_uri, from_user, to_uri, to_user, method_id, state, "
    "status, messages, dialogs, retransmissions, src_id, dst_id, attempt_us, first_provisional_us, final_us, "
    "answered_us, bye_us, bye_answered_us, ended_by, reason, early_media, reinvites, holds, resumes, glare, "
    "records_dropped, kind) VALUES";
constexpr const char* TransactionHead =
    "INSERT INTO transactions(id, call_key, method_id, start_us, first_provisional_us, final_us, final_status, "
    "requests, responses, cancelled_key, orphan, rfc2543) VALUES";
constexpr const char* DialogHead = "INSERT INTO dialogs(id, call_key, from_tag, to_tag, state, created_us, "
                                   "confirmed_us, terminated_us) VALUES";
constexpr const char* RegistrationHead =
    "INSERT INTO registrations(transaction_key, call_key, aor, contact, expires, granted_expires, status, "
    "request_us, response_us, bindings) VALUES";
constexpr const char* SubscriptionHead =
    "INSERT INTO subscriptions(id, call_key, method, event, event_id, resource, subscriber, dialog_key, state, "
    "reason, expires, granted_expires, state_expires, status, requests, notifies, etag, if_match, start_us, "
    "last_us, terminated_us) VALUES";
constexpr const char* MediaHead = "INSERT INTO media(message_id, media_index, call_key, role, type, port, proto, "
                                  "address, direction, codecs, ptime) VALUES";

// A new interned text (endpoint or string) of a batch, written at the batch's end in the order of the ids.
struct NewText {
    std::int64_t id;
    std::string text;
    bool operator<(const NewText& other) const { return id < other.id; }
};

}  // namespace

struct BatchWriter::Statements {
    // `rewritesCalls`: a call may be written again (a live capture writes calls still open), so its rows are
    // upserts; an import writes each call once, when it ends, in plain inserts (on PostgreSQL a COPY straight into
    // the table rather than through a temporary one: a third of the import's time there).
    Statements(Connection& db, bool rewritesCalls)
        : isShared(db.backend() == Backend::Postgres),
          messageRows(db, MessageInsertHead, MessageColumns, {}, MessageRowsPerInsert),
          endpointRows(db, "INSERT INTO endpoints(id, text) VALUES", 2, IgnoreTail),
          stringRows(db, "INSERT INTO strings(id, text) VALUES", 2, IgnoreTail),
          blockRows(db, "INSERT INTO text_blocks(id, codec, raw_size, data) VALUES", 4),
          callRows(db, CallHead, 31, rewritesCalls ? replaceTail(CallHead, 1) : std::string()),
          transactionRows(db, TransactionHead, 12, rewritesCalls ? replaceTail(TransactionHead, 1) : std::string()),
          dialogRows(db, DialogHead, 8, rewritesCalls ? replaceTail(DialogHead, 1) : std::string()),
          upsertRegistration(db, valuesSql(RegistrationHead, 10, 1, replaceTail(RegistrationHead, 1))),
          upsertSubscription(db, valuesSql(SubscriptionHead, 21, 1, replaceTail(SubscriptionHead, 1))),
          insertLink(db, "INSERT INTO call_links(call_key, linked_call_key, kind, detail) VALUES (?,?,?,?)" +
                             std::string(IgnoreTail)),
          countLateMessage(db, "UPDATE calls SET messages = messages + 1, retransmissions = retransmissions + ?2, "
                               "end_us = CASE WHEN end_us > ?3 THEN end_us ELSE ?3 END WHERE id = ?1"),
          countLateCopy(db, "UPDATE transactions SET requests = requests + ?2, responses = responses + ?3 "
                            "WHERE id = ?1"),
          mediaRows(db, MediaHead, 11, rewritesCalls ? replaceTail(MediaHead, 2) : std::string()),
          insertStream(db, StreamInsertSql),
          findingRows(db,
                      "INSERT INTO findings(call_key, ts_us, kind, severity, message_id, message_ids, source_id, "
                      "explanation, rfc) VALUES",
                      9),
          callFromRows(db, "INSERT INTO call_froms(from_uri, from_user) VALUES", 2, IgnoreTail),
          messageCountRows(db, "INSERT INTO message_counts(method_id, status, reason_id, flags, messages) VALUES", 5,
                           " ON CONFLICT(method_id, status, reason_id, flags) DO UPDATE SET "
                           "messages = message_counts.messages + excluded.messages"),
          hostCountRows(db,
                        "INSERT INTO host_counts(host_id, sent, received, requests_sent, responses_sent, "
                        "failures_sent) VALUES",
                        6,
                        " ON CONFLICT(host_id) DO UPDATE SET sent = host_counts.sent + excluded.sent, "
                        "received = host_counts.received + excluded.received, "
                        "requests_sent = host_counts.requests_sent + excluded.requests_sent, "
                        "responses_sent = host_counts.responses_sent + excluded.responses_sent, "
                        "failures_sent = host_counts.failures_sent + excluded.failures_sent"),
          upsertCapture(
              db, "INSERT INTO captures(id, path, size_bytes, imported_at, packets, sip_messages, error, "
                  "content_hash) VALUES (?1, ?2, ?3, ?8, ?4, ?5, ?6, ?7) "
                  "ON CONFLICT(id) DO UPDATE SET packets = ?4, sip_messages = ?5, error = ?6, content_hash = ?7") {}

    // PostgreSQL: several writers may share the database, so interned texts get sharedTextId()s.
    bool isShared;
    RowBuffer messageRows;
    RowBuffer endpointRows;
    RowBuffer stringRows;
    RowBuffer blockRows;
    RowBuffer callRows;
    RowBuffer transactionRows;  // several rows per call: multi-row INSERTs, written at the end of the batch
    RowBuffer dialogRows;
    Statement upsertRegistration;
    Statement upsertSubscription;
    Statement insertLink;
    Statement countLateMessage;  // a LateMessage in its call
    Statement countLateCopy;     // a late retransmission in its transaction
    RowBuffer mediaRows;
    Statement insertStream;
    RowBuffer findingRows;
    RowBuffer callFromRows;
    RowBuffer messageCountRows;
    RowBuffer hostCountRows;
    Statement upsertCapture;

    std::unordered_map<capture::Endpoint, std::int64_t, capture::EndpointHash> endpointIds;
    std::unordered_map<std::string, std::int64_t, StringHash, std::equal_to<>> endpointTextIds;
    std::unordered_map<std::string, std::int64_t, StringHash, std::equal_to<>> stringIds;
    static constexpr std::size_t MaxKnownFroms = 65536;
    std::unordered_set<std::string> knownFroms;  // from_uri NUL from_user, of call_froms rows written
    std::string fromKey;
    std::int64_t nextEndpointId = 1;
    std::int64_t nextStringId = 1;
    // The batch's new texts and caller pairs, written at its end in one order (the ids'; the pairs'), so that two
    // writers inserting the same ones into one PostgreSQL database wait for each other without deadlocking.
    std::vector<NewText> newEndpoints;
    std::vector<NewText> newStrings;
    std::vector<std::pair<std::string, std::string>> newFroms;

    std::int64_t newTextId(std::string_view text, std::int64_t& next) { return isShared ? sharedTextId(text) : next++; }

    std::int64_t endpointId(const capture::Endpoint& endpoint) {
        if (auto it = endpointIds.find(endpoint); it != endpointIds.end())
            return it->second;
        std::string text = endpoint.toString();
        std::int64_t id;
        if (auto it = endpointTextIds.find(text); it != endpointTextIds.end()) {
            id = it->second;
        } else {
            id = newTextId(text, nextEndpointId);
            newEndpoints.push_back({id, text});
            endpointTextIds.emplace(std::move(text), id);
        }
        endpointIds.emplace(endpoint, id);
        return id;
    }

    // False when this writer already added the pair to call_froms: most calls repeat a caller, and a statement
    // step costs far more than a lookup. Bounded: forgotten pairs are only added again (INSERT OR IGNORE).
    bool isNewFrom(std::string_view uri, std::string_view user) {
        fromKey.assign(uri);
        fromKey.push_back('\0');
        fromKey.append(user);
        if (knownFroms.count(fromKey))
            return false;
        if (knownFroms.size() >= MaxKnownFroms)
            knownFroms.clear();
        knownFroms.insert(fromKey);
        return true;
    }

    // Interned id of a short string (method, reason, error); 0 for NULL.
    std::int64_t stringId(std::string_view text, bool isNull) {
        if (isNull)
            return 0;
        if (auto it = stringIds.find(text); it != stringIds.end())
            return it->second;
        const std::int64_t id = newTextId(text, nextStringId);
        newStrings.push_back({id, std::string(text)});
        stringIds.emplace(std::string(text), id);
        return id;
    }

    // Writes the batch's new texts and caller pairs, each kind sorted (see newEndpoints).
    void flushNewTexts() {
        for (auto [texts, rows] : {std::pair{&newStrings, &stringRows}, std::pair{&newEndpoints, &endpointRows}}) {
            std::sort(texts->begin(), texts->end());
            for (const NewText& text : *texts)
                rows->row(text.id, text.text);
            rows->flush();
            texts->clear();
        }
        std::sort(newFroms.begin(), newFroms.end());
        for (const auto& [uri, user] : newFroms)
            callFromRows.row(uri, user);
        callFromRows.flush();
        newFroms.clear();
    }
};

BatchWriter::BatchWriter(Database& db, std::size_t maxQueuedBatches, bool writesOpenCalls)
    : m_db(db), m_maxQueued(maxQueuedBatches ? maxQueuedBatches : 1),
      m_callKeys("calls",
                 "SELECT max(k) FROM (SELECT max(id) AS k FROM calls UNION ALL SELECT max(call_key) FROM messages) "
                 "AS keys",
                 CallKeysPerWriter),
      m_captureIds("captures", "SELECT coalesce(max(id), 0) FROM captures", CaptureIdsPerWriter),
      m_messageIds("messages", "SELECT coalesce(max(id), 0) FROM messages", MessageIdsPerClaim),
      m_blockIds("text_blocks", "SELECT coalesce(max(id), 0) FROM text_blocks", BlockIdsPerClaim) {
    Connection& handle = db.handle();
    const bool isSqlite = handle.backend() == Backend::Sqlite;
    if (isSqlite) {
        // Bulk writing, still crash-safe: WAL with synchronous=NORMAL (set when opened) keeps every committed batch
        // through a SIGKILL. Checkpoints (each one fsyncs the WAL and the database) every 64 MiB of WAL instead of
        // SQLite's 4 MiB; a 16 MiB page cache keeps the indexes' hot pages.
        db.exec("PRAGMA wal_autocheckpoint=16384; PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY;");
    }
    m_statements = std::make_unique<Statements>(handle, writesOpenCalls);
    if (isSqlite) {
        // Interned texts get the next ids here; on PostgreSQL they get the ids every writer gives them.
        {
            Statement rows(handle, "SELECT id, text FROM endpoints");
            while (rows.step())
                m_statements->endpointTextIds.emplace(rows.columnText(1), rows.columnInt(0));
        }
        {
            Statement rows(handle, "SELECT id, text FROM strings");
            while (rows.step())
                m_statements->stringIds.emplace(rows.columnText(1), rows.columnInt(0));
        }
        m_statements->nextEndpointId = queryInt(handle, "SELECT max(id) FROM endpoints") + 1;
        m_statements->nextStringId = queryInt(handle, "SELECT max(id) FROM strings") + 1;
    }
    // The ranges this writer numbers its calls and captures from, for its whole run.
    m_callKeys.reserve(handle, CallKeysPerWriter);
    m_captureIds.reserve(handle, CaptureIdsPerWriter);
    m_firstCallKey = static_cast<std::uint64_t>(m_callKeys.next());
    m_firstCaptureId = m_captureIds.next();
    // Into an SQLite database without calls, calls_from is built once at the end (a sort) instead of with every
    // batch; until then `calls --from` scans, and a killed import leaves it to the next read-write open (Database).
    // Not on PostgreSQL, where other writers may be writing calls beside this one.
    if (isSqlite && !writesOpenCalls &&
        queryInt(handle, "SELECT count(*) FROM (SELECT 1 FROM calls LIMIT 1) AS c") == 0) {
        db.exec("DROP INDEX IF EXISTS calls_from");
        m_buildsFromIndexAtEnd = true;
    }
    m_analyzesAtEnd = !isSqlite && !writesOpenCalls;
    m_thread = std::thread([this] { run(); });
}

BatchWriter::~BatchWriter() {
    try {
        finish();
    } catch (...) {
        // The owner already reported or is unwinding from another error.
    }
}

void BatchWriter::push(std::unique_ptr<Batch> batch) {
    std::unique_lock lock(m_mutex);
    if (m_queue.size() >= m_maxQueued && !m_failure) {
        const auto waitFrom = std::chrono::steady_clock::now();
        m_changed.wait(lock, [this] { return m_queue.size() < m_maxQueued || m_failure; });
        m_waitSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - waitFrom).count();
    }
    if (m_failure)
        std::rethrow_exception(m_failure);
    m_queue.push_back(std::move(batch));
    m_changed.notify_all();
}

std::unique_ptr<Batch> BatchWriter::takeSpare() {
    std::lock_guard lock(m_mutex);
    if (m_spares.empty())
        return nullptr;
    std::unique_ptr<Batch> spare = std::move(m_spares.back());
    m_spares.pop_back();
    return spare;
}

void BatchWriter::finish() {
    {
        std::lock_guard lock(m_mutex);
        m_closing = true;
        m_changed.notify_all();
    }
    if (m_thread.joinable()) {
        m_thread.join();
        // The ids this writer claimed and did not use, for the next writer (when no other claimed after it).
        for (IdRange* range : {&m_callKeys, &m_captureIds, &m_messageIds, &m_blockIds})
            range->giveBack(m_db.handle());
    }
    std::lock_guard lock(m_mutex);
    if (m_failure) {
        auto failure = m_failure;
        m_failure = nullptr;
        std::rethrow_exception(failure);
    }
}

// A failed write as the user needs it: which database, what SQLite said, what the system said when the disk is full
// or the file size limit was reached, and that the batches committed before it are kept.
Error BatchWriter::writeFailure(const Error& error) const {
    std::string what = error.what();
    const std::string prefix = m_db.path() + ": ";
    if (what.rfind(prefix, 0) == 0)
        what.erase(0, prefix.size());
    std::string message = prefix + "cannot write: " + what;
    if (m_db.isPostgres())
        return Error(message + "; every batch committed before it is kept and the database is consistent");
    // SQLite keeps the system error only for some failures: look at the file size limit and the free space too.
    const int system = m_failedErrno ? m_failedErrno : m_db.handle().systemErrno();
    std::uintmax_t largest = 0;
    for (const char* suffix : {"", "-wal", "-journal"}) {
        std::error_code ignored;
        const std::uintmax_t size = std::filesystem::file_size(m_db.path() + suffix, ignored);
        if (!ignored)
            largest = std::max(largest, size);
    }
    rlimit fileLimit{};
    struct statvfs disk {};
    const auto parent = std::filesystem::absolute(m_db.path()).parent_path();
    if (getrlimit(RLIMIT_FSIZE, &fileLimit) == 0 && fileLimit.rlim_cur != RLIM_INFINITY &&
        largest + (1u << 20) >= fileLimit.rlim_cur)
        message += " (the file size limit of " + std::to_string(fileLimit.rlim_cur) +
                   " bytes was reached: raise it (ulimit -f) or use another disk, then import again)";
    else if (system == ENOSPC || system == EDQUOT ||
             (statvfs(parent.c_str(), &disk) == 0 &&
              static_cast<std::uintmax_t>(disk.f_bavail) * disk.f_frsize < (std::uintmax_t{1} << 20)))
        message += " (the disk is full: free space on it, then import again)";
    else if (system != 0)
        message += std::string(" (") + std::strerror(system) + ")";
    return Error(message + "; every batch committed before it is kept and the database is consistent");
}

double threadCpuSeconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

void BatchWriter::run() {
    struct CpuTime {
        double& seconds;
        ~CpuTime() { seconds = threadCpuSeconds(); }
    } cpuTime{m_cpuSeconds};
    for (;;) {
        std::unique_ptr<Batch> batch;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return !m_queue.empty() || m_closing; });
            if (m_queue.empty())
                break;
            batch = std::move(m_queue.front());
            m_queue.pop_front();
            m_changed.notify_all();
        }
        try {
            // The texts compressed here, not by the reading thread: decoding is the longer of the two threads'
            // work (issue 14), so the writer takes this share of it.
            encodeTextBlocks(*batch, m_encoder);
            write(*batch);
            std::lock_guard lock(m_mutex);
            if (m_spares.size() < 2)
                m_spares.push_back(std::move(batch));
        } catch (const Error& error) {
            // The batch was rolled back; the reader learns why at its next push or at finish().
            std::lock_guard lock(m_mutex);
            m_failure = std::make_exception_ptr(writeFailure(error));
            m_queue.clear();
            m_changed.notify_all();
            return;
        } catch (...) {
            std::lock_guard lock(m_mutex);
            m_failure = std::current_exception();
            m_queue.clear();
            m_changed.notify_all();
            return;
        }
    }
    if (m_buildsFromIndexAtEnd) {
        try {
            // Sorted through temporary files, so the sort does not raise the import's peak memory.
            m_db.exec("PRAGMA temp_store=FILE");
            m_db.exec(Database::CallsFromIndexSql);
        } catch (const Error& error) {
            std::lock_guard lock(m_mutex);
            m_failure = std::make_exception_ptr(writeFailure(error));
        }
    }
    if (m_analyzesAtEnd) {
        try {
            // PostgreSQL plans by its statistics, which autovacuum gathers only some time after a bulk load: a
            // `show` right after importing a million calls joined media by a scan (2 s, not 25 ms). A sample of
            // each table the readers join, gathered once an import ends.
            m_db.exec("ANALYZE messages, media, calls, transactions, dialogs, streams");
        } catch (const Error&) {
            // Only slower plans until autovacuum gathers them: every row is stored.
        }
    }
}

void BatchWriter::writeCallRecords(const decode::CallSummary& call) {
    Statements& s = *m_statements;
    const auto callKey = static_cast<std::int64_t>(call.key);
    for (const decode::TransactionRecord& t : call.transactions)
        s.transactionRows.row(t.key, callKey, orNull(s.stringId(t.method, t.method.empty())), t.startUs,
                              orNull(t.firstProvisionalUs), orNull(t.finalUs), orNull(t.finalStatus), t.requests,
                              t.responses, orNull(t.cancelledKey), t.isOrphan, t.isRfc2543);
    for (const decode::DialogRecord& dialog : call.dialogRecords)
        s.dialogRows.row(dialog.key, callKey, dialog.fromTag, dialog.toTag, decode::dialogStateName(dialog.state),
                         dialog.createdUs, orNull(dialog.confirmedUs), orNull(dialog.terminatedUs));
    for (const decode::RegistrationRecord& r : call.registrations) {
        Statement& u = s.upsertRegistration;
        u.bindInt(1, static_cast<std::int64_t>(r.transactionKey));
        u.bindInt(2, callKey);
        u.bindView(3, r.aor);
        u.bindView(4, r.contact);
        r.expires >= 0 ? u.bindInt(5, r.expires) : u.bindNull(5);
        r.grantedExpires >= 0 ? u.bindInt(6, r.grantedExpires) : u.bindNull(6);
        u.bindInt(7, r.status);
        u.bindInt(8, r.requestUs);
        u.bindInt(9, r.responseUs);
        r.bindings.empty() ? u.bindNull(10) : u.bindView(10, r.bindings);
        u.step();
        u.reset();
    }
    auto textOrNull = [](Statement& u, int index, const std::string& text) {
        text.empty() ? u.bindNull(index) : u.bindView(index, text);
    };
    auto intOrNull = [](Statement& u, int index, int value) {
        value >= 0 ? u.bindInt(index, value) : u.bindNull(index);
    };
    for (const decode::SubscriptionRecord& r : call.subscriptions) {
        Statement& u = s.upsertSubscription;
        u.bindInt(1, static_cast<std::int64_t>(r.key));
        u.bindInt(2, callKey);
        u.bindView(3, r.method);
        u.bindView(4, r.event);
        textOrNull(u, 5, r.eventId);
        u.bindView(6, r.resource);
        u.bindView(7, r.subscriber);
        r.dialogKey ? u.bindInt(8, static_cast<std::int64_t>(r.dialogKey)) : u.bindNull(8);
        textOrNull(u, 9, r.state);
        textOrNull(u, 10, r.reason);
        intOrNull(u, 11, r.expires);
        intOrNull(u, 12, r.grantedExpires);
        intOrNull(u, 13, r.stateExpires);
        r.status ? u.bindInt(14, r.status) : u.bindNull(14);
        u.bindInt(15, r.requests);
        u.bindInt(16, r.notifies);
        textOrNull(u, 17, r.etag);
        textOrNull(u, 18, r.ifMatch);
        u.bindInt(19, r.startUs);
        u.bindInt(20, r.lastUs);
        r.terminatedUs ? u.bindInt(21, r.terminatedUs) : u.bindNull(21);
        u.step();
        u.reset();
    }
    for (const decode::CallLink& link : call.links) {
        Statement& u = s.insertLink;
        u.bindInt(1, callKey);
        u.bindInt(2, static_cast<std::int64_t>(link.linkedKey));
        u.bindView(3, link.kind);
        textOrNull(u, 4, link.detail);
        u.step();
        u.reset();
    }
}

// A message of a call written already (the correlator wrote it as it ended): the call counts it, and its
// transaction when it is a retransmission. The same counts its summary would have had, had it waited.
void BatchWriter::writeLateMessage(const decode::LateMessage& late) {
    Statements& s = *m_statements;
    Statement& call = s.countLateMessage;
    call.bindInt(1, static_cast<std::int64_t>(late.callKey));
    call.bindInt(2, late.isRetransmission ? 1 : 0);
    call.bindInt(3, late.timestampUs);
    call.step();
    call.reset();
    if (late.transactionKey == 0)
        return;
    Statement& copy = s.countLateCopy;
    copy.bindInt(1, static_cast<std::int64_t>(late.transactionKey));
    copy.bindInt(2, late.isRequest ? 1 : 0);
    copy.bindInt(3, late.isRequest ? 0 : 1);
    copy.step();
    copy.reset();
}

void BatchWriter::write(const Batch& batch) {
    Statements& s = *m_statements;
    // Ids claimed before the transaction: a claim is a short transaction of its own (id_ranges.hpp).
    m_messageIds.reserve(m_db.handle(), static_cast<std::int64_t>(batch.messages.size()));
    m_blockIds.reserve(m_db.handle(), static_cast<std::int64_t>(batch.blocks.size()));
    TransactionGuard transaction(m_db.handle(), m_failedErrno);

    for (const CaptureRecord& capture : batch.captures) {
        m_captureIds.markUsed(capture.id);
        s.upsertCapture.bindInt(1, capture.id);
        s.upsertCapture.bindView(2, capture.path);
        s.upsertCapture.bindInt(3, static_cast<std::int64_t>(capture.sizeBytes));
        s.upsertCapture.bindInt(4, static_cast<std::int64_t>(capture.packets));
        s.upsertCapture.bindInt(5, static_cast<std::int64_t>(capture.sipMessages));
        if (capture.error)
            s.upsertCapture.bindView(6, *capture.error);
        else
            s.upsertCapture.bindNull(6);
        if (capture.contentHash)  // stored as the signed 64-bit integer with the same bits
            s.upsertCapture.bindInt(7, static_cast<std::int64_t>(*capture.contentHash));
        else
            s.upsertCapture.bindNull(7);
        s.upsertCapture.bindText(8, utcNow());
        s.upsertCapture.step();
        s.upsertCapture.reset();
    }

    // Text blocks, compressed by run() (encodeTextBlocks); their ids follow in order.
    const std::int64_t firstBlockId = m_blockIds.take(static_cast<std::int64_t>(batch.blocks.size()));
    for (std::size_t b = 0; b < batch.blocks.size(); ++b) {
        const TextBlockRecord& block = batch.blocks[b];
        s.blockRows.row(firstBlockId + static_cast<std::int64_t>(b), block.codec, block.rawSize,
                        Blob{std::string_view(batch.blockBytes).substr(block.offset, block.size)});
    }
    s.blockRows.flush();

    // The batch's messages get consecutive ids from the range this writer claimed, which is how media rows and
    // findings name them.
    const std::int64_t firstMessageId = m_messageIds.take(static_cast<std::int64_t>(batch.messages.size()));
    // The batch's share of message_counts and host_counts (see store/database.cpp), added in the same transaction.
    std::map<MessageCountKey, std::int64_t> messageCounts;
    std::map<std::int64_t, HostCounts> hostCounts;  // in the order of the hosts: see Statements::newEndpoints
    for (std::size_t index = 0; index < batch.messages.size(); ++index) {
        const MessageRecord& m = batch.messages[index];
        assert(m.block < batch.blocks.size() && m.blockOffset + m.textLength <= batch.blocks[m.block].rawSize &&
               "a message's text lies outside its text block");
        if (m.callKey)
            m_callKeys.markUsed(static_cast<std::int64_t>(m.callKey));
        const std::int64_t srcId = s.endpointId(m.src);
        const std::int64_t dstId = s.endpointId(m.dst);
        const std::int64_t methodId = s.stringId(batch.view(m.method), m.method.isNull());
        const std::int64_t reasonId = s.stringId(batch.view(m.reason), m.reason.isNull());
        const std::int64_t cseqMethodId = s.stringId(batch.view(m.cseqMethod), m.cseqMethod.isNull());
        const std::int64_t errorId = s.stringId(batch.view(m.error), m.error.isNull());
        s.messageRows.row(firstMessageId + static_cast<std::int64_t>(index), m.captureId,
                          static_cast<std::int64_t>(m.frame), m.timestampUs, srcId, dstId,
                          static_cast<std::int64_t>(m.transport), orNull(m.callKey), orNull(m.transactionKey),
                          orNull(m.dialogKey), orNull(methodId), orNull(m.status), orNull(reasonId), m.cseq,
                          orNull(cseqMethodId), m.flags, orNull(errorId),
                          errorId ? std::optional<std::int64_t>(m.errorOffset) : std::nullopt,
                          firstBlockId + static_cast<std::int64_t>(m.block), m.blockOffset, m.textLength);
        const std::int64_t flags = m.flags & CountedFlags;
        ++messageCounts[{methodId, m.status, reasonId, flags}];
        const bool isFailure =
            isFailureStatus(m.status) && (flags & FlagRetransmission) == 0;  // per host: every hop's copy
        auto& sender = hostCounts[srcId];
        ++sender[0];
        sender[2] += methodId != 0;
        sender[3] += m.status != 0;
        sender[4] += isFailure;
        ++hostCounts[dstId][1];
        if (s.messageRows.rows() == MessageRowsPerFlush)
            s.messageRows.flush();
    }
    s.messageRows.flush();
    for (const MediaRecord& m : batch.media) {
        assert(m.messageIndex < batch.messages.size() && "MediaRecord::messageIndex past the batch's messages");
        s.mediaRows.row(firstMessageId + static_cast<std::int64_t>(m.messageIndex), m.mediaIndex, orNull(m.callKey),
                        orNull(decode::sdpRoleName(m.role)), batch.view(m.type), m.port, batch.view(m.proto),
                        NullableText{batch.view(m.address), m.address.isNull()}, batch.view(m.direction),
                        batch.view(m.codecs), orNull(m.ptimeMs));
    }
    s.mediaRows.flush();
    for (const decode::MediaStreamRecord& stream : batch.streams) {
        const std::int64_t srcId = s.endpointId(stream.src);
        const std::int64_t dstId = s.endpointId(stream.dst);
        writeStreamRow(s.insertStream, stream, srcId, dstId, s.stringId(stream.codec, stream.codec.empty()));
    }
    // Findings (issue 16) name messages by the import's sequence numbers. The import's messages get consecutive ids
    // (above), so sequence q is message firstMessageId + (q - batch.firstSequence), in this batch or an earlier one.
    std::vector<std::string> messageIds;
    messageIds.reserve(batch.findings.size());  // no reallocation: the rows keep views into these strings
    for (const decode::Finding& f : batch.findings) {
        std::string& ids = messageIds.emplace_back();
        for (const std::uint64_t sequence : f.messages) {
            if (!ids.empty())
                ids += ',';
            ids += std::to_string(firstMessageId + static_cast<std::int64_t>(sequence) -
                                  static_cast<std::int64_t>(batch.firstSequence));
        }
        const std::int64_t firstId = f.messages.empty() ? 0
                                                        : firstMessageId + static_cast<std::int64_t>(f.messages[0]) -
                                                              static_cast<std::int64_t>(batch.firstSequence);
        const std::int64_t sourceId = f.source ? s.endpointId(*f.source) : 0;
        s.findingRows.row(orNull(f.callKey), f.timestampUs, f.kind, decode::findingSeverityName(f.severity),
                          orNull(firstId), orNull(ids), orNull(sourceId), f.explanation, f.rfc);
    }
    s.findingRows.flush();

    for (const decode::CallSummary& call : batch.calls) {
        // Interned first, in this order (the order of the ids they get), not in the unspecified order of arguments.
        const std::int64_t methodId = s.stringId(call.method, call.method.empty());
        const std::int64_t srcId = s.endpointId(call.src);
        const std::int64_t dstId = s.endpointId(call.dst);
        s.callRows.row(call.key, call.callId, call.startUs, call.endUs, call.fromUri, call.fromUser, call.toUri,
                       call.toUser, orNull(methodId), decode::callStateName(call.state), orNull(call.finalStatus),
                       call.messages, call.dialogs, call.retransmissions, srcId, dstId, orNull(call.attemptUs),
                       orNull(call.firstProvisionalUs), orNull(call.finalUs), orNull(call.answeredUs),
                       orNull(call.byeUs), orNull(call.byeAnsweredUs), orNull(call.endedBy), orNull(call.reason),
                       call.hasEarlyMedia, call.reinvites, call.holds, call.resumes, call.hasGlare, call.recordsDropped,
                       decode::callKindName(call.kind));
        m_callKeys.markUsed(static_cast<std::int64_t>(call.key));
        if (s.isNewFrom(call.fromUri, call.fromUser))
            s.newFroms.emplace_back(call.fromUri, call.fromUser);
        writeCallRecords(call);
    }
    s.callRows.flush();
    s.transactionRows.flush();
    s.dialogRows.flush();
    for (const decode::LateMessage& late : batch.lateMessages)
        writeLateMessage(late);
    // Last, in one order for every writer (Statements::newEndpoints): the new texts and callers, then the counts.
    s.flushNewTexts();
    for (const auto& [key, count] : messageCounts)
        s.messageCountRows.row(key[0], key[1], key[2], key[3], count);
    s.messageCountRows.flush();
    for (const auto& [host, counts] : hostCounts)
        s.hostCountRows.row(host, counts[0], counts[1], counts[2], counts[3], counts[4]);
    s.hostCountRows.flush();
    transaction.commit();
}

}  // namespace sipscope::store::detail
