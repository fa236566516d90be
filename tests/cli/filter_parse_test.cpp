// Unit tests of store/filter_parse: every filter value the cli and the viewer's filter bar accept, and the errors
// that say what was expected.
#include "store/filter_parse.hpp"

#include <gtest/gtest.h>

namespace {

using namespace sipscope::store;

constexpr std::int64_t May1 = 1714521600LL * 1'000'000;  // 2024-05-01T00:00:00Z
constexpr std::int64_t Day = 86'400'000'000LL;

TEST(FilterParse, StatesAndKindsAreCheckedAndListed) {
    EXPECT_EQ(parseCallState("Rejected").value, "rejected");
    EXPECT_EQ(parseCallState("early_media").value, "early_media");
    const auto bogus = parseCallState("bogus");
    EXPECT_FALSE(bogus);
    EXPECT_NE(bogus.error.find("'bogus' is not a call state"), std::string::npos) << bogus.error;
    EXPECT_NE(bogus.error.find("calling, proceeding, ringing"), std::string::npos) << bogus.error;
    EXPECT_EQ(parseSubscriptionState("active").value, "active");
    EXPECT_FALSE(parseSubscriptionState("answered"));
    EXPECT_EQ(parseCallKind("REGISTRATION").value, "registration");
    const auto calls = parseCallKind("calls");
    EXPECT_FALSE(calls);
    EXPECT_NE(calls.error.find("call, registration, subscription"), std::string::npos) << calls.error;
    EXPECT_FALSE(parseCallKind(""));
}

// Every value of an enum up to `last` is named in `names`, at its place, and `parse` accepts that name; `names` holds
// no other.
template <typename Enum, typename NameOf, typename Parse>
void expectEveryName(const std::vector<std::string_view>& names, Enum last, NameOf nameOf, Parse parse) {
    const auto lastValue = static_cast<unsigned>(last);
    ASSERT_EQ(names.size(), lastValue + 1);
    for (unsigned value = 0; value <= lastValue; ++value) {
        const std::string_view name = nameOf(static_cast<Enum>(value));
        EXPECT_EQ(names[value], name);
        EXPECT_EQ(parse(name).value, std::string(name));
    }
}

// The filters take decode's names, every one of them and no other.
TEST(FilterParse, StatesAndKindsAreDecodesNames) {
    expectEveryName(callStates(), sipscope::decode::CallState::Pending, sipscope::decode::callStateName,
                    parseCallState);
    expectEveryName(callKinds(), sipscope::decode::CallKind::Other, sipscope::decode::callKindName, parseCallKind);
}

TEST(FilterParse, StatusIsACodeOrAClass) {
    EXPECT_EQ(parseStatus("486").value->code, 486);
    EXPECT_FALSE(parseStatus("486").value->statusClass);
    EXPECT_EQ(parseStatus("5xx").value->statusClass, 5);
    EXPECT_EQ(parseStatus("6XX").value->statusClass, 6);
    EXPECT_FALSE(parseStatus("5xx").value->code);
    for (const char* bad : {"99999", "99", "700", "0", "-200", "7xx", "0xx", "5x", "abc", "", " 200", "200 ", "2e2"}) {
        const auto parsed = parseStatus(bad);
        EXPECT_FALSE(parsed) << bad;
        EXPECT_NE(parsed.error.find("100 to 699"), std::string::npos) << parsed.error;
    }
    Filter filter;
    applyStatus(*parseStatus("4xx").value, filter);
    EXPECT_EQ(filter.statusClass, 4);
    EXPECT_FALSE(filter.status);
    applyStatus(*parseStatus("404").value, filter);
    EXPECT_EQ(filter.status, 404);
    EXPECT_FALSE(filter.statusClass);
}

TEST(FilterParse, HostsAreAddressesInCanonicalText) {
    EXPECT_EQ(parseHost("10.0.0.2").value, "10.0.0.2");
    EXPECT_EQ(parseHost("10.0.0.2:5060").value, "10.0.0.2:5060");
    EXPECT_EQ(parseHost("2001:DB8:0::1").value, "2001:db8::1");
    EXPECT_EQ(parseHost("[2001:db8::1]").value, "2001:db8::1");
    EXPECT_EQ(parseHost("[2001:db8::1]:5061").value, "[2001:db8::1]:5061");
    for (const char* bad : {"not-an-ip", "10.0.0", "10.0.0.256", "10.0.0.1:", "10.0.0.1:99999", "10.0.0.1:x",
                            "[2001:db8::1", "[2001:db8::1]5060", "[10.0.0.1]", "host.example:5060", ""}) {
        const auto parsed = parseHost(bad);
        EXPECT_FALSE(parsed) << bad;
        EXPECT_NE(parsed.error.find("an IP address, ip:port"), std::string::npos) << parsed.error;
    }
}

TEST(FilterParse, TimesTakeIsoDatesAndEpochSeconds) {
    EXPECT_EQ(parseTime("2024-05-01T00:00:00Z", TimeBound::Since).value, May1);
    EXPECT_EQ(parseTime("2024-05-01 12:00:00", TimeBound::Since).value, May1 + 12 * 3'600'000'000LL);
    EXPECT_EQ(parseTime("2024-05-01T12:00Z", TimeBound::Since).value, May1 + 12 * 3'600'000'000LL);
    EXPECT_EQ(parseTime("2024-05-01T00:00:01.25Z", TimeBound::Since).value, May1 + 1'250'000);
    EXPECT_EQ(parseTime("2024-05-01T00:00:00.1234567Z", TimeBound::Since).value, May1 + 123'456);
    EXPECT_EQ(parseTime("2024-05-01T02:00:00+02:00", TimeBound::Since).value, May1);
    EXPECT_EQ(parseTime("2024-04-30T22:00:00-0200", TimeBound::Since).value, May1);
    EXPECT_EQ(parseTime("1714521600", TimeBound::Since).value, May1);
    EXPECT_EQ(parseTime("1714521600.5", TimeBound::Until).value, May1 + 500'000);
    // A date alone: midnight UTC from below, the whole day from above.
    EXPECT_EQ(parseTime("2024-05-01", TimeBound::Since).value, May1);
    EXPECT_EQ(parseTime("2024-05-01", TimeBound::Until).value, May1 + Day - 1);
    EXPECT_EQ(parseTime("2024-02-29", TimeBound::Since).value, May1 - 62 * Day);
    for (const char* bad :
         {"yesterday", "2024-13-01", "2024-02-30", "2023-02-29", "2024-05-01T25:00:00Z", "2024-05-01T12:00:00Q",
          "2024-05-01T", "2024-5-1", "1714521600.", "-5", "", "2024-05-01T12:00:00.Z"}) {
        const auto parsed = parseTime(bad, TimeBound::Since);
        EXPECT_FALSE(parsed) << bad;
        EXPECT_NE(parsed.error.find("2024-05-01T12:00:00Z"), std::string::npos) << parsed.error;
    }
}

TEST(FilterParse, LimitIsOneOrMore) {
    EXPECT_EQ(parseLimit("10").value, 10u);
    for (const char* bad : {"0", "-5", "ten", "", "1.5", "99999999999999999999"}) {
        const auto parsed = parseLimit(bad);
        EXPECT_FALSE(parsed) << bad;
        EXPECT_NE(parsed.error.find("1 or more"), std::string::npos) << parsed.error;
    }
}

TEST(FilterParse, MethodsAndEventsAreTokens) {
    EXPECT_EQ(parseMethod("invite").value, "INVITE");
    EXPECT_EQ(parseMethod("X-CUSTOM").value, "X-CUSTOM");
    EXPECT_FALSE(parseMethod("IN VITE"));
    EXPECT_FALSE(parseMethod(""));
    EXPECT_EQ(parseEventPackage("message-summary").value, "message-summary");
    EXPECT_FALSE(parseEventPackage("a;b"));
}

TEST(FilterParse, FilterWordsMakeAFilter) {
    const FilterWords words =
        parseFilterWords("from:alice state:rejected status:5xx host:10.0.0.2 "
                         "since:2024-05-01T12:00:00Z kind:registration until:2024-05-01 "
                         "to:\"Bob Smith\" method:invite key:42 call:abc@host 3c26 \"two words\"");
    EXPECT_TRUE(words.errors.empty()) << words.errors.front().word << ": " << words.errors.front().error;
    const Filter& f = words.filter;
    EXPECT_EQ(f.from, "alice");
    EXPECT_EQ(f.to, "Bob Smith");
    EXPECT_EQ(f.state, "rejected");
    EXPECT_EQ(f.statusClass, 5);
    EXPECT_FALSE(f.status);
    EXPECT_EQ(f.host, "10.0.0.2");
    EXPECT_EQ(f.sinceUs, May1 + 12 * 3'600'000'000LL);
    EXPECT_EQ(f.untilUs, May1 + Day - 1);
    EXPECT_EQ(f.kind, "registration");
    EXPECT_EQ(f.method, "INVITE");
    EXPECT_EQ(f.callKey, 42);
    EXPECT_EQ(f.callId, "abc@host");
    EXPECT_EQ(f.text, (std::vector<std::string>{"3c26", "two words"}));
}

TEST(FilterParse, FilterWordErrorsNameTheWordAndWhatWasExpected) {
    const FilterWords words =
        parseFilterWords("state:bogus status:99999 stat:486 host:not-an-ip from: alice since:2024-05-02 "
                         "until:2024-05-01 sip:bob@example.com 10.0.0.1:5060 kind:call kind:options key:x");
    ASSERT_EQ(words.errors.size(), 8u);
    EXPECT_EQ(words.errors[0].word, "state:bogus");
    EXPECT_NE(words.errors[0].error.find("calling, proceeding"), std::string::npos);
    EXPECT_EQ(words.errors[1].word, "status:99999");
    EXPECT_EQ(words.errors[2].word, "stat:486");
    EXPECT_NE(words.errors[2].error.find("not a filter word"), std::string::npos);
    EXPECT_EQ(words.errors[3].word, "host:not-an-ip");
    EXPECT_EQ(words.errors[4].word, "from:");
    EXPECT_NE(words.errors[4].error.find("needs a value"), std::string::npos);
    EXPECT_EQ(words.errors[5].word, "kind:options");
    EXPECT_NE(words.errors[5].error.find("twice"), std::string::npos);
    EXPECT_EQ(words.errors[6].word, "key:x");
    EXPECT_EQ(words.errors[7].word, "until:2024-05-01");
    EXPECT_NE(words.errors[7].error.find("before"), std::string::npos);
    // What did parse still filters; URIs and addresses with a colon are free text.
    EXPECT_EQ(words.filter.kind, "call");
    EXPECT_EQ(words.filter.text, (std::vector<std::string>{"alice", "sip:bob@example.com", "10.0.0.1:5060"}));
    EXPECT_TRUE(words.filter.sinceUs);
    EXPECT_FALSE(words.filter.untilUs);
    EXPECT_FALSE(words.filter.state);
    EXPECT_FALSE(words.filter.host);
}

TEST(FilterParse, EmptyTextIsNoFilter) {
    const FilterWords words = parseFilterWords("   ");
    EXPECT_TRUE(words.errors.empty());
    EXPECT_TRUE(words.filter.text.empty());
    EXPECT_FALSE(words.filter.from);
}

}  // namespace
