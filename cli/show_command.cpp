// `sipscope show`: a call's summary (state, timings, dialogs, media, subscriptions, linked calls) and its ladder.
#include "cli/show_command.hpp"

#include "cli/call_ladder.hpp"
#include "cli/call_lookup.hpp"
#include "cli/findings_command.hpp"
#include "cli/output.hpp"
#include "cli/streams_command.hpp"
#include "ladder/ladder_text.hpp"
#include "ladder/text_format.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace sipscope::cli {

ShowCommand addShowCommand(CLI::App& app) {
    ShowCommand show;
    show.options = std::make_unique<ShowOptions>();
    ShowOptions& o = *show.options;
    CLI::App* command = app.add_subcommand("show", "Draw one call's ladder diagram");
    command
        ->add_option("call", o.call,
                     "Call-ID, the call's key (first column of `calls`), or the start of a Call-ID when only one "
                     "starts so")
        ->required();
    command->add_flag("--raw", o.raw, "Print each message's text under its arrow");
    command->add_flag("--by-ip", o.byIp, "One column per IP address instead of per ip:port");
    command->add_option("--color", o.color, "Colours: auto (on a terminal, unless NO_COLOR is set), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->default_str("auto");
    addAliases(command, o.aliases);
    addRedact(command, o.redact);
    command->add_flag("--all-legs", o.allLegs, "Draw the calls linked to this one (other legs) in the same ladder");
    command->footer("Examples:\n  sipscope show a84b4c76e66710 --raw\n"
                    "  sipscope show a84b4c76e66710 --by-ip --aliases hosts.aliases --color never");
    addDatabase(command, o.db);
    show.command = command;
    return show;
}

int runShow(const ShowOptions& options) {
    using ladder::LadderTextOptions;
    using ladder::printLadder;
    const ladder::HostAliases aliases = loadAliases(options.aliases);
    const bool color =
        options.color == "always" || (options.color == "auto" && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR"));
    store::Reader reader(options.db);
    std::optional<store::CallRow> call = resolveCall(reader, options.call, options.db);
    auto messages = reader.callMessages(call->key, options.raw);
    const std::string storedCallId = call->callId;
    // --redact: the messages first, so the names in them are known to the fields after.
    const std::unique_ptr<decode::Redactor> redactor = redactorOf(options.redact);
    auto shown = [&redactor](const std::string& text) { return redactor ? redactor->text(text) : text; };
    if (redactor) {
        for (store::MessageRow copy : messages)  // a first reading: every name is known before the first is shown
            redactMessage(*redactor, copy);
        for (store::MessageRow& message : messages)
            redactMessage(*redactor, message);
        redactCall(*redactor, *call);
    }
    // The lines above the ladder; on a terminal each is cut to its width, as the ladder is.
    std::ostringstream header;
    header << "Call-ID: " << escapeForTerminal(call->callId) << '\n'
           << "From:    " << escapeForTerminal(call->fromUri) << '\n'
           << "To:      " << escapeForTerminal(call->toUri) << '\n'
           << "Start:   " << isoTimestamp(call->startUs) << "  duration "
           << static_cast<double>(call->endUs - call->startUs) / 1e6 << " s\n"
           << "State:   " << decode::callStateName(call->state);
    if (call->status)
        header << " (" << *call->status << ")";
    header << ", " << call->messages << " messages, " << call->dialogs << " dialogs";
    if (!call->endedBy.empty())
        header << ", ended by " << call->endedBy;
    header << '\n';
    if (!call->reason.empty())
        header << "Reason:  " << escapeForTerminal(call->reason) << '\n';
    if (call->attemptUs && call->finalUs) {
        // Setup time is that of an answered call (RFC 6076); a rejected or cancelled one shows its final response.
        if (call->answeredUs)
            header << "Timings: setup " << static_cast<double>(call->answeredUs - call->attemptUs) / 1000.0 << " ms";
        else
            header << "Timings: final response after " << static_cast<double>(call->finalUs - call->attemptUs) / 1000.0
                   << " ms";
        if (call->firstProvisionalUs)
            header << ", first 18x after " << static_cast<double>(call->firstProvisionalUs - call->attemptUs) / 1000.0
                   << " ms";
        if (call->answeredUs && call->byeUs)
            header << ", talk " << static_cast<double>(call->byeUs - call->answeredUs) / 1e6 << " s";
        header << '\n';
    }
    if (call->reinvites || call->hasEarlyMedia || call->hasGlare)
        header << "Session: " << call->reinvites << " re-INVITEs, " << call->holds << " holds, " << call->resumes
               << " resumes" << (call->hasEarlyMedia ? ", early media" : "") << (call->hasGlare ? ", glare (491)" : "")
               << '\n';
    for (const auto& dialog : reader.callDialogs(call->key))
        header << "Dialog:  " << escapeForTerminal(dialog.fromTag) << " / " << escapeForTerminal(dialog.toTag) << "  "
               << decode::dialogStateName(dialog.state) << '\n';
    for (const auto& media : reader.callMedia(call->key))
        header << "Media:   " << (media.role == decode::SdpRole::None ? "sdp" : decode::sdpRoleName(media.role)) << " "
               << escapeForTerminal(media.type) << " " << escapeForTerminal(shown(media.address)) << ":" << media.port
               << " " << escapeForTerminal(media.proto) << " " << media.direction << " "
               << escapeForTerminal(media.codecs)
               << (media.ptimeMs ? " ptime " + std::to_string(*media.ptimeMs) : std::string()) << '\n';
    printCallVerdict(header, reader, *call);
    store::Filter ofThisCall;
    ofThisCall.callId = storedCallId;
    for (const auto& s : reader.subscriptions(ofThisCall)) {
        header << "Subscr.: " << s.method << " " << escapeForTerminal(s.event)
               << (s.eventId.empty() ? std::string() : ";id=" + escapeForTerminal(s.eventId)) << " "
               << escapeForTerminal(shown(s.resource)) << "  " << (s.state.empty() ? "-" : escapeForTerminal(s.state));
        if (!s.reason.empty())
            header << " (" << escapeForTerminal(s.reason) << ")";
        if (s.status)
            header << ", status " << *s.status;
        header << ", " << s.notifies << " NOTIFYs";
        if (!s.etag.empty())
            header << ", SIP-ETag " << escapeForTerminal(s.etag);
        header << '\n';
    }
    for (const auto& linked : reader.linkedCalls(call->key)) {
        header << "Linked:  "
               << (linked.callId.empty()
                       ? "call " + std::to_string(linked.key)
                       : escapeForTerminal(redactor ? redactor->callId(linked.callId) : linked.callId))
               << "  " << linked.kind << " (" << escapeForTerminal(linked.detail) << ")";
        if (linked.state)
            header << "  " << decode::callStateName(*linked.state);
        if (linked.status)
            header << " (" << *linked.status << ")";
        header << '\n';
    }
    const std::size_t width = terminalWidth(STDOUT_FILENO);
    std::istringstream lines(header.str());
    for (std::string line; std::getline(lines, line);)
        std::cout << (width ? ladder::cutToCells(line, width) : line) << '\n';
    std::cout << '\n';
    LadderTextOptions ladderOptions;
    ladderOptions.withRaw = options.raw;
    ladderOptions.color = color;
    ladderOptions.maxWidth = terminalWidth(STDOUT_FILENO);
    if (!options.allLegs) {
        printLadder(std::cout, ladderModel(reader, options.byIp, aliases, messages, nullptr, call->key, redactor.get()),
                    messages, ladderOptions);
        printCallStreams(std::cout, reader, *call, redactor.get());
        printCallFindings(std::cout, reader, *call, redactor.get());
        return ExitOk;
    }
    AllLegs all = allLegs(reader, *call, messages, options.raw);
    if (redactor) {
        for (std::size_t i = 0; i < all.messages.size(); ++i)
            if (all.legs[i] != 0)  // this call's own were redacted above
                redactMessage(*redactor, all.messages[i]);
        for (std::size_t leg = 1; leg < all.names.size(); ++leg)
            all.names[leg].callId = redactor->callId(all.names[leg].callId);
    }
    for (std::size_t leg = 1; leg < all.names.size(); ++leg)
        std::cout << "Leg #" << leg + 1 << ": " << escapeForTerminal(all.names[leg].callId) << "  "
                  << escapeForTerminal(all.names[leg].link) << '\n';
    if (all.names.size() > 1)
        std::cout << "Leg #1: " << escapeForTerminal(all.names[0].callId) << "  this call\n\n";
    printLadder(std::cout, ladderModel(reader, options.byIp, aliases, all.messages, &all, call->key, redactor.get()),
                all.messages, ladderOptions);
    printCallStreams(std::cout, reader, *call, redactor.get());
    printCallFindings(std::cout, reader, *call, redactor.get());
    return ExitOk;
}

}  // namespace sipscope::cli
