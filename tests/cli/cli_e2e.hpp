// What the CLI's end-to-end tests share: the sipscope binary they run and the samples they import (the test targets
// define SIPSCOPE_BINARY; SIPSCOPE_SAMPLES_DIR is defined for every test), running a command, and reading a
// listing's JSON lines back. A test file says `using namespace sipscope::test;`.
#pragma once

#include "tests/tools/json_lines.hpp"
#include "tests/tools/run.hpp"

#include <string>

namespace sipscope::test {

inline const std::string Binary = SIPSCOPE_BINARY;
inline const std::string Samples = SIPSCOPE_SAMPLES_DIR;

}  // namespace sipscope::test
