// Text forms of transports, addresses and endpoints, as the JSON output and the ladder print them.
#include "capture/packet.hpp"

#include "common/concat.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

namespace sipscope::capture {

std::string_view transportName(Transport transport) {
    switch (transport) {
    case Transport::Udp: return "udp";
    case Transport::Tcp: return "tcp";
    case Transport::Tls: return "tls";
    case Transport::Ws: return "ws";
    case Transport::Wss: return "wss";
    case Transport::Sctp: return "sctp";
    }
    return "unknown";
}

IpAddress IpAddress::v4(std::uint32_t hostOrder) {
    IpAddress address;
    address.version = 4;
    address.bytes[0] = static_cast<std::uint8_t>(hostOrder >> 24);
    address.bytes[1] = static_cast<std::uint8_t>(hostOrder >> 16);
    address.bytes[2] = static_cast<std::uint8_t>(hostOrder >> 8);
    address.bytes[3] = static_cast<std::uint8_t>(hostOrder);
    return address;
}

namespace {

std::string dottedQuad(const std::uint8_t* bytes) {
    char text[16];
    std::snprintf(text, sizeof text, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
    return text;
}

std::string ipv6Text(const std::array<std::uint8_t, 16>& bytes) {
    std::uint16_t groups[8];
    for (std::size_t i = 0; i < 8; ++i)
        groups[i] = static_cast<std::uint16_t>((bytes[2 * i] << 8) | bytes[2 * i + 1]);

    // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad in the last 32 bits.
    bool isV4Mapped = groups[5] == 0xffff;
    for (int i = 0; i < 5; ++i)
        isV4Mapped = isV4Mapped && groups[i] == 0;
    if (isV4Mapped)
        return "::ffff:" + dottedQuad(bytes.data() + 12);

    // RFC 5952 §4.2: "::" replaces the longest run of two or more zero groups, the first one on a tie.
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8;) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && groups[j] == 0)
            ++j;
        if (j - i > bestLength) {
            bestStart = i;
            bestLength = j - i;
        }
        i = j;
    }

    std::string text;
    char group[8];
    for (int i = 0; i < 8; ++i) {
        if (i == bestStart) {
            text += "::";
            i += bestLength - 1;
            continue;
        }
        if (!text.empty() && text.back() != ':')
            text += ':';
        // RFC 5952 §4.1 and §4.3: no leading zeros, lower-case hexadecimal.
        std::snprintf(group, sizeof group, "%x", groups[i]);
        text += group;
    }
    return text;
}

}  // namespace

std::string IpAddress::toString() const { return version == 6 ? ipv6Text(bytes) : dottedQuad(bytes.data()); }

std::string Endpoint::toString() const {
    const std::string portText = std::to_string(port);
    return ip.version == 6 ? concat("[", ip.toString(), "]:", portText) : concat(ip.toString(), ":", portText);
}

std::string Host::toString() const { return port ? Endpoint{ip, *port}.toString() : ip.toString(); }

std::optional<IpAddress> parseIpAddress(std::string_view text) {
    // inet_pton reads exactly the dotted quad (no octal, no leading zeros, four parts) and RFC 4291 §2.2's IPv6 text;
    // it wants a terminated string, copied here without allocating (the longest IPv6 text has 45 characters).
    char copy[INET6_ADDRSTRLEN];
    if (text.empty() || text.size() >= sizeof copy)
        return std::nullopt;
    std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    IpAddress address;
    if (inet_pton(AF_INET, copy, address.bytes.data()) == 1) {
        address.version = 4;
        return address;
    }
    address.bytes = {};
    if (inet_pton(AF_INET6, copy, address.bytes.data()) == 1) {
        address.version = 6;
        return address;
    }
    return std::nullopt;
}

namespace {

// A decimal port 0..65535: one to five digits.
std::optional<std::uint16_t> parsePort(std::string_view text) {
    if (text.empty() || text.size() > 5)
        return std::nullopt;
    std::uint32_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

}  // namespace

std::optional<Host> parseHost(std::string_view text) {
    if (!text.empty() && text.front() == '[') {
        // "[v6]" or "[v6]:port": brackets hold an IPv6 address only.
        const auto close = text.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        const auto ip = parseIpAddress(text.substr(1, close - 1));
        if (!ip || ip->version != 6)
            return std::nullopt;
        const std::string_view rest = text.substr(close + 1);
        if (rest.empty())
            return Host{*ip, std::nullopt};
        const auto port = rest.front() == ':' ? parsePort(rest.substr(1)) : std::nullopt;
        if (!port)
            return std::nullopt;
        return Host{*ip, port};
    }
    if (const auto ip = parseIpAddress(text))
        return Host{*ip, std::nullopt};  // a dotted quad, or a bare IPv6 address
    // "ip:port": an IPv4 address (an IPv6 one with a port is bracketed).
    const auto colon = text.find(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    const auto ip = parseIpAddress(text.substr(0, colon));
    const auto port = parsePort(text.substr(colon + 1));
    if (!ip || ip->version != 4 || !port)
        return std::nullopt;
    return Host{*ip, port};
}

std::optional<Endpoint> parseEndpoint(std::string_view text) {
    const auto host = parseHost(text);
    if (!host || !host->port)
        return std::nullopt;
    return Endpoint{host->ip, *host->port};
}

}  // namespace sipscope::capture
