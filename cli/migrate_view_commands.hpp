// `sipscope migrate` (upgrade an older database) and `sipscope view` (open it in sipscope-viewer): commands that
// take only the database.
#pragma once

#include "cli/command_options.hpp"

#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace sipscope::cli {

struct DatabaseOnlyOptions {
    std::string db = DefaultDatabase;
};

// The registered subcommands and the options their parse fills (kept at a stable address for CLI11).
struct MigrateViewCommands {
    CLI::App* migrate = nullptr;
    CLI::App* view = nullptr;
    std::unique_ptr<DatabaseOnlyOptions> options;
};

// Adds `migrate` and `view` to `app`.
MigrateViewCommands addMigrateViewCommands(CLI::App& app);

// Opens the database read-write, which migrates it, and prints its schema version. Throws sipscope::Error when it
// does not exist or cannot be upgraded.
int runMigrate(const DatabaseOnlyOptions& options);
// Replaces this process with sipscope-viewer on the database; returns 2 only when no viewer can be started.
int runView(const DatabaseOnlyOptions& options);

}  // namespace sipscope::cli
