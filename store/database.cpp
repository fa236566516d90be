// Opens sipscope databases and creates or checks the schema. The schema is documented in README.md
// ("The database") so users can query it with plain SQL; keep the two in step.
#include "store/database.hpp"

#include "common/error.hpp"
#include "store/detail/connection.hpp"
#include "store/detail/message_flags.hpp"
#include "store/detail/statement.hpp"

#include <regex>
#include <string>
#include <string_view>

namespace sipscope::store {

namespace {

// Narrow rows with integer keys; repeated strings interned; message text kept in blocks of many messages.
constexpr const char* SchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS captures (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    imported_at  TEXT NOT NULL,
    packets      INTEGER NOT NULL DEFAULT 0,
    sip_messages INTEGER NOT NULL DEFAULT 0,
    error        TEXT,
    content_hash INTEGER
);
CREATE INDEX IF NOT EXISTS captures_content_hash ON captures(content_hash);
CREATE TABLE IF NOT EXISTS endpoints (
    id   INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS strings (
    id   INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS text_blocks (
    id       INTEGER PRIMARY KEY,
    codec    INTEGER NOT NULL,
    raw_size INTEGER NOT NULL,
    data     BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS calls (
    id          INTEGER PRIMARY KEY,
    call_id     TEXT NOT NULL,
    start_us    INTEGER NOT NULL,
    end_us      INTEGER NOT NULL,
    from_uri    TEXT NOT NULL,
    from_user   TEXT NOT NULL,
    to_uri      TEXT NOT NULL,
    to_user     TEXT NOT NULL,
    method_id   INTEGER REFERENCES strings(id),
    state       TEXT NOT NULL,
    status      INTEGER,
    messages    INTEGER NOT NULL,
    dialogs     INTEGER NOT NULL,
    retransmissions INTEGER NOT NULL,
    src_id      INTEGER REFERENCES endpoints(id),
    dst_id      INTEGER REFERENCES endpoints(id),
    attempt_us  INTEGER,
    first_provisional_us INTEGER,
    final_us    INTEGER,
    answered_us INTEGER,
    bye_us      INTEGER,
    bye_answered_us INTEGER,
    ended_by    TEXT,
    reason      TEXT,
    early_media INTEGER NOT NULL DEFAULT 0,
    reinvites   INTEGER NOT NULL DEFAULT 0,
    holds       INTEGER NOT NULL DEFAULT 0,
    resumes     INTEGER NOT NULL DEFAULT 0,
    glare       INTEGER NOT NULL DEFAULT 0,
    records_dropped INTEGER NOT NULL DEFAULT 0,
    kind        TEXT NOT NULL DEFAULT 'other'
);
CREATE INDEX IF NOT EXISTS calls_call_id ON calls(call_id);
CREATE INDEX IF NOT EXISTS calls_start ON calls(start_us);
CREATE INDEX IF NOT EXISTS calls_from ON calls(from_uri, from_user);
CREATE TABLE IF NOT EXISTS messages (
    id             INTEGER PRIMARY KEY,
    capture_id     INTEGER NOT NULL REFERENCES captures(id),
    frame          INTEGER NOT NULL,
    ts_us          INTEGER NOT NULL,
    src_id         INTEGER NOT NULL REFERENCES endpoints(id),
    dst_id         INTEGER NOT NULL REFERENCES endpoints(id),
    transport      INTEGER NOT NULL,
    call_key       INTEGER,
    transaction_key INTEGER,
    dialog_key     INTEGER,
    method_id      INTEGER REFERENCES strings(id),
    status         INTEGER,
    reason_id      INTEGER REFERENCES strings(id),
    cseq           INTEGER NOT NULL,
    cseq_method_id INTEGER REFERENCES strings(id),
    flags          INTEGER NOT NULL,
    error_id       INTEGER REFERENCES strings(id),
    error_offset   INTEGER,
    block_id       INTEGER NOT NULL REFERENCES text_blocks(id),
    block_offset   INTEGER NOT NULL,
    length         INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_call ON messages(call_key);
CREATE INDEX IF NOT EXISTS messages_time ON messages(ts_us);
CREATE TABLE IF NOT EXISTS transactions (
    id            INTEGER PRIMARY KEY,
    call_key      INTEGER NOT NULL,
    method_id     INTEGER REFERENCES strings(id),
    start_us      INTEGER NOT NULL,
    first_provisional_us INTEGER,
    final_us      INTEGER,
    final_status  INTEGER,
    requests      INTEGER NOT NULL,
    responses     INTEGER NOT NULL,
    cancelled_key INTEGER,
    orphan        INTEGER NOT NULL,
    rfc2543       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dialogs (
    id            INTEGER PRIMARY KEY,
    call_key      INTEGER NOT NULL,
    from_tag      TEXT NOT NULL,
    to_tag        TEXT NOT NULL,
    state         TEXT NOT NULL,
    created_us    INTEGER NOT NULL,
    confirmed_us  INTEGER,
    terminated_us INTEGER
);
CREATE TABLE IF NOT EXISTS registrations (
    transaction_key INTEGER PRIMARY KEY,
    call_key        INTEGER NOT NULL,
    aor             TEXT NOT NULL,
    contact         TEXT NOT NULL,
    expires         INTEGER,
    granted_expires INTEGER,
    status          INTEGER NOT NULL,
    request_us      INTEGER NOT NULL,
    response_us     INTEGER NOT NULL,
    bindings        TEXT
);
CREATE INDEX IF NOT EXISTS registrations_aor ON registrations(aor);
CREATE TABLE IF NOT EXISTS subscriptions (
    id             INTEGER PRIMARY KEY,
    call_key       INTEGER NOT NULL,
    method         TEXT NOT NULL,
    event          TEXT NOT NULL,
    event_id       TEXT,
    resource       TEXT NOT NULL,
    subscriber     TEXT NOT NULL,
    dialog_key     INTEGER,
    state          TEXT,
    reason         TEXT,
    expires        INTEGER,
    granted_expires INTEGER,
    state_expires  INTEGER,
    status         INTEGER,
    requests       INTEGER NOT NULL,
    notifies       INTEGER NOT NULL,
    etag           TEXT,
    if_match       TEXT,
    start_us       INTEGER NOT NULL,
    last_us        INTEGER NOT NULL,
    terminated_us  INTEGER
);
CREATE INDEX IF NOT EXISTS subscriptions_call ON subscriptions(call_key);
CREATE TABLE IF NOT EXISTS call_links (
    call_key        INTEGER NOT NULL,
    linked_call_key INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    detail          TEXT,
    PRIMARY KEY (call_key, linked_call_key, kind)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS call_links_linked ON call_links(linked_call_key);
CREATE TABLE IF NOT EXISTS media (
    message_id  INTEGER NOT NULL,
    media_index INTEGER NOT NULL,
    call_key    INTEGER,
    role        TEXT,
    type        TEXT NOT NULL,
    port        INTEGER NOT NULL,
    proto       TEXT NOT NULL,
    address     TEXT,
    direction   TEXT NOT NULL,
    codecs      TEXT NOT NULL,
    ptime       INTEGER,
    PRIMARY KEY (message_id, media_index)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS streams (
    id                   INTEGER PRIMARY KEY,
    call_key             INTEGER,
    media_index          INTEGER,
    sender               TEXT,
    src_id               INTEGER NOT NULL REFERENCES endpoints(id),
    dst_id               INTEGER NOT NULL REFERENCES endpoints(id),
    ssrc                 INTEGER NOT NULL,
    ssrc_changes         INTEGER NOT NULL,
    payload_type         INTEGER NOT NULL,
    codec_id             INTEGER REFERENCES strings(id),
    clock_rate           INTEGER,
    first_us             INTEGER NOT NULL,
    last_us              INTEGER NOT NULL,
    packets              INTEGER NOT NULL,
    bytes                INTEGER NOT NULL,
    expected             INTEGER NOT NULL,
    lost                 INTEGER NOT NULL,
    duplicates           INTEGER NOT NULL,
    out_of_order         INTEGER NOT NULL,
    wraps                INTEGER NOT NULL,
    restarts             INTEGER NOT NULL,
    markers              INTEGER NOT NULL,
    late_packets         INTEGER NOT NULL,
    max_delta_ms         REAL NOT NULL,
    mean_jitter_ms       REAL NOT NULL,
    max_jitter_ms        REAL NOT NULL,
    dtmf                 TEXT,
    rtcp_packets         INTEGER NOT NULL,
    rtcp_reports         INTEGER NOT NULL,
    rtcp_lost_percent    REAL,
    rtcp_cumulative_lost INTEGER,
    rtcp_jitter_ms       REAL,
    rtt_ms               REAL,
    mos                  REAL,
    flags                INTEGER NOT NULL,
    capture_id           INTEGER REFERENCES captures(id),
    series               BLOB
);
CREATE INDEX IF NOT EXISTS streams_call ON streams(call_key);
CREATE INDEX IF NOT EXISTS streams_capture ON streams(capture_id);
CREATE INDEX IF NOT EXISTS streams_dst ON streams(dst_id);
CREATE TABLE IF NOT EXISTS findings (
    id          INTEGER PRIMARY KEY,
    call_key    INTEGER,
    ts_us       INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    severity    TEXT NOT NULL,
    message_id  INTEGER,
    message_ids TEXT,
    source_id   INTEGER REFERENCES endpoints(id),
    explanation TEXT NOT NULL,
    rfc         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_call ON findings(call_key);
CREATE TABLE IF NOT EXISTS message_counts (
    method_id INTEGER NOT NULL,
    status    INTEGER NOT NULL,
    reason_id INTEGER NOT NULL,
    flags     INTEGER NOT NULL,
    messages  INTEGER NOT NULL,
    PRIMARY KEY (method_id, status, reason_id, flags)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS call_froms (
    from_uri  TEXT NOT NULL,
    from_user TEXT NOT NULL,
    PRIMARY KEY (from_uri, from_user)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS id_ranges (
    space   TEXT PRIMARY KEY,
    next_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS host_counts (
    host_id        INTEGER PRIMARY KEY,
    sent           INTEGER NOT NULL,
    received       INTEGER NOT NULL,
    requests_sent  INTEGER NOT NULL,
    responses_sent INTEGER NOT NULL,
    failures_sent  INTEGER NOT NULL
);
)sql";

// id_ranges: for each table whose ids the writers choose (calls, messages, text_blocks, captures), the first id no
// writer has claimed. A writer claims a range of ids at a time (store/detail/id_ranges.cpp), so several writers
// -- capture points writing one PostgreSQL database -- never choose the same id.
// call_froms: the distinct (from_uri, from_user) pairs of the calls, kept by the writer; `--from` (a contains-match)
// tests these few rows and then finds the calls of the matching pairs through the calls_from index.
// message_counts and host_counts: what `stats` without a filter needs from the messages table, kept by the writer
// in each batch's transaction (store/batch_writer.cpp) so that it reads a few hundred rows instead of every message.
// message_counts: messages by method_id, status, reason_id (0 for NULL) and their CountedFlags (valid,
// retransmission, a failure another hop already carried);
// host_counts: per endpoint, messages sent and received, requests, responses and failures sent (a failure: a
// 4xx-6xx response other than 401/407, not a retransmission). A database whose messages were written without them
// gets them filled once from the messages, by this statement.
std::string fillCountsSql() {
    return R"sql(
DELETE FROM message_counts;
DELETE FROM host_counts;
DELETE FROM call_froms;
INSERT INTO call_froms(from_uri, from_user) SELECT DISTINCT from_uri, from_user FROM calls;
INSERT INTO message_counts(method_id, status, reason_id, flags, messages)
    SELECT coalesce(method_id, 0), coalesce(status, 0), coalesce(reason_id, 0), )sql" +
           detail::flagBitsSql("flags", detail::CountedFlags) + R"sql(, count(*) FROM messages
    GROUP BY 1, 2, 3, 4;
INSERT INTO host_counts(host_id, sent, received, requests_sent, responses_sent, failures_sent)
    SELECT host, sum(sent), sum(received), sum(request), sum(response), sum(failure) FROM (
        SELECT src_id AS host, 1 AS sent, 0 AS received, CASE WHEN method_id IS NOT NULL THEN 1 ELSE 0 END AS request,
               CASE WHEN status IS NOT NULL THEN 1 ELSE 0 END AS response,
               CASE WHEN )sql" +
           detail::failureSql("", detail::FlagRetransmission) + R"sql( THEN 1 ELSE 0 END AS failure
        FROM messages
        UNION ALL SELECT dst_id, 0, 1, 0, 0, 0 FROM messages) AS sides
    GROUP BY host;
)sql";
}

// Every message in time order (store/reader.cpp): `messages --limit 50` reads 50 index entries instead of sorting
// every message (7 s of CPU on a million calls). One call's messages are few: messages_call finds them, a sort orders
// them. Its inserts land at the end of the index (packets come in time order), so it costs the writer little.
constexpr const char* MessageTimeIndexSql = "CREATE INDEX IF NOT EXISTS messages_time ON messages(ts_us)";

// How a database of an older schema is brought to the current one. Each step adds the columns its version
// introduced (ALTER TABLE ... ADD COLUMN, which SQLite does without rewriting the table); the tables and indexes a
// version introduced are created afterwards by SchemaSql itself, whose statements all say IF NOT EXISTS. A schema
// change therefore means: edit SchemaSql, bump SchemaVersion, and append a step here with the new columns.
struct Migration {
    int fromVersion;
    const char* sql;
};
constexpr Migration Migrations[] = {
    {1, R"sql(
ALTER TABLE calls ADD COLUMN attempt_us INTEGER;
ALTER TABLE calls ADD COLUMN first_provisional_us INTEGER;
ALTER TABLE calls ADD COLUMN final_us INTEGER;
ALTER TABLE calls ADD COLUMN answered_us INTEGER;
ALTER TABLE calls ADD COLUMN bye_us INTEGER;
ALTER TABLE calls ADD COLUMN bye_answered_us INTEGER;
ALTER TABLE calls ADD COLUMN ended_by TEXT;
ALTER TABLE calls ADD COLUMN reason TEXT;
ALTER TABLE calls ADD COLUMN early_media INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN reinvites INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN holds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN resumes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN glare INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN records_dropped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN transaction_key INTEGER;
ALTER TABLE messages ADD COLUMN dialog_key INTEGER;
)sql"},
    {2, R"sql(
ALTER TABLE captures ADD COLUMN content_hash INTEGER;
ALTER TABLE calls ADD COLUMN kind TEXT NOT NULL DEFAULT 'other';
ALTER TABLE registrations ADD COLUMN bindings TEXT;
UPDATE calls SET kind = CASE (SELECT text FROM strings WHERE id = calls.method_id)
    WHEN 'INVITE' THEN 'call' WHEN 'REGISTER' THEN 'registration' WHEN 'SUBSCRIBE' THEN 'subscription'
    WHEN 'NOTIFY' THEN 'subscription' WHEN 'OPTIONS' THEN 'options' WHEN 'MESSAGE' THEN 'message'
    WHEN 'PUBLISH' THEN 'publish' WHEN 'REFER' THEN 'refer' WHEN 'INFO' THEN 'info' ELSE 'other' END;
)sql"},
    // 3 -> 4: the streams table (issue 15), new and so created whole by SchemaSql; no column of an older table.
    {3, ""},
    // 4 -> 5: each stream's capture. Streams written before it get the capture of their call's first message, or
    // the database's only capture; an unassociated stream among several captures stays NULL (unknown).
    {4, R"sql(
ALTER TABLE streams ADD COLUMN capture_id INTEGER REFERENCES captures(id);
UPDATE streams SET capture_id = (SELECT m.capture_id FROM messages m WHERE m.call_key = streams.call_key
    ORDER BY m.ts_us, m.id LIMIT 1) WHERE call_key IS NOT NULL;
UPDATE streams SET capture_id = (SELECT min(id) FROM captures)
    WHERE capture_id IS NULL AND (SELECT count(*) FROM captures) = 1;
)sql"},
    // 5 -> 6: the findings table (issue 16), new and so created whole by SchemaSql. A database imported before
    // has no findings: import its captures again to get them.
    {5, ""},
    // 6 -> 7: each stream's jitter/loss timeline (issue 15). Streams written before have none (NULL).
    {6, "ALTER TABLE streams ADD COLUMN series BLOB;"},
    // 7 -> 8: id_ranges (issue 17), new and so created whole by SchemaSql. Its ranges start past the largest id of
    // each table, whatever id_ranges says, so a database written before it needs nothing more.
    {7, ""},
};

// SchemaSql in PostgreSQL's types: 64-bit integers, doubles and bytea; ids that nobody chooses given by an
// identity; no foreign keys enforced (SQLite does not enforce them either, and rows of one batch name rows written
// later in it); every table is an ordinary one (WITHOUT ROWID is SQLite's storage choice).
std::string postgresSql(std::string sql) {
    sql = std::regex_replace(sql, std::regex(R"(\bINTEGER PRIMARY KEY\b)"),
                             "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    sql = std::regex_replace(sql, std::regex(R"(\bINTEGER\b)"), "BIGINT");
    sql = std::regex_replace(sql, std::regex(R"(\bREAL\b)"), "DOUBLE PRECISION");
    sql = std::regex_replace(sql, std::regex(R"(\bBLOB\b)"), "BYTEA");
    sql = std::regex_replace(sql, std::regex(R"( REFERENCES \w+\(\w+\))"), "");
    return std::regex_replace(sql, std::regex(R"(\) WITHOUT ROWID;)"), ");");
}

std::string postgresSchemaSql() {
    // SQLite's instr(haystack, needle), which the reader's contains-filters use, as PostgreSQL's strpos.
    return postgresSql(SchemaSql) +
           "CREATE OR REPLACE FUNCTION instr(text, text) RETURNS integer LANGUAGE sql IMMUTABLE AS "
           "'SELECT strpos($1, $2)';\n";
}

// Any number of writers may open one PostgreSQL database at once: the first creates the schema while the others
// wait on this lock (a transaction-scoped advisory lock, released at COMMIT).
constexpr const char* PostgresSchemaLockSql = "SELECT pg_advisory_xact_lock(7434773)";

}  // namespace

bool isPostgresDatabase(const std::string& name) { return detail::isPostgresName(name); }

std::string databaseName(const std::string& name) {
    return detail::isPostgresName(name) ? detail::withoutPassword(name) : name;
}

Database::Database(const std::string& path, Mode mode) : m_isPostgres(detail::isPostgresName(path)) {
    const bool readOnly = mode == Mode::ReadOnly;
    m_db = m_isPostgres ? detail::openPostgres(path, readOnly) : detail::openSqlite(path, readOnly);
    m_path = m_db->name();
    createOrCheckSchema(mode);
}

Database::~Database() = default;

void Database::exec(const std::string& sql) { m_db->exec(sql); }

void Database::createOrCheckSchema(Mode mode) {
    auto readVersion = [this]() -> int {
        if (!hasTable("meta"))
            return -1;
        detail::Statement stmt(*m_db, "SELECT value FROM meta WHERE key = 'schema_version'");
        return stmt.step() ? std::stoi(stmt.columnText(0)) : -1;
    };
    int version = readVersion();
    if (mode == Mode::ReadOnly) {
        if (version < 0)
            throw Error(m_path +
                        ": not a sipscope database (no schema version); "
                        "create one with: sipscope import FILE --db " +
                        m_path);
    } else if (version < 0) {
        m_db->beginWrite();
        try {
            if (m_isPostgres)
                exec(PostgresSchemaLockSql);
            version = readVersion();  // another writer may have created it while this one waited
            if (version < 0) {
                exec(schemaSql());
                exec("INSERT INTO meta(key, value) VALUES ('schema_version', '" + std::to_string(SchemaVersion) + "')");
                version = SchemaVersion;
            }
            exec("COMMIT");
        } catch (...) {
            m_db->rollbackQuietly();
            throw;
        }
    }
    if (version > SchemaVersion)
        throw Error(m_path + ": database schema version " + std::to_string(version) +
                    " is newer than this sipscope understands (" + std::to_string(SchemaVersion) +
                    "); use a newer sipscope");
    if (version < SchemaVersion && mode == Mode::ReadOnly)
        throw Error(m_path + ": database schema version " + std::to_string(version) + " is older than " +
                    std::to_string(SchemaVersion) + "; upgrade it once with: sipscope migrate --db " + m_path);
    if (version < SchemaVersion) {
        migrate(version);
    } else if (mode != Mode::ReadOnly && hasTable("call_froms") && !hasIndex("calls_from")) {
        // An import into a fresh database builds calls_from at its end (store/batch_writer.cpp); one that was
        // killed before then left the database without it, and `calls --from` scanning every call.
        exec(Database::CallsFromIndexSql);
    } else if (mode != Mode::ReadOnly && (!hasTable("message_counts") || !hasTable("call_froms"))) {
        // Written by a development build of this schema version from before the count tables.
        m_db->beginWrite();
        try {
            exec(schemaSql());
            exec(fillCountsSql());
            exec("COMMIT");
        } catch (...) {
            m_db->rollbackQuietly();
            throw;
        }
    }
    if (mode != Mode::ReadOnly && (!hasIndex("messages_time") || !hasIndex("messages_call"))) {
        // A database of this version written before messages were read in time order: built once, by the first
        // read-write open (an import, `sipscope migrate`); until then readers sort. (A development build had
        // messages_call_time in place of both.)
        exec("DROP INDEX IF EXISTS messages_call_time");
        exec("CREATE INDEX IF NOT EXISTS messages_call ON messages(call_key)");
        exec(MessageTimeIndexSql);
    }
    if (mode != Mode::ReadOnly &&
        (hasIndex("transactions_call") || hasIndex("dialogs_call") || hasIndex("media_call"))) {
        // Indexes that earlier databases kept for one call's records: a call's transactions and dialogs are the
        // range of ids (call key << 16) + n, its media rows those of its messages (messages_call), so the writer no
        // longer keeps 600,000 index entries per 100,000 calls up to date (issue 14). Dropped at the next
        // read-write open; readers never used them since.
        exec("DROP INDEX IF EXISTS transactions_call");
        exec("DROP INDEX IF EXISTS dialogs_call");
        exec("DROP INDEX IF EXISTS media_call");
    }
    if (mode != Mode::ReadOnly && hasTable("streams") && !hasIndex("streams_dst")) {
        // The streams to an address (store/detail/stream_queries.cpp: a B2BUA's other leg, for the media verdict of
        // a call that looks one-way): a database of this version written before it gets it at its next read-write
        // open; until then readers scan the streams.
        exec("CREATE INDEX IF NOT EXISTS streams_dst ON streams(dst_id)");
    }
}

std::string Database::schemaSql() const { return m_isPostgres ? postgresSchemaSql() : std::string(SchemaSql); }

bool Database::hasIndex(const char* name) { return m_db->hasIndex(name); }

bool Database::hasTable(const char* name) { return m_db->hasTable(name); }

// Runs a step's statements one by one, skipping "ALTER TABLE t ..." and "UPDATE t ..." when t does not exist yet: a
// table that a later version introduced is created whole, new columns included, by SchemaSql afterwards.
void Database::execMigrationStep(const char* sql) {
    std::string_view rest(sql);
    while (!rest.empty()) {
        const std::size_t end = rest.find(';');
        std::string statement(rest.substr(0, end == std::string_view::npos ? rest.size() : end + 1));
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
        const std::size_t first = statement.find_first_not_of(" \t\r\n");
        if (first == std::string::npos)
            continue;
        for (const std::string_view verb : {std::string_view("ALTER TABLE "), std::string_view("UPDATE ")}) {
            if (statement.compare(first, verb.size(), verb) != 0)
                continue;
            const std::size_t nameStart = first + verb.size();
            const std::string table = statement.substr(nameStart, statement.find(' ', nameStart) - nameStart);
            if (!hasTable(table.c_str()))
                statement.clear();
            break;
        }
        if (!statement.empty())
            exec(m_isPostgres ? postgresSql(statement) : statement);
    }
}

void Database::migrate(int fromVersion) {
    // One transaction: a failed or interrupted migration leaves the database as it was.
    m_db->beginWrite();
    try {
        for (const Migration& step : Migrations)
            if (step.fromVersion >= fromVersion)
                execMigrationStep(step.sql);
        exec(schemaSql());
        exec(fillCountsSql());  // the count tables are new to every older version
        exec("UPDATE meta SET value = '" + std::to_string(SchemaVersion) + "' WHERE key = 'schema_version'");
        exec("COMMIT");
    } catch (...) {
        m_db->rollbackQuietly();
        throw;
    }
}

}  // namespace sipscope::store
