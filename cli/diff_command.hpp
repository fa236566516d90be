// `sipscope diff`: two calls side by side, the golden one and the failing one (issue 16).
#pragma once

#include "cli/command_options.hpp"

#include <memory>
#include <ostream>
#include <string>

namespace CLI {
class App;
}

namespace sipscope::cli {

struct DiffOptions {
    std::string db = DefaultDatabase;
    std::string callA, callB;  // Call-ID, call key or a unique start of a Call-ID
    std::string format = "text";
    bool allHeaders = false;  // --all-headers: compare Call-ID, tags, branches, CSeq numbers ... too
};

// The registered subcommand and the options its parse fills (kept at a stable address for CLI11).
struct DiffCommand {
    CLI::App* command = nullptr;
    std::unique_ptr<DiffOptions> options;
};

// Adds `diff` to `app`.
DiffCommand addDiffCommand(CLI::App& app);

// Prints the comparison of the two calls to `out`; returns the exit code (0 whether or not they differ). Throws
// EscapedError when a call is not found or several fit.
int runDiff(const DiffOptions& options, std::ostream& out);

}  // namespace sipscope::cli
