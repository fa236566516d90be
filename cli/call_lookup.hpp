// Finding the call a user names (Call-ID, call key or the start of a Call-ID), and refusing a capture file given
// where a database belongs.
#pragma once

#include "common/error.hpp"
#include "store/reader.hpp"

#include <string>

namespace sipscope::cli {

// An input error (exit 2) whose text is already escaped for the terminal and may span lines (a list of calls).
class EscapedError : public Error {
public:
    using Error::Error;
};

// The one call `text` names for show, export and --call: its Call-ID, its key, or a unique start of its Call-ID.
// Throws EscapedError when there is none, when the Call-ID is in several calls (the same capture imported twice:
// each listed with its key, capture and start, to choose by key), or when the start fits several Call-IDs (listed).
store::CallRow resolveCall(const store::Reader& reader, const std::string& text, const std::string& db);

// --call-id on a listing: an exact Call-ID (every call with it), else a call key when `callId` is all digits and
// no Call-ID is; moves it to filter.callKey then.
void resolveCallIdFilter(const store::Reader& reader, store::Filter& filter);

// Throws Error when `path` is a pcap, pcapng or NetMon capture instead of a database, saying what to run.
// `forImport`: the file was given as the --db of an import.
void refuseCaptureAsDatabase(const std::string& path, bool forImport);

}  // namespace sipscope::cli
