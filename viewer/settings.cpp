// The [Sipscope][Viewer] ini section: key=value lines, through imgui_internal's settings handler (Dear ImGui 1.86
// has no AddSettingsHandler: the handler is appended to the context's list, as ImGui does for its own).
#include "viewer/settings.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <charconv>

namespace sipscope::viewer {

namespace {

bool isOn(std::string_view value) { return value == "on"; }
const char* onOff(bool value) { return value ? "on" : "off"; }

}  // namespace

std::string formatSettings(const ViewerSettings& settings) {
    std::string out;
    if (settings.widthPx > 0 && settings.heightPx > 0)
        out += "size=" + std::to_string(settings.widthPx) + "x" + std::to_string(settings.heightPx) + "\n";
    if (const std::optional<LadderView::Modes>& modes = settings.ladder) {
        out += std::string("time=") +
               (modes->time == LadderView::TimeMode::Delta        ? "delta"
                : modes->time == LadderView::TimeMode::SinceStart ? "since-start"
                                                                  : "absolute") +
               "\n";
        out += std::string("rows=") + (modes->isProportional ? "proportional" : "compressed") + "\n";
        out += std::string("columns=") + (modes->isPerIp ? "ip" : "ip:port") + "\n";
        out += std::string("legs=") + onOff(modes->isShowingLegs) + "\n";
        out += std::string("brackets=") + onOff(modes->isShowingBrackets) + "\n";
    }
    return out;
}

void readSettingsLine(ViewerSettings& settings, std::string_view line) {
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos)
        return;
    const std::string_view key = line.substr(0, equals);
    const std::string_view value = line.substr(equals + 1);
    if (key == "size") {
        const std::size_t x = value.find('x');
        int width = 0;
        int height = 0;
        if (x == std::string_view::npos ||
            std::from_chars(value.data(), value.data() + x, width).ptr != value.data() + x ||
            std::from_chars(value.data() + x + 1, value.data() + value.size(), height).ptr !=
                value.data() + value.size() ||
            width < 320 || height < 240 || width > 8192 || height > 8192)
            return;
        settings.widthPx = width;
        settings.heightPx = height;
        return;
    }
    LadderView::Modes modes = settings.ladder.value_or(LadderView::Modes{});
    if (key == "time" && value == "delta")
        modes.time = LadderView::TimeMode::Delta;
    else if (key == "time" && value == "since-start")
        modes.time = LadderView::TimeMode::SinceStart;
    else if (key == "time" && value == "absolute")
        modes.time = LadderView::TimeMode::Absolute;
    else if (key == "rows")
        modes.isProportional = value == "proportional";
    else if (key == "columns")
        modes.isPerIp = value == "ip";
    else if (key == "legs")
        modes.isShowingLegs = isOn(value);
    else if (key == "brackets")
        modes.isShowingBrackets = isOn(value);
    else
        return;
    settings.ladder = modes;
}

void registerSettings(ViewerSettings& settings) {
    ImGuiSettingsHandler handler;
    handler.TypeName = "Sipscope";
    handler.TypeHash = ImHashStr("Sipscope");
    handler.UserData = &settings;
    handler.ReadOpenFn = [](ImGuiContext*, ImGuiSettingsHandler* self, const char* name) -> void* {
        return std::string_view(name) == "Viewer" ? self->UserData : nullptr;
    };
    handler.ReadLineFn = [](ImGuiContext*, ImGuiSettingsHandler*, void* entry, const char* line) {
        readSettingsLine(*static_cast<ViewerSettings*>(entry), line);
    };
    handler.WriteAllFn = [](ImGuiContext*, ImGuiSettingsHandler* self, ImGuiTextBuffer* out) {
        const std::string lines = formatSettings(*static_cast<const ViewerSettings*>(self->UserData));
        if (lines.empty())
            return;
        out->append("[Sipscope][Viewer]\n");
        out->append(lines.c_str());
        out->append("\n");
    };
    ImGui::GetCurrentContext()->SettingsHandlers.push_back(handler);
}

}  // namespace sipscope::viewer
