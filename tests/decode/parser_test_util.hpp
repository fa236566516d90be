// Helpers for the parser tests: exact-size heap copies (so ASan sees over-reads) and message builders.
#pragma once

#include "decode/sip_parser.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::decode::test {

// Holds bytes in a heap block of exactly their size: one byte past the end is a heap-buffer-overflow
// under ASan, which a string literal's trailing NUL would hide.
class ExactBuffer {
public:
    explicit ExactBuffer(std::string_view bytes)
        : m_data(new char[bytes.size() == 0 ? 1 : bytes.size()]), m_size(bytes.size()) {
        if (!bytes.empty()) {
            std::memcpy(m_data.get(), bytes.data(), bytes.size());
        }
    }
    std::string_view view() const { return {m_data.get(), m_size}; }

private:
    std::unique_ptr<char[]> m_data;
    std::size_t m_size;
};

// Start line, then each header line, CRLF-terminated, then the empty line and the body.
inline std::string buildMessage(std::string_view startLine, std::initializer_list<std::string_view> headers,
                                std::string_view body = {}) {
    std::string out(startLine);
    out += "\r\n";
    for (std::string_view header : headers) {
        out += header;
        out += "\r\n";
    }
    out += "\r\n";
    out += body;
    return out;
}

// A typical INVITE's headers (RFC 3261 §24.2 style) for building test messages.
inline constexpr std::string_view Via = "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds";
inline constexpr std::string_view To = "To: Bob <sip:bob@biloxi.example.com>";
inline constexpr std::string_view From = "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774";
inline constexpr std::string_view CallId = "Call-ID: a84b4c76e66710@pc33.atlanta.example.com";
inline constexpr std::string_view CSeqInvite = "CSeq: 314159 INVITE";
inline constexpr std::string_view InviteLine = "INVITE sip:bob@biloxi.example.com SIP/2.0";

inline std::string invite(std::string_view startLine = InviteLine) {
    return buildMessage(startLine, {Via, "Max-Forwards: 70", To, From, CallId, CSeqInvite, "Content-Length: 0"});
}

// Parses `bytes` from an exact-size copy; the copy lives as long as the fixture, as the views require.
class ParserTest : public ::testing::Test {
protected:
    const SipMessageView& parse(std::string_view bytes) {
        m_buffers.push_back(std::make_unique<ExactBuffer>(bytes));
        return m_parser.parse(m_buffers.back()->view());
    }
    SipParser m_parser;

private:
    std::vector<std::unique_ptr<ExactBuffer>> m_buffers;
};

inline void expectError(const SipMessageView& message, ParseErrorCode code) {
    EXPECT_FALSE(message.isValid());
    EXPECT_EQ(message.error().code, code) << "reason: " << message.error().reason;
    EXPECT_FALSE(message.error().reason.empty());
}

}  // namespace sipscope::decode::test
