// Claims ranges of ids in id_ranges (id_ranges.hpp).
#include "store/detail/id_ranges.hpp"

#include "store/detail/statement.hpp"

#include <algorithm>
#include <cassert>

namespace sipscope::store::detail {

IdRange::IdRange(std::string space, std::string floorSql, std::int64_t claimSize)
    : m_space(std::move(space)), m_floorSql(std::move(floorSql)), m_claimSize(claimSize) {}

void IdRange::reserve(Connection& db, std::int64_t count) {
    if (m_end - m_next >= count)
        return;
    const std::int64_t size = std::max(count, m_claimSize);
    const std::int64_t floor = queryInt(db, m_floorSql) + 1;
    // One statement, atomic on both backends: the range starts where the last claim ended, or past every row.
    Statement claim(db, "INSERT INTO id_ranges(space, next_id) VALUES (?1, CAST(?2 AS BIGINT) + CAST(?3 AS BIGINT)) "
                        "ON CONFLICT(space) DO UPDATE SET next_id = CASE WHEN id_ranges.next_id > CAST(?2 AS BIGINT) "
                        "THEN id_ranges.next_id ELSE CAST(?2 AS BIGINT) END + CAST(?3 AS BIGINT) "
                        "RETURNING next_id - CAST(?3 AS BIGINT)");
    claim.bindText(1, m_space);
    claim.bindInt(2, floor);
    claim.bindInt(3, size);
    const bool claimed = claim.step();
    assert(claimed && "an upsert with RETURNING returns its row");
    m_next = claimed ? claim.columnInt(0) : floor;
    m_end = m_next + size;
}

std::int64_t IdRange::take(std::int64_t count) {
    assert(m_end - m_next >= count && "IdRange::take without reserve");
    const std::int64_t first = m_next;
    m_next += count;
    return first;
}

void IdRange::giveBack(Connection& db) noexcept {
    if (m_next == m_end)
        return;
    try {
        Statement back(db, "UPDATE id_ranges SET next_id = ? WHERE space = ? AND next_id = ?");
        back.bindInt(1, m_next);
        back.bindText(2, m_space);
        back.bindInt(3, m_end);
        back.step();
        m_end = m_next;
    } catch (...) {
        // Ids not given back are only skipped.
    }
}

}  // namespace sipscope::store::detail
