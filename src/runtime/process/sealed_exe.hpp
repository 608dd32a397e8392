// The sealed copy of islet, for the one case non-dumpability cannot cover.
// Host side.
//
// While the init waits (and while exec's joining process sets up), islet's
// code runs in the container and /proc/<pid>/exe names the host's islet
// binary. Non-dumpable processes keep container processes away from it,
// unless they hold CAP_SYS_PTRACE in the host user namespace: a config that
// grants CAP_SYS_PTRACE without a new user namespace. For those configs only,
// islet re-executes itself once, at start-up and before any side effect,
// from a memfd copy sealed against writes (CVE-2019-5736; runc's old memfd
// clone). The common path never pays for the copy.
#pragma once

#include "spec/model.hpp"

namespace islet::runtime::host {

// True when the process would hold CAP_SYS_PTRACE over the host's user namespace.
bool needs_sealed_exe(const spec::Config& config, const spec::Process* process);

// Re-executes the current command from a sealed memfd copy unless already
// running from one. Returns only when no re-exec is needed.
void reexec_sealed(const spec::Config& config, const spec::Process* process);

}  // namespace islet::runtime::host
