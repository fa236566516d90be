// The call list, like sngrep's: one row per call (start, from, to, method, state, status, src, dst).
#pragma once

#include "store/reader.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sipscope::viewer {

class CallListView {
public:
    enum class State { Loading, Ready, Failed };

    // GUI thread. Draws into the current ImGui window, filling the space left.
    void draw();

    // GUI thread. Replace the model in one swap; the selection survives when its call is still listed.
    void setLoading();
    void setCalls(std::vector<store::CallRow> calls);
    void setError(std::string message);

    State state() const { return m_state; }
    std::size_t callCount() const { return m_calls.size(); }
    const std::string& error() const { return m_error; }
    // Call key of the selected row, if any.
    std::optional<std::int64_t> selectedCall() const { return m_selectedCall; }

private:
    void drawTable();

    State m_state = State::Loading;
    std::vector<store::CallRow> m_calls;
    std::string m_error;
    std::optional<std::int64_t> m_selectedCall;  // an id, never an index: the rows may be replaced
};

// "2024-05-01 12:34:56.789" (UTC) for a timestamp in µs since the epoch.
std::string formatTimestampUtc(std::int64_t timestampUs);

} // namespace sipscope::viewer
