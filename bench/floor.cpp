// The floor of every import benchmark: a bare libpcap loop that visits every packet and searches each UDP/TCP
// payload (Ethernet, optional VLAN, IPv4/IPv6) for "SIP/2.0". Prints packets and payloads that matched.
#include <pcap/pcap.h>

#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: floor FILE.pcap\n");
        return 1;
    }
    char error[PCAP_ERRBUF_SIZE];
    pcap_t* pcap = pcap_open_offline(argv[1], error);
    if (!pcap) {
        std::fprintf(stderr, "floor: %s\n", error);
        return 2;
    }
    static const char Needle[] = "SIP/2.0";
    unsigned long long packets = 0, matches = 0;
    pcap_pkthdr* header;
    const u_char* data;
    while (pcap_next_ex(pcap, &header, &data) == 1) {
        ++packets;
        std::size_t at = 12;
        const std::size_t length = header->caplen;
        if (length < 14)
            continue;
        unsigned type = (data[at] << 8) | data[at + 1];
        at += 2;
        while ((type == 0x8100 || type == 0x88a8) && at + 4 <= length) {
            type = (data[at + 2] << 8) | data[at + 3];
            at += 4;
        }
        unsigned protocol;
        if (type == 0x0800 && at + 20 <= length) {
            protocol = data[at + 9];
            at += (data[at] & 0x0f) * 4u;
        } else if (type == 0x86dd && at + 40 <= length) {
            protocol = data[at + 6];
            at += 40;
        } else {
            continue;
        }
        if (protocol == 17)
            at += 8;
        else if (protocol == 6 && at + 13 <= length)
            at += (data[at + 12] >> 4) * 4u;
        else
            continue;
        if (at < length && memmem(data + at, length - at, Needle, sizeof Needle - 1))
            ++matches;
    }
    pcap_close(pcap);
    std::printf("%llu packets, %llu with SIP/2.0\n", packets, matches);
    return 0;
}
