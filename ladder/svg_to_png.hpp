// PNG ladders: the SVG rendered by rsvg-convert (Debian package librsvg2-bin), looked up on PATH at run time.
#pragma once

#include <string>

namespace sipscope::ladder {

inline constexpr const char* PngRenderer = "rsvg-convert";
inline constexpr const char* PngRendererPackage = "librsvg2-bin";

// The PNG bytes of `svg`, on a white background. Throws sipscope::Error naming the package when rsvg-convert is
// not installed, and with its exit status when it fails.
std::string renderSvgToPng(const std::string& svg);

}  // namespace sipscope::ladder
