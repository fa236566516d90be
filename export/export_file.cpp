// Exports go to a temporary file renamed into place on success (rename(2) replaces the target in one step).
#include "export/export_file.hpp"

#include "common/error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

namespace sipscope::exports {

namespace {

// Removes the temporary file unless it was renamed into place.
class TemporaryFile {
public:
    explicit TemporaryFile(std::string path) : m_path(std::move(path)) {}
    ~TemporaryFile() {
        if (!m_path.empty())
            ::unlink(m_path.c_str());
    }
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
    const std::string& path() const { return m_path; }
    void release() { m_path.clear(); }

private:
    std::string m_path;
};

Error cannotWrite(const std::string& path, int error) {
    return Error(path + ": cannot write: " + std::strerror(error) + " (nothing was written; the file is unchanged)");
}

}  // namespace

int writeExportFile(const std::string& path, const std::function<int(std::ostream&)>& write) {
    if (path == "-")
        return write(std::cout);
    struct stat existing {};
    const bool exists = ::stat(path.c_str(), &existing) == 0;
    if (exists && !S_ISREG(existing.st_mode)) {
        std::ofstream file(path, std::ios::binary);
        if (!file)
            throw cannotWrite(path, errno);
        const int code = write(file);
        file.close();
        if (!file)
            throw Error(path + ": write failed: " + std::strerror(errno));
        return code;
    }
    const std::filesystem::path target(path);
    const std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    std::string hidden = ".";
    hidden.append(target.filename().string()).append(".XXXXXX");
    const std::string pattern = (folder / hidden).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    const int fd = ::mkstemp(name.data());
    if (fd < 0)
        throw cannotWrite(path, errno);
    TemporaryFile temporary(name.data());
    mode_t mode = 0;
    if (exists) {
        mode = existing.st_mode & 07777;
    } else {
        const mode_t mask = ::umask(0);
        ::umask(mask);
        mode = 0666 & ~mask;
    }
    ::fchmod(fd, mode);
    ::close(fd);
    std::ofstream file(temporary.path(), std::ios::binary | std::ios::trunc);
    if (!file)
        throw cannotWrite(path, errno);
    const int code = write(file);
    file.close();
    if (!file)
        throw Error(path + ": write failed: " + std::strerror(errno) + " (the file is unchanged)");
    if (code != 0)
        return code;  // the temporary file goes; the old file stays
    // On disk before the rename, so a crash leaves the old file or the new one, never an empty one.
    if (const int sync = ::open(temporary.path().c_str(), O_RDONLY); sync >= 0) {
        ::fsync(sync);
        ::close(sync);
    }
    if (::rename(temporary.path().c_str(), path.c_str()) != 0)
        throw cannotWrite(path, errno);
    temporary.release();
    return code;
}

}  // namespace sipscope::exports
