// Plays a parsed --script into ImGui as a platform backend would: Dear ImGui 1.86 has no input event queue, so each
// frame sets io.MousePos, io.MouseDown, io.MouseWheel, io.KeysDown and the modifiers, and types characters with
// AddInputCharacterUTF8. The held pointer, buttons and keys stay applied on every frame until released.
#pragma once

#include "viewer/input_script.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

struct ImGuiIO;

namespace sipscope::viewer {

class InputReplay {
public:
    // What the app does once this frame is rendered.
    struct Checks {
        std::optional<std::string> screenshotPath;
        bool isDump = false;
        std::vector<std::string> dropped;  // files dropped on the window in this frame
    };

    explicit InputReplay(std::vector<ScriptStep> steps);

    // GUI thread, after the platform backend's NewFrame and before ImGui::NewFrame. When `advance`, plays the next
    // frame's worth of the script (a click is three frames: move, press, release); otherwise only holds the state.
    // Also fixes io.DeltaTime, so double clicks and hover delays do not depend on how long queries took.
    Checks apply(ImGuiIO& io, bool advance);

    bool isDone() const { return m_next >= m_frames.size(); }
    // What the next frame waits for (`wait calls N`: "calls" and N), if it is such a step: the app holds the script
    // until what it shows counts that many.
    std::optional<std::pair<std::string, std::uint64_t>> waited() const;
    // True when the next frame is the release of a key just pressed (`key NAME`): played at once, not once the
    // press's answers are in (a key held that long would repeat).
    bool isNextTap() const;
    // The script line of the frame played last (0 before the first), for messages.
    int line() const { return m_line; }

private:
    // One frame's worth of a step.
    struct Frame {
        enum class Action {
            Nothing,
            Move,
            Press,
            Release,
            Wheel,
            KeyPress,
            KeyRelease,
            Text,
            Screenshot,
            Dump,
            Wait,
            Drop
        };
        Action action = Action::Nothing;
        int line = 0;
        float x = 0, y = 0;
        int button = 0;
        int key = -1;
        int count = 0;       // Wait
        bool isTap = false;  // the release of a `key` step: not held until the press settles
        bool ctrl = false, shift = false, alt = false;
        std::string text;
        std::vector<std::string> paths;  // Drop
    };

    void expand(const ScriptStep& step);

    std::vector<Frame> m_frames;
    std::size_t m_next = 0;
    int m_line = 0;
    float m_mouseX = -1e30f, m_mouseY = -1e30f;  // off the window until the script moves it: nothing hovered
    bool m_buttons[3] = {false, false, false};
    std::set<int> m_keys;  // GLFW key codes held
    bool m_ctrl = false, m_shift = false, m_alt = false;
};

}  // namespace sipscope::viewer
