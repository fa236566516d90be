#include "store/detail/text_blocks.hpp"

#include "store/detail/statement.hpp"

#include "store/detail/batch.hpp"

#include <zstd.h>

namespace sipscope::store::detail {

namespace {

// A decompressed block may not claim more than this (blocks are written at up to a few hundred KiB).
constexpr std::uint64_t MaxRawBlockBytes = 64u << 20;

}  // namespace

struct TextBlockEncoder::Context {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ~Context() { ZSTD_freeCCtx(cctx); }
};

TextBlockEncoder::TextBlockEncoder(int level) : m_context(std::make_unique<Context>()), m_level(level) {}
TextBlockEncoder::~TextBlockEncoder() = default;

std::string_view TextBlockEncoder::encode(std::string_view raw, TextCodec& codec) {
    m_out.resize(ZSTD_compressBound(raw.size()));
    const std::size_t size = m_context->cctx ? ZSTD_compressCCtx(m_context->cctx, m_out.data(), m_out.size(),
                                                                 raw.data(), raw.size(), m_level)
                                             : 0;
    if (!m_context->cctx || ZSTD_isError(size) || size >= raw.size()) {
        codec = TextCodec::Raw;
        return raw;
    }
    codec = TextCodec::Zstd;
    return std::string_view(m_out.data(), size);
}

void encodeTextBlocks(Batch& batch, TextBlockEncoder& encoder, std::size_t maxBlockBytes) {
    batch.blocks.clear();
    batch.blockBytes.clear();
    std::vector<MessageRecord>& messages = batch.messages;
    std::size_t first = 0;
    while (first < messages.size()) {
        const std::uint32_t blockStart = messages[first].textOffset;
        std::size_t last = first;
        while (last < messages.size() &&
               (last == first || messages[last].textOffset + messages[last].textLength - blockStart <= maxBlockBytes))
            ++last;
        const MessageRecord& tail = messages[last - 1];
        const std::string_view raw =
            std::string_view(batch.texts).substr(blockStart, tail.textOffset + tail.textLength - blockStart);
        TextCodec codec = TextCodec::Raw;
        const std::string_view stored = encoder.encode(raw, codec);
        batch.blocks.push_back({static_cast<int>(codec), static_cast<std::uint32_t>(raw.size()),
                                static_cast<std::uint32_t>(batch.blockBytes.size()),
                                static_cast<std::uint32_t>(stored.size())});
        batch.blockBytes.append(stored);
        const auto block = static_cast<std::uint32_t>(batch.blocks.size() - 1);
        for (std::size_t i = first; i < last; ++i) {
            messages[i].block = block;
            messages[i].blockOffset = messages[i].textOffset - blockStart;
        }
        first = last;
    }
}

struct TextBlockReader::Context {
    ZSTD_DCtx* dctx = ZSTD_createDCtx();
    ~Context() { ZSTD_freeDCtx(dctx); }
};

TextBlockReader::TextBlockReader() : m_context(std::make_unique<Context>()) {}
TextBlockReader::~TextBlockReader() = default;

bool TextBlockReader::load(Connection& db, std::int64_t blockId) {
    m_blockId = -1;
    m_block.clear();
    bool ok = false;
    Statement stmt(db, "SELECT codec, raw_size, data FROM text_blocks WHERE id = ?");
    stmt.bindInt(1, blockId);
    if (stmt.step()) {
        const auto codec = static_cast<TextCodec>(stmt.columnInt(0));
        const auto rawSize = static_cast<std::uint64_t>(stmt.columnInt(1));
        const std::string_view data = stmt.columnBlob(2);
        if (codec == TextCodec::Raw) {
            m_block.assign(data);
            ok = true;
        } else if (codec == TextCodec::Zstd && rawSize <= MaxRawBlockBytes && m_context->dctx && !data.empty()) {
            m_block.resize(rawSize);
            const std::size_t got =
                ZSTD_decompressDCtx(m_context->dctx, m_block.data(), m_block.size(), data.data(), data.size());
            ok = !ZSTD_isError(got) && got == rawSize;
        }
    }
    if (ok)
        m_blockId = blockId;
    else
        m_block.clear();
    return ok;
}

std::string TextBlockReader::read(Connection& db, std::int64_t blockId, std::int64_t offset, std::int64_t length) {
    if (offset < 0 || length < 0)
        return {};
    if (blockId != m_blockId && !load(db, blockId))
        return {};
    const auto begin = static_cast<std::uint64_t>(offset);
    const auto count = static_cast<std::uint64_t>(length);
    if (begin > m_block.size() || count > m_block.size() - begin)
        return {};
    return m_block.substr(begin, count);
}

}  // namespace sipscope::store::detail
