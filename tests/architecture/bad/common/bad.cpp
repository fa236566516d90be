// Planted for the architecture self-test: common/ may include none of the other folders; each include below must be
// reported.
#include "capture/packet.hpp"
#include <sqlite3.h>
