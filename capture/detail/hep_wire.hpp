// The numbers of HEP's wire format that the decoder (hep.cpp) and the encoder (hep_sender.cpp) share: the address
// families and protocols of the HEPv1/v2 header and of HEPv3's chunks, the header sizes, and HEP3 §2's generic
// chunk types (vendor 0).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sipscope::capture::detail::hep {

constexpr std::uint8_t FamilyIpv4 = 2;   // AF_INET
constexpr std::uint8_t FamilyIpv6 = 10;  // AF_INET6 as Linux senders write it
constexpr std::uint8_t ProtoTcp = 6;
constexpr std::uint8_t ProtoUdp = 17;
constexpr std::uint8_t ProtoSctp = 132;
constexpr std::uint8_t ProtoTypeSip = 1;

constexpr std::size_t V3HeaderBytes = 6;     // "HEP3", total length
constexpr std::size_t ChunkHeaderBytes = 6;  // vendor id, type id, length (header included)
constexpr std::size_t V2BaseBytes = 8;       // version, length, family, protocol, ports
constexpr std::size_t V2TimeBytes = 12;      // seconds, microseconds, capture id, 2 bytes of struct padding
constexpr std::size_t V2PackedTimeBytes = 10;

enum ChunkType : std::uint16_t {
    ChunkFamily = 0x0001,
    ChunkProtocol = 0x0002,
    ChunkIpv4Src = 0x0003,
    ChunkIpv4Dst = 0x0004,
    ChunkIpv6Src = 0x0005,
    ChunkIpv6Dst = 0x0006,
    ChunkSrcPort = 0x0007,
    ChunkDstPort = 0x0008,
    ChunkSeconds = 0x0009,
    ChunkMicroseconds = 0x000a,
    ChunkProtoType = 0x000b,
    ChunkCaptureId = 0x000c,
    ChunkAuthKey = 0x000e,
    ChunkPayload = 0x000f,
    ChunkCompressedPayload = 0x0010,
};

}  // namespace sipscope::capture::detail::hep
