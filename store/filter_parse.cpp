// Filter values and filter-bar words: each checked against what the filter accepts, errors that say what was expected.
#include "store/filter_parse.hpp"

#include "capture/packet.hpp"
#include "store/detail/row_values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <functional>

namespace sipscope::store {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The text as the user typed it, quoted in an error (cut, and with control characters shown as '?').
std::string quoted(std::string_view text) {
    std::string out = "'";
    for (std::size_t i = 0; i < text.size() && i < 60; ++i)
        out += static_cast<unsigned char>(text[i]) < 0x20 || text[i] == 0x7f ? '?' : text[i];
    return out + (text.size() > 60 ? "...'" : "'");
}

template <typename T>
Parsed<T> failure(std::string_view text, const std::string& expected) {
    Parsed<T> parsed;
    parsed.error = quoted(text) + " is not " + expected;
    return parsed;
}

template <typename Names>
Parsed<std::string> oneOf(std::string_view text, const Names& names, const char* what) {
    const std::string value = lower(text);
    if (std::find(names.begin(), names.end(), value) != names.end())
        return {value, {}};
    std::string list;
    for (std::string_view name : names)
        list.append(list.empty() ? "" : ", ").append(name);
    return failure<std::string>(text, std::string(what) + "; expected one of: " + list);
}

// RFC 3261 §25.1 token characters.
bool isToken(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return std::isalnum(c) || std::string_view("-.!%*_+`'~").find(static_cast<char>(c)) != std::string_view::npos;
    });
}

// A whole number of at most `digits` digits into `value`; false if the text is anything else.
template <typename T>
bool wholeNumber(std::string_view text, T& value, std::size_t digits = 18) {
    if (text.empty() || text.size() > digits ||
        !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }))
        return false;
    return std::from_chars(text.data(), text.data() + text.size(), value).ec == std::errc();
}

bool isLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int daysInMonth(int year, int month) {
    static constexpr int Days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && isLeapYear(year) ? 29 : Days[month - 1];
}

// Reads exactly `count` digits at `at` into `value`.
bool digitsAt(std::string_view text, std::size_t& at, std::size_t count, int& value) {
    if (at + count > text.size())
        return false;
    if (!wholeNumber(text.substr(at, count), value, count))
        return false;
    at += count;
    return true;
}

bool charAt(std::string_view text, std::size_t& at, char c) {
    if (at < text.size() && text[at] == c) {
        ++at;
        return true;
    }
    return false;
}

// ISO 8601 as documented on parseTime; false when the text is not one. `dateOnly` tells a date alone.
bool parseIso(std::string_view text, std::int64_t& microseconds, bool& dateOnly) {
    std::size_t at = 0;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digitsAt(text, at, 4, year) || !charAt(text, at, '-') || !digitsAt(text, at, 2, month) ||
        !charAt(text, at, '-') || !digitsAt(text, at, 2, day))
        return false;
    if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
        return false;
    std::int64_t fraction = 0;
    std::int64_t offsetSeconds = 0;
    dateOnly = at == text.size();
    if (!dateOnly) {
        if (!charAt(text, at, 'T') && !charAt(text, at, 't') && !charAt(text, at, ' '))
            return false;
        if (!digitsAt(text, at, 2, hour) || !charAt(text, at, ':') || !digitsAt(text, at, 2, minute))
            return false;
        if (charAt(text, at, ':')) {
            if (!digitsAt(text, at, 2, second))
                return false;
            if (charAt(text, at, '.') || charAt(text, at, ',')) {
                int digits = 0;
                for (; at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])); ++at, ++digits)
                    if (digits < 6)
                        fraction = fraction * 10 + (text[at] - '0');
                if (digits == 0)
                    return false;
                for (; digits < 6; ++digits)
                    fraction *= 10;
            }
        }
        if (hour > 23 || minute > 59 || second > 60)
            return false;
        if (charAt(text, at, 'Z') || charAt(text, at, 'z')) {
        } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
            const bool east = text[at++] == '+';
            int offsetHours = 0, offsetMinutes = 0;
            if (!digitsAt(text, at, 2, offsetHours))
                return false;
            charAt(text, at, ':');
            if (!digitsAt(text, at, 2, offsetMinutes) || offsetHours > 23 || offsetMinutes > 59)
                return false;
            offsetSeconds = (east ? 1 : -1) * (offsetHours * 3600 + offsetMinutes * 60);
        }
        if (at != text.size())
            return false;
    }
    std::tm parts{};
    parts.tm_year = year - 1900;
    parts.tm_mon = month - 1;
    parts.tm_mday = day;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_sec = second;
    const std::int64_t seconds = static_cast<std::int64_t>(timegm(&parts)) - offsetSeconds;
    microseconds = seconds * 1'000'000 + fraction;
    return true;
}

}  // namespace

const std::vector<std::string_view>& callStates() {
    static const std::vector<std::string_view> names = detail::callStateNames();
    return names;
}

const std::vector<std::string_view>& callKinds() {
    static const std::vector<std::string_view> names = detail::callKindNames();
    return names;
}

Parsed<std::string> parseCallState(std::string_view text) { return oneOf(text, callStates(), "a call state"); }

Parsed<std::string> parseSubscriptionState(std::string_view text) {
    return oneOf(text, SubscriptionStates, "a subscription state");
}

Parsed<std::string> parseCallKind(std::string_view text) { return oneOf(text, callKinds(), "a call kind"); }

Parsed<StatusMatch> parseStatus(std::string_view text) {
    const char* expected = "a SIP status: a code from 100 to 699 (486) or a class from 1xx to 6xx (5xx)";
    if (text.size() == 3 && text[0] >= '1' && text[0] <= '6' &&
        std::tolower(static_cast<unsigned char>(text[1])) == 'x' &&
        std::tolower(static_cast<unsigned char>(text[2])) == 'x') {
        StatusMatch match;
        match.statusClass = text[0] - '0';
        return {match, {}};
    }
    int code = 0;
    if (!wholeNumber(text, code, 3) || code < 100 || code > 699)
        return failure<StatusMatch>(text, expected);
    StatusMatch match;
    match.code = code;
    return {match, {}};
}

Parsed<std::string> parseMethod(std::string_view text) {
    if (!isToken(text))
        return failure<std::string>(text, "a SIP method (a word such as INVITE, REGISTER, OPTIONS)");
    std::string value(text);
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return {value, {}};
}

Parsed<std::string> parseEventPackage(std::string_view text) {
    if (!isToken(text))
        return failure<std::string>(text, "an Event package (a word such as presence, dialog, message-summary)");
    return {std::string(text), {}};
}

Parsed<std::string> parseHost(std::string_view text) {
    // capture's one parser of address text; the value is written as the store writes endpoints (Host::toString).
    if (const auto host = capture::parseHost(text))
        return {host->toString(), {}};
    return failure<std::string>(
        text, "a host: an IP address, ip:port, or [IPv6]:port (10.0.0.1, 10.0.0.1:5060, [2001:db8::1]:5060)");
}

Parsed<std::int64_t> parseTime(std::string_view text, TimeBound bound) {
    const char* expected = "a time: an ISO 8601 UTC time (2024-05-01T12:00:00Z), a date (2024-05-01) or epoch seconds";
    // Epoch seconds, optionally with a fraction (up to microseconds).
    const std::size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    std::int64_t seconds = 0;
    if (wholeNumber(whole, seconds, 12)) {
        std::int64_t fraction = 0;
        if (dot != std::string_view::npos) {
            const std::string_view digits = text.substr(dot + 1);
            if (digits.empty() || digits.size() > 6 || !wholeNumber(digits, fraction, 6))
                return failure<std::int64_t>(text, expected);
            for (std::size_t i = digits.size(); i < 6; ++i)
                fraction *= 10;
        }
        return {seconds * 1'000'000 + fraction, {}};
    }
    std::int64_t microseconds = 0;
    bool dateOnly = false;
    if (!parseIso(text, microseconds, dateOnly))
        return failure<std::int64_t>(text, expected);
    if (dateOnly && bound == TimeBound::Until)
        microseconds += 86'400'000'000 - 1;  // the whole day
    return {microseconds, {}};
}

Parsed<std::size_t> parseLimit(std::string_view text) {
    std::size_t value = 0;
    if (!wholeNumber(text, value, 12) || value == 0)
        return failure<std::size_t>(text, "a number of rows: a whole number, 1 or more");
    return {value, {}};
}

void applyStatus(const StatusMatch& status, Filter& filter) {
    filter.status = status.code;
    filter.statusClass = status.statusClass;
}

FilterWords parseFilterWords(std::string_view text) {
    FilterWords result;
    Filter& filter = result.filter;
    // Split into words; a double-quoted stretch (from:"Alice Smith" or "two words") stays one word, quotes removed.
    std::vector<std::pair<std::string, std::string>> words;  // (as typed, unquoted)
    for (std::size_t at = 0; at < text.size();) {
        if (std::isspace(static_cast<unsigned char>(text[at]))) {
            ++at;
            continue;
        }
        const std::size_t start = at;
        std::string word;
        bool inQuotes = false;
        for (; at < text.size() && (inQuotes || !std::isspace(static_cast<unsigned char>(text[at]))); ++at) {
            if (text[at] == '"')
                inQuotes = !inQuotes;
            else
                word += text[at];
        }
        words.emplace_back(std::string(text.substr(start, at - start)), std::move(word));
    }
    std::vector<std::string> seen;
    std::optional<std::string> untilWord;
    for (const auto& typedAndWord : words) {
        // Named references, not a structured binding: clang 14 cannot capture a binding in the lambda below.
        const std::string& typed = typedAndWord.first;
        const std::string& word = typedAndWord.second;
        const std::size_t colon = word.find(':');
        const std::string name = colon == std::string::npos ? std::string() : lower(word.substr(0, colon));
        const std::string value = colon == std::string::npos ? std::string() : word.substr(colon + 1);
        auto fail = [&result, &typed](const std::string& error) { result.errors.push_back({typed, error}); };
        // Takes a parsed value, or records its error.
        auto use = [&fail](const auto& parsed, const std::function<void()>& set) {
            if (parsed)
                set();
            else
                fail(parsed.error);
        };
        static constexpr std::string_view Names[] = {"from",  "to",   "call", "key",   "method", "status",
                                                     "state", "kind", "host", "since", "until"};
        const bool known = std::find(std::begin(Names), std::end(Names), name) != std::end(Names);
        if (!known) {
            const bool plainName = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
                return std::isalpha(c) || c == '-' || c == '_';
            });
            if (plainName && name != "sip" && name != "sips" && name != "tel") {
                std::string list;
                for (std::string_view n : Names)
                    list += (list.empty() ? "" : ", ") + std::string(n) + ":";
                fail("'" + name + ":' is not a filter word; expected one of: " + list + " or free text");
            } else {
                filter.text.push_back(word);
            }
            continue;
        }
        if (value.empty()) {
            fail("'" + name + ":' needs a value after the colon");
            continue;
        }
        if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
            fail("'" + name + ":' is given twice; a filter word can be given once");
            continue;
        }
        seen.push_back(name);
        if (name == "from") {
            filter.from = value;
        } else if (name == "to") {
            filter.to = value;
        } else if (name == "call") {
            filter.callId = value;
        } else if (name == "key") {
            std::int64_t key = 0;
            if (wholeNumber(std::string_view(value), key))
                filter.callKey = key;
            else
                fail(quoted(value) + " is not a call key; expected the number of the calls list's first column");
        } else if (name == "method") {
            const auto parsed = parseMethod(value);
            use(parsed, [&] { filter.method = *parsed.value; });
        } else if (name == "status") {
            const auto parsed = parseStatus(value);
            use(parsed, [&] { applyStatus(*parsed.value, filter); });
        } else if (name == "state") {
            const auto parsed = parseCallState(value);
            use(parsed, [&] { filter.state = *parsed.value; });
        } else if (name == "kind") {
            const auto parsed = parseCallKind(value);
            use(parsed, [&] { filter.kind = *parsed.value; });
        } else if (name == "host") {
            const auto parsed = parseHost(value);
            use(parsed, [&] { filter.host = *parsed.value; });
        } else if (name == "since") {
            const auto parsed = parseTime(value, TimeBound::Since);
            use(parsed, [&] { filter.sinceUs = *parsed.value; });
        } else if (name == "until") {
            const auto parsed = parseTime(value, TimeBound::Until);
            use(parsed, [&] { filter.untilUs = *parsed.value; });
            untilWord = typed;
        }
    }
    if (filter.sinceUs && filter.untilUs && *filter.sinceUs > *filter.untilUs) {
        result.errors.push_back({*untilWord, "'until:' is before 'since:'; nothing can match"});
        filter.untilUs.reset();
    }
    return result;
}

}  // namespace sipscope::store
