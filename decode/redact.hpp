// Captures safe to share (issue 16): SIP messages, addresses and names rewritten with consistent pseudonyms. The
// same input always gives the same output from one Redactor, so flows still read and correlate as they did: user
// parts, numbers and display names become user-0001 (numbers 5550001, so tel URIs stay numbers), hostnames
// host-0001.invalid, IPv4 addresses 192.0.2.1 (then 198.51.100.x, 203.0.113.x, 198.18.0.0/15), IPv6 addresses
// 2001:db8::1; 0.0.0.0 and :: (hold, no address) stay. Credentials (Authorization / Proxy-Authorization responses,
// nonces, SDP a=crypto keys, a=ice-pwd) are replaced by "redacted", and Content-Length is set to the new body's
// length (a body shorter or longer than it said stays so by as many bytes). With a key, each pseudonym is a keyed
// hash (SipHash-2-4) of its input, so the mapping is the same in every export made with that key (IPv4 addresses
// then come from 198.18.0.0/15; two that hash alike take the next free one).
#pragma once

#include "capture/packet.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace sipscope::decode {

class Redactor {
public:
    explicit Redactor(std::string_view key = {});
    ~Redactor();
    Redactor(const Redactor&) = delete;
    Redactor& operator=(const Redactor&) = delete;

    // One SIP message (start line, headers, body) rewritten.
    std::string message(std::string_view text);
    capture::IpAddress address(const capture::IpAddress& ip);
    capture::Endpoint endpoint(const capture::Endpoint& endpoint);
    std::string callId(std::string_view callId);  // its host after '@', addresses in it
    std::string user(std::string_view user);      // a user part, number or display name
    // Text that is not a whole message (a Call-ID, a URI, "alice" <sip:alice@host>, "10.0.0.1:5060", a listing's
    // field): the URIs, addresses, display names and every name already seen in it replaced.
    std::string text(std::string_view text);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace sipscope::decode
