// The bits of messages.flags (and of message_counts.flags), and the failure responses the statistics count: each
// named once here and used by that name in C++ and in the SQL text alike (the writer sets them, the counts keep
// them, the reader and the statistics test them).
#pragma once

#include "decode/sip_message.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace sipscope::store::detail {

enum MessageFlags : std::uint32_t {
    FlagValid = 1u << 0,
    FlagRequest = 1u << 1,
    FlagRetransmission = 1u << 2,
    FlagHasSdp = 1u << 3,
    FlagSdpOffer = 1u << 4,         // its SDP is an offer (RFC 3264)
    FlagSdpAnswer = 1u << 5,        // its SDP is an answer
    FlagRepeatedFailure = 1u << 6,  // a failure response another hop of its call already carried (stats count it once)
};

// The flags message_counts keeps of each message: those the statistics read from it; the others would only split
// its rows.
inline constexpr std::uint32_t CountedFlags = FlagValid | FlagRetransmission | FlagRepeatedFailure;

// A failure response: 4xx-6xx other than the 401/407 challenges, defined once in decode.
using decode::isFailureStatus;

// SQL: the bits of `flags` (a column) among `bits`, as an integer: "(m.flags & 4)".
inline std::string flagBitsSql(std::string_view flags, std::uint32_t bits) {
    std::string sql = "(";  // appended, not `"(" + ...`: GCC 12 warns falsely (-Wrestrict) on that
    sql += flags;
    sql += " & ";
    sql += std::to_string(bits);
    sql += ")";
    return sql;
}

// SQL: a status code isFailureStatus takes, over the column `status`: "status BETWEEN 400 AND 699 AND status NOT IN
// (401, 407)". Written from isFailureStatus itself (the codes from its first failure to its last, less those
// between that are none), so the SQL and the C++ cannot disagree on any code.
inline std::string failureStatusSql(std::string_view status) {
    constexpr int MaxStatus = 999;  // status codes have three digits (RFC 3261 §21)
    int first = 0;
    int last = -1;
    for (int code = 0; code <= MaxStatus; ++code) {
        if (isFailureStatus(code)) {
            first = last < 0 ? code : first;
            last = code;
        }
    }
    std::string sql;
    sql.append(status).append(" BETWEEN ").append(std::to_string(first)).append(" AND ").append(std::to_string(last));
    std::string exceptions;
    for (int code = first; code <= last; ++code) {
        if (!isFailureStatus(code))
            exceptions.append(exceptions.empty() ? "" : ", ").append(std::to_string(code));
    }
    if (!exceptions.empty())
        sql.append(" AND ").append(status).append(" NOT IN (").append(exceptions).append(")");
    return sql;
}

// SQL: a failure response (isFailureStatus) with none of the flags `excluded`, over the columns `status` and `flags`
// of the table aliased `prefix` ("m." or "" for none).
// SQL: how many rows of a group `condition` holds for, in both dialects (PostgreSQL has no sum() of a boolean).
inline std::string countWhereSql(std::string_view condition) {
    std::string sql = "count(CASE WHEN ";
    sql += condition;
    sql += " THEN 1 END)";
    return sql;
}

inline std::string failureSql(std::string_view prefix, std::uint32_t excluded) {
    std::string sql = failureStatusSql(std::string(prefix) + "status");
    sql.append(" AND ").append(flagBitsSql(std::string(prefix) + "flags", excluded)).append(" = 0");
    return sql;
}

}  // namespace sipscope::store::detail
