// The Redactor (redact.hpp): pseudonyms, and the scanners that find what to replace in a SIP message. A message is
// read field by field: the start line's URI, the name-addr headers (display names and URIs), Via (sent-by hosts),
// Call-ID (its host), credentials; every other header and every body line only through the free-text scanner,
// which replaces URIs, IPv4/IPv6 literals, a host after '@', and every user, number, host and display name seen
// so far. Headers whose values are numbers or keywords (CSeq, Max-Forwards, Expires, ...) are copied as they are,
// so a user called "6000" never rewrites a CSeq.
#include "decode/redact.hpp"

#include "decode/detail/lex.hpp"
#include "decode/detail/redact_hash.hpp"
#include "decode/detail/redact_words.hpp"
#include "decode/sip_parser.hpp"
#include "decode/sip_uri.hpp"

#include <array>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

namespace sipscope::decode {

using detail::equalsNoCase;
using detail::hex32;
using detail::isAlnum;
using detail::isDigit;
using detail::isHexDigit;
using detail::isNameChar;
using detail::isNumber;
using detail::isOneOf;
using detail::isProtocolWord;
using detail::isWsp;
using detail::lower;
using detail::NameAddrHeaders;
using detail::padded;
using detail::splitElements;
using detail::startsWithNoCase;
using detail::VerbatimHeaders;

struct Redactor::Impl {
    explicit Impl(std::string_view key) : keyed(!key.empty()) {
        if (keyed) {
            k0 = detail::sipHash24(0x73697073636f7065u, 0x7265646163742d30u, key);
            k1 = detail::sipHash24(0x7265646163742d31u, 0x73697073636f7065u, key);
        }
    }

    bool keyed = false;
    std::uint64_t k0 = 0, k1 = 0;
    std::unordered_map<std::string, std::string> users;  // as written
    std::unordered_map<std::string, std::string> hosts;  // lowercased
    std::map<capture::IpAddress, capture::IpAddress> ips;
    std::set<capture::IpAddress> taken;    // pseudonym addresses handed out (keyed: probing)
    std::vector<std::string> spacedNames;  // display names with spaces, found as substrings in free text
    unsigned nextUser = 1, nextNumber = 1, nextHost = 1, nextV4 = 1, nextV6 = 1;

    std::uint64_t hash(std::string_view kind, std::string_view text) const {
        std::string input(kind);
        input += '\0';
        input += text;
        return detail::sipHash24(k0, k1, input);
    }

    std::string user(std::string_view text) {
        if (text.empty())
            return {};
        auto found = users.find(std::string(text));
        if (found != users.end())
            return found->second;
        std::string pseudonym;
        if (isNumber(text)) {
            pseudonym = text[0] == '+' ? "+555" : "555";
            pseudonym +=
                keyed ? padded(static_cast<unsigned>(hash("number", text) % 100000000u), 8) : padded(nextNumber++, 4);
        } else {
            pseudonym = "user-" + (keyed ? hex32(hash("user", text)) : padded(nextUser++, 4));
        }
        if (text.find(' ') != std::string_view::npos || text.find('\t') != std::string_view::npos)
            spacedNames.emplace_back(text);
        users.emplace(std::string(text), pseudonym);
        return pseudonym;
    }

    capture::IpAddress address(const capture::IpAddress& ip) {
        const bool unspecified = std::all_of(ip.bytes.begin(), ip.bytes.begin() + (ip.version == 4 ? 4 : 16),
                                             [](std::uint8_t b) { return b == 0; });
        if (unspecified)
            return ip;
        auto found = ips.find(ip);
        if (found != ips.end())
            return found->second;
        capture::IpAddress out;
        out.version = ip.version;
        if (ip.version == 4) {
            // 198.18.0.0/15 (RFC 2544) holds 131,072: the keyed hash lands there, and sequential numbers past the
            // three TEST-NETs.
            auto benchmarking = [](std::uint32_t index) { return capture::IpAddress::v4(0xc6120000u + index); };
            if (keyed) {
                std::string probe(reinterpret_cast<const char*>(ip.bytes.data()), 4);
                std::uint32_t index = static_cast<std::uint32_t>(hash("ipv4", probe) % 131072u);
                while (taken.count(benchmarking(index)) || index == 0)
                    index = (index + 1) % 131072u;
                out = benchmarking(index);
            } else {
                const unsigned n = nextV4++;
                if (n <= 254)
                    out = capture::IpAddress::v4(0xc0000200u + n);
                else if (n <= 508)
                    out = capture::IpAddress::v4(0xc6336400u + (n - 254));
                else if (n <= 762)
                    out = capture::IpAddress::v4(0xcb007100u + (n - 508));
                else
                    out = benchmarking((n - 762) % 131072u);
            }
        } else {
            out.bytes = {0x20, 0x01, 0x0d, 0xb8};
            std::uint64_t low =
                keyed ? hash("ipv6", std::string_view(reinterpret_cast<const char*>(ip.bytes.data()), 16)) : nextV6++;
            while (keyed && taken.count([&] {
                capture::IpAddress candidate = out;
                for (int i = 0; i < 8; ++i)
                    candidate.bytes[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(low >> (8 * (7 - i)));
                return candidate;
            }()))
                ++low;
            for (int i = 0; i < 8; ++i)
                out.bytes[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(low >> (8 * (7 - i)));
        }
        taken.insert(out);
        ips.emplace(ip, out);
        return out;
    }

    // A host as written in a URI, Via or SDP: an address literal ([v6] keeps its brackets) or a name.
    std::string host(std::string_view text) {
        if (text.empty())
            return {};
        const bool bracketed = text.size() > 2 && text.front() == '[' && text.back() == ']';
        if (auto ip = capture::parseIpAddress(bracketed ? text.substr(1, text.size() - 2) : text)) {
            const std::string mapped = address(*ip).toString();
            return bracketed ? "[" + mapped + "]" : mapped;
        }
        std::string key = lower(text);
        if (key.size() > 1 && key.back() == '.')
            key.pop_back();
        auto found = hosts.find(key);
        if (found != hosts.end())
            return found->second;
        const std::string pseudonym = "host-" + (keyed ? hex32(hash("host", key)) : padded(nextHost++, 4)) + ".invalid";
        hosts.emplace(key, pseudonym);
        return pseudonym;
    }

    std::string uri(std::string_view text) {
        SipUri parts;
        if (!splitUri(text, parts) || (!parts.isSip() && !parts.isTel()))
            return freeText(text, false);
        std::string out(parts.scheme);
        out += ':';
        if (parts.isTel()) {
            out += user(parts.user);
            const std::size_t rest = static_cast<std::size_t>(parts.user.data() + parts.user.size() - text.data());
            return out + freeText(text.substr(rest), true);
        }
        if (!parts.user.empty()) {
            out += user(parts.user);
            if (!parts.password.empty())
                out += ":redacted";
            out += '@';
        }
        out += host(parts.host);
        if (parts.port)
            out += ":" + std::to_string(*parts.port);
        out += freeText(parts.params, true);
        if (parts.hasHeaders)
            out += "?" + freeText(parts.headers, true);
        return out;
    }

    // A Call-ID: the host after '@' as a host, addresses anywhere.
    std::string callId(std::string_view text) {
        const std::size_t at = text.rfind('@');
        if (at == std::string_view::npos)
            return freeText(text, false);
        return freeText(text.substr(0, at), false) + "@" + host(text.substr(at + 1));
    }

    // The length of the IPv4 literal at text[i] (a boundary before it), or 0.
    static std::size_t ipv4At(std::string_view text, std::size_t i) {
        std::size_t end = i;
        int dots = 0;
        while (end < text.size() && (isDigit(text[end]) || text[end] == '.') && end - i < 16) {
            if (text[end] == '.') {
                if (dots == 3 || end + 1 >= text.size() || !isDigit(text[end + 1]))
                    break;
                ++dots;
            }
            ++end;
        }
        if (dots != 3 || (end < text.size() && isAlnum(text[end])))
            return 0;
        return capture::parseIpAddress(text.substr(i, end - i)) ? end - i : 0;
    }

    // The length of the unbracketed IPv6 literal at text[i], or 0.
    static std::size_t ipv6At(std::string_view text, std::size_t i) {
        std::size_t end = i, colons = 0;
        while (end < text.size() && (isHexDigit(text[end]) || text[end] == ':' || text[end] == '.')) {
            colons += text[end] == ':';
            ++end;
        }
        while (end > i && text[end - 1] == '.')
            --end;
        if (colons < 2 || (end < text.size() && isAlnum(text[end])))
            return 0;
        const auto ip = capture::parseIpAddress(text.substr(i, end - i));
        return ip && ip->version == 6 ? end - i : 0;
    }

    // URIs, address literals, and (with `names`) a host after '@' and every user and host already seen.
    std::string freeText(std::string_view text, bool names) {
        std::string out;
        out.reserve(text.size() + 16);
        bool boundary = true;
        for (std::size_t i = 0; i < text.size();) {
            const char c = text[i];
            if (boundary && (startsWithNoCase(text.substr(i), "sip:") || startsWithNoCase(text.substr(i), "sips:") ||
                             startsWithNoCase(text.substr(i), "tel:"))) {
                std::size_t end = i;
                while (end < text.size() && !detail::isLwsChar(text[end]) && text[end] != '>' && text[end] != '<' &&
                       text[end] != '"' && text[end] != ',')
                    ++end;
                out += uri(text.substr(i, end - i));
                i = end;
                boundary = false;
                continue;
            }
            if (c == '[') {
                const std::size_t close = text.find(']', i);
                if (close != std::string_view::npos && close - i < 48) {
                    const auto ip = capture::parseIpAddress(text.substr(i + 1, close - i - 1));
                    if (ip && ip->version == 6) {
                        out += "[" + address(*ip).toString() + "]";
                        i = close + 1;
                        boundary = true;
                        continue;
                    }
                }
            }
            if (boundary && (isHexDigit(c) || c == ':')) {
                std::size_t length = isDigit(c) ? ipv4At(text, i) : 0;
                if (length) {
                    out += address(*capture::parseIpAddress(text.substr(i, length))).toString();
                    i += length;
                    boundary = true;
                    continue;
                }
                length = ipv6At(text, i);
                if (length) {
                    out += address(*capture::parseIpAddress(text.substr(i, length))).toString();
                    i += length;
                    boundary = true;
                    continue;
                }
            }
            if (c == '%' && i + 2 < text.size() && isHexDigit(text[i + 1]) && isHexDigit(text[i + 2])) {
                out += text.substr(i, 3);  // an escape ("%40" of an escaped Call-ID) ends a name
                i += 3;
                boundary = true;
                continue;
            }
            if (boundary && isNameChar(c)) {
                std::size_t end = i;
                while (end < text.size() && isNameChar(text[end]))
                    ++end;
                const std::string_view token = text.substr(i, end - i);
                const char before = i > 0 ? text[i - 1] : ' ';
                out += nameToken(token, before, names);
                i = end;
                boundary = false;
                continue;
            }
            out += c;
            boundary = !isNameChar(c);
            ++i;
        }
        if (names)
            for (const std::string& name : spacedNames)
                for (std::size_t at = out.find(name); at != std::string::npos; at = out.find(name, at))
                    out.replace(at, name.size(), users[name]);
        return out;
    }

    // A user or host seen before that `word` is, or null. `loose` (free text): any user; otherwise (parameters,
    // identifiers) only one with a letter or of 6 digits or more, and never a word of the protocol.
    const std::string* known(std::string_view word, bool loose) {
        if (word.size() < 3)
            return nullptr;
        const bool hasLetter = std::any_of(word.begin(), word.end(), [](char ch) { return detail::isAlpha(ch); });
        if (!loose && (isProtocolWord(word) || (!hasLetter && word.size() < 6)))
            return nullptr;
        if (auto found = users.find(std::string(word)); found != users.end())
            return &found->second;
        std::string key = lower(word);
        if (key.size() > 1 && key.back() == '.')
            key.pop_back();
        if (auto found = hosts.find(key); found != hosts.end())
            return &found->second;
        return nullptr;
    }

    // A word of free text (`before`: the character before it). With `names`: a host after '@' (with a letter in
    // it), or a user or host seen before (not a number after ':', a port). Always: addresses seen before glued
    // inside it ("...44ce4a41192.168.1.2", a branch), and its parts between '-', '.' and '+' or its runs of letters
    // that are users seen before ("5807alice1", a tag made from the user's name).
    std::string nameToken(std::string_view token, char before, bool names) {
        const bool allDigits = std::all_of(token.begin(), token.end(), [](char ch) { return isDigit(ch); });
        if (names) {
            const bool hasLetter = std::any_of(token.begin(), token.end(), [](char ch) { return detail::isAlpha(ch); });
            if (before == '@' && hasLetter)
                return host(token);
            if (!(before == ':' && allDigits))
                if (const std::string* pseudonym = known(token, true))
                    return *pseudonym;
        } else if (const std::string* pseudonym = known(token, false)) {
            return *pseudonym;
        }
        std::string withAddresses;
        for (std::size_t i = 0; i < token.size();) {
            if (isDigit(token[i]) && !ips.empty()) {
                if (const std::size_t length = ipv4At(token, i)) {
                    const auto ip = capture::parseIpAddress(token.substr(i, length));
                    if (ip && ips.count(*ip)) {
                        withAddresses += address(*ip).toString();
                        i += length;
                        continue;
                    }
                }
            }
            withAddresses += token[i++];
        }
        std::string out;
        for (std::size_t i = 0; i < withAddresses.size();) {
            const char ch = withAddresses[i];
            if (ch == '-' || ch == '.' || ch == '+') {
                out += ch;
                ++i;
                continue;
            }
            std::size_t end = i;
            while (end < withAddresses.size() && withAddresses[end] != '-' && withAddresses[end] != '.' &&
                   withAddresses[end] != '+')
                ++end;
            const std::string_view part = std::string_view(withAddresses).substr(i, end - i);
            if (const std::string* pseudonym = part.size() < token.size() ? known(part, false) : nullptr) {
                out += *pseudonym;
            } else {
                // Runs of letters, and of digits (a number glued into a word).
                for (std::size_t k = 0; k < part.size();) {
                    const bool letters = detail::isAlpha(part[k]);
                    if (!letters && !isDigit(part[k])) {
                        out += part[k++];
                        continue;
                    }
                    std::size_t runEnd = k;
                    while (runEnd < part.size() && (letters ? detail::isAlpha(part[runEnd]) : isDigit(part[runEnd])))
                        ++runEnd;
                    const std::string_view run = part.substr(k, runEnd - k);
                    const std::string* user = run.size() < part.size() ? known(run, false) : nullptr;
                    out += user ? std::string_view(*user) : run;
                    k = runEnd;
                }
            }
            i = end;
        }
        return out;
    }

    // The elements of a header value, each rewritten by `rewrite` (which appends to its second argument), joined by
    // their commas again.
    template <typename Rewrite>
    static std::string eachElement(std::string_view value, Rewrite&& rewrite) {
        std::string out;
        for (std::string_view element : splitElements(value)) {
            if (element.data() != value.data())
                out += ',';
            rewrite(element, out);
        }
        return out;
    }

    // From, To, Contact, ...: each element's display name, then its URI and parameters.
    std::string nameAddrs(std::string_view value) {
        return eachElement(value, [this](std::string_view element, std::string& out) {
            bool isQuoteOpen = false;
            const std::size_t lt = detail::findUnquoted(element, '<', 0, false, isQuoteOpen);
            if (lt == std::string_view::npos) {
                out += freeText(element, false);
                return;
            }
            const std::string_view display = element.substr(0, lt);
            std::size_t start = 0, end = display.size();
            while (start < end && detail::isLwsChar(display[start]))
                ++start;
            while (end > start && detail::isLwsChar(display[end - 1]))
                --end;
            out += display.substr(0, start);
            std::string_view name = display.substr(start, end - start);
            if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
                out += "\"" + user(name.substr(1, name.size() - 2)) + "\"";
            else
                out += user(name);
            out += display.substr(end);
            out += freeText(element.substr(lt), false);
        });
    }

    // Via: each sent-by host; addresses in the parameters (received, maddr).
    std::string via(std::string_view value) {
        std::string out;
        std::size_t pos = 0;
        while (true) {
            std::size_t protocol = pos;
            while (protocol < value.size() && !startsWithNoCase(value.substr(protocol), "SIP/"))
                ++protocol;
            out += freeText(value.substr(pos, protocol - pos), false);
            if (protocol >= value.size())
                return out;
            std::size_t at = protocol;
            while (at < value.size() && !detail::isLwsChar(value[at]))
                ++at;
            while (at < value.size() && detail::isLwsChar(value[at]))
                ++at;
            out += value.substr(protocol, at - protocol);
            std::size_t end = at;
            while (end < value.size() && value[end] != ';' && value[end] != ',' && !detail::isLwsChar(value[end]))
                ++end;
            const std::string_view sentBy = value.substr(at, end - at);
            std::size_t colon = sentBy.rfind(':');
            if (colon != std::string_view::npos && sentBy.find(']') != std::string_view::npos &&
                colon < sentBy.find(']'))
                colon = std::string_view::npos;  // the colons of a bracketed IPv6 address
            if (colon != std::string_view::npos && sentBy.find(':') != colon && sentBy.front() != '[')
                colon = std::string_view::npos;  // an unbracketed IPv6 address
            out += host(sentBy.substr(0, colon));
            if (colon != std::string_view::npos)
                out += sentBy.substr(colon);
            pos = end;
        }
    }

    // Authorization / Proxy-Authorization: the user, realm and URI pseudonymous, the response and cnonce gone.
    std::string credentials(std::string_view value) {
        std::size_t start = 0;
        while (start < value.size() && isWsp(value[start]))
            ++start;
        std::size_t space = start;
        while (space < value.size() && !isWsp(value[space]))
            ++space;
        const std::string lead(value.substr(0, space));
        if (!equalsNoCase(value.substr(start, space - start), "Digest"))
            return lead + " redacted";
        return lead + authParams(value.substr(space), true);
    }

    // The name=value list of a Digest challenge or credentials.
    std::string authParams(std::string_view params, bool secret) {
        return eachElement(params, [this, secret](std::string_view param, std::string& out) {
            const std::size_t equals = param.find('=');
            if (equals == std::string_view::npos) {
                out += param;
                return;
            }
            std::string_view name = param.substr(0, equals);
            std::string_view raw = param.substr(equals + 1);
            const bool quoted = raw.size() >= 2 && raw.front() == '"' && raw.back() == '"';
            const std::string_view inner = quoted ? raw.substr(1, raw.size() - 2) : raw;
            std::string_view trimmed = name;
            while (!trimmed.empty() && detail::isLwsChar(trimmed.front()))
                trimmed.remove_prefix(1);
            while (!trimmed.empty() && detail::isLwsChar(trimmed.back()))
                trimmed.remove_suffix(1);
            std::string replaced;
            if (equalsNoCase(trimmed, "username"))
                replaced = user(inner);
            else if (equalsNoCase(trimmed, "realm") || equalsNoCase(trimmed, "domain"))
                replaced = inner.find(':') != std::string_view::npos ? freeText(inner, true) : host(inner);
            else if (equalsNoCase(trimmed, "uri"))
                replaced = freeText(inner, true);
            else if (secret && (equalsNoCase(trimmed, "response") || equalsNoCase(trimmed, "cnonce")))
                replaced = "redacted";
            else
                replaced = freeText(inner, true);  // nonce, opaque (which may name a host), ...
            out += std::string(name) + "=" + (quoted ? "\"" + replaced + "\"" : replaced);
        });
    }

    std::string body(std::string_view text);
    std::string sdpLine(std::string_view line);
    std::string message(std::string_view text);
};

// One body line: SDP's o=, c= and key lines by their grammar, the rest as free text (names too, except in the
// SDP lines of numbers: m=, b=, t=, r=, z=, a=rtpmap ...).
std::string Redactor::Impl::sdpLine(std::string_view line) {
    const bool isSdp = line.size() >= 2 && line[1] == '=' && detail::isAlpha(line[0]);
    if (!isSdp)
        return freeText(line, true);
    const char type = line[0];
    std::string_view value = line.substr(2);
    if (type == 'o') {
        std::vector<std::string_view> fields;
        std::size_t start = 0;
        for (std::size_t i = 0; i <= value.size(); ++i)
            if (i == value.size() || value[i] == ' ') {
                fields.push_back(value.substr(start, i - start));
                start = i + 1;
            }
        if (fields.size() != 6)
            return freeText(line, true);
        std::string out = "o=" + (fields[0] == "-" ? std::string("-") : user(fields[0]));
        for (std::size_t i = 1; i < 5; ++i)
            out += " " + std::string(fields[i]);
        return out + " " + host(fields[5]);
    }
    if (type == 'c') {
        const std::size_t space = value.rfind(' ');
        if (space == std::string_view::npos)
            return freeText(line, false);
        const std::string_view address = value.substr(space + 1);
        const std::size_t slash = address.find('/');
        return "c=" + std::string(value.substr(0, space + 1)) + host(address.substr(0, slash)) +
               std::string(slash == std::string_view::npos ? std::string_view() : address.substr(slash));
    }
    if (type == 'k')
        return "k=prompt";
    if (type == 'a' && startsWithNoCase(value, "crypto:")) {
        std::string out = "a=";
        for (std::size_t i = 0; i < value.size();) {
            if (startsWithNoCase(value.substr(i), "inline:")) {
                out += "inline:REDACTED";
                i += 7;
                while (i < value.size() && !isWsp(value[i]) && value[i] != ';')
                    ++i;
                continue;
            }
            out += value[i++];
        }
        return out;
    }
    if (type == 'a' && startsWithNoCase(value, "ice-pwd:"))
        return "a=ice-pwd:redacted";
    if (type == 'a' && startsWithNoCase(value, "key-mgmt:")) {
        const std::size_t space = value.find(' ');
        return "a=" + std::string(value.substr(0, space)) + " REDACTED";
    }
    const bool names = type == 's' || type == 'i' || type == 'u' || type == 'e' || type == 'p';
    return freeText(line, names);
}

std::string Redactor::Impl::body(std::string_view text) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        // Lines end in CRLF, LF or a lone CR.
        std::size_t end = start;
        while (end < text.size() && text[end] != '\n' && text[end] != '\r')
            ++end;
        if (end < text.size())
            end += text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? 2 : 1;
        std::string_view line = text.substr(start, end - start);
        std::size_t content = line.size();
        while (content > 0 && (line[content - 1] == '\n' || line[content - 1] == '\r'))
            --content;
        out += sdpLine(line.substr(0, content));
        out += line.substr(content);
        start = end;
    }
    return out;
}

std::string Redactor::Impl::message(std::string_view text) {
    // The headers end at the first empty line (CRLF or LF alone, as the parser takes them).
    std::size_t headEnd = std::string_view::npos, bodyStart = std::string_view::npos;
    for (std::size_t i = text.find('\n'); i != std::string_view::npos; i = text.find('\n', i + 1)) {
        const std::size_t next = i + 1 < text.size() && text[i + 1] == '\r' ? i + 2 : i + 1;
        if (next < text.size() && text[next] == '\n') {
            headEnd = i > 0 && text[i - 1] == '\r' ? i - 1 : i;
            bodyStart = next + 1;
            break;
        }
    }
    const std::string_view head = headEnd == std::string_view::npos ? text : text.substr(0, headEnd);
    const std::string_view separator =
        headEnd == std::string_view::npos ? std::string_view() : text.substr(headEnd, bodyStart - headEnd);
    const std::string_view oldBody = bodyStart == std::string_view::npos ? std::string_view() : text.substr(bodyStart);

    // Header fields: a line and its continuation lines; [0] is the start line.
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= head.size(); ++i) {
        if (i < head.size() && head[i] != '\n')
            continue;
        const std::size_t next = i + 1;
        const bool continues = next < head.size() && isWsp(head[next]) && !fields.empty();
        if (i == head.size() || !continues) {
            fields.push_back(head.substr(start, std::min(next, head.size()) - start));
            start = next;
        }
    }
    std::vector<std::string> out(fields.size());
    std::vector<bool> done(fields.size(), false);
    std::size_t contentLength = fields.size();
    auto split = [](std::string_view field, std::string_view& name, std::string_view& value, std::string_view& ending) {
        std::size_t endAt = field.size();
        while (endAt > 0 && (field[endAt - 1] == '\n' || field[endAt - 1] == '\r'))
            --endAt;
        ending = field.substr(endAt);
        const std::size_t colon = field.find(':');
        if (colon == std::string_view::npos || colon > endAt)
            return false;
        name = field.substr(0, colon);
        while (!name.empty() && isWsp(name.back()))
            name.remove_suffix(1);
        value = field.substr(colon + 1, endAt - colon - 1);
        return true;
    };
    // The users of the name-addr headers first, so a tag, branch or Call-ID made from one is rewritten as well
    // wherever it comes.
    for (std::size_t f = 1; f < fields.size(); ++f) {
        std::string_view name, value, ending;
        if (split(fields[f], name, value, ending) && isOneOf(name, NameAddrHeaders))
            nameAddrs(value);
    }
    // Then the fields that name users and hosts, so the free text of the others knows them.
    for (std::size_t f = 0; f < fields.size(); ++f) {
        std::string_view name, value, ending;
        if (f == 0) {
            const std::string_view line = fields[0];
            if (startsWithNoCase(line, "SIP/")) {
                const std::size_t codeEnd = line.find(' ', line.find(' ') + 1);
                out[0] = codeEnd == std::string_view::npos
                             ? std::string(line)
                             : std::string(line.substr(0, codeEnd)) + freeText(line.substr(codeEnd), true);
            } else {
                const std::size_t first = line.find(' ');
                const std::size_t last = line.rfind(' ');
                out[0] = first == std::string_view::npos || last <= first
                             ? freeText(line, false)
                             : std::string(line.substr(0, first + 1)) + uri(line.substr(first + 1, last - first - 1)) +
                                   freeText(line.substr(last), false);
            }
            done[0] = true;
            continue;
        }
        if (!split(fields[f], name, value, ending)) {
            continue;
        }
        const std::string prefix(fields[f].substr(0, static_cast<std::size_t>(value.data() - fields[f].data())));
        std::optional<std::string> rewritten;
        if (headerNameIs(name, "Content-Length")) {
            contentLength = f;
            rewritten = std::string(value);
        } else if (isOneOf(name, VerbatimHeaders)) {
            rewritten = std::string(value);
        } else if (isOneOf(name, NameAddrHeaders)) {
            rewritten = nameAddrs(value);
        } else if (headerNameIs(name, "Via")) {
            rewritten = via(value);
        } else if (headerNameIs(name, "Call-ID")) {
            rewritten = callId(value);
        } else if (headerNameIs(name, "Authorization") || headerNameIs(name, "Proxy-Authorization")) {
            rewritten = credentials(value);
        } else if (headerNameIs(name, "WWW-Authenticate") || headerNameIs(name, "Proxy-Authenticate") ||
                   headerNameIs(name, "Authentication-Info")) {
            std::size_t space = 0;
            while (space < value.size() && isWsp(value[space]))
                ++space;
            while (space < value.size() && !isWsp(value[space]))
                ++space;
            rewritten = std::string(value.substr(0, space)) + authParams(value.substr(space), false);
        }
        if (rewritten) {
            out[f] = prefix + *rewritten + std::string(ending);
            done[f] = true;
        }
    }
    for (std::size_t f = 0; f < fields.size(); ++f) {
        if (done[f])
            continue;
        std::string_view name, value, ending;
        if (!split(fields[f], name, value, ending)) {
            out[f] = freeText(fields[f], true);
            continue;
        }
        const std::string prefix(fields[f].substr(0, static_cast<std::size_t>(value.data() - fields[f].data())));
        out[f] = prefix + freeText(value, true) + std::string(ending);
    }
    const std::string newBody = body(oldBody);
    if (contentLength < fields.size()) {
        std::string_view name, value, ending;
        split(fields[contentLength], name, value, ending);
        std::size_t digits = 0;
        while (digits < value.size() && isWsp(value[digits]))
            ++digits;
        std::size_t end = digits;
        long long length = 0;
        while (end < value.size() && isDigit(value[end]) && end - digits < 12)
            length = length * 10 + (value[end++] - '0');
        if (end > digits) {
            length += static_cast<long long>(newBody.size()) - static_cast<long long>(oldBody.size());
            const std::string prefix(
                fields[contentLength].substr(0, static_cast<std::size_t>(value.data() - fields[contentLength].data())));
            out[contentLength] = prefix + std::string(value.substr(0, digits)) + std::to_string(std::max(0LL, length)) +
                                 std::string(value.substr(end)) + std::string(ending);
        }
    }
    std::string result;
    result.reserve(text.size() + 64);
    for (const std::string& field : out)
        result += field;
    result += separator;
    result += newBody;
    return result;
}

Redactor::Redactor(std::string_view key) : m_impl(std::make_unique<Impl>(key)) {}
Redactor::~Redactor() = default;

std::string Redactor::message(std::string_view text) { return m_impl->message(text); }
capture::IpAddress Redactor::address(const capture::IpAddress& ip) { return m_impl->address(ip); }
capture::Endpoint Redactor::endpoint(const capture::Endpoint& endpoint) {
    return {m_impl->address(endpoint.ip), endpoint.port};
}
std::string Redactor::callId(std::string_view text) { return m_impl->callId(text); }
std::string Redactor::user(std::string_view text) { return m_impl->user(text); }
std::string Redactor::text(std::string_view text) { return m_impl->freeText(text, true); }

}  // namespace sipscope::decode
