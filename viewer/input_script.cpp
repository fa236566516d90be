// --script parsing: words split on blanks, every error names its line and what it expected.
#include "viewer/input_script.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

namespace sipscope::viewer {

namespace {

struct NamedKey {
    std::string_view name;
    int code;
};

// Keys by the names a script uses; letters and digits are handled apart.
constexpr std::array NamedKeys{
    NamedKey{"enter", GLFW_KEY_ENTER},
    NamedKey{"return", GLFW_KEY_ENTER},
    NamedKey{"escape", GLFW_KEY_ESCAPE},
    NamedKey{"esc", GLFW_KEY_ESCAPE},
    NamedKey{"tab", GLFW_KEY_TAB},
    NamedKey{"backspace", GLFW_KEY_BACKSPACE},
    NamedKey{"delete", GLFW_KEY_DELETE},
    NamedKey{"insert", GLFW_KEY_INSERT},
    NamedKey{"space", GLFW_KEY_SPACE},
    NamedKey{"up", GLFW_KEY_UP},
    NamedKey{"down", GLFW_KEY_DOWN},
    NamedKey{"left", GLFW_KEY_LEFT},
    NamedKey{"right", GLFW_KEY_RIGHT},
    NamedKey{"pageup", GLFW_KEY_PAGE_UP},
    NamedKey{"pagedown", GLFW_KEY_PAGE_DOWN},
    NamedKey{"home", GLFW_KEY_HOME},
    NamedKey{"end", GLFW_KEY_END},
    NamedKey{"minus", GLFW_KEY_MINUS},
    NamedKey{"equal", GLFW_KEY_EQUAL},
    NamedKey{"slash", GLFW_KEY_SLASH},
    NamedKey{"period", GLFW_KEY_PERIOD},
    NamedKey{"comma", GLFW_KEY_COMMA},
    NamedKey{"kpadd", GLFW_KEY_KP_ADD},
    NamedKey{"kpsubtract", GLFW_KEY_KP_SUBTRACT},
    NamedKey{"kpenter", GLFW_KEY_KP_ENTER},
};

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::vector<std::string_view> splitWords(std::string_view line) {
    std::vector<std::string_view> words;
    std::size_t at = 0;
    while (at < line.size()) {
        while (at < line.size() && (line[at] == ' ' || line[at] == '\t'))
            ++at;
        const std::size_t start = at;
        while (at < line.size() && line[at] != ' ' && line[at] != '\t')
            ++at;
        if (at > start)
            words.push_back(line.substr(start, at - start));
    }
    return words;
}

float number(std::string_view word, int line, const char* what) {
    float value = 0;
    const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
    if (error != std::errc{} || end != word.data() + word.size() || !std::isfinite(value))
        throw ScriptError(line, std::string(what) + " wants a number, not '" + std::string(word) + "'");
    return value;
}

int buttonOf(std::string_view word, int line) {
    const std::string name = lower(word);
    if (name == "left")
        return 0;
    if (name == "right")
        return 1;
    if (name == "middle")
        return 2;
    throw ScriptError(line, "mouse button '" + std::string(word) + "': use left, right or middle");
}

// True when `word` named a modifier (and set it).
bool takeModifier(std::string_view word, ScriptStep& step) {
    const std::string name = lower(word);
    if (name == "ctrl" || name == "control")
        step.ctrl = true;
    else if (name == "shift")
        step.shift = true;
    else if (name == "alt")
        step.alt = true;
    else
        return false;
    return true;
}

// "Ctrl+Shift+S": modifiers, then one key.
void readKey(std::string_view word, int line, ScriptStep& step) {
    std::size_t plus = word.find('+');
    // A lone "+" or a trailing "+" names no key; '+' itself is typed with `text +`.
    while (plus != std::string_view::npos && plus + 1 < word.size()) {
        if (!takeModifier(word.substr(0, plus), step))
            throw ScriptError(line, "'" + std::string(word.substr(0, plus)) + "' is not a modifier (Ctrl, Shift, Alt)");
        word.remove_prefix(plus + 1);
        plus = word.find('+');
    }
    step.key = keyCodeOf(word);
    if (step.key < 0)
        throw ScriptError(line, "unknown key '" + std::string(word) +
                                    "' (Enter, Escape, Tab, Up, Down, PageUp, Home, F1, A..Z, 0..9, ...; "
                                    "type characters with `text`)");
}

void expectWords(const std::vector<std::string_view>& words, std::size_t least, std::size_t most, int line,
                 const char* usage) {
    if (words.size() < least || words.size() > most)
        throw ScriptError(line, std::string("expected: ") + usage);
}

ScriptStep parseLine(std::string_view raw, int line) {
    const std::vector<std::string_view> words = splitWords(raw);
    ScriptStep step;
    step.line = line;
    const std::string verb = lower(words.front());
    if (verb == "frames") {
        expectWords(words, 2, 2, line, "frames N");
        step.kind = ScriptStep::Kind::Frames;
        const float count = number(words[1], line, "frames");
        if (count < 1 || count > 100000 || count != std::floor(count))
            throw ScriptError(line, "frames wants a whole number from 1 to 100000");
        step.count = static_cast<int>(count);
    } else if (verb == "move") {
        expectWords(words, 3, 3, line, "move X Y");
        step.kind = ScriptStep::Kind::Move;
        step.x = number(words[1], line, "move");
        step.y = number(words[2], line, "move");
    } else if (verb == "down" || verb == "up") {
        expectWords(words, 1, 2, line, "down|up [left|right|middle]");
        step.kind = verb == "down" ? ScriptStep::Kind::Down : ScriptStep::Kind::Up;
        step.button = words.size() == 2 ? buttonOf(words[1], line) : 0;
    } else if (verb == "click" || verb == "doubleclick") {
        expectWords(words, 3, 4, line, "click X Y [left|right|middle]");
        step.kind = verb == "click" ? ScriptStep::Kind::Click : ScriptStep::Kind::DoubleClick;
        step.x = number(words[1], line, verb.c_str());
        step.y = number(words[2], line, verb.c_str());
        step.button = words.size() == 4 ? buttonOf(words[3], line) : 0;
    } else if (verb == "wheel") {
        expectWords(words, 2, 6, line, "wheel DY [DX] [Ctrl] [Shift] [Alt]");
        step.kind = ScriptStep::Kind::Wheel;
        step.y = number(words[1], line, "wheel");
        for (std::size_t i = 2; i < words.size(); ++i) {
            if (takeModifier(words[i], step))
                continue;
            if (i != 2)
                throw ScriptError(line, "wheel: '" + std::string(words[i]) + "' is not a modifier (Ctrl, Shift, Alt)");
            step.x = number(words[i], line, "wheel");
        }
    } else if (verb == "key" || verb == "keydown" || verb == "keyup") {
        expectWords(words, 2, 2, line, "key NAME (e.g. key Enter, key Ctrl+S)");
        step.kind = verb == "key"       ? ScriptStep::Kind::Key
                    : verb == "keydown" ? ScriptStep::Kind::KeyDown
                                        : ScriptStep::Kind::KeyUp;
        readKey(words[1], line, step);
    } else if (verb == "text") {
        step.kind = ScriptStep::Kind::Text;
        // Everything after "text " is typed as it stands, inner blanks included.
        const std::size_t at = raw.find(words.front()) + words.front().size();
        step.text = std::string(raw.substr(std::min(at + 1, raw.size())));
        if (step.text.empty())
            throw ScriptError(line, "expected: text CHARACTERS");
    } else if (verb == "screenshot") {
        expectWords(words, 2, 2, line, "screenshot FILE.png");
        step.kind = ScriptStep::Kind::Screenshot;
        step.text = std::string(words[1]);
    } else if (verb == "drop") {
        expectWords(words, 2, 1000, line, "drop FILE...");
        step.kind = ScriptStep::Kind::Drop;
        for (std::size_t i = 1; i < words.size(); ++i)
            step.paths.emplace_back(words[i]);
    } else if (verb == "dump") {
        expectWords(words, 1, 1, line, "dump");
        step.kind = ScriptStep::Kind::Dump;
    } else if (verb == "wait") {
        expectWords(words, 3, 3, line, "wait calls|stats|registrations|subscriptions|findings N");
        step.text = lower(words[1]);
        if (step.text != "calls" && step.text != "stats" && step.text != "registrations" &&
            step.text != "subscriptions" && step.text != "findings")
            throw ScriptError(line, "wait: '" + std::string(words[1]) +
                                        "' is not something to wait for (calls, stats, registrations, subscriptions, "
                                        "findings)");
        step.kind = ScriptStep::Kind::Wait;
        const float count = number(words[2], line, ("wait " + step.text).c_str());
        if (count < 0 || count != std::floor(count))
            throw ScriptError(line, "wait " + step.text + " wants a whole number");
        step.count = static_cast<int>(count);
    } else {
        throw ScriptError(line, "unknown step '" + std::string(words.front()) +
                                    "' (frames, move, down, up, click, doubleclick, wheel, key, keydown, keyup, text, "
                                    "screenshot, dump, wait, drop)");
    }
    return step;
}

}  // namespace

int keyCodeOf(std::string_view name) {
    const std::string key = lower(name);
    if (key.size() == 1 && key[0] >= 'a' && key[0] <= 'z')
        return GLFW_KEY_A + (key[0] - 'a');
    if (key.size() == 1 && key[0] >= '0' && key[0] <= '9')
        return GLFW_KEY_0 + (key[0] - '0');
    if (key.size() >= 2 && key.size() <= 3 && key[0] == 'f') {
        int function = 0;
        const auto [end, error] = std::from_chars(key.data() + 1, key.data() + key.size(), function);
        if (error == std::errc{} && end == key.data() + key.size() && function >= 1 && function <= 12)
            return GLFW_KEY_F1 + function - 1;
    }
    for (const NamedKey& named : NamedKeys)
        if (named.name == key)
            return named.code;
    return -1;
}

std::vector<ScriptStep> parseScript(std::string_view text) {
    std::vector<ScriptStep> steps;
    int line = 0;
    while (!text.empty()) {
        ++line;
        const std::size_t end = text.find('\n');
        std::string_view raw = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (!raw.empty() && raw.back() == '\r')
            raw.remove_suffix(1);
        const std::size_t first = raw.find_first_not_of(" \t");
        if (first == std::string_view::npos || raw[first] == '#')
            continue;
        steps.push_back(parseLine(raw.substr(first), line));
    }
    return steps;
}

}  // namespace sipscope::viewer
