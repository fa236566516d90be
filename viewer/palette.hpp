// The viewer's colours on its dark theme, by meaning: message classes and call states as VIEWER.md lists them
// (1xx yellow, 2xx green, 3xx cyan, 4xx red, 5xx/6xx magenta), dimmed retransmissions, and leg hues.
#pragma once

#include "decode/correlator.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace sipscope::viewer::palette {

// Packed as ImGui's IM_COL32 (0xAABBGGRR), without including ImGui here.
constexpr unsigned rgba(unsigned r, unsigned g, unsigned b, unsigned a = 255) {
    return (a << 24) | (b << 16) | (g << 8) | r;
}

constexpr unsigned Text = rgba(230, 230, 230);
constexpr unsigned Dim = rgba(140, 140, 150);
constexpr unsigned Provisional = rgba(235, 200, 80);
constexpr unsigned Success = rgba(110, 210, 110);
constexpr unsigned Redirect = rgba(90, 200, 220);
constexpr unsigned ClientError = rgba(240, 90, 90);
constexpr unsigned ServerError = rgba(220, 110, 230);
constexpr unsigned Error = rgba(255, 70, 70);
constexpr unsigned Lifeline = rgba(120, 125, 140);
constexpr unsigned Selection = rgba(70, 110, 190, 120);
constexpr unsigned Fold = rgba(60, 64, 74);

// By status code: requests and unknown (0) in the text colour.
unsigned statusColor(int status);
// A call state (answered, rejected, ...) in the colour of the outcome it stands for.
unsigned stateColor(decode::CallState state);
// Leg `leg` of a ladder; 0 (the call itself) is the text colour. Eight colour-blind-safe hues (Okabe-Ito order).
unsigned legColor(std::size_t leg);

}  // namespace sipscope::viewer::palette
