// The sipscope SQLite schema: creation, version check, and the connection wrapper the writer and reader share.
#pragma once

#include <string>

struct sqlite3;

namespace sipscope::store {

inline constexpr int SchemaVersion = 3;

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

private:
    void createOrCheckSchema(Mode mode);
    void migrate(int fromVersion);  // to SchemaVersion, in one transaction
    void execMigrationStep(const char* sql);
    bool hasTable(const char* name);

    sqlite3* m_db = nullptr;
    std::string m_path;
};

} // namespace sipscope::store
