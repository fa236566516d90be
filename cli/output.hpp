// Listing output for the cli: rows as ordered JSON objects, printed as an aligned table, RFC 4180 CSV or JSON lines.
#pragma once

#include "export/rows.hpp"
#include "ladder/text_format.hpp"

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::cli {

enum class Format { Table, Csv, Json };

// A table column: the row key it shows, its heading, and the widest it may be (longer text is cut with "…").
// `isFreeText` (names, URIs, Call-IDs, reasons): the column gives up its width first when a table must fit a
// terminal (see setTableWidth). `hideOrder`: 0, always shown; 1, 2, ...: left out in that order when the table
// cannot fit the terminal otherwise (with every column cut to a few characters it would show nothing useful).
struct Column {
    std::string key;
    std::string heading;
    std::size_t maxWidth = 40;
    bool isFreeText = false;
    unsigned hideOrder = 0;
};

using exports::cellText;
using exports::Row;  // ordered JSON objects (export/rows.hpp)

// The width output to `fd` should fit: when `fd` is a terminal, COLUMNS (when set to a number) or else the
// terminal's own width; 0 (no limit) when it is a pipe or a file.
std::size_t terminalWidth(int fd);
// The width printRows fits its tables to (0, the default: no limit). The cli sets it once, from terminalWidth of
// standard output; tables go only to standard output.
void setTableWidth(std::size_t columns);

// Prints rows. JSON: one object per line with every key. CSV: every key of the first row as header. Table: the
// given columns, fitted to setTableWidth's width when there is one: the widest free-text columns shrink first (down
// to 8 characters), then columns are left out by their hideOrder, then the widest of the others shrink, each cut
// text ending in "…". Strings are escaped for the
// terminal (table, CSV) or as JSON; invalid UTF-8 is replaced.
// CSV: the header is every key of any row, in first-seen order (a row without a key leaves its field empty); a
// field with a comma, quote, CR or LF is quoted, quotes doubled (RFC 4180), lines end in CRLF. With `forTerminal`
// false (export to a file) CSV strings keep their bytes, newlines included, instead of being escaped.
// `examples`: rows whose keys make the CSV header when there are no rows (so an empty listing has the same header).
void printRows(std::ostream& out, Format format, const std::vector<Row>& rows, const std::vector<Column>& columns,
               bool forTerminal = true, const std::vector<Row>& examples = {});

// Sorts rows by the value of `key` (stable; null and missing first, then numbers and booleans, then text), or
// only reverses them when `key` is empty and `reverse` is set; then keeps the first `limit` (0: all).
void sortRows(std::vector<Row>& rows, const std::string& key, bool reverse, std::size_t limit = 0);

// escapeForTerminal and isoTimestamp live below the front ends (ladder/text_format.hpp), so the viewer shares them.
using ladder::escapeForTerminal;
using ladder::isoTimestamp;

}  // namespace sipscope::cli
