// What `show` and `export ladder` share: a call's messages with those of its linked calls (--all-legs), and the
// ladder model of them.
#pragma once

#include "decode/redact.hpp"
#include "ladder/host_aliases.hpp"
#include "ladder/ladder_model.hpp"
#include "store/reader.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sipscope::cli {

// --all-legs: a call (#1) and every call linked to it (#2...), their messages merged in capture order.
struct AllLegs {
    std::vector<store::MessageRow> messages;
    std::vector<std::size_t> legs;   // leg index (0 = this call) of each message
    std::vector<ladder::Leg> names;  // per leg: Call-ID and how it is linked
    std::vector<std::int64_t> keys;  // per leg: its call key
};

// `own`: the call's own messages; `withText`: read the linked calls' messages with their text.
AllLegs allLegs(const store::Reader& reader, const store::CallRow& call, const std::vector<store::MessageRow>& own,
                bool withText);

// The ladder model of a call's messages (or of every leg's, with `all`), columns per IP (`byIp`) or per ip:port,
// named by the aliases, labels with the codecs of their SDP, and the RTP streams of the call (of every leg). With
// `redactor` (show --redact; the messages already redacted by it) the streams' addresses are redacted too.
ladder::Model ladderModel(const store::Reader& reader, bool byIp, const ladder::HostAliases& aliases,
                          const std::vector<store::MessageRow>& messages, const AllLegs* all, std::int64_t callKey,
                          decode::Redactor* redactor = nullptr);

}  // namespace sipscope::cli
