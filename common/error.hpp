// The one exception type of sipscope: environment failures (files, databases, interfaces), never bad packets.
// It lives in common/, which every folder may include and which includes nothing of theirs.
#pragma once

#include <stdexcept>
#include <string>

namespace sipscope {

// Thrown for what the user must fix: an unopenable or damaged file, a SQLite failure, a missing interface.
// The message names the file and, where known, the byte offset or packet number, and says what to do.
// Every kind of it is an input error to the user (the cli exits 2), so it carries no kind of its own.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace sipscope
