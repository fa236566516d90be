// Planted for the architecture self-test: allowed includes, none of which may be reported (the viewer exports
// through the libraries below both front ends).
#include "export/rows.hpp"
#include "ladder/ladder_export.hpp"
