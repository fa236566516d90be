// Planted for the architecture self-test: each include below must be reported.
#include "cli/output.hpp"
#include "store/detail/batch.hpp"
#include <sqlite3.h>
