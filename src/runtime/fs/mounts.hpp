// The config's mounts. Init side, before pivot_root.
//
// Applies: mounts
//
// Every destination is resolved inside the rootfs (sys/path.hpp), created if
// missing, and the mount lands on that fd: bind mounts with open_tree +
// mount_setattr + move_mount, filesystems with fsopen/fsconfig/fsmount +
// move_mount. No path string is resolved a second time (CVE-2021-30465,
// CVE-2025-52881 class).
#pragma once

#include "runtime/process/init_context.hpp"

namespace islet::runtime::host {

struct MountTrees {
    sys::UniqueFd rootfs;
    std::vector<sys::UniqueFd> binds;  // one per config mount; invalid for non-bind mounts
    std::vector<bool> is_dir;
};

// Before clone3: detached clones of the rootfs (recursive) and of every bind
// mount's source (recursive for rbind). A missing source fails here, before
// anything was started.
MountTrees open_mount_trees(const spec::Config& config, const std::string& bundle, const std::string& rootfs);

// Detaches every mount at or below `dir` in the runtime's mount namespace,
// deepest first (delete of a container that had no mount namespace).
void unmount_below(const std::string& dir);

// Undoes mountinfo's \ooo escapes (space, tab, newline, backslash).
std::string unescape_mountinfo(const std::string& s);

}  // namespace islet::runtime::host

namespace islet::runtime::init {

void apply_mounts(InitContext& ctx);

// Mounts a detached mount (tree) onto destination inside the rootfs and
// applies propagation. Shared with devices, masked paths and the console.
void attach(int tree_fd, int dest_fd, const std::string& what);

}  // namespace islet::runtime::init
