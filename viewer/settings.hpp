// What the viewer keeps between runs, beside ImGui's own window and table settings, in the same
// $XDG_CONFIG_HOME/sipscope/viewer.ini: the window's size and the ladder's modes, as a [Sipscope][Viewer] section
// that ImGui's ini reader and writer hand to this file's handler.
#pragma once

#include "viewer/ladder_view.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sipscope::viewer {

struct ViewerSettings {
    int widthPx = 0, heightPx = 0;            // 0: not kept yet
    std::optional<LadderView::Modes> ladder;  // nullopt: not kept yet
};

// The section's lines ("size=1280x720", "time=delta", ...), and one line read back into `settings` (lines it does
// not know, or with values out of range, are left out: an ini from another version still loads).
std::string formatSettings(const ViewerSettings& settings);
void readSettingsLine(ViewerSettings& settings, std::string_view line);

// Registers the section with the current ImGui context, read into and written from `settings` (which must outlive
// the context). Before the ini is loaded.
void registerSettings(ViewerSettings& settings);

}  // namespace sipscope::viewer
