// The viewer's only SQLite user: one thread owning a read-only store::Reader, running jobs in order.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace sipscope::store {
class Reader;
}

namespace sipscope::viewer {

class UiQueue;

class QueryThread {
public:
    // Runs on the query thread with the open Reader. Deliver results by posting to the UiQueue.
    using Job = std::function<void(const store::Reader&)>;
    // Runs on the GUI thread (through the UiQueue) when opening the database or a job failed.
    using ErrorHandler = std::function<void(const std::string& message)>;

    // Starts the thread, which opens `dbPath` read-only before its first job (and again before each job while that
    // fails). `ui` must outlive this object.
    QueryThread(std::string dbPath, UiQueue& ui, ErrorHandler onError);
    // Stops after the running job (pending jobs are dropped) and joins.
    ~QueryThread();
    QueryThread(const QueryThread&) = delete;
    QueryThread& operator=(const QueryThread&) = delete;

    // Any thread. Queues a job behind the others.
    void submit(Job job);
    // Any thread. True when no job is queued or running (a result may still wait in the UiQueue).
    bool isIdle() const;
    // Any thread. Jobs submitted so far: a frame that submitted none and began idle has every answer it asked for.
    std::uint64_t submitted() const { return m_submitted.load(); }

private:
    void run(std::stop_token stop);

    std::string m_dbPath;
    UiQueue& m_ui;
    ErrorHandler m_onError;
    mutable std::mutex m_mutex;
    std::condition_variable_any m_wakeUp;
    std::deque<Job> m_jobs;  // guarded by m_mutex
    bool m_isBusy = false;   // guarded by m_mutex
    std::atomic<std::uint64_t> m_submitted{0};
    std::jthread m_thread;  // last: starts after the members above exist, joins before they go
};

}  // namespace sipscope::viewer
