// Call rows and CSV, shared by the cli and the viewer.
#include "export/rows.hpp"

#include "ladder/text_format.hpp"

#include <algorithm>

namespace sipscope::exports {

namespace {

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos)
        return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

// A CSV line: the fields joined by commas (each quoted as RFC 4180 wants), CRLF at the end.
template <typename Fields, typename TextOf>
void writeCsvLine(std::ostream& out, const Fields& fields, TextOf textOf) {
    std::string line;
    bool isFirst = true;
    for (const auto& field : fields) {
        if (!isFirst)
            line += ',';
        isFirst = false;
        line += csvField(textOf(field));
    }
    line += "\r\n";
    out << line;
}

// The line of `row`'s values at `keys`, empty where it has none. `keepStrings`: strings as they are (a file), else
// every value as cellText shows it on a terminal.
void writeCsvRecord(std::ostream& out, const Row& row, const std::vector<std::string>& keys, bool keepStrings) {
    writeCsvLine(out, keys, [&row, keepStrings](const std::string& key) {
        const auto it = row.find(key);
        if (it == row.end())
            return std::string();
        return keepStrings && it->is_string() ? it->get_ref<const std::string&>() : cellText(*it);
    });
}

std::string asIs(const std::string& text) { return text; }

}  // namespace

Row endpointValue(const std::optional<capture::Endpoint>& endpoint) {
    return endpoint ? Row(endpoint->toString()) : Row();
}

Row callRow(const store::CallRow& call) {
    using ladder::isoTimestamp;
    Row row;
    row["call_id"] = call.callId;
    row["start"] = isoTimestamp(call.startUs);
    row["end"] = isoTimestamp(call.endUs);
    row["duration"] = static_cast<double>(call.endUs - call.startUs) / 1e6;
    row["from"] = call.fromUri;
    row["to"] = call.toUri;
    row["from_user"] = call.fromUser;
    row["to_user"] = call.toUser;
    row["method"] = call.method.empty() ? Row() : Row(call.method);
    row["state"] = decode::callStateName(call.state);
    row["status"] = valueOrNull(call.status);
    row["messages"] = call.messages;
    row["dialogs"] = call.dialogs;
    row["retransmissions"] = call.retransmissions;
    row["src"] = endpointValue(call.src);
    row["dst"] = endpointValue(call.dst);
    row["key"] = call.key;
    auto ms = [](std::int64_t from, std::int64_t to) {
        return from && to ? Row(static_cast<double>(to - from) / 1000.0) : Row();
    };
    row["srd_ms"] = ms(call.attemptUs, call.firstProvisionalUs ? call.firstProvisionalUs : call.finalUs);
    row["setup_ms"] = ms(call.attemptUs, call.answeredUs);  // answered calls only, as in RFC 6076
    row["talk_s"] =
        call.answeredUs && call.byeUs ? Row(static_cast<double>(call.byeUs - call.answeredUs) / 1e6) : Row();
    row["ended_by"] = call.endedBy.empty() ? Row() : Row(call.endedBy);
    row["reason"] = call.reason.empty() ? Row() : Row(call.reason);
    row["early_media"] = call.hasEarlyMedia;
    row["reinvites"] = call.reinvites;
    row["holds"] = call.holds;
    row["glare"] = call.hasGlare;
    row["kind"] = decode::callKindName(call.kind);
    row["legs"] = call.legs;
    row["capture"] = call.capture.empty() ? Row() : Row(call.capture);
    row["capture_id"] = call.captureId ? Row(call.captureId) : Row();
    return row;
}

std::string cellText(const Row& value) {
    if (value.is_null())
        return "";
    if (value.is_string())
        return ladder::escapeForTerminal(value.get_ref<const std::string&>());
    if (value.is_boolean())
        return value.get<bool>() ? "true" : "false";
    return value.dump();
}

void writeCsv(std::ostream& out, const std::vector<Row>& rows, bool forTerminal, const std::vector<Row>& examples,
              const std::vector<std::string>& fallbackKeys) {
    std::vector<std::string> keys;
    if (rows.empty() && examples.empty())
        keys = fallbackKeys;
    for (const Row& row : rows.empty() ? examples : rows) {
        // A key not seen yet goes right before the next key of this row that is already in the header.
        std::vector<std::string> rowKeys;
        for (const auto& item : row.items())
            rowKeys.push_back(item.key());
        for (std::size_t k = 0; k < rowKeys.size(); ++k) {
            if (std::find(keys.begin(), keys.end(), rowKeys[k]) != keys.end())
                continue;
            auto at = keys.end();
            for (std::size_t next = k + 1; next < rowKeys.size() && at == keys.end(); ++next)
                at = std::find(keys.begin(), keys.end(), rowKeys[next]);
            keys.insert(at, rowKeys[k]);
        }
    }
    writeCsvLine(out, keys, asIs);
    for (const Row& row : rows)
        writeCsvRecord(out, row, keys, !forTerminal);
}

CallsCsvWriter::CallsCsvWriter(std::ostream& out) : m_out(out) {
    // Every call row has every key, in one order: the header writeCsv makes of any of them.
    const Row example = callRow(store::CallRow{});  // named: items() refers to it for the whole loop
    for (const auto& item : example.items())
        m_keys.push_back(item.key());
    writeCsvLine(m_out, m_keys, asIs);
}

void CallsCsvWriter::add(const store::CallRow& call) {
    writeCsvRecord(m_out, callRow(call), m_keys, true);
    ++m_rows;
}

void writeCallsCsv(std::ostream& out, const std::vector<store::CallRow>& calls) {
    CallsCsvWriter writer(out);
    for (const store::CallRow& call : calls)
        writer.add(call);
}

}  // namespace sipscope::exports
