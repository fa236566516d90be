// Writes what the current OpenGL context has drawn to a PNG: the viewer's test hook.
#pragma once

#include <string>

namespace sipscope::viewer {

// Reads the `widthPx` x `heightPx` back buffer (call before swapping) and writes it as an RGB PNG at `path`.
// Throws sipscope::Error when the file cannot be written.
void writeFramebufferPng(const std::string& path, int widthPx, int heightPx);

}  // namespace sipscope::viewer
