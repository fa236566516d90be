// Message text blocks: zstd round trip, the raw fallback, slices at block edges, damaged and missing blocks,
// and the multi-row insert buffer.
#include "store/detail/connection.hpp"
#include "store/detail/row_buffer.hpp"
#include "store/detail/text_blocks.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace sipscope::store::detail;

class TextBlocks : public ::testing::Test {
protected:
    void SetUp() override {
        connection = openSqlite(":memory:", false);
        connection->exec("CREATE TABLE text_blocks (id INTEGER PRIMARY KEY, codec INTEGER NOT NULL, "
                         "raw_size INTEGER NOT NULL, data BLOB NOT NULL)");
    }

    void store(std::int64_t id, TextCodec codec, std::size_t rawSize, std::string_view data) {
        Statement insert(db(), "INSERT INTO text_blocks(id, codec, raw_size, data) VALUES (?, ?, ?, ?)");
        insert.bindInt(1, id);
        insert.bindInt(2, static_cast<int>(codec));
        insert.bindInt(3, static_cast<std::int64_t>(rawSize));
        insert.bindBlob(4, data);
        insert.step();
    }

    std::unique_ptr<Connection> connection;
    Connection& db() { return *connection; }
};

std::string sipTexts(int count) {
    std::string out;
    for (int i = 0; i < count; ++i)
        out += "SIP/2.0 180 Ringing\r\nCall-ID: " + std::to_string(i) +
               "@host\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    return out;
}

TEST_F(TextBlocks, CompressedBlockReadsBackEverySlice) {
    const std::string raw = sipTexts(500);
    TextBlockEncoder encoder;
    TextCodec codec = TextCodec::Raw;
    const std::string stored(encoder.encode(raw, codec));
    EXPECT_EQ(codec, TextCodec::Zstd);
    EXPECT_LT(stored.size() * 4, raw.size());  // repetitive SIP compresses well
    store(7, codec, raw.size(), stored);

    TextBlockReader reader;
    EXPECT_EQ(reader.read(db(), 7, 0, 20), raw.substr(0, 20));
    EXPECT_EQ(reader.read(db(), 7, 1000, 77), raw.substr(1000, 77));
    EXPECT_EQ(reader.read(db(), 7, static_cast<std::int64_t>(raw.size()) - 5, 5), raw.substr(raw.size() - 5));
    EXPECT_EQ(reader.read(db(), 7, 0, static_cast<std::int64_t>(raw.size())), raw);
    // Past the end, or negative: nothing rather than a partial or out-of-bounds read.
    EXPECT_EQ(reader.read(db(), 7, static_cast<std::int64_t>(raw.size()) - 5, 6), "");
    EXPECT_EQ(reader.read(db(), 7, -1, 3), "");
}

TEST_F(TextBlocks, IncompressibleBlockIsStoredRaw) {
    std::string noise(4096, '\0');
    std::uint32_t x = 12345;
    for (char& c : noise) {
        x = x * 1103515245u + 12345u;
        c = static_cast<char>(x >> 24);
    }
    TextBlockEncoder encoder;
    TextCodec codec = TextCodec::Zstd;
    const std::string stored(encoder.encode(noise, codec));
    EXPECT_EQ(codec, TextCodec::Raw);
    EXPECT_EQ(stored, noise);
    store(1, codec, noise.size(), stored);
    TextBlockReader reader;
    EXPECT_EQ(reader.read(db(), 1, 100, 50), noise.substr(100, 50));
}

TEST_F(TextBlocks, ReaderSwitchesBetweenBlocksOfBothCodecs) {
    const std::string a = sipTexts(50), b = "a raw block of an older database";
    TextBlockEncoder encoder;
    TextCodec codec = TextCodec::Raw;
    store(1, TextCodec::Zstd, a.size(), std::string(encoder.encode(a, codec)));
    ASSERT_EQ(codec, TextCodec::Zstd);
    store(2, TextCodec::Raw, b.size(), b);
    TextBlockReader reader;
    EXPECT_EQ(reader.read(db(), 1, 10, 10), a.substr(10, 10));
    EXPECT_EQ(reader.read(db(), 2, 2, 3), "raw");
    EXPECT_EQ(reader.read(db(), 1, 30, 4), a.substr(30, 4));
}

TEST_F(TextBlocks, DamagedOrMissingBlockGivesNoText) {
    const std::string raw = sipTexts(100);
    TextBlockEncoder encoder;
    TextCodec codec = TextCodec::Raw;
    std::string stored(encoder.encode(raw, codec));
    stored[stored.size() / 2] = static_cast<char>(stored[stored.size() / 2] ^ 0x5a);
    stored.resize(stored.size() - 3);
    store(3, codec, raw.size(), stored);
    store(4, TextCodec::Zstd, std::size_t{1} << 40, "x");  // claims a terabyte
    store(5, static_cast<TextCodec>(9), raw.size(), raw);  // a codec this version does not know
    TextBlockReader reader;
    EXPECT_EQ(reader.read(db(), 3, 0, 10), "");
    EXPECT_EQ(reader.read(db(), 4, 0, 1), "");
    EXPECT_EQ(reader.read(db(), 5, 0, 1), "");
    EXPECT_EQ(reader.read(db(), 99, 0, 1), "");
}

TEST_F(TextBlocks, RowBufferWritesFullAndPartialStatements) {
    db().exec("CREATE TABLE t (a INTEGER, b TEXT, c INTEGER)");
    RowBuffer rows(db(), "INSERT INTO t(a, b, c) VALUES", 3);
    const std::size_t count = RowBuffer::RowsPerStatement * 2 + 5;  // two full statements and five single rows
    std::vector<std::string> texts;
    for (std::size_t i = 0; i < count; ++i)
        texts.push_back("row " + std::to_string(i));
    for (std::size_t i = 0; i < count; ++i) {
        rows.integer(static_cast<std::int64_t>(i));
        rows.textOrNull(i % 3 ? std::string_view(texts[i]) : std::string_view());
        rows.integerOrNull(static_cast<std::int64_t>(i % 2));
    }
    rows.flush();
    rows.flush();  // nothing left: writes nothing
    Statement check(db(), "SELECT count(*), count(b), count(c), sum(a) FROM t");
    ASSERT_TRUE(check.step());
    EXPECT_EQ(check.columnInt(0), static_cast<std::int64_t>(count));
    EXPECT_EQ(check.columnInt(1), static_cast<std::int64_t>(count - (count + 2) / 3));
    EXPECT_EQ(check.columnInt(2), static_cast<std::int64_t>(count / 2));
    EXPECT_EQ(check.columnInt(3), static_cast<std::int64_t>(count * (count - 1) / 2));
    Statement row(db(), "SELECT b, c FROM t WHERE a = 68");
    ASSERT_TRUE(row.step());
    EXPECT_EQ(row.columnText(0), "row 68");
    EXPECT_TRUE(row.columnIsNull(1));
}

}  // namespace
