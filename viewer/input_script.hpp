// The --script test hook: a text file of user input and checks, one per line, that the viewer replays frame by
// frame. Parsing only (no ImGui, no GLFW state), so it is unit-tested on its own; InputReplay plays it.
//
//   # comment                      blank lines and comments are skipped
//   frames N                       N frames with no new input
//   move X Y                       the pointer to window pixel X, Y (it stays there)
//   down [left|right|middle]       press a mouse button (held until `up`)
//   up [left|right|middle]
//   click X Y [left|right|middle]  move, press, release: three frames
//   doubleclick X Y                two clicks, as the platform would send them
//   wheel DY [DX]                  one frame of wheel (DY > 0 scrolls up / zooms in)
//   key NAME                       press and release; NAME is Enter, Escape, Up, F1, A..Z, 0..9, ... and may carry
//                                  modifiers: Ctrl+S, Shift+Tab. `wheel` takes them after its numbers: wheel 1 Ctrl
//   keydown NAME / keyup NAME      hold / release a key
//   text CHARACTERS                typed text (the rest of the line, UTF-8), as the platform's character events
//   drop FILE...                   files dropped on the window (blank-separated), as the platform's drop event
//   screenshot FILE.png            write the framebuffer once everything asked for has arrived
//   dump                           print the JSON line describing what is drawn (see FrameReport)
//   wait WHAT N                    hold the script until at least N are shown (a database another process
//                                  writes): WHAT is calls (the list's count), stats (the calls the Stats tab
//                                  counts), registrations, subscriptions or findings (the rows of those tabs); a step
//                                  that waits too long fails the run like any other
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::viewer {

struct ScriptStep {
    enum class Kind {
        Frames,
        Move,
        Down,
        Up,
        Click,
        DoubleClick,
        Wheel,
        Key,
        KeyDown,
        KeyUp,
        Text,
        Screenshot,
        Dump,
        Wait,
        Drop
    };
    Kind kind = Kind::Frames;
    int line = 0;        // 1-based line in the script, for messages
    float x = 0, y = 0;  // Move, Click, DoubleClick: window pixels; Wheel: x horizontal, y vertical
    int button = 0;      // 0 left, 1 right, 2 middle
    int count = 1;       // Frames; Wait: how many to wait for
    int key = -1;        // Key, KeyDown, KeyUp: the GLFW key code (the key index ImGui 1.86 uses with GLFW)
    bool ctrl = false, shift = false, alt = false;  // held during Key and Wheel
    std::string text;  // Text: the characters; Screenshot: the path; Wait: what (calls, stats, ...), lower case
    std::vector<std::string> paths;  // Drop: the files
};

// A line the parser does not understand. what() names the line and says what was expected there.
class ScriptError : public std::runtime_error {
public:
    ScriptError(int line, const std::string& message)
        : std::runtime_error("line " + std::to_string(line) + ": " + message), m_line(line) {}
    int line() const { return m_line; }

private:
    int m_line;
};

// Parses a whole script. Throws ScriptError at the first bad line.
std::vector<ScriptStep> parseScript(std::string_view text);

// The GLFW key code for a key name ("Enter", "a", "F5", "PageDown"), case-insensitive; -1 when unknown.
int keyCodeOf(std::string_view name);

}  // namespace sipscope::viewer
