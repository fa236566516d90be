// Compiled into the sipscope binary when it links mimalloc (see the top-level CMakeLists.txt). An import allocates
// batches on the reading thread and frees them on the writer thread. Freed pages go back to the system 25 ms after
// they were freed (mimalloc's default, set here so that it does not depend on the library's version): returning
// them at once (a delay of 0, the setting until issue 14) made every free of a batch or a call's records an madvise
// and a TLB flush on both cores, about a third of the import's system time, and once calls were written as they end
// (issue 14) it no longer bought memory: peak RSS within a few MB either way (bench/README.md, "Call rates"). The
// environment variable MIMALLOC_DECOMMIT_DELAY (milliseconds), when set, decides instead.
#include <mimalloc.h>

#include <cstdlib>

namespace {

const bool DecommitDelay = [] {
    if (std::getenv("MIMALLOC_DECOMMIT_DELAY") == nullptr)
        mi_option_set(mi_option_decommit_delay, 25);
    return true;
}();

}  // namespace
