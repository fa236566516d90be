// What a test does when ../shared/corpus is missing: skip with the reason, or fail when the run requires the corpus
// (SIPSCOPE_REQUIRE_CORPUS=1, set by .ci/run), so a CI run without the corpus can never pass silently.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

namespace sipscope::test {

inline bool corpusRequired() {
    const char* value = std::getenv("SIPSCOPE_REQUIRE_CORPUS");
    return value != nullptr && std::string_view(value) != "" && std::string_view(value) != "0";
}

}  // namespace sipscope::test

// Use as a statement in a test body: SIPSCOPE_CORPUS_MISSING() << "corpus not found at " << dir;
#define SIPSCOPE_CORPUS_MISSING()                                                                                      \
    if (::sipscope::test::corpusRequired())                                                                            \
        GTEST_FAIL() << "SIPSCOPE_REQUIRE_CORPUS is set and the corpus is missing: ";                                  \
    else                                                                                                               \
        GTEST_SKIP()
