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

#include "runtime/ns/userns_maps.hpp"
#include "runtime/fs/idmapped_overlay.hpp"
#include "spec/mount_options.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"
#include "sys/scope_exit.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::host {
namespace {

bool same(const std::vector<spec::IdMapping>& a, const std::vector<spec::IdMapping>& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](auto& x, auto& y) {
               return x.container_id == y.container_id && x.host_id == y.host_id && x.size == y.size;
           });
}

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

}  // namespace

bool wants_idmaps(const spec::Config& config) {
    for (auto& m : config.mounts) {
        spec::MountOptions o = spec::parse_mount_options(m.options, m.type);
        if (o.idmap || !m.uid_mappings.empty()) return true;
    }
    return false;
}

sys::UniqueFd apply_idmaps(const spec::Config& config, pid_t init_pid, const MountTrees& trees, bool isolated,
                           const std::string& rootfs) {
    const spec::Linux& l = *config.linux;
    const bool has_userns = l.find_namespace("user") != nullptr;
    sys::UniqueFd own;
    auto own_ns = [&]() -> int {
        if (!own) own = sys::open_path("/proc/" + std::to_string(init_pid) + "/ns/user", O_RDONLY);
        return own.get();
    };
    std::map<std::string, sys::UniqueFd> helpers;  // by the mapping text
    sys::UniqueFd new_rootfs;
    if (isolated && trees.rootfs) {
        // The kernel does not idmap an overlayfs mount: rebuild it over
        // idmapped layers, created as container root (idmapped_overlay.hpp).
        new_rootfs = idmapped_overlay(rootfs, trees.rootfs.get(), own_ns(), l.uid_mappings, l.gid_mappings);
        if (!new_rootfs)
            idmap_tree(trees.rootfs.get(), own_ns(), true, false, "idmap the rootfs");
    }
    for (size_t i = 0; i < config.mounts.size(); ++i) {
        const auto& m = config.mounts[i];
        if (i >= trees.binds.size() || !trees.binds[i]) continue;
        spec::MountOptions o = spec::parse_mount_options(m.options, m.type);
        const std::string what = "idmap mount " + m.source + " to " + m.destination;
        const bool own_maps = !m.uid_mappings.empty();
        const bool nosuid = isolated && !(o.clear & MS_NOSUID);  // "suid" clears it
        if (!own_maps && !o.idmap) {
            // Isolated containers: every bind without its own mappings
            // translates with the container's namespace, nosuid unless the
            // config explicitly says suid (ISOLATION.md §2, security note).
            if (isolated) {
                try {
                    idmap_tree(trees.binds[i].get(), own_ns(), o.recursive, nosuid, what);
                } catch (const sys::Error& e) {
                    // A filesystem without idmapped-mount support (sysfs,
                    // proc) has no on-disk owners to translate: bound as is.
                    if (e.code() != EINVAL) throw;
                    log::debug(what + ": not idmapped (" + e.message() + ")");
                }
            }
            continue;
        }
        int ns;
        if (!own_maps || (has_userns && same(m.uid_mappings, l.uid_mappings) && same(m.gid_mappings, l.gid_mappings))) {
            if (!has_userns)
                throw sys::Error(what + ": idmap without uidMappings/gidMappings needs a user namespace to take them from");
            ns = own_ns();
        } else {
            std::string key = format_id_map(m.uid_mappings) + "|" + format_id_map(m.gid_mappings);
            auto it = helpers.find(key);
            if (it == helpers.end()) it = helpers.emplace(key, helper_userns(m.uid_mappings, m.gid_mappings)).first;
            ns = it->second.get();
        }
        idmap_tree(trees.binds[i].get(), ns, o.ridmap, nosuid, what);
    }
    return new_rootfs;
}

}  // namespace islet::runtime::host
