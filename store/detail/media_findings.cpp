// Media findings from the stored streams: decode::assessMedia per answered call, decode::mediaFinding for its row.
#include "store/detail/media_findings.hpp"

#include "decode/findings.hpp"
#include "store/database.hpp"
#include "store/detail/row_values.hpp"
#include "store/detail/statement.hpp"
#include "store/detail/stream_queries.hpp"

#include <map>
#include <vector>

namespace sipscope::store::detail {

std::uint64_t writeMediaFindings(Database& db, std::uint64_t firstCallKey, std::uint64_t endCallKey) {
    Connection& handle = db.handle();
    const auto first = static_cast<std::int64_t>(firstCallKey);
    const auto end = static_cast<std::int64_t>(endCallKey);
    {
        Statement any(handle, "SELECT EXISTS (SELECT 1 FROM streams WHERE call_key >= ? AND call_key < ?)");
        any.bindInt(1, first);
        any.bindInt(2, end);
        if (!any.step() || any.columnInt(0) == 0)
            return 0;  // no RTP tied to these calls: nothing to say about their media
    }
    Statement calls(
        handle,
        "SELECT c.id, c.answered_us, "
        "(SELECT m.capture_id FROM messages m WHERE m.call_key = c.id ORDER BY m.ts_us, m.id LIMIT 1), "
        "(SELECT m.id FROM messages m WHERE m.call_key = c.id AND m.status BETWEEN 200 AND 299 AND "
        "m.cseq_method_id = (SELECT id FROM strings WHERE text = 'INVITE') ORDER BY m.ts_us, m.id "
        "LIMIT 1) "
        "FROM calls c WHERE c.id >= ? AND c.id < ? AND c.kind = 'call' AND c.answered_us IS NOT NULL ORDER BY c.id");
    calls.bindInt(1, first);
    calls.bindInt(2, end);
    struct Answered {
        std::int64_t key, answeredUs, captureId, okId;
    };
    std::vector<Answered> answered;
    while (calls.step())
        answered.push_back({calls.columnInt(0), calls.columnInt(1), calls.columnInt(2), calls.columnInt(3)});
    EndpointCache endpoints(handle);
    OtherLegs otherLegs(handle);
    std::map<std::int64_t, bool> hasRtp;  // by capture
    std::vector<decode::Finding> findings;
    std::vector<std::int64_t> messageIds;
    for (const Answered& call : answered) {
        auto [it, isNew] = hasRtp.try_emplace(call.captureId, false);
        if (isNew)
            it->second = isRtpInCapture(handle, call.captureId);
        if (!it->second)
            continue;
        std::vector<decode::StreamOfCall> streams;
        for (const StreamRow& row : otherLegs.callStreams(endpoints, call.key))
            streams.push_back(row.ofCall());
        const auto assessment = otherLegs.assess(endpoints, call.key, call.answeredUs, streams, true);
        if (!assessment)
            continue;
        if (auto finding = decode::mediaFinding(static_cast<std::uint64_t>(call.key), call.answeredUs, *assessment)) {
            findings.push_back(std::move(*finding));
            messageIds.push_back(call.okId);
        }
    }
    if (findings.empty())
        return 0;
    handle.beginWrite();
    try {
        Statement insert(handle, "INSERT INTO findings(call_key, ts_us, kind, severity, message_id, message_ids, "
                                 "source_id, explanation, rfc) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)");
        for (std::size_t i = 0; i < findings.size(); ++i) {
            const decode::Finding& f = findings[i];
            insert.bindInt(1, static_cast<std::int64_t>(f.callKey));
            insert.bindInt(2, f.timestampUs);
            insert.bindView(3, f.kind);
            insert.bindView(4, decode::findingSeverityName(f.severity));
            const std::string ids = std::to_string(messageIds[i]);
            if (messageIds[i]) {
                insert.bindInt(5, messageIds[i]);
                insert.bindView(6, ids);
            } else {
                insert.bindNull(5);
                insert.bindNull(6);
            }
            insert.bindView(7, f.explanation);
            insert.bindView(8, f.rfc);
            insert.step();
            insert.reset();
        }
        db.exec("COMMIT");
    } catch (...) {
        handle.rollbackQuietly();
        throw;
    }
    return findings.size();
}

}  // namespace sipscope::store::detail
