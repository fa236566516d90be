// `sipscope migrate` and `sipscope view`.
#include "cli/migrate_view_commands.hpp"

#include "common/error.hpp"
#include "store/database.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <vector>

namespace sipscope::cli {

MigrateViewCommands addMigrateViewCommands(CLI::App& app) {
    MigrateViewCommands commands;
    commands.options = std::make_unique<DatabaseOnlyOptions>();
    CLI::App* migrate = app.add_subcommand("migrate", "Upgrade a database written by an older sipscope");
    migrate->footer("Example: sipscope migrate --db old.db   (read-only commands refuse an older database)");
    addDatabase(migrate, commands.options->db);
    CLI::App* view = app.add_subcommand("view", "Open the database in sipscope-viewer");
    view->footer("Example: sipscope view --db today.db");
    addDatabase(view, commands.options->db);
    commands.migrate = migrate;
    commands.view = view;
    return commands;
}

int runMigrate(const DatabaseOnlyOptions& options) {
    if (!store::isPostgresDatabase(options.db) && !std::filesystem::exists(options.db))
        throw Error(options.db + ": no such database");
    store::Database upgraded(options.db, store::Database::Mode::ReadWrite);  // migrates on open
    std::cout << options.db << ": schema version " << store::SchemaVersion << '\n';
    return ExitOk;
}

// Starts sipscope-viewer on the database: next to this binary (installed), in ../viewer (build tree), or on PATH.
int runView(const DatabaseOnlyOptions& options) {
    std::error_code ignored;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ignored);
    std::vector<std::string> candidates = {(self.parent_path() / "sipscope-viewer").string(),
                                           (self.parent_path().parent_path() / "viewer" / "sipscope-viewer").string()};
    for (const std::string& candidate : candidates) {
        if (access(candidate.c_str(), X_OK) == 0) {
            execl(candidate.c_str(), candidate.c_str(), options.db.c_str(), static_cast<char*>(nullptr));
            break;
        }
    }
    execlp("sipscope-viewer", "sipscope-viewer", options.db.c_str(), static_cast<char*>(nullptr));
    std::cerr << "sipscope: cannot start sipscope-viewer (not next to sipscope, not on PATH); build it with "
                 "./setup.sh build\n";
    return ExitInput;
}

}  // namespace sipscope::cli
