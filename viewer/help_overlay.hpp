// The F1 / `?` overlay: every key of the viewer, by pane.
#pragma once

namespace sipscope::viewer {

// GUI thread. Draws the overlay centred on the window; clears `*isOpen` when it is closed.
void drawHelpOverlay(bool* isOpen);

}  // namespace sipscope::viewer
