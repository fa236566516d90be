// The sipscope SQLite schema: creation, version check, and the connection wrapper the writer and reader share.
#pragma once

#include <string>

struct sqlite3;

namespace sipscope::store {

inline constexpr int SchemaVersion = 7;

// Owns one SQLite connection. Throws sipscope::Error naming the file on every failure.
class Database {
public:
    enum class Mode { ReadOnly, ReadWrite };
    // ReadWrite creates the schema in a new file and migrates an older one; ReadOnly refuses an older one (it
    // names the `sipscope migrate` command). Both refuse a newer schema.
    Database(const std::string& path, Mode mode);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    sqlite3* handle() const { return m_db; }
    const std::string& path() const { return m_path; }
    void exec(const char* sql);  // throws with the SQL error
    bool hasIndex(const char* name);

    // The index of calls by From that `calls --from` uses. Its inserts land at one place per distinct caller, which
    // made it the writer's most expensive index (a third of the writer's CPU on a 1M-call import), so an import into
    // a fresh database creates it at its end; a read-write open creates it where it is missing.
    static constexpr const char* CallsFromIndexSql =
        "CREATE INDEX IF NOT EXISTS calls_from ON calls(from_uri, from_user)";

private:
    void createOrCheckSchema(Mode mode);
    void migrate(int fromVersion);  // to SchemaVersion, in one transaction
    void execMigrationStep(const char* sql);
    bool hasTable(const char* name);

    sqlite3* m_db = nullptr;
    std::string m_path;
};

}  // namespace sipscope::store
