// The one exception type of sipscope: environment failures (files, databases, interfaces), never bad packets.
#pragma once

#include <stdexcept>
#include <string>

namespace sipscope {

// Thrown for what the user must fix: an unopenable or damaged file, a SQLite failure, a missing interface.
// The message names the file and, where known, the byte offset or packet number, and says what to do.
class Error : public std::runtime_error {
public:
    enum class Kind { Input, Environment };
    explicit Error(const std::string& message, Kind kind = Kind::Input) : std::runtime_error(message), m_kind(kind) {}
    Kind kind() const { return m_kind; }

private:
    Kind m_kind;
};

}  // namespace sipscope
