// Applies: linux.maskedPaths, linux.readonlyPaths
#include "runtime/fs/masked_paths.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "runtime/fs/mounts.hpp"
#include "sys/error.hpp"
#include "sys/fs_context.hpp"
#include "sys/path.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::init {

void mask_paths(InitContext& ctx) {
    const auto& paths = ctx.config->linux->masked_paths;
    if (paths.empty()) return;
    struct stat nst = sys::fstat_fd(ctx.devnull.get(), "/dev/null");
    if (!S_ISCHR(nst.st_mode) || major(nst.st_rdev) != 1 || minor(nst.st_rdev) != 3)
        throw sys::Error("mask paths: the host's /dev/null is not the null device (char 1:3)");
    for (const auto& p : paths) {
        const std::string what = "mask " + p;
        sys::UniqueFd target = sys::open_in_root_if_exists(ctx.rootfd.get(), p, O_PATH);
        if (!target) continue;
        struct stat st = sys::fstat_fd(target.get(), p);
        sys::UniqueFd tree;
        if (S_ISDIR(st.st_mode)) {
            // One read-only tmpfs per directory (as runc): kernels before
            // 6.15 cannot open_tree(OPEN_TREE_CLONE) a detached mount
            // (EINVAL), so one shared tmpfs cannot be cloned onto each.
            sys::FsContext fs("tmpfs", what);
            fs.set_string("source", "tmpfs");
            fs.set_flag("ro");
            fs.create("create the masking tmpfs");
            tree = fs.mount(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        } else {
            tree = sys::open_tree(ctx.devnull.get(), "", OPEN_TREE_CLONE | AT_EMPTY_PATH);
            mount_attr ro{};
            ro.attr_set = MOUNT_ATTR_RDONLY;
            sys::mount_setattr(tree.get(), "", AT_EMPTY_PATH, ro, what);
        }
        attach(tree.get(), target.get(), what);
    }
}

void readonly_paths(InitContext& ctx) {
    for (const auto& p : ctx.config->linux->readonly_paths) {
        const std::string what = "make " + p + " read-only";
        sys::UniqueFd target = sys::open_in_root_if_exists(ctx.rootfd.get(), p, O_PATH);
        if (!target) continue;
        sys::UniqueFd tree = sys::open_tree(target.get(), "", OPEN_TREE_CLONE | AT_RECURSIVE | AT_EMPTY_PATH);
        mount_attr ro{};
        ro.attr_set = MOUNT_ATTR_RDONLY;
        sys::mount_setattr(tree.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, ro, what);
        attach(tree.get(), target.get(), what);
    }
}

}  // namespace islet::runtime::init
