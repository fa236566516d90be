// `sipscope diff`: two calls' message sequences aligned, where they part, and the headers and SDP that differ in
// each aligned pair (decode/call_diff does the comparison; this file reads the calls and prints it).
#include "cli/diff_command.hpp"

#include "cli/call_lookup.hpp"
#include "decode/call_diff.hpp"
#include "ladder/call_comparison.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace sipscope::cli {

namespace {

using DiffCall = ladder::ComparedCall;

std::string hop(const decode::DiffMessage& message) {
    return "#" + std::to_string(message.fromHost) + "->#" + std::to_string(message.toHost);
}

// "+105.746ms" after the call's first message.
std::string offset(const DiffCall& call, const decode::DiffMessage& message) {
    const std::int64_t us = ladder::offsetUs(call, message);
    char text[32];
    std::snprintf(text, sizeof text, "+%.3fms", static_cast<double>(us) / 1000.0);
    return text;
}

std::string outcome(const store::CallRow& call) {
    std::string text(decode::callStateName(call.state));
    if (call.status)
        text += " " + std::to_string(*call.status);
    return text;
}

char marker(const decode::DiffStep& step) {
    switch (step.kind) {
    case decode::DiffStepKind::Same: return step.headers.empty() && step.sdp.empty() ? '=' : '~';
    case decode::DiffStepKind::Changed: return '!';
    case decode::DiffStepKind::OnlyA: return '<';
    case decode::DiffStepKind::OnlyB: return '>';
    }
    return '?';
}

std::string padded(std::string text, std::size_t width) {
    if (text.size() < width)
        text.append(width - text.size(), ' ');
    return text;
}

// The line that says how the calls compare before the table.
std::string verdict(const decode::CallDiff& diff, const DiffCall& a, const DiffCall& b) {
    if (diff.isIdentical())
        return "The calls are alike: the same " + std::to_string(diff.steps.size()) +
               " steps, no header or SDP difference (Call-ID, tags, branches, CSeq numbers, Date, Content-Length, "
               "Max-Forwards and digest nonces not compared; --all-headers compares them).";
    if (!diff.firstDivergence) {
        const auto differing = std::count_if(diff.steps.begin(), diff.steps.end(), [](const decode::DiffStep& step) {
            return !step.headers.empty() || !step.sdp.empty();
        });
        return "The same " + std::to_string(diff.steps.size()) + " steps; headers or SDP differ in " +
               std::to_string(differing) + " of them.";
    }
    const decode::DiffStep& step = diff.steps[*diff.firstDivergence];
    auto side = [&](const char* name, const std::optional<decode::DiffMessage>& message, const DiffCall& call) {
        return std::string(name) + " " +
               (message ? escapeForTerminal(message->label) + " " + hop(*message) + " at " + offset(call, *message)
                        : std::string("has nothing there"));
    };
    return "The calls part at step " + std::to_string(*diff.firstDivergence + 1) + ": " + side("A", step.a, a) + ", " +
           side("B", step.b, b) + ".";
}

void printValues(std::ostream& out, const std::string& indent, char side, const std::vector<std::string>& values) {
    if (values.empty()) {
        out << indent << side << ": (none)\n";
        return;
    }
    for (std::size_t i = 0; i < values.size(); ++i)
        out << indent << (i == 0 ? std::string(1, side) + ": " : std::string("   ")) << escapeForTerminal(values[i])
            << '\n';
}

void printText(std::ostream& out, const decode::CallDiff& diff, const DiffCall& a, const DiffCall& b) {
    const std::pair<const char*, const DiffCall*> calls[] = {{"A", &a}, {"B", &b}};
    for (const auto& [name, call] : calls) {
        out << "Call " << name << ": " << escapeForTerminal(call->row.callId) << "  (key " << call->row.key << ", "
            << outcome(call->row) << ", " << call->messages.size() << " messages";
        if (call->retransmissions)
            out << ", " << call->retransmissions << " retransmissions left out";
        out << ")\n";
    }
    const std::pair<const char*, const std::vector<capture::Endpoint>*> hosts[] = {{"A", &diff.hostsA},
                                                                                   {"B", &diff.hostsB}};
    for (const auto& [name, list] : hosts) {
        out << "Hosts " << name << ":";
        for (std::size_t i = 0; i < list->size(); ++i)
            out << "  #" << i + 1 << " " << (*list)[i].toString();
        out << '\n';
    }
    if (diff.leftOutA || diff.leftOutB)
        out << "Compared the first messages only: " << diff.leftOutA << " of A and " << diff.leftOutB
            << " of B left out.\n";
    out << verdict(diff, a, b) << "\n\n";

    // The step table: A's side, a marker, B's side, each as label, hop and time after the call's first message.
    struct Widths {
        std::size_t label = 0, hop = 0, offset = 0;
    } widthA, widthB;
    for (const decode::DiffStep& step : diff.steps) {
        const std::pair<const std::optional<decode::DiffMessage>*, Widths*> sides[] = {{&step.a, &widthA},
                                                                                       {&step.b, &widthB}};
        for (const auto& [message, width] : sides)
            if (*message) {
                width->label = std::max(width->label, escapeForTerminal((*message)->label).size());
                width->hop = std::max(width->hop, hop(**message).size());
            }
    }
    auto cell = [](const std::optional<decode::DiffMessage>& message, const DiffCall& call, const Widths& width) {
        const std::size_t all = width.label + width.hop + 16;
        if (!message)
            return padded("", all);
        std::string offsetText = offset(call, *message);
        return padded(padded(escapeForTerminal(message->label), width.label) + "  " + padded(hop(*message), width.hop) +
                          "  " + std::string(offsetText.size() < 12 ? 12 - offsetText.size() : 0, ' ') + offsetText,
                      all);
    };
    out << "Step  " << padded("A", widthA.label + widthA.hop + 16) << "     B\n";
    for (std::size_t i = 0; i < diff.steps.size(); ++i) {
        const decode::DiffStep& step = diff.steps[i];
        char number[24];
        std::snprintf(number, sizeof number, "%4zu", i + 1);
        std::string line =
            std::string(number) + "  " + cell(step.a, a, widthA) + "  " + marker(step) + "  " + cell(step.b, b, widthB);
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out << line << '\n';
    }
    out << "(= same, ~ same step with other headers or SDP, ! another status or hop, < only in A, > only in B)\n";

    for (std::size_t i = 0; i < diff.steps.size(); ++i) {
        const decode::DiffStep& step = diff.steps[i];
        if (step.headers.empty() && step.sdp.empty())
            continue;
        out << "\nStep " << i + 1 << ": " << escapeForTerminal(step.a->label);
        if (step.b->label != step.a->label)
            out << " / " << escapeForTerminal(step.b->label);
        out << '\n';
        for (const decode::HeaderDifference& header : step.headers) {
            out << "  " << escapeForTerminal(header.name) << '\n';
            printValues(out, "    ", 'A', header.a);
            printValues(out, "    ", 'B', header.b);
        }
        for (const decode::SdpDifference& sdp : step.sdp) {
            out << "  SDP" << (sdp.media ? " m=" + std::to_string(*sdp.media) + " " + sdp.field : std::string())
                << '\n';
            printValues(out, "    ", 'A', sdp.a.empty() ? std::vector<std::string>{} : std::vector{sdp.a});
            printValues(out, "    ", 'B', sdp.b.empty() ? std::vector<std::string>{} : std::vector{sdp.b});
        }
    }
}

nlohmann::ordered_json callJson(const DiffCall& call, const std::vector<capture::Endpoint>& hosts) {
    nlohmann::ordered_json json;
    json["key"] = call.row.key;
    json["call_id"] = call.row.callId;
    json["state"] = decode::callStateName(call.row.state);
    json["status"] = call.row.status ? nlohmann::ordered_json(*call.row.status) : nlohmann::ordered_json();
    json["messages"] = call.messages.size();
    json["retransmissions"] = call.retransmissions;
    json["hosts"] = nlohmann::ordered_json::array();
    for (const capture::Endpoint& host : hosts)
        json["hosts"].push_back(host.toString());
    return json;
}

nlohmann::ordered_json messageJson(const std::optional<decode::DiffMessage>& message, const DiffCall& call) {
    if (!message)
        return nullptr;
    const store::MessageRow& row = call.messages[message->index];
    nlohmann::ordered_json json;
    json["label"] = message->label;
    json["from"] = message->fromHost;
    json["to"] = message->toHost;
    json["ts"] = isoTimestamp(row.timestampUs);
    json["offset_ms"] = static_cast<double>(ladder::offsetUs(call, *message)) / 1000.0;
    return json;
}

void printJson(std::ostream& out, const decode::CallDiff& diff, const DiffCall& a, const DiffCall& b) {
    nlohmann::ordered_json json;
    json["a"] = callJson(a, diff.hostsA);
    json["b"] = callJson(b, diff.hostsB);
    json["identical"] = diff.isIdentical();
    // 1-based, as the text's step numbers.
    json["first_difference"] =
        diff.firstDivergence ? nlohmann::ordered_json(*diff.firstDivergence + 1) : nlohmann::ordered_json();
    json["left_out_a"] = diff.leftOutA;
    json["left_out_b"] = diff.leftOutB;
    json["steps"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < diff.steps.size(); ++i) {
        const decode::DiffStep& step = diff.steps[i];
        nlohmann::ordered_json row;
        row["step"] = i + 1;
        row["kind"] = decode::diffStepKindName(step.kind);
        row["a"] = messageJson(step.a, a);
        row["b"] = messageJson(step.b, b);
        row["headers"] = nlohmann::ordered_json::array();
        for (const decode::HeaderDifference& header : step.headers)
            row["headers"].push_back({{"name", header.name}, {"a", header.a}, {"b", header.b}});
        row["sdp"] = nlohmann::ordered_json::array();
        for (const decode::SdpDifference& sdp : step.sdp)
            row["sdp"].push_back({{"media", sdp.media ? nlohmann::ordered_json(*sdp.media) : nlohmann::ordered_json()},
                                  {"field", sdp.field},
                                  {"a", sdp.a.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(sdp.a)},
                                  {"b", sdp.b.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(sdp.b)}});
        json["steps"].push_back(std::move(row));
    }
    out << json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace

DiffCommand addDiffCommand(CLI::App& app) {
    DiffCommand diff;
    diff.options = std::make_unique<DiffOptions>();
    DiffOptions& o = *diff.options;
    CLI::App* command = app.add_subcommand(
        "diff", "Two calls side by side: their messages aligned, where they part, the headers and SDP that differ");
    command->add_option("call-a", o.callA, "The first call (the good one): Call-ID, key or start of a Call-ID")
        ->required();
    command->add_option("call-b", o.callB, "The second call (the failing one)")->required();
    command->add_option("--format", o.format, "text (default) or json (one object)")
        ->check(CLI::IsMember({"text", "json"}))
        ->default_str("text");
    command->add_flag("--all-headers", o.allHeaders,
                      "Compare the headers that always differ too: Call-ID, tags, Via branch/received/rport, CSeq "
                      "numbers, Date, Content-Length, Max-Forwards, digest nonces and responses");
    command->footer("Examples:\n  sipscope diff 1-5781@127.0.0.1 1-5802@127.0.0.1\n"
                    "  sipscope diff 12 47 --format json");
    addDatabase(command, o.db);
    diff.command = command;
    return diff;
}

int runDiff(const DiffOptions& options, std::ostream& out) {
    store::Reader reader(options.db);
    const store::CallRow callA = resolveCall(reader, options.callA, options.db);
    const store::CallRow callB = resolveCall(reader, options.callB, options.db);
    decode::CallDiffOptions compare;
    compare.allHeaders = options.allHeaders;
    const ladder::CallComparison comparison = ladder::compareCalls(reader, callA, callB, compare);
    const decode::CallDiff& diff = comparison.diff;
    const DiffCall& a = comparison.a;
    const DiffCall& b = comparison.b;
    if (options.format == "json")
        printJson(out, diff, a, b);
    else
        printText(out, diff, a, b);
    return ExitOk;
}

}  // namespace sipscope::cli
