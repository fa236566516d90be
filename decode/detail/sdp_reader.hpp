// The SDP parser's insides, shared by decode/sdp.cpp (the lines, the session and media fields) and
// detail/sdp_attributes.cpp (the a= lines): the field lexing both use, and SdpReader, which reads one body into a
// SessionDescriptionView.
#pragma once

#include "decode/detail/lex.hpp"
#include "decode/sdp.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

namespace sipscope::decode::detail {

// [SECTION] Field lexing

inline constexpr std::uint64_t MaxUint32 = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::uint64_t MaxUint16 = std::numeric_limits<std::uint16_t>::max();
// Large enough for any NTP time or bandwidth, small enough that parseDecimal's value * 10 cannot
// overflow.
inline constexpr std::uint64_t MaxBigNumber = 1'000'000'000'000'000'000ULL;

// Splits off the next field. RFC 8866 §9 separates fields with exactly one SP; devices send runs of
// SP and HTAB.
inline std::string_view nextField(std::string_view& rest) {
    std::size_t begin = 0;
    while (begin < rest.size() && isWsp(rest[begin])) {
        ++begin;
    }
    std::size_t end = begin;
    while (end < rest.size() && !isWsp(rest[end])) {
        ++end;
    }
    const std::string_view field = rest.substr(begin, end - begin);
    rest = rest.substr(end);
    return field;
}

inline std::string_view trimWsp(std::string_view s) {
    while (!s.empty() && isWsp(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && isWsp(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

// Splits `s` at the first `separator`: returns the part before it and leaves the part after it in
// `s` (empty when the separator is absent, which `found` reports).
inline std::string_view splitAt(std::string_view& s, char separator, bool* found = nullptr) {
    const std::size_t at = s.find(separator);
    const std::string_view head = s.substr(0, at);
    s = at == std::string_view::npos ? s.substr(s.size()) : s.substr(at + 1);  // stays inside the body
    if (found != nullptr) {
        *found = at != std::string_view::npos;
    }
    return head;
}

template <typename T>
std::optional<T> parseNumber(std::string_view digits, std::uint64_t max) {
    const std::optional<std::uint64_t> value = parseDecimal(digits, max);
    return value ? std::optional<T>(static_cast<T>(*value)) : std::nullopt;
}

inline bool isAllDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return isDigit(c); });
}

template <typename T, std::size_t N>
using NameTable = std::array<std::pair<std::string_view, T>, N>;

// The value of a keyword, compared case-insensitively as ABNF literals are (RFC 5234 §2.3).
template <typename T, std::size_t N>
std::optional<T> lookup(const NameTable<T, N>& table, std::string_view name) {
    for (const auto& [keyword, value] : table) {
        if (equalsNoCase(name, keyword)) {
            return value;
        }
    }
    return std::nullopt;
}

// [SECTION] SdpReader

// Reads one body into `session`, line by line; the first error found is the one reported.
class SdpReader {
public:
    SdpReader(std::string_view body, const SdpLimits& limits, SessionDescriptionView& session)
        : m_body(body), m_limits(limits), m_session(session) {}

    void read();

private:
    // The first error found is the one reported; later ones are consequences more often than not.
    void fail(SdpErrorCode code, std::string_view reason, std::size_t offset) {
        if (m_session.m_error.code != SdpErrorCode::None) {
            return;
        }
        constexpr std::size_t MaxOffset = std::numeric_limits<std::uint32_t>::max();
        m_session.m_error = {code, reason, static_cast<std::uint32_t>(offset < MaxOffset ? offset : MaxOffset)};
    }
    std::size_t offsetOf(std::string_view view) const { return static_cast<std::size_t>(view.data() - m_body.data()); }
    MediaDescriptionView* currentMedia() { return m_session.m_media.empty() ? nullptr : &m_session.m_media.back(); }
    // a= and b= lines share one limit: false (and the error) when another would pass it.
    bool hasRoomForAttribute(std::string_view value) {
        if (m_session.m_attributes.size() + m_session.m_bandwidths.size() < m_limits.maxAttributes) {
            return true;
        }
        fail(SdpErrorCode::TooManyAttributes, "more a= and b= lines than the limit", offsetOf(value));
        return false;
    }

    // Each returns false when a limit stops the parse.
    bool readLine(char type, std::string_view value);
    void readVersion(std::string_view value);
    void readOrigin(std::string_view value);
    void readConnection(std::string_view value);
    void readTiming(std::string_view value);
    bool readBandwidth(std::string_view value);
    bool readMedia(std::string_view value);
    bool readAttribute(std::string_view value);
    void readTypedAttribute(std::string_view name, std::string_view value);
    void readRtpMap(std::string_view value);
    void readFmtp(std::string_view value);
    void readCandidate(std::string_view value);
    void readCrypto(std::string_view value);
    void readRtcp(MediaDescriptionView& media, std::string_view value);
    void readFingerprint(std::string_view value);
    std::optional<std::uint32_t> readPacketTime(std::string_view value);
    void checkMandatoryFields();

    std::string_view m_body;
    const SdpLimits& m_limits;
    SessionDescriptionView& m_session;
    bool m_seenOrigin = false;
    bool m_seenSessionName = false;
};

}  // namespace sipscope::decode::detail
