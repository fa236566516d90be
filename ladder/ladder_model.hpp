// The ladder of one call (or of several linked calls) as data: host columns in first-seen order, one arrow per
// message with its label, class, SDP role, leg and flags, the legs and the transactions. Every ladder (terminal,
// SVG/PNG, PlantUML, Mermaid, the viewer) is drawn from this model through ladder_layout.hpp; none of them decides
// a label, a colour class, an order or a leg on its own. Plain data, no drawing, no ImGui.
//
//   const auto messages = reader.callMessages(call.key, false);
//   ladder::ModelOptions options;                     // per ip:port, no aliases, one leg
//   options.media = reader.callMedia(call.key);       // for "INVITE (SDP offer: PCMU PCMA)"
//   const ladder::Model model = ladder::buildModel(messages, options);
#pragma once

#include "decode/correlator.hpp"
#include "store/reader.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::ladder {

class HostAliases;

using SdpRole = decode::SdpRole;  // None, Offer, Answer: the role the correlator stored, never recomputed

enum class ColumnGrouping { Endpoint, Ip };  // a column per endpoint, or per IP address with every port of it merged
enum class Direction { Right, Left, Self };  // on screen, in model column order; Self: a host sends to itself

// What colours an arrow. Requests are one class; responses by their status class; Unknown: neither was read.
enum class MessageClass { Request, Provisional, Success, Redirect, ClientError, ServerError, GlobalError, Unknown };

struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
    bool operator==(const Rgb&) const = default;
};

// The colour of each class, readable on white (SVG, PNG, the viewer's light theme): requests ink, 1xx amber,
// 2xx green, 3xx teal, 4xx red, 5xx purple, 6xx dark red.
Rgb classColor(MessageClass messageClass);
// Malformed messages, whatever their class.
Rgb errorColor();
// Leg colour by leg index: a fixed palette of 8, repeating; leg 0 (the call itself) is ink.
Rgb legColor(std::size_t leg);
// "#rrggbb"
std::string hexColor(Rgb color);

// A host: one lifeline.
struct Column {
    capture::Host address;  // the endpoint, or with ColumnGrouping::Ip the address alone (no port): what groups
    std::string host;       // its text (capture::Host::toString): "ip:port", "[v6]:port", or "ip"
    std::string alias;      // its name from the aliases file, printable; empty when it has none
};

// "alias (host)", or the host alone: the one-line name of a column in the exports.
std::string columnTitle(const Column& column);

// One arrow per message, in the order of the messages given to buildModel.
struct Arrow {
    std::size_t message = 0;     // index into the messages given to buildModel
    std::int64_t messageId = 0;  // MessageRow::id
    std::int64_t timestampUs = 0;
    std::size_t fromColumn = 0;
    std::size_t toColumn = 0;  // equal to fromColumn for Direction::Self
    Direction direction = Direction::Right;
    MessageClass messageClass = MessageClass::Unknown;
    std::string text;  // "INVITE", "180 Ringing", "?" when neither was read; printable
    bool hasSdp = false;
    SdpRole sdpRole = SdpRole::None;  // as stored (MessageRow::sdpRole)
    std::string codecs;               // "PCMU PCMA" from its SDP's m= lines (rates dropped); empty when unknown
    std::size_t leg = 0;              // index into Model::legs
    bool isRetransmission = false;
    bool hasError = false;        // malformed (MessageRow::valid false)
    std::string error;            // why, printable; empty when valid
    std::size_t transaction = 0;  // index into Model::transactions
    // The label every ladder shows, printable but not escaped for any format:
    //   [#leg ][!]text[ (SDP offer: PCMU PCMA)| (SDP answer)| (SDP)][ (retrans)]
    // "#N " only when the model has more than one leg; "!" when malformed; codecs only when known.
    std::string label;
};

// A call drawn in the ladder: the call itself first, then the calls linked to it.
struct Leg {
    std::string callId;  // printable
    std::string link;    // how it is linked: "this call", "replaces", "header", "transfer", "refer", ...; printable
};

// A transaction as the span of its arrows, for brackets in the margin: the correlator's transaction of each
// message (MessageRow::transactionKey, one per hop). Messages without one are grouped by Call-ID, CSeq number and
// CSeq method, an ACK joining its INVITE's transaction when that INVITE's final response was not 2xx (RFC 3261
// §17.1.1.3); the ACK of a 2xx is a transaction of its own (§13.2.2.4).
struct Transaction {
    std::size_t firstArrow = 0;
    std::size_t lastArrow = 0;  // included
    std::string method;         // CSeq method of its first message; printable
    std::uint32_t cseq = 0;
    std::size_t arrows = 0;  // how many arrows it has
    std::size_t lane = 0;    // margin lane: overlapping transactions get different lanes, from 0
};

// A side of a stream that is no column of the ladder (no message of the call came from or went to its IP).
inline constexpr std::size_t NoColumn = static_cast<std::size_t>(-1);

// An RTP stream of the call (issue 15), drawn from its first to its last packet. Its sides are the columns of their
// IP address (the first column of that IP: RTP ports are not SIP ports), or NoColumn.
struct StreamSpan {
    store::StreamRow stream;  // the stored figures (tooltips); its text fields printable
    std::size_t fromColumn = NoColumn;
    std::size_t toColumn = NoColumn;
    std::string codec;  // "PCMU", or "pt 96" when unknown; printable
    // "RTP PCMU 1,502 pkts start", "RTP PCMU stop (lost 0.3%, jitter max 4.1 ms)"; a side that is no column is
    // named: "... start 203.0.113.9:4000 -> 10.0.0.2:30000". Printable.
    std::string startLabel, stopLabel;
    // "RTP PCMU 1,502 pkts, lost 0.3%, jitter max 4.1 ms": the label of a drawn band over the stream's span.
    std::string summary;
};

// A stream's start or stop as a line among the arrows, in time order (the terminal ladder).
struct StreamMark {
    std::size_t stream = 0;        // index into Model::streams
    bool isStart = true;           // else its stop
    std::int64_t timestampUs = 0;  // its first or last packet
    std::size_t beforeArrow = 0;   // drawn before this arrow (Model::arrows.size(): after the last), ties after the
                                   // arrows of the same time
};

struct Model {
    std::vector<Column> columns;
    std::vector<Arrow> arrows;
    std::vector<Leg> legs;  // at least one when there are arrows
    std::vector<Transaction> transactions;
    std::size_t transactionLanes = 0;  // lanes the brackets need (max lane + 1)
    std::vector<StreamSpan> streams;   // in the order given (ModelOptions::streams)
    std::vector<StreamMark> marks;     // two per stream, by time (ties: by stream, start first)
};

struct ModelOptions {
    ColumnGrouping grouping = ColumnGrouping::Endpoint;
    const HostAliases* aliases = nullptr;  // names the columns; not kept after buildModel returns
    // --all-legs: the leg index of each message (same size as the messages) and each leg's Call-ID and link.
    // Empty: one leg named by the first message's Call-ID, "this call".
    std::vector<std::size_t> legOfMessage;
    std::vector<Leg> legs;
    // The SDP media of the messages (Reader::callMedia of each leg), matched by message id, for the codecs of the
    // labels. Empty: labels without codecs.
    std::vector<store::MediaRow> media;
    // The RTP streams of the call (Reader::callStreams of each leg), for start/stop marks and bands. Empty: none.
    std::vector<store::StreamRow> streams;
};

// Builds the model of `messages` (in the order they are drawn: time order, ties by capture order). Columns by
// first appearance of each host, source before destination. Never throws on packet text; all text is made
// printable. Pure: same input, same model.
Model buildModel(const std::vector<store::MessageRow>& messages, const ModelOptions& options = {});

// The parts of a label, for a drawer that lays them out itself (the viewer's tooltip); buildModel joins them into
// Arrow::label with exactly this rule.
std::string labelOf(const Arrow& arrow, bool withLegNumber);
// "INVITE" for requests, "200 OK" for responses, "?" for a message with neither; printable.
std::string messageText(const store::MessageRow& message);
// The class of a message from its method or status.
MessageClass messageClassOf(const store::MessageRow& message);
// The stored SDP role of a message (MessageRow::sdpRole).
SdpRole sdpRoleOf(const store::MessageRow& message);
// "1,502": a count with thousands separated by commas.
std::string groupedCount(std::uint64_t count);
// "PCMU PCMA" from media codecs such as "PCMU/8000 PCMA/8000": names only, each once, in order.
std::string codecSummary(std::string_view codecs);

}  // namespace sipscope::ladder
