// Builds the ladder model from store rows: columns, arrows with their one label rule, legs and transactions.
#include "ladder/ladder_model.hpp"

#include "common/concat.hpp"
#include "ladder/host_aliases.hpp"
#include "ladder/text_format.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>
#include <unordered_map>

namespace sipscope::ladder {

namespace {

// The column a message's endpoint is drawn in: the endpoint itself, or its address with every port.
capture::Host columnAddress(const capture::Endpoint& endpoint, ColumnGrouping grouping) {
    if (grouping == ColumnGrouping::Ip)
        return {endpoint.ip, std::nullopt};
    return {endpoint.ip, endpoint.port};
}

// Lanes for the brackets: each transaction takes the lowest lane free at its first arrow.
std::size_t assignLanes(std::vector<Transaction>& transactions) {
    std::vector<std::size_t> order(transactions.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::tie(transactions[a].firstArrow, a) < std::tie(transactions[b].firstArrow, b);
    });
    std::vector<std::size_t> laneEnd;  // last arrow of the transaction in each lane
    for (const std::size_t t : order) {
        Transaction& transaction = transactions[t];
        std::size_t lane = 0;
        while (lane < laneEnd.size() && laneEnd[lane] >= transaction.firstArrow)
            ++lane;
        if (lane == laneEnd.size())
            laneEnd.push_back(0);
        laneEnd[lane] = transaction.lastArrow;
        transaction.lane = lane;
    }
    return laneEnd.size();
}

// "0.3%", "1.2 ms": one decimal.
std::string oneDecimal(double value, const char* unit) {
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%.1f%s", value, unit);
    return buffer;
}

// The streams of the call as spans between the columns of their IPs, and their start/stop marks among the arrows.
void addStreams(Model& model, const std::vector<store::StreamRow>& streams) {
    auto columnOfIp = [&](const capture::Endpoint& endpoint) {
        for (std::size_t c = 0; c < model.columns.size(); ++c)
            if (model.columns[c].address.ip == endpoint.ip)
                return c;
        return NoColumn;
    };
    for (const store::StreamRow& row : streams) {
        StreamSpan span;
        span.stream = row;
        span.stream.codec = printableText(row.codec);
        span.stream.callId = printableText(row.callId);
        span.stream.dtmf = printableText(row.dtmf);
        span.fromColumn = columnOfIp(row.src);
        span.toColumn = columnOfIp(row.dst);
        span.codec = row.codec.empty() ? "pt " + std::to_string(row.payloadType) : span.stream.codec;
        const std::string figures = concat("lost ", oneDecimal(std::max(0.0, row.lostPercent()), "%"), ", jitter max ",
                                           oneDecimal(row.maxJitterMs, " ms"));
        const std::string packets = groupedCount(row.packets) + " pkts";
        std::string where;  // a side that is no column is named, with the other side for the direction
        if (span.fromColumn == NoColumn || span.toColumn == NoColumn)
            where = concat(" ", row.src.toString(), " -> ", row.dst.toString());
        span.startLabel = concat("RTP ", span.codec, " ", packets, " start", where);
        span.stopLabel = concat("RTP ", span.codec, " stop (", figures, ")", where);
        span.summary = concat("RTP ", span.codec, " ", packets, ", ", figures);
        model.streams.push_back(std::move(span));
    }
    for (std::size_t i = 0; i < model.streams.size(); ++i)
        for (const bool isStart : {true, false}) {
            StreamMark mark;
            mark.stream = i;
            mark.isStart = isStart;
            mark.timestampUs = isStart ? model.streams[i].stream.firstUs : model.streams[i].stream.lastUs;
            // After every arrow of its time or earlier: a stream starts after the answer that opened it.
            const auto after = std::partition_point(model.arrows.begin(), model.arrows.end(),
                                                    [&](const Arrow& a) { return a.timestampUs <= mark.timestampUs; });
            mark.beforeArrow = static_cast<std::size_t>(after - model.arrows.begin());
            model.marks.push_back(mark);
        }
    std::stable_sort(model.marks.begin(), model.marks.end(), [](const StreamMark& a, const StreamMark& b) {
        return std::tie(a.timestampUs, a.stream) < std::tie(b.timestampUs, b.stream);
    });
}

}  // namespace

std::string groupedCount(std::uint64_t count) {
    const std::string digits = std::to_string(count);
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            grouped += ',';
        grouped += digits[i];
    }
    return grouped;
}

Rgb classColor(MessageClass messageClass) {
    switch (messageClass) {
    case MessageClass::Request: return {0x20, 0x20, 0x20};
    case MessageClass::Provisional: return {0xb2, 0x6a, 0x00};
    case MessageClass::Success: return {0x2e, 0x7d, 0x32};
    case MessageClass::Redirect: return {0x00, 0x79, 0x6b};
    case MessageClass::ClientError: return {0xd3, 0x2f, 0x2f};
    case MessageClass::ServerError: return {0x7b, 0x1f, 0xa2};
    case MessageClass::GlobalError: return {0x8e, 0x24, 0x24};
    case MessageClass::Unknown: break;
    }
    return {0x61, 0x61, 0x61};
}

Rgb errorColor() { return {0xc6, 0x28, 0x28}; }

Rgb legColor(std::size_t leg) {
    static constexpr Rgb Palette[] = {{0x20, 0x20, 0x20}, {0x15, 0x65, 0xc0}, {0xef, 0x6c, 0x00}, {0x6a, 0x1b, 0x9a},
                                      {0x00, 0x83, 0x8f}, {0xad, 0x14, 0x57}, {0x55, 0x8b, 0x2f}, {0x5d, 0x40, 0x37}};
    return Palette[leg % (sizeof Palette / sizeof Palette[0])];
}

std::string hexColor(Rgb color) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", color.r, color.g, color.b);
    return buffer;
}

std::string columnTitle(const Column& column) {
    return column.alias.empty() ? column.host : column.alias + " (" + column.host + ")";
}

std::string messageText(const store::MessageRow& message) {
    std::string text;
    if (message.method)
        text = printableText(*message.method);
    else if (message.status)
        text = message.reason.empty() ? std::to_string(*message.status)
                                      : std::to_string(*message.status) + " " + printableText(message.reason);
    return text.empty() ? "?" : text;
}

MessageClass messageClassOf(const store::MessageRow& message) {
    if (message.method)
        return MessageClass::Request;
    if (!message.status)
        return MessageClass::Unknown;
    const int status = *message.status;
    return status < 100   ? MessageClass::Unknown
           : status < 200 ? MessageClass::Provisional
           : status < 300 ? MessageClass::Success
           : status < 400 ? MessageClass::Redirect
           : status < 500 ? MessageClass::ClientError
           : status < 600 ? MessageClass::ServerError
           : status < 700 ? MessageClass::GlobalError
                          : MessageClass::Unknown;
}

SdpRole sdpRoleOf(const store::MessageRow& message) { return message.sdpRole; }

std::string codecSummary(std::string_view codecs) {
    std::vector<std::string> names;
    while (!codecs.empty()) {
        const auto space = codecs.find_first_of(" ,");
        std::string_view word = codecs.substr(0, space);
        codecs = space == std::string_view::npos ? std::string_view() : codecs.substr(space + 1);
        word = word.substr(0, word.find('/'));
        if (!word.empty() && std::find(names.begin(), names.end(), word) == names.end())
            names.emplace_back(word);
    }
    std::string summary;
    for (const std::string& name : names)
        summary += (summary.empty() ? "" : " ") + name;
    return printableText(summary);
}

std::string labelOf(const Arrow& arrow, bool withLegNumber) {
    std::string label;
    if (withLegNumber)
        label = concat("#", std::to_string(arrow.leg + 1), " ");
    if (arrow.hasError)
        label += "!";
    label += arrow.text;
    if (arrow.hasSdp) {
        label += arrow.sdpRole == SdpRole::Offer    ? " (SDP offer"
                 : arrow.sdpRole == SdpRole::Answer ? " (SDP answer"
                                                    : " (SDP";
        label += arrow.codecs.empty() ? ")" : ": " + arrow.codecs + ")";
    }
    if (arrow.isRetransmission)
        label += " (retrans)";
    return label;
}

Model buildModel(const std::vector<store::MessageRow>& messages, const ModelOptions& options) {
    Model model;
    std::map<capture::Host, std::size_t> columnOf;
    auto column = [&](const capture::Endpoint& endpoint) {
        const capture::Host address = columnAddress(endpoint, options.grouping);
        if (const auto it = columnOf.find(address); it != columnOf.end())
            return it->second;
        Column added;
        added.address = address;
        added.host = address.toString();
        if (options.aliases)
            added.alias = printableText(options.aliases->lookup(address));
        model.columns.push_back(std::move(added));
        columnOf.emplace(address, model.columns.size() - 1);
        return model.columns.size() - 1;
    };

    model.legs = options.legs;
    if (model.legs.empty() && !messages.empty())
        model.legs.push_back({printableText(messages.front().callId.value_or("")), "this call"});
    for (Leg& leg : model.legs) {
        leg.callId = printableText(leg.callId);
        leg.link = printableText(leg.link);
    }

    std::unordered_map<std::int64_t, std::string> codecsOf;  // message id -> its m= lines' codecs
    for (const store::MediaRow& media : options.media) {
        const std::string summary = codecSummary(media.codecs);
        if (summary.empty())
            continue;
        std::string& codecs = codecsOf[media.messageId];
        codecs += (codecs.empty() ? "" : " ") + summary;
    }

    // Transactions: (Call-ID, CSeq, CSeq method) -> index; the final status of each INVITE transaction so far.
    std::map<std::tuple<std::string, std::uint32_t, std::string>, std::size_t> transactionOf;
    std::unordered_map<std::size_t, int> inviteFinal;
    model.arrows.reserve(messages.size());
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const store::MessageRow& message = messages[i];
        Arrow arrow;
        arrow.message = i;
        arrow.messageId = message.id;
        arrow.timestampUs = message.timestampUs;
        arrow.fromColumn = column(message.src);
        arrow.toColumn = column(message.dst);
        arrow.direction = arrow.fromColumn == arrow.toColumn  ? Direction::Self
                          : arrow.fromColumn < arrow.toColumn ? Direction::Right
                                                              : Direction::Left;
        arrow.messageClass = messageClassOf(message);
        arrow.text = messageText(message);
        arrow.hasSdp = message.hasSdp;
        arrow.sdpRole = sdpRoleOf(message);
        if (const auto it = codecsOf.find(message.id); it != codecsOf.end() && message.hasSdp)
            arrow.codecs = it->second;
        if (i < options.legOfMessage.size())
            arrow.leg = options.legOfMessage[i];
        if (arrow.leg >= model.legs.size())
            model.legs.resize(arrow.leg + 1);
        arrow.isRetransmission = message.retransmission;
        arrow.hasError = !message.valid;
        if (arrow.hasError)
            arrow.error = printableText(message.error.value_or(""));

        std::string method = message.cseqMethod.empty() ? message.method.value_or("") : message.cseqMethod;
        std::string callId = message.callId.value_or("");
        std::uint32_t cseq = message.cseq;
        if (message.transactionKey > 0) {
            // The correlator's own transaction, one per hop (RFC 3261 §17: matched by Via branch).
            callId.clear();
            cseq = 0;
            method = "#" + std::to_string(message.transactionKey);
        } else if (method == "ACK") {
            // RFC 3261 §17.1.1.3: the ACK of a non-2xx final response is part of the INVITE transaction.
            const auto invite = transactionOf.find({callId, cseq, "INVITE"});
            if (invite != transactionOf.end()) {
                const auto final = inviteFinal.find(invite->second);
                if (final != inviteFinal.end() && final->second >= 300)
                    method = "INVITE";
            }
        }
        const auto [it, isNew] = transactionOf.try_emplace({callId, cseq, method}, model.transactions.size());
        if (isNew) {
            const std::string cseqMethod =
                message.cseqMethod.empty() ? message.method.value_or("") : message.cseqMethod;
            model.transactions.push_back({i, i, printableText(cseqMethod), message.cseq, 0, 0});
        }
        Transaction& transaction = model.transactions[it->second];
        transaction.lastArrow = i;
        ++transaction.arrows;
        arrow.transaction = it->second;
        if (method == "INVITE" && message.status && *message.status >= 200 && !inviteFinal.count(it->second))
            inviteFinal[it->second] = *message.status;

        model.arrows.push_back(std::move(arrow));
    }
    const bool withLegNumbers = model.legs.size() > 1;
    for (Arrow& arrow : model.arrows)
        arrow.label = labelOf(arrow, withLegNumbers);
    model.transactionLanes = assignLanes(model.transactions);
    addStreams(model, options.streams);
    return model;
}

}  // namespace sipscope::ladder
