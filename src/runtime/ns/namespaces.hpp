// Namespaces: which to create and which to join, and joining them. Host side
// (plan + joins), init side (the joined-user-namespace path).
//
// Applies: linux.namespaces
//
// Joined namespaces (a `path`) other than the user namespace are entered by
// a throwaway child of the runtime right before it clones the init (with
// CLONE_PARENT, so the init is still the runtime's child): the init inherits
// them, the runtime never has to find its way back (which rootless, as root of
// podman's user namespace, it could not: setns to its own network namespace
// is EPERM there), and the joins happen with the runtime's privileges (a new
// user namespace created by clone3 could no longer join a network namespace
// the host owns). New namespaces come from clone3's flags,
// so they are owned by the new user namespace when there is one.
//
// Joining a user namespace by path is the one case clone3 cannot cover: the
// child joins it, then unshares the new namespaces (so the joined user
// namespace owns them) and, for a new pid namespace, forks once with
// CLONE_PARENT so the init is still the runtime's direct child.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "spec/model.hpp"
#include "sys/fd.hpp"

namespace islet::runtime::ns {

struct Plan {
    unsigned long clone_flags = 0;  // new namespaces clone3 creates
    // A new cgroup namespace is unshared by the init once the runtime has
    // moved it into the container's cgroups: its root is the creator's cgroup
    // at creation time, so clone3 must not create it (runc does the same).
    bool new_cgroup = false;
    // A new time namespace with linux.timeOffsets: the runtime makes it around
    // clone3 (runtime/ns/time_offsets.hpp), so neither clone_flags nor
    // unshare_after_user carries CLONE_NEWTIME then.
    bool time_with_offsets = false;
    std::vector<std::pair<std::string, std::string>> joins;  // (type, path), user excluded, join order
    std::string user_path;                                   // join this user namespace (child side)
    unsigned long unshare_after_user = 0;                    // with user_path: what the child unshares after joining
    // user_path was joined before clone3 (an unprivileged runtime's helper),
    // which then made the new namespaces: the init only becomes root there.
    bool user_joined = false;
    // The pid namespace in `joins` is entered by the init itself, after
    // pivot_root, and only for the container's init, which it forks into it
    // then: the setup runs outside, where no process of that namespace can
    // reach the host through /proc/<pid>/{root,cwd,fd} (docs/ARCHITECTURE.md
    // "No host fd, root or cwd"). Set by the runtime where the kernel's
    // procfs can show a pid namespace its caller is not in.
    bool pid_after_root = false;
    bool new_user() const;
    bool new_pid() const;
    // Whether the join of namespace `type` is the init's, after root.
    bool joined_after_root(const std::string& type) const;
    // What enter_joins enters: `joins`, less a pid namespace joined after root.
    bool helper_joins() const;
};

// Pure: the plan for a config's namespaces (unit-tested).
Plan plan(const spec::Linux& linux);

// Enters the planned joins for good: for a throwaway process that clones the
// init from inside them (launch::clone_from_helper), where leaving would
// need privileges over the runtime's own namespaces that a rootless runtime
// lacks. Opens and checks every path first, as HostJoins does. An
// unprivileged caller joins Plan::user_path first (it may join the others
// only from there) and gets true: the init is then cloned inside it. A pid
// namespace joined after root (Plan::pid_after_root) is left to the init.
bool enter_joins(const Plan& plan);

// Enters the planned joins in this (single-threaded) process and leaves them
// when destroyed. Opens every path first and checks its type, so a bad path
// fails before anything changed ("failed to open <path>", "<path> is not a
// <type> namespace").
class HostJoins {
public:
    explicit HostJoins(const Plan& plan);
    ~HostJoins();
    HostJoins(const HostJoins&) = delete;
    HostJoins& operator=(const HostJoins&) = delete;
    // Back to the runtime's own namespaces (also done by the destructor).
    void restore();

private:
    struct Saved {
        int nstype;
        sys::UniqueFd own;
    };
    std::vector<Saved> saved_;
    sys::UniqueFd cwd_;
};

// Opens a namespace file and checks it is of `type` (ioctl NS_GET_NSTYPE).
sys::UniqueFd open_namespace(const std::string& path, const std::string& type);

}  // namespace islet::runtime::ns
