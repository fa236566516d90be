#!/usr/bin/env python3
"""Writes the seed inputs of fuzz_packet_decoder and fuzz_capture_file (tests/fuzz/seeds/<target>/).

Frames are built here from the protocol layouts (Ethernet, IPv4/6, UDP, TCP, SCTP, HEP); run it again after
changing the input format of either target. Usage: tests/fuzz/make_capture_seeds.py
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
INVITE = (b"INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
          b"Call-ID: a@b\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
OK = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\nCall-ID: a@b\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n"
A, B = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])


def ipv4(proto, payload, ident=1, offset=0, more=False):
    flags = (0x2000 if more else 0) | (offset // 8)
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags, 64, proto, 0, A, B) + payload


def ipv6(next_header, payload):
    src = bytes.fromhex("20010db8000000000000000000000001")
    dst = bytes.fromhex("20010db8000000000000000000000002")
    return struct.pack("!IHBB", 0x60000000, len(payload), next_header, 64) + src + dst + payload


def eth(payload, ether_type=0x0800):
    return b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb" + struct.pack("!H", ether_type) + payload


def udp(payload, sport=5060, dport=5060):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(seq, flags, payload, sport=5060, dport=5060):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 0x50, flags, 65535, 0, 0) + payload


def sctp_data(flags, tsn, stream, ssn, data):
    chunk = struct.pack("!BBHIHHI", 0, flags, 16 + len(data), tsn, stream, ssn, 0) + data
    return chunk + b"\0" * (-len(chunk) % 4)


def sctp(*chunks):
    return struct.pack("!HHII", 5060, 5060, 0x11223344, 0) + b"".join(chunks)


def hep3(payload, compressed=False):
    def chunk(kind, body):
        return struct.pack("!HHH", 0, kind, 6 + len(body)) + body
    chunks = [chunk(1, b"\x02"), chunk(2, b"\x11"), chunk(3, A), chunk(4, B), chunk(7, b"\x13\xc4"),
              chunk(8, b"\x13\xc4"), chunk(9, struct.pack("!I", 1500000000)), chunk(10, struct.pack("!I", 5)),
              chunk(11, b"\x01"), chunk(12, struct.pack("!I", 2001)),
              chunk(16, zlib.compress(payload)) if compressed else chunk(15, payload)]
    body = b"".join(chunks)
    return b"HEP3" + struct.pack("!H", 6 + len(body)) + body


def hep2(payload):
    return bytes([2, 28, 2, 17]) + struct.pack("!HH", 5060, 5062) + A + B + struct.pack("<IIH", 1500000000, 5,
                                                                                            2001) + b"\0\0" + payload


def decoder_input(link_byte, frames, jump_after=()):
    out = bytes([link_byte])
    for index, frame in enumerate(frames):
        header = len(frame) | (0x8000 if index in jump_after else 0)
        out += struct.pack("!H", header) + frame
    return out


def websocket_frame(payload):
    mask = b"\x01\x02\x03\x04"
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x81, 0x80 | 126]) + struct.pack("!H", len(payload)) + mask + masked


def write(target, name, data):
    folder = os.path.join(HERE, "seeds", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as out:
        out.write(data)


def decoder_seeds():
    write("packet_decoder", "udp_sip", decoder_input(0, [eth(ipv4(17, udp(INVITE))), eth(ipv4(17, udp(OK)))]))
    whole = udp(INVITE)
    write("packet_decoder", "ipv4_fragments", decoder_input(0, [
        eth(ipv4(17, whole[80:], ident=7, offset=80)), eth(ipv4(17, whole[:80], ident=7, more=True))]))
    write("packet_decoder", "ipv6_udp_raw", decoder_input(2 | 8, [ipv6(17, udp(INVITE))]))
    write("packet_decoder", "tcp_stream", decoder_input(0, [
        eth(ipv4(6, tcp(1000, 0x02, b""))), eth(ipv4(6, tcp(1001, 0x18, INVITE[:40]))),
        eth(ipv4(6, tcp(1001 + len(INVITE), 0x18, OK))), eth(ipv4(6, tcp(1041, 0x18, INVITE[40:]))),
        eth(ipv4(6, tcp(1001 + len(INVITE) + len(OK), 0x11, b"")))], jump_after=(4,)))
    upgrade = (b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               b"Sec-WebSocket-Protocol: sip\r\n\r\n")
    accepted = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
    write("packet_decoder", "websocket", decoder_input(0, [
        eth(ipv4(6, tcp(1, 0x02, b"", 40000, 80))), eth(ipv4(6, tcp(2, 0x18, upgrade, 40000, 80))),
        eth(ipv4(6, tcp(9, 0x02, b"", 80, 40000))), eth(ipv4(6, tcp(10, 0x18, accepted, 80, 40000))),
        eth(ipv4(6, tcp(2 + len(upgrade), 0x18, websocket_frame(INVITE), 40000, 80)))]))
    write("packet_decoder", "hep", decoder_input(0, [
        eth(ipv4(17, udp(hep3(INVITE), 40000, 9060))), eth(ipv4(17, udp(hep3(OK, True), 40000, 9060))),
        eth(ipv4(17, udp(hep2(OK), 40000, 9060)))]))
    write("packet_decoder", "sctp", decoder_input(0, [
        eth(ipv4(132, sctp(sctp_data(3, 1, 0, 0, OK)))),
        eth(ipv4(132, sctp(sctp_data(1, 12, 1, 1, INVITE[100:])))),
        eth(ipv4(132, sctp(sctp_data(2, 10, 1, 1, INVITE[:50]), sctp_data(0, 11, 1, 1, INVITE[50:100]))))]))
    write("packet_decoder", "vlan_gre", decoder_input(0, [
        eth(struct.pack("!HH", 100, 0x0800) + ipv4(47, struct.pack("!HH", 0, 0x0800) + ipv4(17, udp(INVITE))),
            0x8100)]))


def pcap(frames, link=1):
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, link)
    for i, frame in enumerate(frames):
        out += struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)) + frame
    return out


def pcapng(frames):
    def block(kind, body):
        body += b"\0" * (-len(body) % 4)
        return struct.pack("<II", kind, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(1, struct.pack("<HHI", 1, 0, 65535))
    for i, frame in enumerate(frames):
        out += block(6, struct.pack("<IIIII", 0, 0, i * 1000, len(frame), len(frame)) + frame)
    return out


def netmon(frames):
    body, offsets = b"", []
    for i, frame in enumerate(frames):
        offsets.append(128 + len(body))
        body += struct.pack("<QII", i * 1000, len(frame), len(frame)) + frame
    header = b"GMBU\x00\x02" + struct.pack("<H8H", 1, 2005, 7, 0, 17, 15, 39, 20, 502)
    header += struct.pack("<II", 128 + len(body), 4 * len(frames))
    return header.ljust(128, b"\0") + body + b"".join(struct.pack("<I", o) for o in offsets)


def file_seeds():
    frames = [eth(ipv4(17, udp(INVITE))), eth(ipv4(17, udp(OK)))]
    write("capture_file", "udp.pcap", pcap(frames))
    write("capture_file", "raw.pcap", pcap([ipv4(17, udp(INVITE))], link=101))
    write("capture_file", "udp.pcapng", pcapng(frames))
    write("capture_file", "udp.netmon", netmon(frames))


if __name__ == "__main__":
    decoder_seeds()
    file_seeds()
