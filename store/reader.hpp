// Read-only queries over a sipscope database, shared by the cli and the viewer. Opens the database read-only, so
// it works while a capture is writing it. Not thread-safe: one Reader per thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sipscope::store {

// Filters shared by every listing. Empty fields do not filter. Text filters are substrings, case-insensitive.
struct Filter {
    std::optional<std::string> from;    // From user or URI
    std::optional<std::string> to;      // To user or URI
    std::optional<std::string> callId;  // exact Call-ID
    std::optional<std::string> method;  // first method of the call / method of the message
    std::optional<int> status;          // final status (calls) / status code (messages)
    std::optional<std::string> state;   // call state name
    std::optional<std::int64_t> sinceUs;
    std::optional<std::int64_t> untilUs;
    std::optional<std::string> host;    // ip or ip:port as source or destination
    std::size_t limit = 0;              // 0 = no limit
};

struct CallRow {
    std::int64_t key = 0;
    std::string callId;
    std::int64_t startUs = 0;
    std::int64_t endUs = 0;
    std::string fromUri, fromUser, toUri, toUser;
    std::string method;
    std::string state;
    std::optional<int> status;
    std::uint32_t messages = 0;
    std::uint32_t dialogs = 0;
    std::uint32_t retransmissions = 0;
    std::string src, dst;  // "ip:port" of the first request
};

struct MessageRow {
    std::int64_t id = 0;
    std::int64_t timestampUs = 0;
    std::string src, dst;
    std::string transport;  // "udp", "tcp", …
    std::optional<std::string> callId;
    std::optional<std::string> method;  // requests
    std::optional<int> status;          // responses
    std::string reason;                 // reason phrase of a response
    std::uint32_t cseq = 0;
    std::string cseqMethod;
    bool valid = true;
    std::optional<std::string> error;
    bool retransmission = false;
    bool hasSdp = false;
    std::uint64_t frame = 0;
    std::string text;  // raw message text, only when asked for
};

struct Stats {
    std::uint64_t messages = 0;
    std::uint64_t invalidMessages = 0;
    std::uint64_t retransmissions = 0;
    std::uint64_t calls = 0;
    std::map<std::string, std::uint64_t> requests;   // method -> count
    std::map<int, std::uint64_t> responses;          // status code -> count
    std::map<std::string, std::uint64_t> callStates; // state -> calls
};

class Reader {
public:
    // Throws sipscope::Error when the file is missing or not a sipscope database of a schema we can read.
    explicit Reader(const std::string& dbPath);
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    std::vector<CallRow> calls(const Filter& filter) const;
    // Messages in capture order. `withText` loads each message's raw text too.
    std::vector<MessageRow> messages(const Filter& filter, bool withText = false) const;
    // The call with this Call-ID (or, if `idOrKey` is all digits and no Call-ID matches, this call key).
    std::optional<CallRow> findCall(const std::string& idOrKey) const;
    std::vector<MessageRow> callMessages(std::int64_t callKey, bool withText) const;
    Stats stats(const Filter& filter) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace sipscope::store
