// Applies: mounts
#include "runtime/fs/mounts.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <set>

#include "runtime/attrs/lsm.hpp"
#include "runtime/fs/tmpcopyup.hpp"
#include "sys/error.hpp"
#include "sys/fs_context.hpp"
#include "sys/log.hpp"
#include "sys/mountinfo.hpp"
#include "sys/path.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::init {
namespace {

using spec::MountOptions;

// Files under /proc an engine may mount over (lxcfs); anything else inside
// /proc would hide what the kernel reports (CVE-2019-16884 class).
const std::set<std::string> kProcAllowed = {
    "/proc/cpuinfo",
    "/proc/diskstats",
    "/proc/meminfo",
    "/proc/stat",
    "/proc/swaps",
    "/proc/uptime",
    "/proc/loadavg",
    "/proc/slabinfo",
    "/proc/net/dev",
    "/proc/sys/kernel/ns_last_pid",
    "/proc/sys/crypto/fips_enabled",
};

// A bind whose source is a procfs (rootless with the host's pid namespace
// binds the host's /proc): runc's isProc, on the tree the runtime cloned.
bool binds_procfs(const PlannedMount& pm) {
    struct statfs sfs {};
    return pm.kind == spec::MountKind::bind && pm.tree && ::fstatfs(pm.tree.get(), &sfs) == 0 &&
           sfs.f_type == PROC_SUPER_MAGIC;
}

// runc's checkProcMount and its /proc,/sys symlink checks for `dest`: the
// configured path first, and then (destination() below) the path an image
// symlink resolved it to, as runc checks after securejoin.
void check_proc_sys(const InitContext& ctx, const PlannedMount& pm, const std::string& dest) {
    const std::string& type = pm.mount.type;
    const bool is_proc = dest == "/proc" || sys::starts_with(dest, "/proc/");
    if (is_proc) {
        if (dest == "/proc") {
            if (type != "proc" && !binds_procfs(pm))
                throw sys::Error(pm.describe() + ": /proc cannot be mounted because it is not of type proc");
        } else if (!kProcAllowed.count(dest)) {
            throw sys::Error(pm.describe() + ": " + dest + " cannot be mounted because it is inside /proc");
        }
    }
    if ((dest == "/proc" && type == "proc") || (dest == "/sys" && type == "sysfs")) {
        struct stat st {};
        if (::fstatat(ctx.rootfd.get(), dest.c_str() + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
            throw sys::Error(pm.describe() + ": filesystem \"" + type + "\" must be mounted on ordinary directory");
    }
}

// Where dest_fd is inside the rootfs ("/proc/sys/kernel" for an image
// symlink /x -> /proc/sys/kernel), from the kernel's names of both fds.
std::string resolved_destination(const InitContext& ctx, int dest_fd) {
    const std::string root = sys::fd_target(ctx.rootfd.get());
    std::string dest = sys::fd_target(dest_fd);
    if (dest == root) return "/";
    if (root == "/") return dest;
    return sys::starts_with(dest, root + "/") ? dest.substr(root.size()) : dest;
}

void refuse_top_of_rootfs(const InitContext& ctx, int dest_fd, const PlannedMount& pm) {
    struct stat a = sys::fstat_fd(dest_fd, pm.mount.destination);
    struct stat b = sys::fstat_fd(ctx.rootfd.get(), ctx.rootfs);
    if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        throw sys::Error(pm.describe() + ": mountpoint " + pm.mount.destination + " is on the top of rootfs");
}

// The destination inside the rootfs, made when missing, checked not to be
// the rootfs itself.
sys::UniqueFd destination(const InitContext& ctx, const PlannedMount& pm, sys::CreateLast last) {
    sys::UniqueFd fd =
        sys::with_context(pm.describe(), [&] { return sys::mkdir_in_root(ctx.rootfd.get(), pm.destination, last); });
    refuse_top_of_rootfs(ctx, fd.get(), pm);
    const std::string resolved = resolved_destination(ctx, fd.get());
    if (resolved != pm.destination) check_proc_sys(ctx, pm, resolved);
    return fd;
}

void set_propagation(int mnt, const MountOptions& o, const std::string& what) {
    for (unsigned long p : o.propagation) {
        mount_attr attr{};
        attr.propagation = p & ~static_cast<unsigned long>(MS_REC);
        sys::mount_setattr(mnt, "", AT_EMPTY_PATH | ((p & MS_REC) ? AT_RECURSIVE : 0), attr,
                           what + " (propagation " + spec::describe_ms_flags(p) + ")");
    }
}

// A new filesystem instance as a detached mount; a procfs shows the pid
// namespace of pidns_fd where one is given.
sys::UniqueFd make_fs(const std::string& type, const std::string& source, const MountOptions& o,
                      const std::string& what, int pidns_fd = -1) {
    sys::FsContext fs(type, what);
    if (!source.empty()) fs.set_string("source", source);
    if (type == "proc" && pidns_fd >= 0) fs.set_fd("pidns", pidns_fd, "set its pid namespace");
    for (const auto& d : o.data) fs.set_option(d);
    if (o.flags & MS_RDONLY) fs.set_flag("ro");
    fs.create();
    return fs.mount(static_cast<unsigned>(spec::ms_to_mount_attr(o.per_mount_flags())));
}

void bind_mount(const InitContext& ctx, const PlannedMount& pm) {
    const std::string what = pm.describe();
    sys::UniqueFd dest = destination(ctx, pm, pm.source_is_dir ? sys::CreateLast::directory : sys::CreateLast::file);
    // The tree was cloned, and given its flags, before this process could
    // be seen by anyone (clone_mount_trees); what is left is to attach it.
    const int tree = pm.tree.get();
    attach(tree, dest.get(), what);
    // The clone was made in the host's namespace: where its source is
    // shared (systemd hosts), it joined that peer group, and whatever the
    // container mounts on it (later mounts, masked and read-only paths)
    // would reach the host. A slave, as a bind made inside runc's rslave
    // namespace is; the mount's own propagation options come after.
    mount_attr slave{};
    slave.propagation = MS_SLAVE;
    sys::mount_setattr(tree, "", AT_EMPTY_PATH | (pm.options.recursive ? AT_RECURSIVE : 0), slave, what + " (slave)");
    set_propagation(tree, pm.options, what);
}

void fs_mount(const InitContext& ctx, const PlannedMount& pm) {
    const std::string what = pm.describe();
    const spec::Mount& m = pm.mount;
    const MountOptions& o = pm.options;
    sys::UniqueFd dest = destination(ctx, pm, sys::CreateLast::directory);
    MountOptions labelled = options_now(pm);  // linux.mountLabel (runtime/attrs/lsm.hpp); create checked SELinux is on
    if (auto opt = mount_label_option(m.type, ctx.config->linux->mount_label); !opt.empty())
        labelled.data.push_back(opt);
    // tmpcopyup fills the new filesystem first: read-only only afterwards.
    if (o.tmpcopyup) labelled.flags &= ~static_cast<unsigned long>(MS_RDONLY);
    sys::UniqueFd mnt;
    try {
        mnt = make_fs(m.type, m.source, labelled, what, ctx.fds.pidns.get());
        if (o.tmpcopyup) {
            copy_up(dest.get(), mnt.get(), what);
            if (o.flags & MS_RDONLY) {
                mount_attr ro{};
                ro.attr_set = MOUNT_ATTR_RDONLY;
                sys::mount_setattr(mnt.get(), "", AT_EMPTY_PATH, ro, what + " (read-only after tmpcopyup)");
            }
        }
    } catch (const sys::Error& e) {
        // In a user namespace that does not own the network namespace (an
        // engine's netns joined by path, or an isolated container's), the
        // kernel refuses a new sysfs: bind the host's /sys instead, with the
        // mount's flags on every submount (runc and crun do the same).
        if (m.type != "sysfs" || e.code() != EPERM || !ctx.config->linux->find_namespace("user")) throw;
        log::debug(what + ": " + e.message() + "; binding /sys instead");
        mnt = sys::open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | AT_RECURSIVE);
        const unsigned long restrict_flags = o.flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
        mount_attr attr{};
        attr.attr_set = spec::ms_to_mount_attr(restrict_flags);
        if (attr.attr_set) sys::mount_setattr(mnt.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, attr, what);
    }
    set_mount_attrs(mnt.get(), MountOptions{.rec_attr_set = o.rec_attr_set, .rec_attr_clr = o.rec_attr_clr}, what);
    attach(mnt.get(), dest.get(), what);
    set_propagation(mnt.get(), o, what);
}

// One host hierarchy for the cgroup view: a fresh cgroup filesystem when the
// container has its own cgroup namespace, else a bind of its own directory.
sys::UniqueFd hierarchy_mount(const InitContext& ctx, const cgroups::Hierarchy& h, unsigned long flags,
                              const std::string& what) {
    MountOptions sub;
    sub.flags = flags;
    if (ctx.config->linux->find_namespace("cgroup")) {
        if (h.v2) return make_fs("cgroup2", "cgroup2", sub, what);
        sub.data = sys::split(h.name, ',');
        return make_fs("cgroup", "cgroup", sub, what);
    }
    auto it = ctx.cgroup_dirs.find(h.name);
    std::string src = it != ctx.cgroup_dirs.end() ? it->second : h.mount;
    sys::UniqueFd tree = sys::open_tree(AT_FDCWD, src, OPEN_TREE_CLONE);
    set_mount_attrs(tree.get(), sub, what);
    return tree;
}

// type "cgroup": islet builds the hierarchy view itself (runc's way): a
// tmpfs with one sub-mount per host hierarchy (or the one hierarchy on a v2
// host); read-only when asked (CVE-2023-25809 class). Needs the final
// cgroups and cgroup namespace: the driver waits for cgroups_done first.
void cgroup_mount(const InitContext& ctx, const PlannedMount& pm) {
    const std::string what = pm.describe();
    const MountOptions& o = pm.options;
    const auto& host = ctx.cgroup_host;
    if (host.layout == cgroups::Layout::none) return;  // nothing to show
    const unsigned long sub_flags = (o.flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY)) | MS_RELATIME;
    sys::UniqueFd dest = sys::with_context(
        what, [&] { return sys::mkdir_in_root(ctx.rootfd.get(), pm.destination, sys::CreateLast::directory); });
    if (host.layout == cgroups::Layout::v2) {
        attach(hierarchy_mount(ctx, *host.unified(), sub_flags, what).get(), dest.get(), what);
        return;
    }
    MountOptions tmpfs;
    tmpfs.flags = o.flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC);
    tmpfs.data = {"mode=755"};
    sys::UniqueFd top = make_fs("tmpfs", "tmpfs", tmpfs, what);
    // Attach the tmpfs first: kernels before 6.15 refuse to mount onto a
    // detached mount, so the hierarchies go onto the attached one (whose root
    // `top` names from here on).
    attach(top.get(), dest.get(), what);
    for (const auto& h : host.hierarchies) {
        std::string base = h.mount.substr(h.mount.find_last_of('/') + 1);
        if (::mkdirat(top.get(), base.c_str(), 0755) < 0 && errno != EEXIST)
            sys::throw_errno("mkdir", pm.destination + "/" + base);
        sys::UniqueFd sub_dir = sys::open_at(top.get(), base, O_PATH | O_DIRECTORY | O_NOFOLLOW);
        attach(hierarchy_mount(ctx, h, sub_flags, what).get(), sub_dir.get(), what + " (" + h.name + ")");
        // Co-mounted controllers ("cpu,cpuacct") get one symlink per name.
        if (base.find(',') != std::string::npos)
            for (auto& c : sys::split(base, ','))
                if (::symlinkat(base.c_str(), top.get(), c.c_str()) < 0 && errno != EEXIST)
                    sys::throw_errno("symlink", pm.destination + "/" + c);
    }
    if (o.flags & MS_RDONLY) {
        mount_attr ro{};
        ro.attr_set = MOUNT_ATTR_RDONLY;
        sys::mount_setattr(top.get(), "", AT_EMPTY_PATH, ro, what + " (read-only)");
    }
}

}  // namespace

void attach(int tree_fd, int dest_fd, const std::string& what) {
    sys::move_mount(tree_fd, "", dest_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH, what);
}

void make_dev_read_only() {
    sys::UniqueFd dev = sys::open_path("/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW);
    mount_attr ro{};
    ro.attr_set = MOUNT_ATTR_RDONLY;
    sys::mount_setattr(dev.get(), "", AT_EMPTY_PATH, ro, "remount /dev read-only");
}

void apply_mounts(const InitContext& ctx) {
    for (const auto& pm : ctx.mounts->mounts) {
        check_proc_sys(ctx, pm, pm.destination);
        switch (pm.kind) {
            case spec::MountKind::bind: bind_mount(ctx, pm); break;
            case spec::MountKind::cgroup: cgroup_mount(ctx, pm); break;
            case spec::MountKind::filesystem: fs_mount(ctx, pm); break;
        }
    }
}

}  // namespace islet::runtime::init

namespace islet::runtime::host {

void unmount_below(const std::string& dir) {
    std::vector<std::string> targets;
    for (auto& m : sys::read_mountinfo())
        if (m.mount_point == dir || sys::starts_with(m.mount_point, dir + "/")) targets.push_back(m.mount_point);
    // Later lines are mounted on top of earlier ones: undo in reverse.
    for (auto it = targets.rbegin(); it != targets.rend(); ++it)
        if (::umount2(it->c_str(), MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
            sys::throw_errno("unmount", *it);
}

}  // namespace islet::runtime::host
