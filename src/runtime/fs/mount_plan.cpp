// Applies: mounts (the plan)
#include "runtime/fs/mount_plan.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "sys/error.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {

std::string PlannedMount::describe() const {
    return "mount " + (mount.source.empty() ? mount.type : mount.source) + " to " + mount.destination +
           (mount.type.empty() ? "" : " (type " + mount.type + ")");
}

bool MountPlan::binds_dev() const {
    return std::any_of(mounts.begin(), mounts.end(),
                       [](auto& m) { return m.kind == spec::MountKind::bind && m.destination == "/dev"; });
}

bool MountPlan::dev_read_only_later() const {
    return std::any_of(mounts.begin(), mounts.end(), [](auto& m) {
        return m.kind != spec::MountKind::cgroup && m.destination == "/dev" && (m.options.flags & MS_RDONLY);
    });
}

bool MountPlan::has(spec::MountKind kind) const {
    return std::any_of(mounts.begin(), mounts.end(), [&](auto& m) { return m.kind == kind; });
}

bool MountPlan::wants_idmaps() const {
    return std::any_of(mounts.begin(), mounts.end(), [](auto& m) { return m.idmap.with != IdmapWith::none; });
}

PlannedMount plan_mount(const spec::Mount& m) {
    PlannedMount p;
    p.mount = m;
    p.options = spec::parse_mount_options(m.options, m.type);
    p.kind = spec::mount_kind(m, p.options);
    p.destination =
        sys::clean_path(!m.destination.empty() && m.destination.front() == '/' ? m.destination : "/" + m.destination);
    return p;
}

MountPlan plan_mounts(const spec::Config& config) {
    MountPlan plan;
    for (const auto& m : config.mounts) plan.mounts.push_back(plan_mount(m));
    return plan;
}

IdmapChoice choose_idmap(const PlannedMount& pm, const spec::Linux& l, bool isolated) {
    IdmapChoice c;
    if (pm.kind != spec::MountKind::bind) return c;
    const spec::Mount& m = pm.mount;
    const spec::MountOptions& o = pm.options;
    const bool own_maps = !m.uid_mappings.empty();
    c.nosuid = isolated && !(o.clear & MS_NOSUID);  // "suid" clears it
    if (!own_maps && !o.idmap) {
        // Not idmapped, isolated or not. In an isolated container this is
        // the point (docs/ISOLATION.md "No host privilege"): the container's
        // writes to a shared host path land as its block's host IDs, so a
        // setuid file or a file capability it leaves there grants nothing
        // on the host. A bind translates 0-to-0 only when it asks to.
        c.recursive = o.recursive;
        return c;
    }
    const bool has_userns = l.find_namespace("user") != nullptr;
    if (!own_maps || (has_userns && m.uid_mappings == l.uid_mappings && m.gid_mappings == l.gid_mappings)) {
        if (!has_userns)
            throw sys::Error("idmap mount " + m.source + " to " + m.destination +
                             ": idmap without uidMappings/gidMappings needs a user namespace to take them from");
        c.with = IdmapWith::container;
    } else {
        c.with = IdmapWith::helper;
    }
    c.recursive = o.ridmap;
    return c;
}

void choose_idmaps(MountPlan& plan, const spec::Linux& linux, bool isolated) {
    for (auto& m : plan.mounts) m.idmap = choose_idmap(m, linux, isolated);
}

void set_mount_attrs(int tree, const spec::MountOptions& o, const std::string& what) {
    mount_attr attr{};
    attr.attr_set = spec::ms_to_mount_attr(o.per_mount_flags());
    attr.attr_clr = spec::ms_to_mount_attr(o.per_mount_cleared()) & ~MOUNT_ATTR__ATIME;
    if (attr.attr_set & MOUNT_ATTR__ATIME) attr.attr_clr |= MOUNT_ATTR__ATIME;
    if (o.clear & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)) attr.attr_clr |= MOUNT_ATTR__ATIME;
    if (attr.attr_set || attr.attr_clr) sys::mount_setattr(tree, "", AT_EMPTY_PATH, attr, what);
    if (o.rec_attr_set || o.rec_attr_clr) {
        mount_attr rec{};
        rec.attr_set = o.rec_attr_set;
        rec.attr_clr = o.rec_attr_clr;
        if (rec.attr_set & MOUNT_ATTR__ATIME) rec.attr_clr |= MOUNT_ATTR__ATIME;
        sys::mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, rec, what + " (recursive options)");
    }
}

spec::MountOptions options_now(const PlannedMount& pm) {
    spec::MountOptions o = pm.options;
    if (pm.destination == "/dev") o.flags &= ~static_cast<unsigned long>(MS_RDONLY);
    return o;
}

void clone_mount_trees(MountPlan& plan) {
    plan.rootfs_tree = sys::open_tree(AT_FDCWD, plan.rootfs_path, OPEN_TREE_CLONE | AT_RECURSIVE);
    for (auto& pm : plan.mounts) {
        if (pm.kind != spec::MountKind::bind) continue;
        const std::string what = pm.describe();
        pm.tree = sys::with_context(what, [&] {
            return sys::open_tree(AT_FDCWD, pm.source_path,
                                  OPEN_TREE_CLONE | (pm.options.recursive ? AT_RECURSIVE : 0));
        });
        // The flags go on now, before the init holds the tree: a process
        // that can reach the init's fds (a pod member with CAP_SYS_PTRACE,
        // in a pid namespace the init joins) never sees it writable.
        set_mount_attrs(pm.tree.get(), options_now(pm), what);
        if (plan.cloned_by_init && pm.idmap.nosuid) {
            // Rootless isolated: what idmapped_mounts sets for root, on the
            // clone the init made.
            mount_attr attr{};
            attr.attr_set = MOUNT_ATTR_NOSUID;
            const unsigned flags = AT_EMPTY_PATH | (pm.idmap.recursive ? AT_RECURSIVE : 0);
            sys::mount_setattr(pm.tree.get(), "", flags, attr, what + " (nosuid)");
        }
    }
}

namespace host {

void open_mount_trees(MountPlan& plan, const std::string& bundle, const std::string& rootfs) {
    plan.rootfs_path = rootfs;
    for (auto& pm : plan.mounts) {
        if (pm.kind != spec::MountKind::bind) continue;
        const spec::Mount& m = pm.mount;
        pm.source_path = m.source.empty() || m.source.front() == '/' ? m.source : bundle + "/" + m.source;
        struct stat st {};
        if (::stat(pm.source_path.c_str(), &st) < 0) {
            const int err = errno;
            throw sys::Error(pm.describe() + ": " + sys::describe_errno("stat", pm.source_path, err), err);
        }
        pm.source_is_dir = S_ISDIR(st.st_mode);
    }
    try {
        clone_mount_trees(plan);
    } catch (const sys::Error& e) {
        // Only an unprivileged runtime hands the clones over; root's EPERM
        // is an error as any other.
        if (e.code() != EPERM || ::geteuid() == 0) throw;
        plan.rootfs_tree.reset();
        for (auto& pm : plan.mounts) pm.tree.reset();
        plan.cloned_by_init = true;
    }
}

}  // namespace host
}  // namespace islet::runtime
