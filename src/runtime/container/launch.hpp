// Starting a process in a container: the steps `create` (the init) and `exec`
// (the joining process) share. Host side.
//
// Both check runc's terminal and preserved-fd rules, open the console
// channel, start the child with one clone3 straight into the container's
// unified cgroup, then answer it over the sync socket until it reports ready
// (handing a seccomp notify listener to its agent on the way).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

#include "spec/model.hpp"
#include "spec/record.hpp"
#include "sys/fd.hpp"

namespace islet::runtime::launch {

// runc's rules: a detached process with a terminal needs --console-socket,
// and --console-socket needs a detached process with a terminal.
void check_terminal_flags(bool terminal, bool detach, const std::string& console_socket);

// Every fd in first .. first+count-1 must be open ("unable to stat
// preserved-fd i (of n)").
void check_preserved_fds(int first, int count);

// Where the child sends its pty master: the caller's --console-socket, or (a
// foreground process with a terminal) a socket pair whose other end islet
// keeps to proxy the terminal; neither without a terminal.
struct ConsoleChannel {
    sys::UniqueFd for_child;
    sys::UniqueFd ours;  // valid when islet proxies the terminal
    // The pty master the child sent over `ours` (invalid without a proxy).
    sys::UniqueFd receive_master();
};
ConsoleChannel open_console_channel(bool terminal, bool detach, const std::string& console_socket);

// Blocks every signal until destroyed, so a child starts with none pending
// for handlers it does not have.
class BlockedSignals {
public:
    BlockedSignals();
    ~BlockedSignals();
    BlockedSignals(const BlockedSignals&) = delete;
    BlockedSignals& operator=(const BlockedSignals&) = delete;

private:
    sigset_t old_{};
};

struct Cloned {
    pid_t pid = 0;
    sys::UniqueFd pidfd;
    bool into_cgroup = false;  // started in the cgroup cgroup_fd names
};

// clone3(CLONE_PIDFD | flags, SIGCHLD), straight into the cgroup cgroup_fd
// names (CLONE_INTO_CGROUP) when it is valid; on a kernel that refuses
// CLONE_INTO_CGROUP (EINVAL, EOPNOTSUPP, E2BIG) without it, and the caller
// joins the cgroup by pid. The child runs `child`, which must not return.
// Throws sys::Error("clone3: ...").
Cloned clone_into(std::uint64_t flags, int cgroup_fd, const std::function<void()>& child);

// Runs `in_helper` in a throwaway child of this process and returns what it
// returned: the helper enters namespaces this process could not leave again
// (rootless, joined namespaces owned by another user namespace: setns back
// to the runtime's own is EPERM) and clones the init from there with
// CLONE_PARENT, so the init is still this process's child. The helper
// reports the init's pid, pidfd and cgroup placement (sync::Type::cloned) or
// its error, then exits; it is reaped here. Throws the helper's error.
Cloned clone_from_helper(const std::function<Cloned()>& in_helper);

// What the child may ask for while it sets up, besides `ready` and `error`.
struct Serve {
    int sock = -1;
    std::string peer;  // "init", "exec process": for messages
    // A notify listener may come (the profile's listenerPath and metadata),
    // for the agent with runc's containerProcessState of `state()`.
    const spec::Seccomp* listener = nullptr;
    std::function<spec::StateView()> state;
    std::function<void()> hooks;          // `hooks`: run prestart and createRuntime (create only)
    std::function<void(pid_t)> exec_pid;  // `exec_pid`: the real init's, or exec's final process's, pid
    // The child forks the process that will exec (pid_fork.hpp): `ready`
    // before its `exec_pid` is not the child's.
    bool fork_expected = false;
    // ... after finishing it: a notify listener comes before `exec_pid` and
    // waits for it, so that the agent learns the pid of the process the
    // filter is on.
    bool listener_before_pid = false;
    // The pidfd of the process that must answer (the child, then the forked
    // process): its exit ends the wait even if another process holds a copy
    // of the child's socket (pidfd_getfd by a container process with
    // CAP_SYS_PTRACE).
    std::function<int()> pidfd;
    std::function<std::string()> died;  // the error when the child closed the socket early
    // Optional: the error for `ready` before `exec_pid` (fork_expected).
    std::function<std::string()> unreported;
};

// Answers the child until `ready`. An `error` message becomes
// "unable to start container process: <message>".
void serve_until_ready(const Serve& serve);

// --pidfd-socket: sends pidfd to the socket at path (nothing when empty).
void send_pidfd(const std::string& path, int pidfd);

}  // namespace islet::runtime::launch
