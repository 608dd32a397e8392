// Applies: mounts[].uidMappings, mounts[].gidMappings
#include "runtime/fs/idmapped_mounts.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "runtime/fs/idmapped_overlay.hpp"
#include "runtime/ns/userns_maps.hpp"
#include "sys/error.hpp"
#include "sys/scope_exit.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::host {
namespace {

// A user namespace holding exactly these maps: a child that waits on a pipe
// while its maps are written and its namespace is opened, then exits.
sys::UniqueFd helper_userns(const std::vector<spec::IdMapping>& uids, const std::vector<spec::IdMapping>& gids) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) sys::throw_errno("pipe");
    sys::UniqueFd r(p[0]), w(p[1]);
    clone_args args{};
    args.flags = CLONE_NEWUSER;
    args.exit_signal = SIGCHLD;
    long pid = ::syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) sys::throw_errno("clone3 a helper user namespace");
    if (pid == 0) {
        char c;
        w.reset();
        (void)!::read(r.get(), &c, 1);
        ::_exit(0);
    }
    // The child exits once the pipe closes; reaped on every way out.
    sys::ScopeExit release([&] {
        w.reset();
        sys::reap(static_cast<pid_t>(pid));
    });
    write_id_maps(static_cast<pid_t>(pid), uids, gids);
    return sys::open_path("/proc/" + std::to_string(pid) + "/ns/user", O_RDONLY);
}

void idmap_tree(int tree, int userns, bool recursive, bool nosuid, const std::string& what) {
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_IDMAP | (nosuid ? MOUNT_ATTR_NOSUID : 0);
    attr.userns_fd = static_cast<std::uint64_t>(userns);
    try {
        sys::mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), attr, what);
    } catch (const sys::Error& e) {
        if (e.code() == EINVAL)
            throw sys::Error(what + ": the filesystem does not support idmapped mounts (" + e.message() + ")", EINVAL);
        throw;
    }
}

void set_nosuid(int tree, bool recursive, const std::string& what) {
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_NOSUID;
    sys::mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), attr, what);
}

}  // namespace

sys::UniqueFd apply_idmaps(const MountPlan& plan, const spec::Linux& l, int userns, bool isolated,
                           const std::string& rootfs) {
    auto own_ns = [&]() -> int { return userns; };
    std::map<std::string, sys::UniqueFd> helpers;  // by the mapping text
    sys::UniqueFd new_rootfs;
    if (isolated && plan.rootfs_tree) {
        // The kernel does not idmap an overlayfs mount: rebuild it over
        // idmapped layers, created as container root (idmapped_overlay.hpp).
        new_rootfs = idmapped_overlay(rootfs, plan.rootfs_tree.get(), own_ns(), l.uid_mappings, l.gid_mappings);
        if (!new_rootfs) idmap_tree(plan.rootfs_tree.get(), own_ns(), true, false, "idmap the rootfs");
    }
    for (const auto& pm : plan.mounts) {
        const IdmapChoice& c = pm.idmap;
        const spec::Mount& m = pm.mount;
        if (c.with == IdmapWith::none) {
            // An isolated container's shared host path, not idmapped: it
            // still loses setuid unless the config says "suid".
            if (c.nosuid) set_nosuid(pm.tree.get(), c.recursive, "nosuid " + m.source + " to " + m.destination);
            continue;
        }
        const std::string what = "idmap mount " + m.source + " to " + m.destination;
        int ns = -1;
        if (c.with == IdmapWith::container) {
            ns = own_ns();
        } else {
            std::string key = format_id_map(m.uid_mappings) + "|" + format_id_map(m.gid_mappings);
            auto it = helpers.find(key);
            if (it == helpers.end()) it = helpers.emplace(key, helper_userns(m.uid_mappings, m.gid_mappings)).first;
            ns = it->second.get();
        }
        idmap_tree(pm.tree.get(), ns, c.recursive, c.nosuid, what);
    }
    return new_rootfs;
}

}  // namespace islet::runtime::host
