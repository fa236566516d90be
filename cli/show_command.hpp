// `sipscope show`: one call's summary and ladder diagram on the terminal.
#pragma once

#include "cli/command_options.hpp"
#include "cli/redaction.hpp"

#include <memory>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace sipscope::cli {

struct ShowOptions {
    std::string db = DefaultDatabase;
    std::string call;                    // Call-ID, call key or a unique start of a Call-ID
    bool raw = false;                    // --raw: each message's text under its arrow
    bool byIp = false;                   // --by-ip: one column per IP address
    std::string color = "auto";          // --color auto|always|never
    std::optional<std::string> aliases;  // --aliases FILE ("none": no names)
    bool allLegs = false;                // --all-legs: the linked calls in the same ladder
    RedactOptions redact;                // --redact, --redact-key
};

// The registered subcommand and the options its parse fills (kept at a stable address for CLI11).
struct ShowCommand {
    CLI::App* command = nullptr;
    std::unique_ptr<ShowOptions> options;
};

// Adds `show` to `app`.
ShowCommand addShowCommand(CLI::App& app);

// Runs a parsed `show` on standard output; returns the exit code. Throws EscapedError when no call or several fit.
int runShow(const ShowOptions& options);

}  // namespace sipscope::cli
