// exec's processes: what runs between the runtime's clone3 and the execve
// of the new process inside the container. Init side.
//
// The runtime starts the joiner in its own pid namespace and in the
// container's unified cgroup (and joins it to the v1 ones). The joiner
// enters the init's namespaces with one setns(pidfd, flags), the pid
// namespace for its children only: its root and cwd become the container's
// and it holds nothing of the host's but what the process inherits (stdio,
// preserved fds, the sync and console sockets, the sealed stub). It sets up
// the console and finishes the process exactly as the init does
// (finish.hpp: capabilities, user, no_new_privs, seccomp). Only then does it
// fork the final process into the pid namespace (CLONE_PARENT: a child of
// the runtime), report its pid and exit: no process holding host state or
// more privilege than the process's own is ever visible in the container.
// The final process takes its controlling terminal, reports ready and execs
// through the sealed stub. Both stay non-dumpable until that execve
// (CVE-2016-9962).
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
    InitFds fds;            // sync, console, stub, target (the init's pidfd)
    int join_flags = 0;     // CLONE_NEW* of the init's namespaces that differ from ours (pid aside)
    bool join_pid = false;  // the init's pid namespace differs from ours: fork into it
    // ... after finishing the process (security.hpp finishes_before_fork);
    // else, with join_pid, before, as runc's.
    bool fork_last = false;
    int preserved_fds = 0;
};

// Never returns: it execs the process, or reports its error over the sync
// socket and exits.
[[noreturn]] void exec_child_main(ExecChild& child) noexcept;

}  // namespace islet::runtime
