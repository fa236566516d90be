// The word lists and small scanners of the Redactor (redact.cpp): which headers it copies as they are, which hold
// name-addr elements, which words of the protocol a user's name never replaces, and how a header value splits into
// its elements.
#pragma once

#include "decode/detail/lex.hpp"
#include "decode/sip_parser.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::decode::detail {

inline bool isNameChar(char c) { return isAlnum(c) || c == '.' || c == '_' || c == '-' || c == '+'; }
inline bool isHexDigit(char c) { return isDigit(c) || (toLower(c) >= 'a' && toLower(c) <= 'f'); }

inline std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = toLower(c);
    return out;
}

// A phone number as a user part: an optional '+', digits and the visual separators of RFC 3966, 3 digits or more.
inline bool isNumber(std::string_view user) {
    std::size_t digits = 0;
    for (std::size_t i = 0; i < user.size(); ++i) {
        const char c = user[i];
        if (isDigit(c))
            ++digits;
        else if (!(c == '-' || c == '.' || c == '(' || c == ')' || (c == '+' && i == 0)))
            return false;
    }
    return digits >= 3;
}

inline std::string padded(unsigned value, int width) {
    std::array<char, 24> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%0*u", width, value);
    return buffer.data();
}

inline std::string hex32(std::uint64_t value) {
    std::array<char, 24> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%08x", static_cast<unsigned>(value & 0xffffffffu));
    return buffer.data();
}

// Headers whose values are numbers, methods or option tags: copied as they are.
inline constexpr std::array<std::string_view, 26> VerbatimHeaders{"CSeq",
                                                                  "Max-Forwards",
                                                                  "Expires",
                                                                  "Min-Expires",
                                                                  "Content-Type",
                                                                  "Content-Encoding",
                                                                  "Allow",
                                                                  "Supported",
                                                                  "Require",
                                                                  "Proxy-Require",
                                                                  "Unsupported",
                                                                  "Event",
                                                                  "Allow-Events",
                                                                  "Accept",
                                                                  "Accept-Encoding",
                                                                  "Accept-Language",
                                                                  "RSeq",
                                                                  "RAck",
                                                                  "Session-Expires",
                                                                  "Min-SE",
                                                                  "Timestamp",
                                                                  "Retry-After",
                                                                  "Subscription-State",
                                                                  "Date",
                                                                  "Content-Disposition",
                                                                  "Priority"};

// Headers of name-addr / addr-spec elements (RFC 3261 §20, RFC 3325, RFC 3515, RFC 3892, RFC 4244, RFC 5806).
inline constexpr std::array<std::string_view, 17> NameAddrHeaders{"From",
                                                                  "To",
                                                                  "Contact",
                                                                  "Route",
                                                                  "Record-Route",
                                                                  "Reply-To",
                                                                  "Refer-To",
                                                                  "Referred-By",
                                                                  "P-Asserted-Identity",
                                                                  "P-Preferred-Identity",
                                                                  "Remote-Party-ID",
                                                                  "Diversion",
                                                                  "History-Info",
                                                                  "P-Called-Party-ID",
                                                                  "Path",
                                                                  "Service-Route",
                                                                  "P-Associated-URI"};

// Words a user might be called that are also words of SIP's parameters: never replaced inside other words.
inline bool isProtocolWord(std::string_view word) {
    constexpr std::array<std::string_view, 21> Words{
        "sip",    "sips",  "tel",      "udp",   "tcp", "tls",    "sctp",    "user", "phone", "transport", "tag",
        "branch", "rport", "received", "maddr", "ttl", "method", "expires", "lr",   "ws",    "wss"};
    for (std::string_view candidate : Words)
        if (equalsNoCase(word, candidate))
            return true;
    return false;
}

template <std::size_t N>
bool isOneOf(std::string_view name, const std::array<std::string_view, N>& names) {
    for (std::string_view candidate : names)
        if (headerNameIs(name, candidate))
            return true;
    return false;
}

// Splits a header value at the commas outside quotes and <> (the elements keep their spaces).
inline std::vector<std::string_view> splitElements(std::string_view value) {
    std::vector<std::string_view> elements;
    std::size_t start = 0;
    bool isQuoteOpen = false;
    for (std::size_t comma = findUnquoted(value, ',', 0, true, isQuoteOpen); comma != std::string_view::npos;
         comma = findUnquoted(value, ',', start, true, isQuoteOpen)) {
        elements.push_back(value.substr(start, comma - start));
        start = comma + 1;
    }
    elements.push_back(value.substr(start));
    return elements;
}

}  // namespace sipscope::decode::detail
