#pragma once
// What every fuzz target shares: a broken promise of the code under test aborts with a message,
// so libFuzzer records the input as a crash (a plain assert would vanish in a release build).
#include <cstdio>
#include <cstdlib>

namespace isapi_fcgi::fuzz {

[[noreturn]] inline void broken(const char* what) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
}

inline void check(bool ok, const char* what) {
    if (!ok) broken(what);
}

}  // namespace isapi_fcgi::fuzz
