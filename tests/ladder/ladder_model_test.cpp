// The ladder model: columns in first-seen order, one label rule (SDP role as stored, codecs, flags, legs), classes,
// directions and transactions.
#include "ladder/ladder_model.hpp"

#include "ladder/host_aliases.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sipscope::ladder {
namespace {

store::MessageRow request(std::int64_t id, const std::string& src, const std::string& dst, const std::string& method,
                          std::uint32_t cseq, const std::string& callId = "call-a") {
    store::MessageRow row;
    row.id = id;
    row.timestampUs = id * 1000;
    row.src = capture::parseEndpoint(src).value();
    row.dst = capture::parseEndpoint(dst).value();
    row.method = method;
    row.cseq = cseq;
    row.cseqMethod = method;
    row.callId = callId;
    return row;
}

store::MessageRow response(std::int64_t id, const std::string& src, const std::string& dst, int status,
                           const std::string& reason, std::uint32_t cseq, const std::string& method,
                           const std::string& callId = "call-a") {
    store::MessageRow row = request(id, src, dst, method, cseq, callId);
    row.method.reset();
    row.status = status;
    row.reason = reason;
    return row;
}

const std::string Alice = "10.0.0.1:5060", Proxy = "10.0.0.2:5060", Bob = "10.0.0.3:5080", Bob2 = "10.0.0.3:5062";

// A call through a proxy rejected with 486, the ACK of the 486 hop by hop, and an OPTIONS the proxy sends itself.
std::vector<store::MessageRow> rejectedCall() {
    std::vector<store::MessageRow> rows;
    rows.push_back(request(1, Alice, Proxy, "INVITE", 1));
    rows.back().hasSdp = true;
    rows.back().sdpRole = SdpRole::Offer;
    rows.push_back(response(2, Proxy, Alice, 100, "Trying", 1, "INVITE"));
    rows.push_back(request(3, Proxy, Bob, "INVITE", 1));
    rows.back().hasSdp = true;
    rows.back().sdpRole = SdpRole::Offer;
    rows.push_back(request(4, Proxy, Bob, "INVITE", 1));
    rows.back().hasSdp = true;
    rows.back().sdpRole = SdpRole::Offer;
    rows.back().retransmission = true;
    rows.push_back(response(5, Bob, Proxy, 486, "Busy Here", 1, "INVITE"));
    rows.back().hasSdp = true;  // SDP in a 486: the correlator stored no role for it
    rows.push_back(request(6, Proxy, Bob, "ACK", 1));
    rows.push_back(response(7, Proxy, Alice, 486, "Busy Here", 1, "INVITE"));
    rows.push_back(request(8, Alice, Proxy, "ACK", 1));
    rows.push_back(request(9, Proxy, Proxy, "OPTIONS", 7, "ping"));
    rows.push_back(response(10, Bob2, Proxy, 200, "OK", 2, "BYE"));
    rows.back().valid = false;
    rows.back().error = "no Via\x1b[31m";
    return rows;
}

TEST(LadderModel, ColumnsInFirstSeenOrderSourceBeforeDestination) {
    const Model model = buildModel(rejectedCall());
    ASSERT_EQ(model.columns.size(), 4u);
    EXPECT_EQ(model.columns[0].host, Alice);
    EXPECT_EQ(model.columns[1].host, Proxy);
    EXPECT_EQ(model.columns[2].host, Bob);
    EXPECT_EQ(model.columns[3].host, Bob2);  // first seen as the source of message 10
    EXPECT_EQ(model.arrows[2].fromColumn, 1u);
    EXPECT_EQ(model.arrows[2].toColumn, 2u);
    EXPECT_EQ(model.arrows[4].direction, Direction::Left);
    EXPECT_EQ(model.arrows[2].direction, Direction::Right);
    EXPECT_EQ(model.arrows[8].direction, Direction::Self);
    EXPECT_EQ(model.arrows[8].fromColumn, model.arrows[8].toColumn);

    ModelOptions byIp;
    byIp.grouping = ColumnGrouping::Ip;
    const Model merged = buildModel(rejectedCall(), byIp);
    ASSERT_EQ(merged.columns.size(), 3u);
    EXPECT_EQ(merged.columns[2].host, "10.0.0.3");
    EXPECT_EQ(merged.arrows[9].fromColumn, 2u);  // both ports of 10.0.0.3 in one column

    std::vector<store::MessageRow> v6 = {request(1, "[2001:db8::1]:5060", "[2001:db8::2]:5060", "OPTIONS", 1)};
    EXPECT_EQ(buildModel(v6, byIp).columns[0].host, "2001:db8::1");
}

// Columns group by value: an endpoint, or with the per-IP toggle its address (capture::Host without a port), IPv6
// as IPv4; the aliases file names them in any spelling of the address.
TEST(LadderModel, ColumnsGroupByEndpointOrAddressValues) {
    const std::string A5060 = "[2001:db8::a]:5060", A5062 = "[2001:db8::a]:5062", B = "[2001:db8::b]:5060";
    const std::vector<store::MessageRow> rows = {request(1, A5060, B, "INVITE", 1),
                                                 response(2, B, A5062, 200, "OK", 1, "INVITE"),
                                                 request(3, "10.0.0.1:5060", A5060, "OPTIONS", 2)};
    const Model byEndpoint = buildModel(rows);
    ASSERT_EQ(byEndpoint.columns.size(), 4u);
    EXPECT_EQ(byEndpoint.columns[0].address, (capture::Host{rows[0].src.ip, 5060}));
    EXPECT_EQ(byEndpoint.columns[2].address, (capture::Host{rows[0].src.ip, 5062}));
    EXPECT_EQ(byEndpoint.columns[2].host, A5062);
    EXPECT_EQ(byEndpoint.arrows[2].toColumn, 0u);

    const HostAliases aliases = HostAliases::parse("2001:DB8:0:0::A = edge\n[2001:db8::b]:5060 = core\n", "t");
    ModelOptions byIp;
    byIp.grouping = ColumnGrouping::Ip;
    byIp.aliases = &aliases;
    const Model merged = buildModel(rows, byIp);
    ASSERT_EQ(merged.columns.size(), 3u);
    EXPECT_EQ(merged.columns[0].address, (capture::Host{rows[0].src.ip, std::nullopt}));
    EXPECT_EQ(merged.columns[0].host, "2001:db8::a");
    EXPECT_EQ(merged.columns[0].alias, "edge");
    EXPECT_EQ(merged.columns[1].alias, "");  // an endpoint's name is not its address's: every port is another host
    EXPECT_EQ(merged.columns[2].host, "10.0.0.1");
    EXPECT_EQ(merged.arrows[1].toColumn, 0u);  // both ports of 2001:db8::a in one column
    EXPECT_EQ(buildModel(rows, ModelOptions{ColumnGrouping::Endpoint, &aliases, {}, {}, {}, {}}).columns[1].alias,
              "core");
}

TEST(LadderModel, AliasesNameColumns) {
    const HostAliases aliases = HostAliases::parse("10.0.0.1:5060 = alice-ua\n10.0.0.3 = bob-host\n", "t");
    ModelOptions options;
    options.aliases = &aliases;
    const Model model = buildModel(rejectedCall(), options);
    EXPECT_EQ(model.columns[0].alias, "alice-ua");
    EXPECT_EQ(model.columns[1].alias, "");
    EXPECT_EQ(model.columns[2].alias, "bob-host");
    EXPECT_EQ(model.columns[3].alias, "bob-host");
    EXPECT_EQ(columnTitle(model.columns[0]), "alice-ua (10.0.0.1:5060)");
    EXPECT_EQ(columnTitle(model.columns[1]), "10.0.0.2:5060");
}

TEST(LadderModel, OneLabelRuleWithTheStoredSdpRole) {
    ModelOptions options;
    store::MediaRow audio;
    audio.messageId = 1;
    audio.codecs = "PCMU/8000 PCMA/8000 PCMU/16000";
    options.media.push_back(audio);
    store::MediaRow video = audio;
    video.codecs = "H264/90000";
    options.media.push_back(video);
    const Model model = buildModel(rejectedCall(), options);
    const std::vector<std::string> labels = {
        "INVITE (SDP offer: PCMU PCMA H264)",
        "100 Trying",
        "INVITE (SDP offer)",
        "INVITE (SDP offer) (retrans)",
        "486 Busy Here (SDP)",  // the stored role (none), not one recomputed from the 486's own SDP
        "ACK",
        "486 Busy Here",
        "ACK",
        "OPTIONS",
        "!200 OK",
    };
    ASSERT_EQ(model.arrows.size(), labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(model.arrows[i].label, labels[i]);
        EXPECT_EQ(model.arrows[i].message, i);
        EXPECT_EQ(model.arrows[i].messageId, static_cast<std::int64_t>(i + 1));
    }
    EXPECT_EQ(model.arrows[0].sdpRole, SdpRole::Offer);
    EXPECT_EQ(model.arrows[4].sdpRole, SdpRole::None);
    EXPECT_EQ(model.arrows[0].codecs, "PCMU PCMA H264");
    EXPECT_EQ(model.arrows[9].error, "no Via\\x1b[31m");  // printable
    EXPECT_TRUE(model.arrows[9].hasError);
    EXPECT_TRUE(model.arrows[3].isRetransmission);

    std::vector<store::MessageRow> answer = {response(1, Bob, Proxy, 200, "OK", 1, "INVITE")};
    answer[0].hasSdp = true;
    answer[0].sdpRole = SdpRole::Answer;
    EXPECT_EQ(buildModel(answer).arrows[0].label, "200 OK (SDP answer)");

    std::vector<store::MessageRow> hostile = {request(1, Alice, Proxy, "INV\nITE\xff", 1)};
    hostile[0].method.reset();
    EXPECT_EQ(buildModel(hostile).arrows[0].label, "?");
    hostile[0].method = "INV\nITE\xff";
    EXPECT_EQ(buildModel(hostile).arrows[0].label, "INV\\nITE\\xff");
}

TEST(LadderModel, ClassesAndTheirColours) {
    const Model model = buildModel(rejectedCall());
    EXPECT_EQ(model.arrows[0].messageClass, MessageClass::Request);
    EXPECT_EQ(model.arrows[1].messageClass, MessageClass::Provisional);
    EXPECT_EQ(model.arrows[4].messageClass, MessageClass::ClientError);
    EXPECT_EQ(model.arrows[9].messageClass, MessageClass::Success);
    const MessageClass all[] = {MessageClass::Request,     MessageClass::Provisional, MessageClass::Success,
                                MessageClass::Redirect,    MessageClass::ClientError, MessageClass::ServerError,
                                MessageClass::GlobalError, MessageClass::Unknown};
    for (std::size_t a = 0; a < std::size(all); ++a)
        for (std::size_t b = a + 1; b < std::size(all); ++b)
            EXPECT_NE(classColor(all[a]), classColor(all[b])) << a << " " << b;
    EXPECT_EQ(hexColor(classColor(MessageClass::ClientError)), "#d32f2f");
    EXPECT_NE(legColor(0), legColor(1));
    EXPECT_EQ(legColor(0), legColor(8));
}

TEST(LadderModel, TransactionsGroupAckOfAFailureWithItsInvite) {
    const Model model = buildModel(rejectedCall());
    // INVITE/100/INVITE/INVITE/486/ACK/486/ACK: one INVITE transaction per Call-ID+CSeq (both hops share it
    // here, as the model cannot tell hops apart), the ACKs of the 486 inside it; the OPTIONS and the BYE's 200
    // their own.
    ASSERT_EQ(model.transactions.size(), 3u);
    EXPECT_EQ(model.arrows[5].transaction, model.arrows[0].transaction);
    EXPECT_EQ(model.arrows[7].transaction, model.arrows[0].transaction);
    const Transaction& invite = model.transactions[model.arrows[0].transaction];
    EXPECT_EQ(invite.firstArrow, 0u);
    EXPECT_EQ(invite.lastArrow, 7u);
    EXPECT_EQ(invite.arrows, 8u);
    EXPECT_EQ(invite.method, "INVITE");
    EXPECT_NE(model.arrows[8].transaction, model.arrows[9].transaction);
    EXPECT_EQ(model.transactions[model.arrows[8].transaction].lane, 0u);  // after the INVITE's end: lane 0 again

    // The ACK of a 2xx is a transaction of its own, and overlapping transactions take different lanes.
    std::vector<store::MessageRow> answered = {
        request(1, Alice, Bob, "INVITE", 1), request(2, Alice, Bob, "OPTIONS", 9),
        response(3, Bob, Alice, 200, "OK", 1, "INVITE"), response(4, Bob, Alice, 200, "OK", 9, "OPTIONS"),
        request(5, Alice, Bob, "ACK", 1)};
    const Model second = buildModel(answered);
    ASSERT_EQ(second.transactions.size(), 3u);
    EXPECT_NE(second.arrows[4].transaction, second.arrows[0].transaction);
    EXPECT_EQ(second.transactions[0].lane, 0u);
    EXPECT_EQ(second.transactions[1].lane, 1u);
    EXPECT_EQ(second.transactionLanes, 2u);
}

TEST(LadderModel, TransactionsFollowTheStoredKeyPerHop) {
    // The same INVITE on two hops of a proxy: the store gives each hop its own transaction.
    std::vector<store::MessageRow> rows = rejectedCall();
    const std::int64_t keys[] = {1, 1, 2, 2, 2, 2, 1, 1, 3, 4};
    for (std::size_t i = 0; i < rows.size(); ++i)
        rows[i].transactionKey = keys[i];
    const Model model = buildModel(rows);
    ASSERT_EQ(model.transactions.size(), 4u);
    const Transaction& first = model.transactions[model.arrows[0].transaction];
    const Transaction& second = model.transactions[model.arrows[2].transaction];
    EXPECT_NE(model.arrows[0].transaction, model.arrows[2].transaction);
    EXPECT_EQ(first.firstArrow, 0u);
    EXPECT_EQ(first.lastArrow, 7u);
    EXPECT_EQ(first.arrows, 4u);
    EXPECT_EQ(second.firstArrow, 2u);
    EXPECT_EQ(second.lastArrow, 5u);
    EXPECT_EQ(second.method, "INVITE");
    EXPECT_NE(first.lane, second.lane);  // they overlap
    EXPECT_EQ(model.transactionLanes, 2u);
}

TEST(LadderModel, LegsNumberTheLabelsWhenThereAreSeveral) {
    std::vector<store::MessageRow> rows = {request(1, Alice, Proxy, "INVITE", 1, "leg-a"),
                                           request(2, Proxy, Bob, "INVITE", 1, "leg-b"),
                                           response(3, Bob, Proxy, 200, "OK", 1, "INVITE", "leg-b")};
    EXPECT_EQ(buildModel(rows).legs.size(), 1u);
    EXPECT_EQ(buildModel(rows).legs[0].callId, "leg-a");
    EXPECT_EQ(buildModel(rows).arrows[1].label, "INVITE");
    ModelOptions options;
    options.legOfMessage = {0, 1, 1};
    options.legs = {{"leg-a", "this call"}, {"leg-b", "header"}};
    const Model model = buildModel(rows, options);
    ASSERT_EQ(model.legs.size(), 2u);
    EXPECT_EQ(model.legs[1].link, "header");
    EXPECT_EQ(model.arrows[0].label, "#1 INVITE");
    EXPECT_EQ(model.arrows[2].label, "#2 200 OK");
    EXPECT_EQ(model.arrows[2].leg, 1u);
}

TEST(LadderModel, CodecSummaryDropsRatesAndRepeats) {
    EXPECT_EQ(codecSummary("PCMU/8000 PCMA/8000 telephone-event/8000"), "PCMU PCMA telephone-event");
    EXPECT_EQ(codecSummary("opus/48000/2 opus/48000/2"), "opus");
    EXPECT_EQ(codecSummary(""), "");
    EXPECT_EQ(codecSummary("a\x1b/8000"), "a\\x1b");
}

TEST(LadderModel, EmptyInputGivesAnEmptyModel) {
    const Model model = buildModel({});
    EXPECT_TRUE(model.columns.empty());
    EXPECT_TRUE(model.arrows.empty());
    EXPECT_TRUE(model.legs.empty());
    EXPECT_EQ(model.transactionLanes, 0u);
}

}  // namespace
}  // namespace sipscope::ladder
