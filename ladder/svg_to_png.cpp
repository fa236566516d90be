// Runs rsvg-convert without a shell (posix_spawnp) on a private temporary folder.
#include "ladder/svg_to_png.hpp"

#include "common/error.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

extern char** environ;

namespace sipscope::ladder {

namespace {

// A folder from mkdtemp, removed with what is in it.
class TemporaryFolder {
public:
    TemporaryFolder() {
        std::error_code ignored;
        std::string pattern = (std::filesystem::temp_directory_path(ignored) / "sipscope-png-XXXXXX").string();
        if (!mkdtemp(pattern.data()))
            throw Error("cannot make a temporary folder for the PNG in " + pattern + ": " + std::strerror(errno));
        m_path = pattern;
    }
    ~TemporaryFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    std::string file(const char* name) const { return (m_path / name).string(); }

private:
    std::filesystem::path m_path;
};

}  // namespace

std::string renderSvgToPng(const std::string& svg) {
    TemporaryFolder folder;
    const std::string input = folder.file("ladder.svg");
    const std::string output = folder.file("ladder.png");
    {
        std::ofstream file(input, std::ios::binary);
        file << svg;
        if (!file.flush())
            throw Error(input + ": cannot write the SVG to convert");
    }
    std::vector<std::string> arguments = {PngRenderer, "--format=png", "--background-color=white", "--output=" + output,
                                          input};
    std::vector<char*> argv;
    for (std::string& argument : arguments)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, PngRenderer, nullptr, nullptr, argv.data(), environ);
    if (rc != 0) {
        if (rc == ENOENT)
            throw Error(std::string("PNG export needs ") + PngRenderer +
                        ", which is not installed: install the "
                        "Debian package " +
                        PngRendererPackage + " (apt-get install " + PngRendererPackage + "), or export --format svg");
        throw Error(std::string("cannot run ") + PngRenderer + ": " + std::strerror(rc));
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw Error(std::string(PngRenderer) + " failed (exit status " +
                    std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ") converting the SVG ladder");
    std::ifstream in(output, std::ios::binary);
    std::ostringstream png;
    png << in.rdbuf();
    if (png.str().size() < 8)
        throw Error(std::string(PngRenderer) + " wrote no PNG");
    return png.str();
}

}  // namespace sipscope::ladder
