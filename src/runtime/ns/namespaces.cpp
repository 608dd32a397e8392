// Applies: linux.namespaces
#include "runtime/ns/namespaces.hpp"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "spec/names.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"
#include "sys/scope_exit.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::ns {

bool Plan::new_user() const { return clone_flags & CLONE_NEWUSER; }
bool Plan::new_pid() const { return (clone_flags | unshare_after_user) & CLONE_NEWPID; }

bool Plan::joined_after_root(const std::string& type) const { return pid_after_root && type == "pid"; }

bool Plan::helper_joins() const {
    return std::any_of(joins.begin(), joins.end(), [&](const auto& j) { return !joined_after_root(j.first); });
}

Plan plan(const spec::Linux& linux) {
    Plan p;
    const spec::Namespace* user = linux.find_namespace("user");
    const bool join_user = user && !user->path.empty();
    if (join_user) p.user_path = user->path;
    for (const auto& type : spec::namespace_types()) {
        const spec::Namespace* n = linux.find_namespace(type);
        if (!n || type == "user") continue;
        if (type == "time" && n->path.empty() && !linux.time_offsets.empty())
            p.time_with_offsets = true;
        else if (!n->path.empty())
            p.joins.emplace_back(type, n->path);
        else if (type == "cgroup")
            p.new_cgroup = true;
        else if (join_user)
            p.unshare_after_user |= spec::namespace_clone_flag(type);
        else
            p.clone_flags |= spec::namespace_clone_flag(type);
    }
    if (user && !join_user) p.clone_flags |= CLONE_NEWUSER;
    return p;
}

sys::UniqueFd open_namespace(const std::string& path, const std::string& type) {
    sys::UniqueFd fd;
    try {
        fd = sys::open_path(path, O_RDONLY);
    } catch (const sys::Error& e) {
        throw sys::Error("failed to open " + path + ": " + e.message(), e.code());
    }
    int got = ::ioctl(fd.get(), NS_GET_NSTYPE);
    if (got < 0) throw sys::Error(path + " is not a namespace file (for the " + type + " namespace)");
    if (static_cast<unsigned long>(got) != spec::namespace_clone_flag(type))
        throw sys::Error(path + " is not a " + type + " namespace");
    return fd;
}

namespace {

using Targets = std::vector<std::pair<std::string, sys::UniqueFd>>;

// Every target opened and checked before anything changes.
Targets open_targets(const Plan& plan, bool skip_late_pid = false) {
    Targets targets;
    for (auto& [type, path] : plan.joins)
        if (!(skip_late_pid && plan.joined_after_root(type))) targets.emplace_back(type, open_namespace(path, type));
    return targets;
}

void join(const std::string& type, int fd) {
    if (::setns(fd, static_cast<int>(spec::namespace_clone_flag(type))) < 0) {
        int err = errno;
        throw sys::Error(
            "failed to setns into the " + type + " namespace " + sys::fd_target(fd) + ": " + std::strerror(err), err);
    }
}

}  // namespace

bool enter_joins(const Plan& plan) {
    // Unprivileged, the caller may join only namespaces its own user
    // namespaces own: a joined user namespace comes first then (as runc's
    // nsexec does for rootless), as root last (by the init).
    sys::UniqueFd user;
    if (!plan.user_path.empty() && ::geteuid() != 0) user = open_namespace(plan.user_path, "user");
    Targets targets = open_targets(plan, true);
    if (user) join("user", user.get());
    for (auto& [type, fd] : targets) join(type, fd.get());
    return static_cast<bool>(user);
}

HostJoins::HostJoins(const Plan& plan) {
    if (plan.joins.empty()) return;
    Targets targets = open_targets(plan);
    cwd_ = sys::open_path(".", O_PATH | O_DIRECTORY);
    sys::ScopeExit undo([&] { restore(); });
    for (auto& [type, fd] : targets) {
        sys::UniqueFd own = sys::open_path("/proc/self/ns/" + spec::namespace_proc_name(type), O_RDONLY);
        join(type, fd.get());
        saved_.push_back({static_cast<int>(spec::namespace_clone_flag(type)), std::move(own)});
    }
    undo.dismiss();
}

HostJoins::~HostJoins() { restore(); }

void HostJoins::restore() {
    // Leave in reverse order; a failure here leaves the runtime in a foreign
    // namespace, which is fatal for everything it does next.
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
        if (::setns(it->own.get(), it->nstype) < 0) {
            log::report_error(sys::describe_errno("restore the runtime's namespace", "", errno));
            ::_exit(1);
        }
    }
    saved_.clear();
    if (cwd_) {
        if (::fchdir(cwd_.get()) < 0) {
            log::report_error(sys::describe_errno("restore the working directory", "", errno));
            ::_exit(1);
        }
        cwd_.reset();
    }
}

}  // namespace islet::runtime::ns
