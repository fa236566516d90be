// The sipscope schema: creation, version check, and the connection the writer and reader share -- an SQLite file or
// a PostgreSQL database (a "postgresql://" URL), one schema and one code path above the backend seam
// (detail/connection.hpp).
#pragma once

#include <memory>
#include <string>

namespace sipscope::store {

namespace detail {
class Connection;
}

inline constexpr int SchemaVersion = 8;

// True when `name` (a --db value) names a PostgreSQL database rather than an SQLite file.
bool isPostgresDatabase(const std::string& name);
// `name` as it may be shown: the file, or the URL with a password in it replaced by "***".
std::string databaseName(const std::string& name);

// Owns one connection. Throws sipscope::Error naming the file or the server on every failure.
class Database {
public:
    enum class Mode { ReadOnly, ReadWrite };
    // ReadWrite creates the schema in a new file and migrates an older one; ReadOnly refuses an older one (it
    // names the `sipscope migrate` command). Both refuse a newer schema.
    Database(const std::string& path, Mode mode);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    detail::Connection& handle() const { return *m_db; }
    // The file, or the URL without its password: what messages name.
    const std::string& path() const { return m_path; }
    bool isPostgres() const { return m_isPostgres; }
    void exec(const std::string& sql);  // throws with the SQL error
    bool hasIndex(const char* name);

    // The index of calls by From that `calls --from` uses. Its inserts land at one place per distinct caller, which
    // made it the writer's most expensive index (a third of the writer's CPU on a 1M-call import), so an import into
    // a fresh database creates it at its end; a read-write open creates it where it is missing.
    static constexpr const char* CallsFromIndexSql =
        "CREATE INDEX IF NOT EXISTS calls_from ON calls(from_uri, from_user)";

private:
    void createOrCheckSchema(Mode mode);
    std::string schemaSql() const;  // in this backend's dialect
    void migrate(int fromVersion);  // to SchemaVersion, in one transaction
    void execMigrationStep(const char* sql);
    bool hasTable(const char* name);

    std::unique_ptr<detail::Connection> m_db;
    std::string m_path;
    bool m_isPostgres = false;
};

}  // namespace sipscope::store
