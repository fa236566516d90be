// Exports one call's ladder (a store::Ladder) as SVG, PlantUML, Mermaid or the terminal text
// ladder. Pure functions: they write only to the stream they are given. Packet text (labels, hosts,
// the title) is escaped for each format, so a hostile label can neither break the document nor
// inject markup.
#pragma once

#include "store/ladder.hpp"
#include "store/reader.hpp"

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::cli {

enum class LadderFormat { Svg, PlantUml, Mermaid, Text };

// "svg", "plantuml" (or "puml"), "mermaid" (or "mmd"), "text" (or "txt"), case-insensitive. False
// on anything else, leaving `format` untouched.
bool parseLadderFormat(std::string_view name, LadderFormat& format);
// The canonical name parseLadderFormat accepts: "svg", "plantuml", "mermaid", "text".
std::string_view ladderFormatName(LadderFormat format);

// Writes `ladder` (built from `messages`, in the same order) as one document of `format`, titled by
// `call`. Text calls printLadder from cli/ladder_text.hpp (without --raw); the others do not read
// `messages`.
void exportLadder(std::ostream& out, LadderFormat format, const store::CallRow& call,
                  const store::Ladder& ladder, const std::vector<store::MessageRow>& messages);

// A standalone SVG 1.1 document (UTF-8, well-formed XML): title, host columns with lifelines, one
// arrow per message with its time and delta. Retransmissions are dashed, malformed messages red,
// self-messages loops.
void writeLadderSvg(std::ostream& out, const store::CallRow& call, const store::Ladder& ladder);
// A PlantUML sequence diagram (@startuml … @enduml); retransmissions `-->`, malformed messages red.
void writeLadderPlantUml(std::ostream& out, const store::CallRow& call,
                         const store::Ladder& ladder);
// A Mermaid sequence diagram; retransmissions `-->>`.
void writeLadderMermaid(std::ostream& out, const store::CallRow& call, const store::Ladder& ladder);

// Packet text made printable on one line, as valid UTF-8: C0/C1 controls and DEL become visible
// escapes (\n, \r, \t, \x1b, \u0085), and each byte that is not part of a valid UTF-8 sequence
// (overlong forms and surrogates included) becomes \xNN. U+FFFE and U+FFFF, which XML forbids,
// become \ufffe and \uffff.
std::string printableText(std::string_view text);
// printableText, then & < > " ' as XML entities: safe in XML text and in quoted attributes.
std::string escapeXml(std::string_view text);
// printableText, then as <U+XXXX> every character PlantUML or Creole could read as syntax.
std::string escapePlantUml(std::string_view text);
// printableText, then every character Mermaid could read as syntax as a #NN; entity code.
std::string escapeMermaid(std::string_view text);

} // namespace sipscope::cli
