// Applies: root.path, root.readonly, linux.rootfsPropagation
#include "runtime/rootfs.hpp"

#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>

#include "runtime/mount_options.hpp"
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
    auto opts = parse_mount_options({p}, "");
    return opts.propagation.empty() ? (MS_SLAVE | MS_REC) : opts.propagation.front();
}

struct ParentMount {
    std::string point = "/";
    bool shared = false;
    bool unbindable = false;
};

// The mount that holds path (longest mountinfo prefix; the last one listed
// wins when mounts stack) and its propagation ("shared:N" and "unbindable"
// optional fields, between field 6 and the "-" separator).
ParentMount parent_mount_of(const std::string& path) {
    ParentMount best;
    std::string mi = sys::read_file("/proc/self/mountinfo");
    for (auto& line : sys::split(mi, '\n')) {
        auto f = sys::split(line, ' ');
        if (f.size() < 5) continue;
        const std::string& mp = f[4];
        if (!(path == mp || sys::starts_with(path, mp == "/" ? "/" : mp + "/")) || mp.size() < best.point.size())
            continue;
        best.point = mp;
        best.shared = best.unbindable = false;
        for (size_t i = 6; i < f.size() && f[i] != "-"; ++i) {
            if (sys::starts_with(f[i], "shared:")) best.shared = true;
            if (f[i] == "unbindable") best.unbindable = true;
        }
    }
    return best;
}

}  // namespace

void prepare_rootfs(InitContext& ctx) {
    const spec::Linux& linux = *ctx.config->linux;
    // Nothing we mount from here on may reach the host's mount namespace.
    if (::mount(nullptr, "/", nullptr, propagation_flags(linux.rootfs_propagation), nullptr) < 0)
        sys::throw_errno("make / " + describe_ms_flags(propagation_flags(linux.rootfs_propagation)));
    // pivot_root refuses a new root whose parent mount is shared (and the
    // rootfs bind below would propagate back through it), and an unbindable
    // one cannot be bound at all: make it private, but only then. A slave
    // parent (the default, rslave) stays a slave, so the rootfs bind is a
    // slave of the host's mount as rootfsPropagation "slave" asks; making it
    // private always turned every rootfs private.
    ParentMount parent = parent_mount_of(ctx.rootfs);
    if ((parent.shared || parent.unbindable) && ::mount(nullptr, parent.point.c_str(), nullptr, MS_PRIVATE, nullptr) < 0)
        sys::throw_errno("make the rootfs's parent mount private", parent.point);
    // Bind the rootfs onto itself: pivot_root needs a mount point, and every
    // later path is resolved inside this mount.
    sys::UniqueFd tree = sys::open_tree(AT_FDCWD, ctx.rootfs, OPEN_TREE_CLONE | AT_RECURSIVE);
    sys::move_mount(tree.get(), "", AT_FDCWD, ctx.rootfs, MOVE_MOUNT_F_EMPTY_PATH, "rootfs " + ctx.rootfs);
    ctx.rootfd = sys::open_path(ctx.rootfs, O_PATH | O_DIRECTORY);
}

void enter_rootfs(InitContext& ctx) {
    const spec::Linux& linux = *ctx.config->linux;
    if (::fchdir(ctx.rootfd.get()) < 0) sys::throw_errno("chdir", ctx.rootfs);
    if (ctx.no_pivot) {
        if (::mount(".", "/", nullptr, MS_MOVE, nullptr) < 0) sys::throw_errno("move the rootfs onto /");
        if (::chroot(".") < 0) sys::throw_errno("chroot", ctx.rootfs);
    } else {
        // pivot_root(".", "."): the old root ends up on top of the new one;
        // make it slave (no propagation back) and detach it.
        if (::syscall(SYS_pivot_root, ".", ".") < 0) sys::throw_errno("pivot_root", ctx.rootfs);
        if (::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
            sys::throw_errno("make the old root slave");
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
    if (!linux.rootfs_propagation.empty() && !(prop & MS_SLAVE)) {
        if (::mount(nullptr, "/", nullptr, prop, nullptr) < 0)
            sys::throw_errno("set rootfsPropagation " + linux.rootfs_propagation + " on", "/");
    }
}

}  // namespace init
}  // namespace islet::runtime
