// What capture hands upward: raw link-layer packets, and the transport payloads found inside them.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace sipscope::capture {

enum class Transport : std::uint8_t { Udp = 0, Tcp = 1, Tls = 2, Ws = 3, Wss = 4, Sctp = 5 };

// "udp", "tcp", "tls", "ws", "wss", "sctp": the names the JSON output promises.
std::string_view transportName(Transport transport);

struct IpAddress {
    std::uint8_t version = 4;              // 4 or 6
    std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4 bytes

    static IpAddress v4(std::uint32_t hostOrder);
    std::string toString() const;  // dotted quad, or RFC 5952 text for IPv6
    auto operator<=>(const IpAddress&) const = default;
};

struct Endpoint {
    IpAddress ip;
    std::uint16_t port = 0;

    std::string toString() const;  // "10.0.0.1:5060", "[2001:db8::1]:5060"
    auto operator<=>(const Endpoint&) const = default;
};

// The hash of an endpoint in every hash table keyed by one: the whole 16-byte address, the version and the port,
// mixed so that addresses differing in one byte and consecutive ports spread over every bucket.
struct EndpointHash {
    std::size_t operator()(const Endpoint& endpoint) const {
        std::uint64_t words[2];
        static_assert(sizeof endpoint.ip.bytes == sizeof words, "the hash reads the whole address, 16 bytes");
        std::memcpy(words, endpoint.ip.bytes.data(), sizeof words);
        std::uint64_t h = (words[0] * 0x9e3779b97f4a7c15ULL) ^
                          (words[1] + endpoint.port + (std::uint64_t{endpoint.ip.version} << 16));
        h ^= h >> 29;
        return static_cast<std::size_t>(h * 0xbf58476d1ce4e5b9ULL);
    }
};

// A host as a user names one (an aliases file, a --host filter): an address, with a port or for every port.
struct Host {
    IpAddress ip;
    std::optional<std::uint16_t> port;  // empty: every port of `ip`

    std::string toString() const;  // Endpoint::toString with a port, IpAddress::toString without
    auto operator<=>(const Host&) const = default;
};

// The one parser of address text, the inverse of the toString functions above; nullopt for anything else.
// parseIpAddress: a dotted quad, or an IPv6 address in any spelling RFC 4291 §2.2 allows (RFC 5952's or not), without
// brackets. parseEndpoint: "ip:port" or "[v6]:port", the port 0..65535 in decimal (a bare IPv6 address has none: its
// last group is no port). parseHost: either of them, or "[v6]" (10.0.0.1, 10.0.0.1:5060, 2001:db8::1,
// [2001:db8::1], [2001:db8::1]:5060). None allocates; none accepts spaces.
std::optional<IpAddress> parseIpAddress(std::string_view text);
std::optional<Endpoint> parseEndpoint(std::string_view text);
std::optional<Host> parseHost(std::string_view text);

// Link types we may meet, numbered as LINKTYPE_* in the pcap/pcapng specifications.
enum class LinkType : std::uint32_t {
    Null = 0,
    Ethernet = 1,
    Raw = 101,
    Loop = 108,
    LinuxSll = 113,
    Ipv4 = 228,
    Ipv6 = 229,
    LinuxSll2 = 276,
};

// One captured frame. `bytes` belongs to the packet source and is valid until its next `next()` call.
struct RawPacket {
    std::int64_t timestampUs = 0;  // microseconds since the Unix epoch, UTC
    std::uint32_t linkType = 1;    // LINKTYPE_* of the interface that captured it
    std::string_view bytes;        // the captured bytes (may be shorter than originalLength)
    std::uint32_t originalLength = 0;
    std::uint64_t frameNumber = 0;  // 1-based, as Wireshark numbers frames
};

// One transport payload that may hold SIP: a UDP datagram's data, or one message framed out of a TCP stream.
// Valid only during the callback that receives it.
struct PayloadView {
    std::int64_t timestampUs = 0;
    Endpoint src;
    Endpoint dst;
    Transport transport = Transport::Udp;
    std::string_view bytes;
    std::uint64_t frameNumber = 0;  // the frame that completed the payload (last fragment or segment)
};

}  // namespace sipscope::capture
