// When a view that reads on the query thread reads again: at once for a new filter; for a database that changed
// (a capture writes it), once the last read is a second old, so a busy capture does not keep the query thread
// reading the same figures; one read at a time either way. GUI thread only.
#pragma once

#include "viewer/ui_queue.hpp"

#include <chrono>
#include <cstdint>

namespace sipscope::viewer {

class RefreshGate {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr auto Period = std::chrono::seconds(1);

    // The filter changed: read at the next chance; the answer of a read on its way is the caller's to drop.
    void invalidate() {
        m_isStale = true;
        m_isReading = false;
    }
    // The database changed: read again, within Period.
    void dataChanged() { m_isOutdated = true; }
    // Each frame the view is shown: true when it should read now, and the read is then taken as started.
    bool shouldRead(Clock::time_point now) {
        if (m_isReading || !(m_isStale || (m_isOutdated && now - m_readAt >= Period)))
            return false;
        m_isStale = m_isOutdated = false;
        m_isReading = true;
        m_readAt = now;
        return true;
    }
    // The read asked for last is over (answered or failed).
    void readDone() { m_isReading = false; }

private:
    bool m_isStale = true;
    bool m_isOutdated = false;
    bool m_isReading = false;
    Clock::time_point m_readAt;
};

// Made by a read's job on the query thread: when it goes, however the job ends (a failure is the query thread's to
// report), tells `gate` on the GUI thread that the read is over, unless the view's generation moved on since (a new
// filter: the gate is another read's by then).
class ReadDoneNotice {
public:
    ReadDoneNotice(UiQueue& ui, RefreshGate& gate, const std::uint64_t& currentGeneration, std::uint64_t generation)
        : m_ui(ui), m_gate(gate), m_current(currentGeneration), m_generation(generation) {}
    ~ReadDoneNotice() {
        m_ui.post([&gate = m_gate, &current = m_current, generation = m_generation] {
            if (generation == current)
                gate.readDone();
        });
    }
    ReadDoneNotice(const ReadDoneNotice&) = delete;
    ReadDoneNotice& operator=(const ReadDoneNotice&) = delete;

private:
    UiQueue& m_ui;
    RefreshGate& m_gate;
    const std::uint64_t& m_current;
    std::uint64_t m_generation;
};

}  // namespace sipscope::viewer
