// The FILE* a capture file reader reads: closed when the reader is done with it, or never when the caller owns it
// (standard input). A member of the reader, so a reader whose constructor throws still closes it.
#pragma once

#include <cstdio>

namespace sipscope::capture::detail {

class CaptureFile {
public:
    CaptureFile(std::FILE* file, bool closes) : m_file(file), m_closes(closes) {}
    ~CaptureFile() { close(); }
    CaptureFile(const CaptureFile&) = delete;
    CaptureFile& operator=(const CaptureFile&) = delete;

    std::FILE* get() const { return m_file; }
    // Done reading: closes a file the reader owns; get() is null from here on.
    void close() {
        if (m_closes && m_file != nullptr)
            std::fclose(m_file);
        m_file = nullptr;
    }

private:
    std::FILE* m_file;
    bool m_closes;
};

}  // namespace sipscope::capture::detail
