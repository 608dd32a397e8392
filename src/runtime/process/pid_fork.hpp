// Forking the final process into a pid namespace this process only joined
// (exec's joiner, a pod member's init) or unshared (an init in a joined user
// namespace): with CLONE_PARENT the new process is the runtime's child, and
// the forking one reports its pid (sync `exec_pid`) and exits. Into a
// namespace other processes live in, the fork comes last: the forking
// process has finished the process (finish.hpp: capabilities, user,
// no_new_privs, seccomp) and closed every setup handle, so the new process is
// seen there only as what it will exec, and nothing a ptrace-capable
// process there could take over holds more (issue 10).
#pragma once

namespace islet::runtime {

// Returns in the new process only (its death signal set, its sanitizer
// report file registered), and only once the forking process has sent
// `exec_pid` on `sync_fd` and exited: the new process's own messages
// (`ready` above all) can never reach the runtime before its pid, whatever
// the scheduler does. Throws sys::Error when clone3 fails.
void fork_into_pid_namespace(int sync_fd);

}  // namespace islet::runtime
