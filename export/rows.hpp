// Listing rows as ordered JSON objects and their RFC 4180 CSV: what `sipscope calls` and `sipscope export calls`
// print and what the viewer's "list as CSV" writes, so both front ends write the same fields in the same order.
#pragma once

#include "store/reader.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace sipscope::exports {

using Row = nlohmann::ordered_json;

// An endpoint as every listing writes it: "10.0.0.1:5060", "[2001:db8::1]:5060"; null when the row has none.
Row endpointValue(const std::optional<capture::Endpoint>& endpoint);

// One call as the row `sipscope calls` lists: every field DESIGN.md documents for it, in its order.
Row callRow(const store::CallRow& call);

// The text of one field as a table or CSV shows it: null empty, strings escaped for the terminal, booleans
// true/false, numbers as JSON writes them.
std::string cellText(const Row& value);

// Writes `rows` as CSV. The header is every key of any row, in first-seen order (a row without a key leaves its
// field empty); `examples` make the header when there are no rows (so an empty listing has the same header), and
// `fallbackKeys` when there are no examples either. A field with a comma, quote, CR or LF is quoted, quotes doubled
// (RFC 4180); lines end in CRLF. With `forTerminal` false (a file) strings keep their bytes, newlines included,
// instead of being escaped for the terminal.
void writeCsv(std::ostream& out, const std::vector<Row>& rows, bool forTerminal, const std::vector<Row>& examples = {},
              const std::vector<std::string>& fallbackKeys = {});

// Calls as CSV, as `sipscope export calls --format csv -o FILE` writes them, one call at a time (a list of a
// million calls is written without holding it): the header on construction, then a line per add().
class CallsCsvWriter {
public:
    explicit CallsCsvWriter(std::ostream& out);
    void add(const store::CallRow& call);
    std::uint64_t rows() const { return m_rows; }

private:
    std::ostream& m_out;
    std::vector<std::string> m_keys;
    std::uint64_t m_rows = 0;
};

// All of `calls` through a CallsCsvWriter.
void writeCallsCsv(std::ostream& out, const std::vector<store::CallRow>& calls);

// A field that may be absent, as every listing writes it: its value, or null.
template <typename T>
Row valueOrNull(const std::optional<T>& value) {
    return value ? Row(*value) : Row();
}
// A text field that may be empty: the text, or null.
inline Row textOrNull(const std::string& text) { return text.empty() ? Row() : Row(text); }

}  // namespace sipscope::exports
