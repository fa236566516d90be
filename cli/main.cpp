// Entry point of the `sipscope` command.
#include "cli/commands.hpp"

int main(int argc, char** argv) { return sipscope::cli::run(argc, argv); }
