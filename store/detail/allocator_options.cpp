// Compiled into the sipscope binary when it links mimalloc (see the top-level CMakeLists.txt). An import allocates
// batches on the reading thread and frees them on the writer thread; with mimalloc's default 25 ms delay before
// freed pages go back to the system, that kept about 80 MB more resident on a 100k-call import than glibc's
// malloc. Returning them at once keeps the peak RSS down at a small cost in system time (bench/README.md); the
// environment variable MIMALLOC_DECOMMIT_DELAY (milliseconds), when set, decides instead.
#include <mimalloc.h>

#include <cstdlib>

namespace {

const bool DecommitAtOnce = [] {
    if (std::getenv("MIMALLOC_DECOMMIT_DELAY") == nullptr)
        mi_option_set(mi_option_decommit_delay, 0);
    return true;
}();

}  // namespace
