// Alias files: one "ADDRESS = NAME" per line, each address read as a value (capture::parseHost), so any spelling of
// an IPv6 address names the same host.
#include "ladder/host_aliases.hpp"

#include "common/error.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

namespace sipscope::ladder {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

}  // namespace

HostAliases HostAliases::parse(std::string_view text, const std::string& fileName) {
    HostAliases aliases;
    std::size_t lineNumber = 0;
    while (!text.empty()) {
        ++lineNumber;
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (const auto hash = line.find('#'); hash != std::string_view::npos)
            line = line.substr(0, hash);
        line = trim(line);
        if (line.empty())
            continue;
        const std::string where = fileName + ":" + std::to_string(lineNumber) + ": ";
        const auto equals = line.find('=');
        if (equals == std::string_view::npos)
            throw Error(where + "expected 'ADDRESS = NAME' (e.g. 10.0.0.1:5060 = sbc-a)");
        const auto address = capture::parseHost(trim(line.substr(0, equals)));
        if (!address)
            throw Error(where + "'" + std::string(trim(line.substr(0, equals))) +
                        "' is not an address: use 10.0.0.1, 10.0.0.1:5060, 2001:db8::1 or [2001:db8::1]:5060");
        const std::string_view name = trim(line.substr(equals + 1));
        if (name.empty() || name.size() > MaxNameBytes)
            throw Error(where + "a name must have 1 to " + std::to_string(MaxNameBytes) + " bytes");
        aliases.m_names[*address] = std::string(name);
    }
    return aliases;
}

HostAliases HostAliases::load(const std::string& path) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    if (error)
        throw Error(path + ": cannot read the aliases file: " + error.message());
    if (size > MaxFileBytes)
        throw Error(path + ": an aliases file may have at most " + std::to_string(MaxFileBytes) + " bytes");
    std::ifstream in(path, std::ios::binary);
    std::string text(static_cast<std::size_t>(size), '\0');
    if (!in.read(text.data(), static_cast<std::streamsize>(size)))
        throw Error(path + ": cannot read the aliases file");
    return parse(text, path);
}

std::string HostAliases::defaultPath() {
    std::error_code ignored;
    if (std::filesystem::is_regular_file("sipscope.aliases", ignored))
        return "sipscope.aliases";
    std::filesystem::path config;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        config = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home)
        config = std::filesystem::path(home) / ".config";
    else
        return {};
    const auto path = config / "sipscope" / "aliases";
    return std::filesystem::is_regular_file(path, ignored) ? path.string() : std::string();
}

void HostAliases::rename(const capture::Host& host, std::string name) {
    if (name.empty())
        m_names.erase(host);
    else
        m_names[host] = name.substr(0, MaxNameBytes);
}

std::string HostAliases::lookup(const capture::Host& host) const {
    if (const auto it = m_names.find(host); it != m_names.end())
        return it->second;
    if (host.port)  // the address alone
        if (const auto it = m_names.find(capture::Host{host.ip, std::nullopt}); it != m_names.end())
            return it->second;
    return {};
}

}  // namespace sipscope::ladder
