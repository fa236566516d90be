// The ids a writer gives its rows, claimed a range at a time in the id_ranges table (store/database.cpp), so that
// several writers -- capture points writing one PostgreSQL database at once -- never give two rows the same id.
#pragma once

#include "store/detail/connection.hpp"

#include <cstdint>
#include <string>

namespace sipscope::store::detail {

class IdRange {
public:
    // `space`: the id_ranges row ("messages"); `floorSql`: a query for the first id past every row already written
    // (a database from before id_ranges, or ids written another way); `claimSize`: how many ids a claim takes.
    IdRange(std::string space, std::string floorSql, std::int64_t claimSize);

    // Makes sure `count` consecutive ids are at hand, claiming a new range when fewer are left in the one held (the
    // rest of it is skipped). A claim is its own short transaction: call this outside the batch's.
    void reserve(Connection& db, std::int64_t count);
    // The first of `count` consecutive ids, reserved before.
    std::int64_t take(std::int64_t count);
    std::int64_t next() const { return m_next; }
    std::int64_t end() const { return m_end; }
    // For a range reserved whole and numbered by someone else (call keys, capture ids): `id` was used.
    void markUsed(std::int64_t id) {
        if (id >= m_next && id < m_end)
            m_next = id + 1;
    }
    // Returns the ids not taken when no writer claimed after this one, so that one writer after another numbers its
    // rows on from where the last stopped. Outside a transaction; never throws.
    void giveBack(Connection& db) noexcept;

private:
    std::string m_space;
    std::string m_floorSql;
    std::int64_t m_claimSize;
    std::int64_t m_next = 0;  // the next id to take
    std::int64_t m_end = 0;   // one past the range held
};

}  // namespace sipscope::store::detail
