// The `sipscope` command line: parses arguments, runs one command, returns the process exit code
// (0 ok, 1 usage, 2 input error).
#pragma once

namespace sipscope::cli {

int run(int argc, char** argv);

}  // namespace sipscope::cli
