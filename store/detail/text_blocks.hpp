// Message text in the database: the raw bytes of many consecutive messages in one text_blocks row, compressed
// with zstd (codec 1) or stored as they are (codec 0, older databases and incompressible blocks). A message row
// names its block, its offset in the uncompressed block and its length.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sipscope::store::detail {

class Connection;

enum class TextCodec : int { Raw = 0, Zstd = 1 };

// Compresses blocks; keeps its zstd context between blocks.
class TextBlockEncoder {
public:
    explicit TextBlockEncoder(int level = 1);
    ~TextBlockEncoder();
    TextBlockEncoder(const TextBlockEncoder&) = delete;
    TextBlockEncoder& operator=(const TextBlockEncoder&) = delete;

    // Returns the bytes to store for `raw` and sets `codec`; the view stays valid until the next call.
    std::string_view encode(std::string_view raw, TextCodec& codec);

private:
    struct Context;
    std::unique_ptr<Context> m_context;
    int m_level;
    std::string m_out;
};

struct Batch;

// Cuts the texts of `batch`'s messages into blocks of up to `maxBlockBytes` (at message boundaries; a longer
// message is a block of its own), compresses each, and fills batch.blocks, batch.blockBytes and each message's
// block and blockOffset. Runs on the reading thread, so the writer thread only writes.
void encodeTextBlocks(Batch& batch, TextBlockEncoder& encoder, std::size_t maxBlockBytes = 256u << 10);

// Reads message text back. Keeps the last decompressed block: the messages of one call are usually in one block.
class TextBlockReader {
public:
    TextBlockReader();
    ~TextBlockReader();
    TextBlockReader(const TextBlockReader&) = delete;
    TextBlockReader& operator=(const TextBlockReader&) = delete;

    // The text at [offset, offset + length) of block `blockId`; empty if the block is missing or damaged.
    std::string read(Connection& db, std::int64_t blockId, std::int64_t offset, std::int64_t length);

private:
    bool load(Connection& db, std::int64_t blockId);

    struct Context;
    std::unique_ptr<Context> m_context;
    std::int64_t m_blockId = -1;  // the block in m_block, -1 = none
    std::string m_block;
};

}  // namespace sipscope::store::detail
