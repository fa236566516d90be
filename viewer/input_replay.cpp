// Script replay: steps become frames, frames become ImGuiIO state.
#include "viewer/input_replay.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <utility>

namespace sipscope::viewer {

namespace {

// What a display at 60 Hz would report; a replay is about order, not about real time.
constexpr float ReplayFrameSeconds = 1.0f / 60.0f;

}  // namespace

InputReplay::InputReplay(std::vector<ScriptStep> steps) {
    for (const ScriptStep& step : steps)
        expand(step);
}

void InputReplay::expand(const ScriptStep& step) {
    using Action = Frame::Action;
    Frame frame;
    frame.line = step.line;
    frame.x = step.x;
    frame.y = step.y;
    frame.button = step.button;
    frame.key = step.key;
    frame.ctrl = step.ctrl;
    frame.shift = step.shift;
    frame.alt = step.alt;
    frame.text = step.text;
    frame.paths = step.paths;
    auto push = [this, &frame](Action action) {
        frame.action = action;
        m_frames.push_back(frame);
    };
    switch (step.kind) {
    case ScriptStep::Kind::Frames:
        for (int i = 0; i < step.count; ++i)
            push(Action::Nothing);
        break;
    case ScriptStep::Kind::Move: push(Action::Move); break;
    case ScriptStep::Kind::Down: push(Action::Press); break;
    case ScriptStep::Kind::Up: push(Action::Release); break;
    case ScriptStep::Kind::Click:
        push(Action::Move);
        push(Action::Press);
        push(Action::Release);
        break;
    case ScriptStep::Kind::DoubleClick:
        push(Action::Move);
        push(Action::Press);
        push(Action::Release);
        push(Action::Press);
        push(Action::Release);
        break;
    case ScriptStep::Kind::Wheel:
        push(Action::Wheel);
        push(Action::Nothing);  // the modifiers held with the wheel are released on this frame
        break;
    case ScriptStep::Kind::Key:
        push(Action::KeyPress);
        // Released on the very next frame, as a tap: held while the press's answers came in (an inspector query on
        // a long call), the key repeated, each repeat asked for more, and the step never settled.
        frame.isTap = true;
        push(Action::KeyRelease);
        frame.isTap = false;
        break;
    case ScriptStep::Kind::KeyDown: push(Action::KeyPress); break;
    case ScriptStep::Kind::KeyUp: push(Action::KeyRelease); break;
    case ScriptStep::Kind::Text: push(Action::Text); break;
    case ScriptStep::Kind::Screenshot: push(Action::Screenshot); break;
    case ScriptStep::Kind::Dump: push(Action::Dump); break;
    case ScriptStep::Kind::Drop: push(Action::Drop); break;
    case ScriptStep::Kind::Wait:
        frame.count = step.count;
        push(Action::Wait);
        break;
    }
}

bool InputReplay::isNextTap() const { return !isDone() && m_frames[m_next].isTap; }

std::optional<std::pair<std::string, std::uint64_t>> InputReplay::waited() const {
    if (isDone() || m_frames[m_next].action != Frame::Action::Wait)
        return std::nullopt;
    return std::pair(m_frames[m_next].text, static_cast<std::uint64_t>(m_frames[m_next].count));
}

InputReplay::Checks InputReplay::apply(ImGuiIO& io, bool advance) {
    using Action = Frame::Action;
    Checks checks;
    bool wheelModifiers = false;
    if (advance && !isDone()) {
        const Frame& frame = m_frames[m_next++];
        m_line = frame.line;
        switch (frame.action) {
        case Action::Nothing: break;
        case Action::Move:
            m_mouseX = frame.x;
            m_mouseY = frame.y;
            break;
        case Action::Press: m_buttons[frame.button] = true; break;
        case Action::Release: m_buttons[frame.button] = false; break;
        case Action::Wheel:
            io.MouseWheel += frame.y;
            io.MouseWheelH += frame.x;
            // Held for this frame only, like a user holding Ctrl while turning the wheel once.
            io.KeyCtrl = frame.ctrl;
            io.KeyShift = frame.shift;
            io.KeyAlt = frame.alt;
            wheelModifiers = true;
            break;
        case Action::KeyPress:
            m_keys.insert(frame.key);
            m_ctrl = m_ctrl || frame.ctrl;
            m_shift = m_shift || frame.shift;
            m_alt = m_alt || frame.alt;
            break;
        case Action::KeyRelease:
            m_keys.erase(frame.key);
            io.KeysDown[frame.key] = false;
            m_ctrl = m_shift = m_alt = false;
            break;
        case Action::Text: io.AddInputCharactersUTF8(frame.text.c_str()); break;
        case Action::Screenshot: checks.screenshotPath = frame.text; break;
        case Action::Dump: checks.isDump = true; break;
        case Action::Drop: checks.dropped = frame.paths; break;
        case Action::Wait: break;  // the app advanced to it only once what it waits for was shown
        }
    }
    io.DeltaTime = ReplayFrameSeconds;
    io.MousePos = ImVec2(m_mouseX, m_mouseY);
    for (int i = 0; i < 3; ++i)
        io.MouseDown[i] = m_buttons[i];
    for (int key : m_keys)
        io.KeysDown[key] = true;
    io.KeysDown[GLFW_KEY_LEFT_CONTROL] = m_ctrl;
    io.KeysDown[GLFW_KEY_LEFT_SHIFT] = m_shift;
    io.KeysDown[GLFW_KEY_LEFT_ALT] = m_alt;
    if (!wheelModifiers) {
        io.KeyCtrl = m_ctrl;
        io.KeyShift = m_shift;
        io.KeyAlt = m_alt;
    }
    return checks;
}

}  // namespace sipscope::viewer
