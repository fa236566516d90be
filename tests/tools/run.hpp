// Test helpers: run a command and capture its output and exit code; make and remove temporary folders.
#pragma once

#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace sipscope::test {

struct CommandResult {
    int exitCode = -1;
    std::string out;  // standard output; standard error too when merged
};

// Runs `command` through /bin/sh. `mergeStderr` appends 2>&1.
inline CommandResult runCommand(const std::string& command, bool mergeStderr = false) {
    CommandResult result;
    FILE* pipe = popen((command + (mergeStderr ? " 2>&1" : "")).c_str(), "r");
    if (!pipe)
        return result;
    std::array<char, 65536> buffer{};
    std::size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        result.out.append(buffer.data(), n);
    const int status = pclose(pipe);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

inline std::string quote(const std::string& text) {
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// The PostgreSQL database the store's tests run against as well (a libpq URL), when CTest started a throwaway
// cluster for them (tests/tools/postgres_cluster.sh sets SIPSCOPE_TEST_POSTGRES); empty otherwise.
inline std::string testPostgresUrl() {
    const char* url = std::getenv("SIPSCOPE_TEST_POSTGRES");
    return url ? url : "";
}

// A temporary directory removed at scope exit.
class TempDir {
public:
    TempDir() {
        std::random_device random;
        m_id = std::to_string(random());
        m_path = std::filesystem::temp_directory_path() / ("sipscope-test-" + m_id);
        std::filesystem::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
        for (const std::string& schema : m_schemas)
            runCommand("psql -q " + quote(testPostgresUrl()) + " -c " + quote("DROP SCHEMA " + schema + " CASCADE"),
                       true);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return (m_path / name).string(); }

    // The --db of a test: the SQLite file `name` in this folder or, when the tests run against PostgreSQL too
    // (testPostgresUrl()), a schema of this folder's own in that database, new and empty, dropped at scope exit --
    // the same test, against the other backend.
    std::string database(const std::string& name = "db") const {
        const std::string url = testPostgresUrl();
        if (url.empty())
            return file(name);
        std::string schema = "t" + m_id + "_";
        for (const char c : name)
            schema += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
        if (std::find(m_schemas.begin(), m_schemas.end(), schema) == m_schemas.end()) {
            runCommand("psql -q " + quote(url) + " -c " + quote("CREATE SCHEMA " + schema), true);
            m_schemas.push_back(schema);
        }
        return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
    }

private:
    std::filesystem::path m_path;
    std::string m_id;
    mutable std::vector<std::string> m_schemas;
};

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace sipscope::test
