// exec's joining process: what runs between the runtime's clone3 and the
// execve of the new process inside the container. Init side.
//
// It starts in the container's pid namespace and unified cgroup (the runtime
// put it there), enters the init's other namespaces with one
// setns(pidfd, flags), sets up the console, finishes the process exactly as
// the init does (finish.hpp), reports ready and execs through the sealed
// stub. It stays non-dumpable until that execve (CVE-2016-9962).
#pragma once

#include <string>
#include <vector>

#include "runtime/attrs/security.hpp"
#include "runtime/process/init_context.hpp"
#include "spec/model.hpp"

namespace islet::runtime {

// What the joining process gets: a copy of the runtime's memory at clone3,
// and the descriptors in `fds` (owned by that copy).
struct ExecChild {
    const spec::Process* process = nullptr;
    const SecurityPlan* security = nullptr;  // the config's seccomp, personality, ... for this process
    std::vector<std::string> env;
    InitFds fds;         // sync, console, stub, host_proc, target (the init's pidfd)
    int join_flags = 0;  // CLONE_NEW* of the init's namespaces that differ from ours (pid aside)
    int preserved_fds = 0;
};

// Never returns: it execs the process, or reports its error over the sync
// socket and exits.
[[noreturn]] void exec_child_main(ExecChild& child) noexcept;

}  // namespace islet::runtime
