// Capture files imported into the database on a background thread while the window keeps drawing: progress as
// atomics read by each frame (Tracy's LoadProgress), the list filling as batches are committed.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sipscope::viewer {

class ImportJob {
public:
    // Starts importing `paths` into `dbPath` (created when missing) at once.
    ImportJob(std::string dbPath, std::vector<std::string> paths);
    // Stops at the next packet (everything read so far stays stored) and joins.
    ~ImportJob();
    ImportJob(const ImportJob&) = delete;
    ImportJob& operator=(const ImportJob&) = delete;

    // Any thread.
    bool isDone() const { return m_isDone.load(); }
    std::uint64_t bytesRead() const { return m_bytesRead.load(); }
    std::uint64_t totalBytes() const { return m_totalBytes.load(); }
    std::uint64_t messages() const { return m_messages.load(); }
    std::size_t fileIndex() const { return m_fileIndex.load(); }
    std::size_t fileCount() const { return m_paths.size(); }
    // The file being read (GUI thread: copies under a lock).
    std::string currentFile() const;
    // Once done: one line per file with damage or that could not be read, and a database error if any.
    std::vector<std::string> problems() const;
    // Once done: the summary line ("9 calls, 50 SIP messages from 4 files").
    std::string summary() const;

private:
    void run();

    std::string m_dbPath;
    std::vector<std::string> m_paths;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_isDone{false};
    std::atomic<std::uint64_t> m_bytesRead{0}, m_totalBytes{0}, m_messages{0};
    std::atomic<std::size_t> m_fileIndex{0};
    mutable std::mutex m_mutex;
    std::string m_currentFile;            // guarded by m_mutex
    std::vector<std::string> m_problems;  // guarded by m_mutex
    std::string m_summary;                // guarded by m_mutex
    std::jthread m_thread;                // last: starts after the members above exist
};

}  // namespace sipscope::viewer
