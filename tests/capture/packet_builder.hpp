// Builds test frames layer by layer: a payload wrapped in UDP/TCP, IPv4/IPv6, tunnels and link headers.
#pragma once

#include "capture/packet.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::capture::test {

using Bytes = std::vector<std::uint8_t>;

inline void put16(Bytes& out, std::uint32_t value) {
    out.push_back(static_cast<std::uint8_t>(value >> 8));
    out.push_back(static_cast<std::uint8_t>(value));
}

inline void put32(Bytes& out, std::uint32_t value) {
    put16(out, value >> 16);
    put16(out, value & 0xffff);
}

inline Bytes bytesOf(std::string_view text) { return Bytes(text.begin(), text.end()); }

inline Bytes concat(const Bytes& head, const Bytes& tail) {
    // Sized once and copied into: GCC 12 misreads a range insert at the end of a copy as out of bounds
    // (-Warray-bounds).
    Bytes out(head.size() + tail.size());
    std::copy(head.begin(), head.end(), out.begin());
    std::copy(tail.begin(), tail.end(), out.begin() + static_cast<std::ptrdiff_t>(head.size()));
    return out;
}

inline IpAddress ip4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return IpAddress::v4((std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d);
}

inline IpAddress ip6(std::initializer_list<std::uint16_t> groups) {
    IpAddress address;
    address.version = 6;
    std::size_t i = 0;
    for (std::uint16_t group : groups) {
        address.bytes[i++] = static_cast<std::uint8_t>(group >> 8);
        address.bytes[i++] = static_cast<std::uint8_t>(group);
    }
    return address;
}

inline Bytes udp(std::uint16_t srcPort, std::uint16_t dstPort, const Bytes& payload) {
    Bytes out;
    put16(out, srcPort);
    put16(out, dstPort);
    put16(out, static_cast<std::uint32_t>(8 + payload.size()));
    put16(out, 0);
    return concat(out, payload);
}

constexpr std::uint8_t Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, Ack = 0x10;

inline Bytes tcp(std::uint16_t srcPort, std::uint16_t dstPort, std::uint32_t sequence, std::uint8_t flags,
                 const Bytes& payload) {
    Bytes out;
    put16(out, srcPort);
    put16(out, dstPort);
    put32(out, sequence);
    put32(out, 0);
    out.push_back(0x50);  // 20-byte header
    out.push_back(flags);
    put16(out, 65535);
    put32(out, 0);
    return concat(out, payload);
}

// An IPv4 header (with `optionWords` 4-byte NOP options) around `payload`; fragment fields as given.
inline Bytes ipv4(const IpAddress& src, const IpAddress& dst, std::uint8_t protocol, const Bytes& payload,
                  std::uint16_t id = 1, std::uint32_t fragmentOffset = 0, bool hasMoreFragments = false,
                  int optionWords = 0) {
    Bytes out;
    const std::size_t headerLength = 20 + 4 * static_cast<std::size_t>(optionWords);
    out.push_back(static_cast<std::uint8_t>(0x40 | (headerLength / 4)));
    out.push_back(0);
    put16(out, static_cast<std::uint32_t>(headerLength + payload.size()));
    put16(out, id);
    put16(out, (hasMoreFragments ? 0x2000u : 0u) | (fragmentOffset / 8));
    out.push_back(64);
    out.push_back(protocol);
    put16(out, 0);  // checksum, ignored by the decoder
    out.insert(out.end(), src.bytes.begin(), src.bytes.begin() + 4);
    out.insert(out.end(), dst.bytes.begin(), dst.bytes.begin() + 4);
    for (int i = 0; i < optionWords * 4; ++i)
        out.push_back(1);  // NOP
    return concat(out, payload);
}

// An IPv6 header; `extensions` are already-encoded extension headers, `firstNext` the value naming the first.
inline Bytes ipv6(const IpAddress& src, const IpAddress& dst, std::uint8_t nextHeader, const Bytes& payload) {
    Bytes out;
    put32(out, 0x60000000);
    put16(out, static_cast<std::uint32_t>(payload.size()));
    out.push_back(nextHeader);
    out.push_back(64);
    out.insert(out.end(), src.bytes.begin(), src.bytes.end());
    out.insert(out.end(), dst.bytes.begin(), dst.bytes.end());
    return concat(out, payload);
}

// An 8-byte IPv6 extension header of the options kind (hop-by-hop 0, destination options 60) with PadN.
inline Bytes ipv6Options(std::uint8_t next, const Bytes& rest) {
    Bytes out{next, 0, 1, 4, 0, 0, 0, 0};
    return concat(out, rest);
}

inline Bytes ipv6Fragment(std::uint8_t next, std::uint32_t offset, bool hasMore, std::uint32_t id, const Bytes& data) {
    Bytes out{next, 0};
    put16(out, (offset & 0xfff8u) | (hasMore ? 1u : 0u));
    put32(out, id);
    return concat(out, data);
}

inline Bytes ethernet(std::uint16_t etherType, const Bytes& payload, std::initializer_list<std::uint16_t> tags = {}) {
    Bytes out{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
    for (std::uint16_t tagType : tags) {
        put16(out, tagType);
        put16(out, 100);  // TCI: VLAN 100
    }
    put16(out, etherType);
    return concat(out, payload);
}

inline Bytes sll(std::uint16_t protocol, const Bytes& payload) {
    Bytes out;
    put16(out, 0);  // to us
    put16(out, 1);  // ARPHRD_ETHER
    put16(out, 6);
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<std::uint8_t>(i));
    put16(out, protocol);
    return concat(out, payload);
}

inline Bytes sll2(std::uint16_t protocol, const Bytes& payload) {
    Bytes out;
    put16(out, protocol);
    put16(out, 0);
    put32(out, 2);  // ifindex
    put16(out, 1);  // ARPHRD_ETHER
    out.push_back(0);
    out.push_back(6);
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<std::uint8_t>(i));
    return concat(out, payload);
}

inline Bytes nullLink(std::uint32_t family, bool isLittleEndian, const Bytes& payload) {
    Bytes out;
    if (isLittleEndian) {
        for (int i = 0; i < 4; ++i)
            out.push_back(static_cast<std::uint8_t>(family >> (8 * i)));
    } else {
        put32(out, family);
    }
    return concat(out, payload);
}

inline Bytes gre(std::uint16_t protocol, const Bytes& payload, bool hasKey = false, bool hasSequence = false) {
    Bytes out;
    put16(out, (hasKey ? 0x2000u : 0u) | (hasSequence ? 0x1000u : 0u));
    put16(out, protocol);
    if (hasKey)
        put32(out, 0xabcd);
    if (hasSequence)
        put32(out, 7);
    return concat(out, payload);
}

inline Bytes pppoe(std::uint16_t pppProtocol, const Bytes& payload) {
    Bytes out{0x11, 0x00};
    put16(out, 0x1234);
    put16(out, static_cast<std::uint32_t>(payload.size() + 2));
    put16(out, pppProtocol);
    return concat(out, payload);
}

}  // namespace sipscope::capture::test
