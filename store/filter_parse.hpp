// Parsing and checking of filter values, shared by the cli's options (--state, --status, ...) and the viewer's
// filter bar (words such as `from:alice status:5xx since:2024-05-01`). Pure functions: no database, no I/O.
#pragma once

#include "store/reader.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::store {

// A parsed value, or why the text is not one: `error` names the text and what was expected
// ("'bogus' is not a call state; expected one of: calling, proceeding, ..."), ready to show to a user.
template <typename T>
struct Parsed {
    std::optional<T> value;
    std::string error;  // empty when `value` is set

    explicit operator bool() const { return value.has_value(); }
};

// The values `state` and `kind` take (README "Call states", "kind"): decode's names of its call states and call
// kinds (decode::callStateName, callKindName), in their order.
const std::vector<std::string_view>& callStates();
const std::vector<std::string_view>& callKinds();
// The values a subscription's `state` takes: RFC 6665's Subscription-State values, and "rejected".
inline constexpr std::array<std::string_view, 4> SubscriptionStates = {"active", "pending", "terminated", "rejected"};

// A status filter: one code (100-699) or one class (5xx: statusClass 5). Exactly one of the two is set.
struct StatusMatch {
    std::optional<int> code;
    std::optional<int> statusClass;  // 1..6
};

// Case-insensitive; the value comes back lower-case.
Parsed<std::string> parseCallState(std::string_view text);
Parsed<std::string> parseSubscriptionState(std::string_view text);
Parsed<std::string> parseCallKind(std::string_view text);
// "486", or a class "4xx" (also "4XX").
Parsed<StatusMatch> parseStatus(std::string_view text);
// A SIP method (an RFC 3261 token: extension methods are allowed); the value comes back upper-case.
Parsed<std::string> parseMethod(std::string_view text);
// An Event package (an RFC 3261 token), as given.
Parsed<std::string> parseEventPackage(std::string_view text);
// "10.0.0.1", "10.0.0.1:5060", "2001:db8::1", "[2001:db8::1]" or "[2001:db8::1]:5060". The value is the address
// in its canonical text (as the store writes endpoints), with ":port" (IPv6 as "[addr]:port") when one was given.
Parsed<std::string> parseHost(std::string_view text);

// Whether a time bounds a range from below (--since) or from above (--until).
enum class TimeBound { Since, Until };
// ISO 8601 in UTC ("2024-05-01T12:00:00Z", with optional ".ffffff", 'Z' or a "+02:00" offset, 'T' or a space;
// seconds may be left out), a date alone ("2024-05-01"), or epoch seconds ("1714564800", "1714564800.25").
// A date alone is midnight UTC for TimeBound::Since and the last microsecond of that day for TimeBound::Until,
// so `--until 2024-05-01` includes the whole day. Microseconds since the epoch.
Parsed<std::int64_t> parseTime(std::string_view text, TimeBound bound);
// A row count: a whole number, 1 or more.
Parsed<std::size_t> parseLimit(std::string_view text);

// Sets `filter.status` or `filter.statusClass` from a parsed status.
void applyStatus(const StatusMatch& status, Filter& filter);

// One word of a filter bar that could not be used: the word as typed and why (what was expected).
struct FilterWordError {
    std::string word;
    std::string error;
};

struct FilterWords {
    Filter filter;
    std::vector<FilterWordError> errors;  // empty when every word was used
};

// The filter words of the viewer's filter bar, separated by spaces, a value in double quotes when it holds spaces:
//   from:alice to:bob call:CALL-ID key:42 method:INVITE status:486|5xx state:rejected kind:registration
//   host:10.0.0.2[:5060] since:2024-05-01T12:00:00Z until:2024-05-01
// Each value is checked as by the parse functions above. Any other word is free text (Filter::text: each must be
// in the Call-ID, From or To), except an unknown `name:value` whose name is a plain word that is no URI scheme
// (sip:, sips:, tel:), which is reported as a mistyped filter word; a filter word given twice, or since after until,
// is an error too. The words that parse still make `filter` when others fail.
FilterWords parseFilterWords(std::string_view text);

}  // namespace sipscope::store
