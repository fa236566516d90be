// viewer/frame_report.cpp: the JSON line tests read, with packet text in it.
#include "viewer/frame_report.hpp"

#include <gtest/gtest.h>

namespace sipscope::viewer {
namespace {

TEST(FrameReport, QuotesPacketTextAsValidJson) {
    const struct {
        std::string text;
        std::string json;
    } cases[] = {
        {"plain", "\"plain\""},
        {"a\"b\\c", "\"a\\\"b\\\\c\""},
        {"line\r\n", "\"line\\u000d\\u000a\""},
        {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
        {"bad\xff", "\"bad\\ufffd\""},
        {"cut\xc3", "\"cut\\ufffd\""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.json);
        EXPECT_EQ(jsonQuote(c.text), c.json);
    }
}

TEST(FrameReport, EveryFieldInOrder) {
    FrameReport report;
    report.view = "ladder";
    report.callId = "abc@host";
    report.columns = {"10.0.0.1:5060", "10.0.0.2:5060"};
    report.arrows = 7;
    report.legs = 1;
    report.selectedMessage = 3;
    report.rowsVisible = 7;
    report.callsListed = 3;
    report.ladderRange = std::make_pair(0u, 6u);
    report.arrowPoints = {{3, 10.5f, 20}};
    report.statsCalls = 9;
    report.subscriptionsListed = 0;
    const std::string json = report.toJson();
    EXPECT_EQ(json.rfind(
                  "{\"view\":\"ladder\",\"call_id\":\"abc@host\",\"columns\":[\"10.0.0.1:5060\",\"10.0.0.2:5060\"],"
                  "\"arrows\":7,\"legs\":1,\"brackets\":0,\"selected_message\":3,\"rows_visible\":7,\"calls_listed\":3,"
                  "\"list_range\":null,\"ladder_range\":[0,6],",
                  0),
              0u)
        << json;
    EXPECT_NE(json.find("\"arrow_points\":[[3,10.5,20]]"), std::string::npos) << json;
    // The tabs' figures: null until loaded, 0 when loaded and empty.
    EXPECT_NE(json.find("\"stats_calls\":9,\"registrations\":null,\"subscriptions\":0,"), std::string::npos) << json;
    EXPECT_EQ(json.back(), '}');
    EXPECT_EQ(FrameReport{}.toJson().rfind("{\"view\":\"\",\"call_id\":null,", 0), 0u);
}

}  // namespace
}  // namespace sipscope::viewer

namespace sipscope::viewer {
namespace {

TEST(FrameReport, StreamBarsAndTheSelectedStream) {
    FrameReport report;
    EXPECT_NE(
        report.toJson().find("\"streams\":0,\"stream_points\":[],\"hovered_stream\":null,\"selected_stream\":null,"
                             "\"stream_graph_points\":0,"),
        std::string::npos)
        << report.toJson();
    report.streams = 2;
    report.streamPoints = {{6, 741, 296.5f}, {7, 757, 300}};
    report.hoveredStream = 7;
    report.selectedStream = 6;
    report.streamGraphPoints = 120;
    EXPECT_NE(report.toJson().find("\"streams\":2,\"stream_points\":[[6,741,296.5],[7,757,300]],\"hovered_stream\":7,"
                                   "\"selected_stream\":6,\"stream_graph_points\":120,"),
              std::string::npos)
        << report.toJson();
}

}  // namespace
}  // namespace sipscope::viewer

namespace sipscope::viewer {
namespace {

TEST(FrameReport, FindingsAndDiff) {
    FrameReport report;
    EXPECT_NE(report.toJson().find("\"findings_listed\":null,\"findings_severity\":\"\",\"findings_kind\":\"\","
                                   "\"findings\":[],\"finding_markers\":0,\"diff\":null,"),
              std::string::npos)
        << report.toJson();
    report.findingsListed = 2;
    report.findingsSeverity = "warning";
    report.findings = {{4, "warning", "481", "a@h"}, {9, "warning", "private-address", ""}};
    report.findingMarkers = 3;
    FrameReport::DiffDrawn diff;
    diff.callA = "a@h";
    diff.callB = "b@h";
    diff.steps = {{"same", "INVITE", "INVITE", true}, {"only_a", "180 Ringing (INVITE)", std::nullopt, true}};
    diff.firstDifference = 2;
    diff.selectedStep = 1;
    diff.headers = {"From", "Subject"};
    diff.sdp = {"m=0 codecs"};
    report.diff = diff;
    EXPECT_NE(report.toJson().find(
                  "\"findings_listed\":2,\"findings_severity\":\"warning\",\"findings_kind\":\"\",\"findings\":[[4,"
                  "\"warning\",\"481\",\"a@h\"],[9,\"warning\",\"private-address\",\"\"]],\"finding_markers\":3,"
                  "\"diff\":{\"a\":\"a@h\",\"b\":\"b@h\",\"steps\":[[\"same\",\"INVITE\",\"INVITE\",true],[\"only_a\","
                  "\"180 Ringing (INVITE)\",null,true]],\"first_difference\":2,\"selected_step\":1,\"headers\":["
                  "\"From\",\"Subject\"],\"sdp\":[\"m=0 codecs\"]},"),
              std::string::npos)
        << report.toJson();
}

}  // namespace
}  // namespace sipscope::viewer
