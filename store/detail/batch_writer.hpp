// The writer thread: takes Batches from a bounded queue and writes each in one database transaction.
#pragma once

#include "common/error.hpp"
#include "store/detail/batch.hpp"
#include "store/detail/id_ranges.hpp"
#include "store/detail/text_blocks.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sipscope::store {
class Database;
}

namespace sipscope::store::detail {

// CPU seconds of the calling thread so far.
double threadCpuSeconds();

class BatchWriter {
public:
    // Starts the writer thread on `db`, which must outlive the writer and is used only by that thread
    // from now until finish() returns. `writesOpenCalls`: a live capture, which writes calls while they are open
    // (and so again, as they change). Otherwise (an import) each call is written once as it ends, and into an SQLite
    // database without calls, calls_from is dropped and built in finish().
    BatchWriter(Database& db, std::size_t maxQueuedBatches, bool writesOpenCalls = false);
    ~BatchWriter();
    BatchWriter(const BatchWriter&) = delete;
    BatchWriter& operator=(const BatchWriter&) = delete;

    // Queues a batch; waits while the queue is full, so a slow disk pushes back on the reader.
    // Throws the writer's sipscope::Error if writing has failed.
    void push(std::unique_ptr<Batch> batch);
    // A batch already written, nullptr when there is none; the caller empties it (Batch::clear) and fills it
    // again. Reusing batches saves the reader from growing fresh buffers (and the page faults of it) each time, and
    // emptying them on the reading thread frees what that thread allocated on the same thread (the allocator's
    // fast path; freed from the writer, the pages went back to the system only for the reader to fault them in).
    std::unique_ptr<Batch> takeSpare();
    // Writes what is queued, stops the thread, and rethrows a write failure.
    void finish();

    // After finish(): CPU seconds of the writer thread, and seconds push() waited for room in the queue.
    double cpuSeconds() const { return m_cpuSeconds; }
    double waitSeconds() const { return m_waitSeconds; }

    // The first keys of the ranges this writer claimed when it started: several writers into one database, at once
    // or one after another, never collide. Its call keys are those from firstCallKey() up to callKeyEnd().
    std::uint64_t firstCallKey() const { return m_firstCallKey; }
    std::uint64_t callKeyEnd() const { return static_cast<std::uint64_t>(m_callKeys.end()); }
    std::int64_t firstCaptureId() const { return m_firstCaptureId; }

private:
    struct Statements;
    void run();
    Error writeFailure(const Error& error) const;
    void write(const Batch& batch);
    void writeCallRecords(const decode::CallSummary& call);
    void writeLateMessage(const decode::LateMessage& late);

    Database& m_db;
    std::unique_ptr<Statements> m_statements;
    TextBlockEncoder m_encoder;  // the writer thread's
    std::size_t m_maxQueued;
    std::uint64_t m_firstCallKey = 1;
    std::int64_t m_firstCaptureId = 1;
    IdRange m_callKeys;
    IdRange m_captureIds;
    IdRange m_messageIds;
    IdRange m_blockIds;
    int m_failedErrno = 0;                // system error (errno) of the last failed write transaction
    bool m_buildsFromIndexAtEnd = false;  // calls_from was dropped (the database had no calls) until finish()
    bool m_analyzesAtEnd = false;         // a PostgreSQL import: the tables' statistics gathered at its end
    double m_cpuSeconds = 0;              // written by the writer thread as it ends, read after the join
    double m_waitSeconds = 0;             // the reading thread's, in push()

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::unique_ptr<Batch>> m_queue;
    std::vector<std::unique_ptr<Batch>> m_spares;  // at most 2
    bool m_closing = false;
    std::exception_ptr m_failure;
    std::thread m_thread;
};

}  // namespace sipscope::store::detail
