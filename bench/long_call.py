#!/usr/bin/env python3
"""Writes a pcap of one long SIP call: INVITE 100 200 ACK, then in-dialog OPTIONS/200 pings (and a re-INVITE every
50 pings) until MESSAGES messages, then BYE 200. For the viewer benchmark's 1,000- and 10,000-message ladders.

    long_call.py MESSAGES CALL-ID OUT.pcap
"""
import struct
import sys


def packet(out, t_us, src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, bytes(src), bytes(dst)) + udp
    frame = b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + b"\x08\x00" + ip
    out.write(struct.pack("<IIII", t_us // 1_000_000, t_us % 1_000_000, len(frame), len(frame)) + frame)


def main():
    total, call_id, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    a, b = [10, 0, 0, 1], [10, 0, 0, 2]
    sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8\r\n"

    def message(start, cseq, method, branch, to_tag=True, body=""):
        return (f"{start}\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK{branch}\r\n"
                f"From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>{';tag=b1' if to_tag else ''}\r\n"
                f"Call-ID: {call_id}\r\nCSeq: {cseq} {method}\r\nMax-Forwards: 70\r\n"
                + ("Content-Type: application/sdp\r\n" if body else "")
                + f"Content-Length: {len(body)}\r\n\r\n{body}").encode()

    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        t = 1_700_000_000_000_000
        sent = 0

        def send(src, dst, payload, step_us):
            nonlocal t, sent
            t += step_us
            packet(out, t, src, dst, 5060, 5060, payload)
            sent += 1

        send(a, b, message("INVITE sip:bob@example.com SIP/2.0", 1, "INVITE", "i1", False, sdp), 0)
        send(b, a, message("SIP/2.0 100 Trying", 1, "INVITE", "i1", False), 400)
        send(b, a, message("SIP/2.0 200 OK", 1, "INVITE", "i1", True, sdp), 2_000_000)
        send(a, b, message("ACK sip:bob@example.com SIP/2.0", 1, "ACK", "k1"), 300)
        cseq = 2
        while sent < total - 2:
            method = "INVITE" if cseq % 50 == 0 else "OPTIONS"
            body = sdp if method == "INVITE" else ""
            send(a, b, message(f"{method} sip:bob@example.com SIP/2.0", cseq, method, f"p{cseq}", True, body), 15_000_000)
            send(b, a, message("SIP/2.0 200 OK", cseq, method, f"p{cseq}", True, body), 800)
            if method == "INVITE" and sent < total - 2:
                send(a, b, message("ACK sip:bob@example.com SIP/2.0", cseq, "ACK", f"k{cseq}"), 200)
            cseq += 1
        send(a, b, message("BYE sip:bob@example.com SIP/2.0", cseq, "BYE", "bye"), 5_000_000)
        send(b, a, message("SIP/2.0 200 OK", cseq, "BYE", "bye"), 700)


if __name__ == "__main__":
    main()
