// The typed values of the rows from what the store keeps: each the inverse of its one name function, a name this
// version does not know kept apart from the known ones, an endpoint text read by capture's parser or refused.
#include "common/error.hpp"
#include "store/detail/row_values.hpp"

#include <gtest/gtest.h>

namespace sipscope::store::detail {
namespace {

TEST(RowValues, EachNameReadsBackAsItsValue) {
    for (const auto state :
         {decode::DialogState::Early, decode::DialogState::Confirmed, decode::DialogState::Terminated})
        EXPECT_EQ(dialogStateOf(decode::dialogStateName(state)), state) << decode::dialogStateName(state);
    for (const auto role : {decode::SdpRole::None, decode::SdpRole::Offer, decode::SdpRole::Answer})
        EXPECT_EQ(sdpRoleOf(decode::sdpRoleName(role)), role) << decode::sdpRoleName(role);
    for (const auto state : {decode::CallState::Calling, decode::CallState::Completed, decode::CallState::Rejected})
        EXPECT_EQ(callStateOf(decode::callStateName(state)), state) << decode::callStateName(state);
    EXPECT_EQ(transportOf(1), capture::Transport::Tcp);
}

TEST(RowValues, UnknownNamesAreNoKnownValue) {
    // A newer version's name prints as "unknown", never as some state it is not.
    EXPECT_EQ(decode::dialogStateName(dialogStateOf("half-open")), "unknown");
    EXPECT_EQ(decode::dialogStateName(dialogStateOf("")), "unknown");
    EXPECT_EQ(sdpRoleOf("counter-offer"), decode::SdpRole::None);
    EXPECT_EQ(sdpRoleOf(""), decode::SdpRole::None);  // NULL reads as ""
    EXPECT_EQ(decode::callStateName(callStateOf("parked")), "unknown");
    EXPECT_EQ(capture::transportName(transportOf(99)), "unknown");
}

TEST(RowValues, EndpointTextIsReadOrRefused) {
    EXPECT_EQ(endpointOf("10.0.0.1:5060").toString(), "10.0.0.1:5060");
    EXPECT_EQ(endpointOf("[2001:db8::1]:5060").ip.version, 6);
    EXPECT_EQ(endpointOf("[2001:db8::1]:5060").port, 5060);
    EXPECT_THROW(endpointOf("2001:db8::1:5060"), Error);
    EXPECT_THROW(endpointOf("10.0.0.1"), Error);
    EXPECT_THROW(endpointOf(""), Error);
}

}  // namespace
}  // namespace sipscope::store::detail
