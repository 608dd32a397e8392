// Test-only pause points (SECURITY.md §5): with ISLET_TEST_PAUSE_AT=<stage>
// in the environment, the process reaching <stage> renames itself
// "islet-paused" (/proc/<pid>/comm) and stops, so a test can SIGKILL islet at
// exactly that moment: SIGSTOP, or pause() for a pid namespace's init, which
// ignores its own SIGSTOP. Compiled out unless the build has ISLET_TEST_HOOKS.
// Stages: after-state-dir, before-block, after-cgroup, after-scope
// (--systemd-cgroup: the scope holds the waiting init) (create, runtime side),
// delete-before-cgroups, delete-after-release (delete),
// after-mounts-start, after-mounts, before-exec (the init),
// exec-joining (exec's joiner, before it enters the container),
// exec-before-ready (exec's final process), pid-forked (exec's joiner, or an
// init's intermediate, with the final process forked and not yet reported),
// forked-before-ready (a pod member's init, forked into the pod).
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace islet::runtime::test_hooks {

// Whether this binary has the pause points (`islet --version` says so, and
// the bats suites that need them check that line).
#ifdef ISLET_TEST_HOOKS
inline constexpr bool kCompiledIn = true;
#else
inline constexpr bool kCompiledIn = false;
#endif

inline void pause_at(const char* stage) {
#ifdef ISLET_TEST_HOOKS
    const char* want = std::getenv("ISLET_TEST_PAUSE_AT");
    if (!want || std::strcmp(want, stage) != 0) return;
    ::prctl(PR_SET_NAME, "islet-paused", 0, 0, 0);
    if (::getpid() != 1) ::kill(::getpid(), SIGSTOP);
    for (;;) ::pause();
#else
    (void)stage;
#endif
}

}  // namespace islet::runtime::test_hooks
