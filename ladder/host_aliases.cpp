// Alias files: one "ADDRESS = NAME" per line. Addresses are made canonical (inet_ntop) so that any spelling of an
// IPv6 address matches the store's.
#include "ladder/host_aliases.hpp"

#include "common/error.hpp"

#include <arpa/inet.h>

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

// Canonical text of an IP address, or nullopt.
std::optional<std::string> canonicalIp(std::string_view text, bool& isV6) {
    const std::string copy(text);
    unsigned char bytes[16];
    char buffer[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET, copy.c_str(), bytes) == 1) {
        isV6 = false;
        return std::string(inet_ntop(AF_INET, bytes, buffer, sizeof buffer));
    }
    if (inet_pton(AF_INET6, copy.c_str(), bytes) == 1) {
        isV6 = true;
        return std::string(inet_ntop(AF_INET6, bytes, buffer, sizeof buffer));
    }
    return std::nullopt;
}

// "ip", "ip:port", "v6", "[v6]", "[v6]:port" made canonical; nullopt when it is none of them.
std::optional<std::string> canonicalEndpoint(std::string_view text) {
    bool isV6 = false;
    if (auto ip = canonicalIp(text, isV6))
        return ip;
    std::string_view host = text;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        host = text.substr(1, close - 1);
        if (close + 1 < text.size()) {
            if (text[close + 1] != ':')
                return std::nullopt;
            port = text.substr(close + 2);
        }
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos)
            return std::nullopt;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    auto ip = canonicalIp(host, isV6);
    if (!ip)
        return std::nullopt;
    if (port.empty())
        return ip;
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
        std::atoi(std::string(port).c_str()) > 65535)
        return std::nullopt;
    const std::string portText = std::to_string(std::atoi(std::string(port).c_str()));
    return isV6 ? "[" + *ip + "]:" + portText : *ip + ":" + portText;
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
        const auto address = canonicalEndpoint(trim(line.substr(0, equals)));
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

bool HostAliases::rename(std::string_view address, std::string name) {
    const std::optional<std::string> canonical = canonicalEndpoint(trim(address));
    if (!canonical)
        return false;
    if (name.empty())
        m_names.erase(*canonical);
    else
        m_names[*canonical] = name.substr(0, MaxNameBytes);
    return true;
}

std::string HostAliases::lookup(const std::string& endpoint) const {
    if (m_names.empty())
        return {};
    const auto canonical = canonicalEndpoint(endpoint);
    if (!canonical)
        return {};
    if (const auto it = m_names.find(*canonical); it != m_names.end())
        return it->second;
    // The address alone.
    std::string ip = *canonical;
    if (!ip.empty() && ip.front() == '[')
        ip = ip.substr(1, ip.find(']') - 1);
    else if (ip.find(':') != std::string::npos && ip.find(':') == ip.rfind(':'))
        ip = ip.substr(0, ip.find(':'));
    if (const auto it = m_names.find(ip); it != m_names.end())
        return it->second;
    return {};
}

}  // namespace sipscope::ladder
