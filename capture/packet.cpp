// Text forms of transports, addresses and endpoints, as the JSON output and the ladder print them.
#include "capture/packet.hpp"

#include <cstdio>

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
    std::string text = ip.version == 6 ? "[" + ip.toString() + "]" : ip.toString();
    return text + ":" + std::to_string(port);
}

}  // namespace sipscope::capture
