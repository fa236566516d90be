// `sipscope export hep`: a database's messages replayed to a HEP collector, in time order, with the addresses,
// ports, transport and timestamp each was captured with.
#include "capture/hep_sender.hpp"
#include "cli/call_lookup.hpp"
#include "cli/export_command.hpp"
#include "cli/ingest_shared.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

namespace sipscope::cli {

int runExportHep(const ExportOptions& options) {
    const HepExportOptions& o = options.hep;
    if (o.version == 2 && !o.password.empty())
        throw CLI::ValidationError("--hep-password", "HEPv2 has no field for a password: use --hep-version 3");
    // The collector is checked before the database is read; an export waits for room in the socket's buffer
    // rather than dropping.
    capture::HepSender sender(o.collector, capture::HepEncodeOptions{o.version, o.captureId, o.password},
                              capture::HepSender::WhenFull::Wait, "export hep");
    store::Reader reader(o.db);
    store::Filter filter = o.filters.filter;
    resolveCallIdFilter(reader, filter);
    const bool isOriginalPace = o.pace == "original";
    const auto started = std::chrono::steady_clock::now();
    std::optional<std::int64_t> firstUs;
    std::uint64_t messages = 0;
    reader.forEachMessage(filter, true, [&](store::MessageRow& message) {
        if (isOriginalPace) {
            // Each message leaves as long after the first as it was captured after it (never before the one
            // ahead of it: equal times go at once).
            if (!firstUs)
                firstUs = message.timestampUs;
            std::this_thread::sleep_until(started + std::chrono::microseconds(message.timestampUs - *firstUs));
        }
        capture::PayloadView payload;
        payload.timestampUs = message.timestampUs;
        payload.src = message.src;
        payload.dst = message.dst;
        payload.transport = message.transport;
        payload.bytes = message.text;
        payload.frameNumber = message.frame;
        sender.send(payload);
        ++messages;
        return true;
    });
    printHepSent(std::cerr, sender, o.version);
    return sender.stats().sent == messages ? ExitOk : ExitInput;
}

}  // namespace sipscope::cli
