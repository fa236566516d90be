// --redact and --redact-key of export pcap, export calls|messages and show (issue 16): what the store gives, with
// users, numbers, display names, addresses and hosts replaced by pseudonyms (decode/redact.hpp) before it is
// written.
#pragma once

#include "decode/redact.hpp"
#include "export/rows.hpp"
#include "store/reader.hpp"

#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace sipscope::cli {

struct RedactOptions {
    bool redact = false;
    std::string key;  // --redact-key: pseudonyms are a keyed hash, the same in every export with that key
};

// Adds --redact and --redact-key (which implies --redact).
void addRedact(CLI::App* command, RedactOptions& options);

// The redactor the options ask for; null without --redact.
std::unique_ptr<decode::Redactor> redactorOf(const RedactOptions& options);

// A message's text (when read), Call-ID and addresses rewritten.
void redactMessage(decode::Redactor& redactor, store::MessageRow& message);
// A call's Call-ID, From, To and addresses rewritten.
void redactCall(decode::Redactor& redactor, store::CallRow& call);

}  // namespace sipscope::cli
