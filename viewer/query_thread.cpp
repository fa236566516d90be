// Query thread: opens the Reader on its own thread, so a slow or missing database never stalls a frame.
#include "viewer/query_thread.hpp"

#include "store/reader.hpp"
#include "viewer/ui_queue.hpp"

#include <exception>
#include <memory>
#include <optional>
#include <utility>

namespace sipscope::viewer {

QueryThread::QueryThread(std::string dbPath, UiQueue& ui, ErrorHandler onError)
    : m_dbPath(std::move(dbPath)), m_ui(ui), m_onError(std::move(onError)),
      m_thread([this](std::stop_token stop) { run(std::move(stop)); }) {}

QueryThread::~QueryThread() {
    m_thread.request_stop();  // wakes the condition variable wait below
    m_thread.join();
}

void QueryThread::submit(Job job) {
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(std::move(job));
    }
    ++m_submitted;
    m_wakeUp.notify_one();
}

bool QueryThread::isIdle() const {
    std::lock_guard lock(m_mutex);
    return m_jobs.empty() && !m_isBusy;
}

void QueryThread::run(std::stop_token stop) {
    auto reportError = [this](std::string message) {
        m_ui.post([handler = m_onError, message = std::move(message)] { handler(message); });
    };
    std::unique_ptr<store::Reader> reader;
    std::optional<std::string> openError;
    // Tried again before each job while it fails: an import the viewer started may create the database later.
    auto open = [&] {
        try {
            reader = std::make_unique<store::Reader>(m_dbPath);
            openError.reset();
        } catch (const std::exception& e) {
            openError = e.what();
        }
    };
    open();
    while (true) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_isBusy = false;
            if (!m_wakeUp.wait(lock, stop, [this] { return !m_jobs.empty(); })) {
                return;  // stop requested
            }
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
            m_isBusy = true;
        }
        if (!reader)
            open();
        if (!reader) {
            // Every job answers with the open error, so each view can show why it is empty.
            reportError(*openError);
            continue;
        }
        try {
            job(*reader);
        } catch (const std::exception& e) {
            reportError(e.what());
        }
    }
}

}  // namespace sipscope::viewer
