// Hands work from background threads to the GUI thread: posted from any thread, run at the start of a frame.
#pragma once

#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace sipscope::viewer {

class UiQueue {
public:
    using Task = std::function<void()>;

    // `wake` (may be empty) is called after each post, from the posting thread, to wake an idle frame loop.
    explicit UiQueue(std::function<void()> wake = {}) : m_wake(std::move(wake)) {}

    // Any thread. The task runs later on the GUI thread, in posting order.
    void post(Task task) {
        {
            std::lock_guard lock(m_mutex);
            m_tasks.push_back(std::move(task));
        }
        if (m_wake) {
            m_wake();
        }
    }

    // GUI thread only, once per frame. Runs the tasks posted so far outside the lock; returns how many ran.
    std::size_t drain() {
        {
            std::lock_guard lock(m_mutex);
            m_running.swap(m_tasks);
        }
        const std::size_t count = m_running.size();
        for (Task& task : m_running) {
            task();
        }
        m_running.clear();
        return count;
    }

private:
    std::function<void()> m_wake;
    std::mutex m_mutex;
    std::vector<Task> m_tasks;    // guarded by m_mutex
    std::vector<Task> m_running;  // GUI thread only; kept to reuse its capacity
};

}  // namespace sipscope::viewer
