// Redaction of what the store gives the front end: the messages' text first, so the free-text fields after them
// know every name their messages held.
#include "cli/redaction.hpp"

#include <CLI/CLI.hpp>

namespace sipscope::cli {

void addRedact(CLI::App* command, RedactOptions& options) {
    command->add_flag("--redact", options.redact,
                      "Replace users, numbers, display names, IP addresses and hostnames by consistent pseudonyms "
                      "(user-0001, 192.0.2.1, host-0001.invalid) and remove credentials and SDP keys");
    command->add_option("--redact-key", options.key,
                        "With --redact: make the pseudonyms a keyed hash of what they replace, the same in every "
                        "export made with this key (implies --redact)");
}

std::unique_ptr<decode::Redactor> redactorOf(const RedactOptions& options) {
    if (!options.redact && options.key.empty())
        return nullptr;
    return std::make_unique<decode::Redactor>(options.key);
}

void redactMessage(decode::Redactor& redactor, store::MessageRow& message) {
    // The addresses first: the text then knows them even where they are glued into other words.
    message.src = redactor.endpoint(message.src);
    message.dst = redactor.endpoint(message.dst);
    if (!message.text.empty())
        message.text = redactor.message(message.text);
    if (message.callId)
        message.callId = redactor.callId(*message.callId);
    if (message.error)
        message.error = redactor.text(*message.error);
}

void redactCall(decode::Redactor& redactor, store::CallRow& call) {
    call.callId = redactor.callId(call.callId);
    call.fromUri = redactor.text(call.fromUri);
    call.toUri = redactor.text(call.toUri);
    call.fromUser = redactor.user(call.fromUser);
    call.toUser = redactor.user(call.toUser);
    if (call.src)
        call.src = redactor.endpoint(*call.src);
    if (call.dst)
        call.dst = redactor.endpoint(*call.dst);
    call.reason = redactor.text(call.reason);
}

}  // namespace sipscope::cli
