// Applies: root.path, root.readonly, linux.rootfsPropagation
#include "runtime/fs/rootfs.hpp"

#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>

#include "runtime/fs/mount_plan.hpp"
#include "spec/mount_options.hpp"
#include "sys/error.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {

namespace host {

std::string resolve_rootfs(const std::string& bundle, const std::string& root_path) {
    std::string joined = root_path.front() == '/' ? root_path : bundle + "/" + root_path;
    std::string clean = sys::clean_path(joined);
    char real[PATH_MAX];
    if (!::realpath(clean.c_str(), real)) {
        int err = errno;
        throw sys::Error("invalid rootfs: " + sys::describe_errno("stat", clean, err), err);
    }
    if (clean != real) throw sys::Error("invalid rootfs: " + clean + ": not an absolute path, or a symlink");
    struct stat st {};
    if (::stat(real, &st) < 0) sys::throw_errno("invalid rootfs: stat", clean);
    if (!S_ISDIR(st.st_mode)) throw sys::Error("invalid rootfs: " + clean + ": not a directory");
    return clean;
}

}  // namespace host

namespace init {
namespace {

unsigned long propagation_flags(const std::string& p) {
    if (p.empty()) return MS_SLAVE | MS_REC;
    auto opts = spec::parse_mount_options({p}, "");
    return opts.propagation.empty() ? (MS_SLAVE | MS_REC) : opts.propagation.front();
}

// Takes every revealing procfs and sysfs out of the mount namespace: detached
// (the tree is rslave already, so the host keeps its own), or covered with an
// empty tmpfs where the kernel refuses the unmount (a locked mount).
void hide_revealing_mounts(const std::string& rootfs) {
    for (const auto& p : revealing_mounts(sys::read_mountinfo(), rootfs)) {
        if (::umount2(p.c_str(), MNT_DETACH) == 0) continue;
        // ENOENT: gone with a parent detached before it.
        if (errno == ENOENT) continue;
        if (errno != EINVAL && errno != EPERM) sys::throw_errno("detach", p);
        if (::mount("tmpfs", p.c_str(), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0") < 0)
            sys::throw_errno("cover with a tmpfs", p);
    }
}

}  // namespace

std::vector<std::string> revealing_mounts(const std::vector<sys::MountInfo>& mounts, const std::string& rootfs) {
    std::vector<std::string> out;
    for (const auto& m : mounts) {
        if (m.root != "/" || (m.fstype != "proc" && m.fstype != "sysfs")) continue;
        if (m.mount_point == rootfs || sys::starts_with(m.mount_point, rootfs + "/")) continue;
        out.push_back(m.mount_point);
    }
    return out;
}

void prepare_rootfs(InitContext& ctx) {
    // Nothing we mount from here on may reach the host's mount namespace:
    // everything becomes a slave (receives from the host, sends nothing). As
    // nothing is shared any more, pivot_root will accept the rootfs's parent
    // too. The configured rootfsPropagation is applied to "/" after pivot_root.
    if (::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) sys::throw_errno("make / rslave");
    if (ctx.mounts->cloned_by_init) {
        // Rootless: the runtime could clone nothing; we may, in the mount
        // namespace our user namespace owns, with the caller's access to
        // the host paths (docs/ARCHITECTURE.md "Rootless").
        clone_mount_trees(*ctx.mounts);
        ctx.rootfs_target = sys::open_path(ctx.rootfs, O_PATH | O_DIRECTORY);
    }
    if (!ctx.rootfs_target) throw sys::Error("the runtime sent no rootfs mount point");
    // Attach the runtime's clone of the rootfs onto its own directory:
    // pivot_root needs a mount point, and every later path is resolved
    // inside this mount (the tree fd now names its root).
    const int tree = ctx.mounts->rootfs_tree.get();
    sys::move_mount(tree, "", ctx.rootfs_target.get(), "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH,
                    "rootfs " + ctx.rootfs);
    // The clone was made in the host's namespace: where the host's mount is
    // shared (systemd hosts), it joined that peer group, and pivot_root
    // refuses a shared new root (EINVAL). Make it a slave too, which is what
    // rootfsPropagation "slave" (and the default) ask for.
    mount_attr slave{};
    slave.propagation = MS_SLAVE;
    sys::mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, slave, "make the rootfs rslave");
    ctx.rootfd = sys::open_at(tree, ".", O_PATH | O_DIRECTORY);
}

void enter_rootfs(InitContext& ctx) {
    const spec::Linux& linux = *ctx.config->linux;
    if (::fchdir(ctx.rootfd.get()) < 0) sys::throw_errno("chdir", ctx.rootfs);
    if (ctx.no_pivot) {
        hide_revealing_mounts(ctx.rootfs);
        if (::mount(".", "/", nullptr, MS_MOVE, nullptr) < 0) sys::throw_errno("move the rootfs onto /");
        if (::chroot(".") < 0) sys::throw_errno("chroot", ctx.rootfs);
    } else {
        // pivot_root(".", "."): the old root ends up on top of the new one;
        // make it slave (no propagation back) and detach it.
        if (::syscall(SYS_pivot_root, ".", ".") < 0) sys::throw_errno("pivot_root", ctx.rootfs);
        if (::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) sys::throw_errno("make the old root slave");
        if (::umount2(".", MNT_DETACH) < 0) sys::throw_errno("detach the old root");
    }
    if (::chdir("/") < 0) sys::throw_errno("chdir", "/");
    ctx.rootfd = sys::open_path("/", O_PATH | O_DIRECTORY);
    if (ctx.config->root->readonly) {
        mount_attr attr{};
        attr.attr_set = MOUNT_ATTR_RDONLY;
        sys::mount_setattr(AT_FDCWD, "/", 0, attr, "make the root read-only");
    }
    unsigned long prop = propagation_flags(linux.rootfs_propagation);
    if (!linux.rootfs_propagation.empty() && prop != (MS_SLAVE | MS_REC)) {
        if (::mount(nullptr, "/", nullptr, prop, nullptr) < 0)
            sys::throw_errno("set rootfsPropagation " + linux.rootfs_propagation + " on", "/");
    }
}

}  // namespace init
}  // namespace islet::runtime
