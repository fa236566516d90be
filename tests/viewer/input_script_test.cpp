// viewer/input_script.cpp: every step kind, modifiers, and the line numbers and hints of bad scripts.
#include "viewer/input_script.hpp"

#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include <string>

namespace sipscope::viewer {
namespace {

using Kind = ScriptStep::Kind;

TEST(InputScript, ParsesEveryStepKind) {
    const std::vector<ScriptStep> steps = parseScript("# a comment\n"
                                                      "\n"
                                                      "frames 3\n"
                                                      "move 10 20.5\n"
                                                      "down\n"
                                                      "up right\n"
                                                      "click 100 200 middle\n"
                                                      "doubleclick 5 6\n"
                                                      "wheel -2\n"
                                                      "wheel 1 0.5 Ctrl\n"
                                                      "key Enter\n"
                                                      "keydown Ctrl+Shift+s\n"
                                                      "keyup F12\n"
                                                      "text from:alice  state:rejected\n"
                                                      "screenshot out/ladder.png\n"
                                                      "  dump\r\n");
    ASSERT_EQ(steps.size(), 14u);
    EXPECT_EQ(steps[0].kind, Kind::Frames);
    EXPECT_EQ(steps[0].count, 3);
    EXPECT_EQ(steps[0].line, 3);
    EXPECT_EQ(steps[1].kind, Kind::Move);
    EXPECT_FLOAT_EQ(steps[1].x, 10);
    EXPECT_FLOAT_EQ(steps[1].y, 20.5f);
    EXPECT_EQ(steps[2].kind, Kind::Down);
    EXPECT_EQ(steps[2].button, 0);
    EXPECT_EQ(steps[3].kind, Kind::Up);
    EXPECT_EQ(steps[3].button, 1);
    EXPECT_EQ(steps[4].kind, Kind::Click);
    EXPECT_EQ(steps[4].button, 2);
    EXPECT_FLOAT_EQ(steps[4].y, 200);
    EXPECT_EQ(steps[5].kind, Kind::DoubleClick);
    EXPECT_EQ(steps[6].kind, Kind::Wheel);
    EXPECT_FLOAT_EQ(steps[6].y, -2);
    EXPECT_FALSE(steps[6].ctrl);
    EXPECT_FLOAT_EQ(steps[7].x, 0.5f);
    EXPECT_TRUE(steps[7].ctrl);
    EXPECT_EQ(steps[8].kind, Kind::Key);
    EXPECT_EQ(steps[8].key, GLFW_KEY_ENTER);
    EXPECT_EQ(steps[9].kind, Kind::KeyDown);
    EXPECT_EQ(steps[9].key, GLFW_KEY_S);
    EXPECT_TRUE(steps[9].ctrl);
    EXPECT_TRUE(steps[9].shift);
    EXPECT_FALSE(steps[9].alt);
    EXPECT_EQ(steps[10].kind, Kind::KeyUp);
    EXPECT_EQ(steps[10].key, GLFW_KEY_F12);
    EXPECT_EQ(steps[11].kind, Kind::Text);
    EXPECT_EQ(steps[11].text, "from:alice  state:rejected");  // inner blanks kept
    EXPECT_EQ(steps[12].kind, Kind::Screenshot);
    EXPECT_EQ(steps[12].text, "out/ladder.png");
    EXPECT_EQ(steps[13].kind, Kind::Dump);
    EXPECT_EQ(steps[13].line, 16);
}

TEST(InputScript, WaitNamesWhatItWaitsFor) {
    const std::vector<ScriptStep> steps =
        parseScript("wait calls 12\nwait Stats 3\nwait registrations 0\nwait subscriptions 7\nwait findings 5\n");
    ASSERT_EQ(steps.size(), 5u);
    const char* whats[] = {"calls", "stats", "registrations", "subscriptions", "findings"};
    const int counts[] = {12, 3, 0, 7, 5};
    for (std::size_t i = 0; i < steps.size(); ++i) {
        EXPECT_EQ(steps[i].kind, Kind::Wait);
        EXPECT_EQ(steps[i].text, whats[i]);
        EXPECT_EQ(steps[i].count, counts[i]);
    }
}

TEST(InputScript, DropNamesItsFiles) {
    const std::vector<ScriptStep> steps = parseScript("drop /tmp/a.pcap  b.pcapng\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, Kind::Drop);
    EXPECT_EQ(steps[0].paths, (std::vector<std::string>{"/tmp/a.pcap", "b.pcapng"}));
}

TEST(InputScript, KeyNames) {
    const struct {
        const char* name;
        int code;
    } cases[] = {
        {"a", GLFW_KEY_A},
        {"Z", GLFW_KEY_Z},
        {"0", GLFW_KEY_0},
        {"9", GLFW_KEY_9},
        {"F1", GLFW_KEY_F1},
        {"f10", GLFW_KEY_F10},
        {"Esc", GLFW_KEY_ESCAPE},
        {"TAB", GLFW_KEY_TAB},
        {"PageDown", GLFW_KEY_PAGE_DOWN},
        {"home", GLFW_KEY_HOME},
        {"Minus", GLFW_KEY_MINUS},
        {"slash", GLFW_KEY_SLASH},
        {"F13", -1},
        {"F0", -1},
        {"ab", -1},
        {"", -1},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(keyCodeOf(c.name), c.code);
    }
}

TEST(InputScript, BadLinesNameTheirLineAndWhatWasExpected) {
    const struct {
        const char* script;
        int line;
        const char* hint;
    } cases[] = {
        {"frames 2\nfly 1 2\n", 2, "unknown step 'fly'"},
        {"move 1\n", 1, "move X Y"},
        {"move 1 two\n", 1, "wants a number, not 'two'"},
        {"click 1 2 thumb\n", 1, "left, right or middle"},
        {"frames 0\n", 1, "whole number"},
        {"frames 1.5\n", 1, "whole number"},
        {"\n\nkey Hyper\n", 3, "unknown key 'Hyper'"},
        {"key Meta+S\n", 1, "'Meta' is not a modifier"},
        {"key +\n", 1, "unknown key '+'"},
        {"wheel 1 Ctrl Meta\n", 1, "'Meta' is not a modifier"},
        {"text\n", 1, "text CHARACTERS"},
        {"screenshot\n", 1, "screenshot FILE.png"},
        {"dump now\n", 1, "expected: dump"},
        {"wait messages 3\n", 1, "not something to wait for (calls, stats, registrations, subscriptions, findings)"},
        {"wait stats\n", 1, "wait calls|stats|registrations|subscriptions|findings N"},
        {"wait calls 2.5\n", 1, "whole number"},
        {"drop\n", 1, "drop FILE..."},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.script);
        try {
            parseScript(c.script);
            ADD_FAILURE() << "no error";
        } catch (const ScriptError& error) {
            EXPECT_EQ(error.line(), c.line);
            EXPECT_NE(std::string(error.what()).find(c.hint), std::string::npos) << error.what();
            EXPECT_EQ(std::string(error.what()).rfind("line " + std::to_string(c.line) + ": ", 0), 0u);
        }
    }
}

TEST(InputScript, EmptyScriptHasNoSteps) {
    EXPECT_TRUE(parseScript("").empty());
    EXPECT_TRUE(parseScript("# only\n   \n\t# comments\n").empty());
}

}  // namespace
}  // namespace sipscope::viewer
