// Exports one call's ladder (a ladder::Model) as SVG, PlantUML, Mermaid or the terminal text ladder. Pure
// functions: they write only to the stream they are given. Labels, colour classes and column order come from the
// model, positions from the shared layout, so every format says what the terminal says. Packet text (labels, hosts,
// the title) is escaped for each format, so a hostile label can neither break the document nor inject markup.
#pragma once

#include "ladder/ladder_model.hpp"
#include "store/reader.hpp"

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::ladder {

enum class LadderFormat { Svg, PlantUml, Mermaid, Text };

// "svg", "plantuml" (or "puml"), "mermaid" (or "mmd"), "text" (or "txt"), case-insensitive. False
// on anything else, leaving `format` untouched.
bool parseLadderFormat(std::string_view name, LadderFormat& format);
// The canonical name parseLadderFormat accepts: "svg", "plantuml", "mermaid", "text".
std::string_view ladderFormatName(LadderFormat format);

// Writes `model` as one document of `format`, titled by `call`. Text is the terminal ladder at full width under a
// call header.
void exportLadder(std::ostream& out, LadderFormat format, const store::CallRow& call, const ladder::Model& model);

// A standalone SVG 1.1 document (UTF-8, well-formed XML): title, a legend of the legs when there are several, host
// columns with lifelines, one arrow per message with its time (µs) and delta, each RTP stream a band between its
// columns from its start mark's row to its stop mark's. Arrows and labels take the colour of
// their class (ladder::classColor), malformed messages red, retransmissions dashed, self-messages loops.
// `columnOrder` (indexes into model.columns) draws the columns in that order and leaves out the others with the
// arrows that touch them, as the viewer shows them; empty: every column, in model order.
void writeLadderSvg(std::ostream& out, const store::CallRow& call, const ladder::Model& model,
                    const std::vector<std::size_t>& columnOrder = {});
// A PlantUML sequence diagram (@startuml … @enduml): responses coloured by class, malformed messages red,
// retransmissions dashed; each message's time and delta in a comment above it; each RTP stream's start and stop a
// note over its columns, in time order among the messages.
void writeLadderPlantUml(std::ostream& out, const store::CallRow& call, const ladder::Model& model);
// A Mermaid sequence diagram; retransmissions `-->>` (Mermaid arrows take no colour); times in comments; RTP
// starts and stops as notes, as in the PlantUML.
void writeLadderMermaid(std::ostream& out, const store::CallRow& call, const ladder::Model& model);

// ladder::printableText, then & < > " ' as XML entities: safe in XML text and in quoted attributes.
std::string escapeXml(std::string_view text);
// ladder::printableText, then as <U+XXXX> every character PlantUML or Creole could read as syntax.
std::string escapePlantUml(std::string_view text);
// ladder::printableText, then every character Mermaid could read as syntax as a #NN; entity code.
std::string escapeMermaid(std::string_view text);

}  // namespace sipscope::ladder
