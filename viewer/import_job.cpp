// The import thread: store::importFiles with its progress callback feeding the atomics.
#include "viewer/import_job.hpp"

#include "store/ingest.hpp"

#include <exception>
#include <utility>

namespace sipscope::viewer {

ImportJob::ImportJob(std::string dbPath, std::vector<std::string> paths)
    : m_dbPath(std::move(dbPath)), m_paths(std::move(paths)), m_thread([this] { run(); }) {}

ImportJob::~ImportJob() {
    m_stop = true;
    m_thread.join();
}

std::string ImportJob::currentFile() const {
    std::lock_guard lock(m_mutex);
    return m_currentFile;
}

std::vector<std::string> ImportJob::problems() const {
    std::lock_guard lock(m_mutex);
    return m_problems;
}

std::string ImportJob::summary() const {
    std::lock_guard lock(m_mutex);
    return m_summary;
}

void ImportJob::run() {
    store::IngestOptions options;
    options.stop = &m_stop;
    std::string lastFile;
    options.onProgress = [this, &lastFile](const store::IngestProgress& progress) {
        if (progress.file != lastFile) {
            lastFile = progress.file;
            for (std::size_t i = 0; i < m_paths.size(); ++i)
                if (m_paths[i] == progress.file)
                    m_fileIndex = i;
            std::lock_guard lock(m_mutex);
            m_currentFile = progress.file;
        }
        m_bytesRead = progress.bytesRead;
        m_totalBytes = progress.totalBytes;
        m_messages = progress.messages;
    };
    std::vector<std::string> problems;
    std::string summary;
    try {
        const store::IngestReport report = store::importFiles(m_dbPath, m_paths, options);
        for (const store::FileReport& file : report.files) {
            if (file.error)
                problems.push_back(file.path + ": " + *file.error);
            else if (file.skipped)
                problems.push_back(file.path + ": " + *file.skipped);
        }
        summary = std::to_string(report.calls) + " calls, " + std::to_string(report.sipMessages) +
                  " SIP messages from " + std::to_string(report.files.size()) + " files";
    } catch (const std::exception& e) {
        problems.push_back(e.what());
        summary = "import failed";
    }
    {
        std::lock_guard lock(m_mutex);
        m_problems = std::move(problems);
        m_summary = std::move(summary);
    }
    m_isDone = true;
}

}  // namespace sipscope::viewer
