// A call by Call-ID, key or Call-ID prefix; a capture file mistaken for the database.
#include "cli/call_lookup.hpp"

#include "cli/output.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>

namespace sipscope::cli {

namespace {

// "  key 12  2024-05-01T12:00:00.000000Z  capture #1 a.pcap  Call-ID abc@host"
std::string candidateLine(const store::CallRow& call) {
    std::string line = "  key " + std::to_string(call.key) + "  " + isoTimestamp(call.startUs);
    if (call.captureId)
        line += "  capture #" + std::to_string(call.captureId) + " " + escapeForTerminal(call.capture);
    return line + "  Call-ID " + escapeForTerminal(call.callId) + "\n";
}

}  // namespace

store::CallRow resolveCall(const store::Reader& reader, const std::string& text, const std::string& db) {
    constexpr std::size_t MaxListed = 20;
    const std::vector<store::CallRow> calls = reader.findCalls(text, MaxListed + 1);
    if (calls.size() == 1)
        return calls.front();
    if (calls.empty())
        throw EscapedError(escapeForTerminal(db) + ": no call '" + escapeForTerminal(text) +
                           "' (no Call-ID, call key or start of a Call-ID; list them with: sipscope calls --db " +
                           escapeForTerminal(db) + ")\n");
    std::string message;
    if (calls.front().callId == text)
        message = "Call-ID '" + escapeForTerminal(text) + "' is in " + std::to_string(calls.size()) +
                  " calls (a capture imported more than once?); give the key of one of them:\n";
    else
        message.append("'")
            .append(escapeForTerminal(text))
            .append("' starts ")
            .append(calls.size() > MaxListed ? "more than " + std::to_string(MaxListed) : std::to_string(calls.size()))
            .append(" Call-IDs; give more of the Call-ID, or the key of one of them:\n");
    for (std::size_t i = 0; i < calls.size() && i < MaxListed; ++i)
        message += candidateLine(calls[i]);
    throw EscapedError(message);
}

void resolveCallIdFilter(const store::Reader& reader, store::Filter& filter) {
    if (!filter.callId)
        return;
    const std::vector<store::CallRow> calls = reader.findCalls(*filter.callId, 1);
    if (calls.size() == 1 && calls.front().callId != *filter.callId &&
        std::to_string(calls.front().key) == *filter.callId) {
        filter.callKey = calls.front().key;
        filter.callId.reset();
    }
}

void refuseCaptureAsDatabase(const std::string& path, bool forImport) {
    std::ifstream file(path, std::ios::binary);
    unsigned char magic[4] = {};
    if (!file.read(reinterpret_cast<char*>(magic), sizeof magic))
        return;
    const std::uint32_t big =
        std::uint32_t{magic[0]} << 24 | std::uint32_t{magic[1]} << 16 | std::uint32_t{magic[2]} << 8 | magic[3];
    const std::uint32_t little =
        std::uint32_t{magic[3]} << 24 | std::uint32_t{magic[2]} << 16 | std::uint32_t{magic[1]} << 8 | magic[0];
    bool isCapture = std::memcmp(magic, "GMBU", 4) == 0 || big == 0x0a0d0d0a;  // NetMon, pcapng
    for (const std::uint32_t pcap : {0xa1b2c3d4u, 0xa1b23c4du, 0xa1b2cd34u})   // µs, ns, Kuznetzov
        isCapture = isCapture || big == pcap || little == pcap;
    if (!isCapture)
        return;
    if (forImport)
        throw Error(path + " is a capture file, not a database: give the database to write with --db (the default is "
                           "./sipscope.db)");
    throw Error(path + " is a capture file, not a database: run sipscope import " + path + " first");
}

}  // namespace sipscope::cli
