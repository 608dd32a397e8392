// What the container's init gets from the runtime. Shared by both sides:
// the runtime fills it before clone3; the init receives it as a copy of the
// runtime's memory (clone3 without CLONE_VM), plus the descriptors it names,
// which are inherited. Nothing is serialised, so nothing can be misparsed.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "runtime/cgroups/cgroups.hpp"
#include "runtime/fs/mount_plan.hpp"
#include "runtime/ns/namespaces.hpp"
#include "spec/model.hpp"
#include "spec/record.hpp"
#include "sys/fd.hpp"

namespace islet::runtime {

struct SecurityPlan;

// The descriptors a child of the runtime inherits at clone3 (the init, or
// exec's joining process). The runtime fills one with descriptors it owns
// and closes its copies of the child's ends after clone3. The child's copy of
// the runtime's memory owns the child's copies of the same descriptors: the
// child never returns into the runtime's frames (it leaves by execve or
// _exit), so nothing is closed twice, and what the child closes it closes
// through these owners.
struct InitFds {
    sys::UniqueFd sync;     // the child's end of the sync socket pair
    sys::UniqueFd fifo;     // O_PATH to <state>/exec.fifo, the start barrier (init)
    sys::UniqueFd console;  // --console-socket, or islet's terminal proxy (terminal only)
    sys::UniqueFd stub;     // sealed memfd of the exec stub
    sys::UniqueFd target;   // pidfd of the container's init, for setns (exec)
    // A container that shares the runtime's pid namespace: procfs instances
    // of it (full, subset=pid) made here, where a user namespace could not
    // make them (it does not own that pid namespace). Never the host's /proc
    // mount: a new instance has no parent to walk up to.
    sys::UniqueFd shared_proc;
    sys::UniqueFd shared_task_proc;
    // An isolated pod's user namespace, which the init joins (isolation/pod.hpp):
    // by this fd, never by a path a new process could take over.
    sys::UniqueFd userns;
    // A pid namespace joined by path, entered after pivot_root
    // (ns::Plan::pid_after_root): until then the init sets up outside it, and
    // its procfs instances and the container's /proc mounts show it by this fd.
    sys::UniqueFd pidns;
    // A process that finishes outside the pid namespace it forks into (a pod
    // member's init, exec's joiner) and has LSM exec labels to set: a task
    // view of the runtime's pid namespace, where it can find its own
    // thread-self (sys::own_task_procfs). Closed before the fork.
    sys::UniqueFd label_proc;
    // The valid ones, for close_all_except.
    std::vector<int> numbers() const;
};

struct InitContext {
    // --- inputs ---------------------------------------------------------
    const spec::Config* config = nullptr;
    const spec::Process* process = nullptr;         // nullptr: the config has no process
    const spec::ContainerRecord* record = nullptr;  // id, bundle and annotations for the hooks' state
    std::string id;
    std::string rootfs;  // absolute, symlink-free host path
    ns::Plan ns_plan;
    bool no_pivot = false;
    bool no_new_keyring = false;
    bool host_hooks = false;  // the runtime has prestart/createRuntime hooks to run mid-setup
    // mknod is denied: the container gets a user namespace, or islet itself
    // runs in one (rootless podman). Device nodes are then host binds.
    bool bind_devices = false;
    // Rootless islet: the kernel makes a non-dumpable process's /proc files
    // root's, and an unprivileged runtime (or newuidmap, which checks the
    // owner of /proc/<pid>) could then not write its id maps. The init stays
    // dumpable until `go`, which comes after the maps: until then it has
    // entered nothing and holds nothing its user could not read anyway.
    bool dumpable_until_go = false;
    // A pid namespace joined after root (ns::Plan::pid_after_root) that the
    // init forks into once finished (security.hpp finishes_before_fork).
    // False for such a namespace where the filter would not let it fork: the
    // init then forks right after joining it and finishes inside.
    bool fork_last = false;
    // For the cgroup filesystem mount: the host layout and the container's
    // directories (hierarchy name -> host path).
    cgroups::Host cgroup_host;
    std::map<std::string, std::string> cgroup_dirs;
    std::vector<std::string> env;                // the final environment of the process
    int preserved_fds = 0;                       // fds 3 .. 3+n-1 pass through (LISTEN_FDS + --preserve-fds)
    const SecurityPlan* security = nullptr;      // runtime/attrs/security.hpp: seccomp program, capabilities, ...
    std::map<std::string, std::string> sysctls;  // linux.sysctl less what the runtime wrote (sysctl.hpp)

    // --- descriptors inherited from the runtime ---------------------------
    InitFds fds;
    // The runtime's mount plan (runtime/fs/mount_plan.hpp): the rootfs tree
    // and every bind mount's tree, made by the runtime with host credentials.
    // The init's copy owns its inherited copies of those descriptors.
    MountPlan* mounts = nullptr;

    // --- state the init builds as it goes --------------------------------
    sys::UniqueFd rootfd;  // the bind-mounted rootfs (before pivot_root), then "/"
    // Where the rootfs tree is attached: the rootfs directory in the init's
    // mount namespace, opened by the runtime through /proc/<init>/root and
    // sent with `go` (no path walk by the init).
    sys::UniqueFd rootfs_target;
    // O_PATH to the host's /dev/null, opened by the init in its own mount
    // namespace (open_tree only clones mounts of the caller's namespace).
    sys::UniqueFd devnull;
    // procfs of the init's own pid namespace, never the host's (a container
    // process holding CAP_SYS_PTRACE reaches whatever the init holds through
    // /proc/1/fd): a full instance for setup (oom score, sysctls, LSM
    // labels), closed before `ready`; and a subset=pid one for the start
    // barrier's /proc/self/fd reopen. Made before pivot_root and the masks
    // (in a user namespace the kernel allows a new procfs only while a fully
    // visible one is in the mount namespace); where the kernel refuses them,
    // the container's own /proc once the init is inside the rootfs.
    sys::UniqueFd proc;
    sys::UniqueFd task_proc;
    std::string exec_path;  // args[0] resolved on the container's PATH
};

inline std::vector<int> InitFds::numbers() const {
    std::vector<int> out;
    for (const sys::UniqueFd* fd :
         {&sync, &fifo, &console, &stub, &target, &shared_proc, &shared_task_proc, &userns, &pidns, &label_proc})
        if (*fd) out.push_back(fd->get());
    return out;
}

// The init's entry point after clone3. Never returns: it execs the process
// or reports its error over the sync socket and exits.
[[noreturn]] void init_main(InitContext& ctx) noexcept;

}  // namespace islet::runtime
