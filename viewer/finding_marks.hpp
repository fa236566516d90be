// The ladder's marks of findings (issue 16): a dot in the severity's colour left of the label of each message a
// finding points at, and the findings' explanations in that arrow's tooltip.
#pragma once

#include "viewer/call_data.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

struct ImDrawList;
struct ImVec2;

namespace sipscope::viewer {

// The findings of `call` that point at message `messageId` (none: empty).
std::span<const store::FindingRow> findingsOf(const CallData& call, std::int64_t messageId);

// Draws the dot for `findings` (its colour the worst severity's) left of the arrow's label at `labelAt` (and of its
// "!" when `isMalformed`); nothing when empty.
void drawFindingMark(ImDrawList* draw, const ImVec2& labelAt, float lineHeight, bool isMalformed,
                     std::span<const store::FindingRow> findings);

// Inside a tooltip: one line per finding, severity in colour, kind, explanation and RFC.
void findingTooltipLines(std::span<const store::FindingRow> findings);

// The messages of `call` that carry a mark: those a finding points at, counted once.
std::size_t markedMessages(const CallData& call);

}  // namespace sipscope::viewer
