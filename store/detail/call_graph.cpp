// The graph of linked calls (call_graph.hpp).
#include "store/detail/call_graph.hpp"

#include "store/detail/row_values.hpp"
#include "store/detail/statement.hpp"

#include <set>
#include <unordered_map>

namespace sipscope::store::detail {

void fillLegs(Connection& db, std::vector<CallRow>& rows) {
    if (rows.empty() || queryInt(db, "SELECT count(*) FROM (SELECT 1 FROM call_links LIMIT 1) AS links") == 0)
        return;
    std::unordered_map<std::int64_t, std::int64_t> parent;
    auto find = [&parent](std::int64_t key) {
        std::int64_t root = key;
        while (parent[root] != root)
            root = parent[root];
        while (parent[key] != root) {  // path compression
            const std::int64_t next = parent[key];
            parent[key] = root;
            key = next;
        }
        return root;
    };
    Statement links(db, "SELECT call_key, linked_call_key FROM call_links");
    while (links.step()) {
        const std::int64_t a = links.columnInt(0);
        const std::int64_t b = links.columnInt(1);
        parent.try_emplace(a, a);
        parent.try_emplace(b, b);
        const std::int64_t rootA = find(a);
        const std::int64_t rootB = find(b);
        if (rootA != rootB)
            parent[rootA] = rootB;
    }
    std::unordered_map<std::int64_t, std::uint32_t> sizes;
    for (const auto& entry : parent)
        ++sizes[find(entry.first)];
    for (CallRow& row : rows)
        if (parent.count(row.key))
            row.legs = sizes[find(row.key)];
}

std::vector<LinkedCallRow> linkedCalls(Connection& db, std::int64_t callKey) {
    constexpr std::size_t MaxLinked = 1000;
    Statement edges(db, "SELECT linked_call_key, kind, detail FROM call_links WHERE call_key = ?1 "
                        "UNION ALL SELECT call_key, kind, detail FROM call_links WHERE linked_call_key = ?1");
    Statement info(db, "SELECT call_id, state, status, from_uri, to_uri FROM calls WHERE id = ?");
    std::vector<LinkedCallRow> rows;
    std::set<std::int64_t> seen{callKey};
    std::vector<std::int64_t> queue{callKey};
    // Breadth first, so the calls linked directly come before those linked through them.
    for (std::size_t next = 0; next < queue.size() && rows.size() < MaxLinked; ++next) {
        edges.bindInt(1, queue[next]);
        while (edges.step() && rows.size() < MaxLinked) {
            const std::int64_t other = edges.columnInt(0);
            if (!seen.insert(other).second)
                continue;
            queue.push_back(other);
            LinkedCallRow row;
            row.key = other;
            row.kind = edges.columnText(1);
            row.detail = edges.columnText(2);
            row.viaKey = queue[next];
            info.bindInt(1, other);
            if (info.step()) {
                row.callId = info.columnText(0);
                row.state = callStateOf(info.columnText(1));
                row.status = info.columnOptionalInt(2);
                row.fromUri = info.columnText(3);
                row.toUri = info.columnText(4);
            }
            info.reset();
            rows.push_back(std::move(row));
        }
        edges.reset();
    }
    return rows;
}

}  // namespace sipscope::store::detail
