// Test-only pause points (SECURITY.md §5): with ISLET_TEST_PAUSE_AT=<stage>
// in the environment, the process reaching <stage> stops itself (SIGSTOP) so
// a test can SIGKILL islet at exactly that moment. Compiled out unless the
// build has ISLET_TEST_HOOKS. Stages: after-state-dir, after-cgroup (runtime),
// after-mounts-start, after-mounts, before-exec (init).
#pragma once

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace islet::runtime::test_hooks {

inline void pause_at(const char* stage) {
#ifdef ISLET_TEST_HOOKS
    const char* want = std::getenv("ISLET_TEST_PAUSE_AT");
    if (want && std::strcmp(want, stage) == 0) ::kill(::getpid(), SIGSTOP);
#else
    (void)stage;
#endif
}

}  // namespace islet::runtime::test_hooks
