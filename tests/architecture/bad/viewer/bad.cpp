// Planted for the architecture self-test: each include below must be reported.
#include <sqlite3.h>
#include "store/detail/batch.hpp"
#include "cli/output.hpp"
