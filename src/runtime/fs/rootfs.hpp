// The container's root filesystem. Host side (resolving root.path), init side
// (propagation, the rootfs bind mount, pivot_root, read-only root).
//
// Applies: root.path, root.readonly, linux.rootfsPropagation
#pragma once

#include <string>
#include <vector>

#include "runtime/process/init_context.hpp"
#include "sys/mountinfo.hpp"

namespace islet::runtime {

namespace host {
// bundle + root.path, made absolute and cleaned. Refuses a rootfs that does
// not exist, is not a directory, or whose path goes through a symlink (runc:
// "invalid rootfs: not an absolute path, or a symlink").
std::string resolve_rootfs(const std::string& bundle, const std::string& root_path);
}  // namespace host

namespace init {
// Makes the mount namespace slave (or the configured propagation) so nothing
// propagates to the host, makes the rootfs's parent mount private (pivot_root
// needs it), and bind-mounts the rootfs onto itself; ctx.rootfd then names it.
void prepare_rootfs(InitContext& ctx);
// pivot_root into the rootfs and detach the old root; with --no-pivot, move
// the rootfs onto "/" and chroot. Then applies root.readonly and a shared
// rootfsPropagation.
void enter_rootfs(InitContext& ctx);

// Before --no-pivot's MS_MOVE + chroot: the mount points of every fully
// visible procfs or sysfs (its filesystem's root mounted) outside the rootfs.
// Left in the mount namespace, one would let the container mount a new procfs
// in a user namespace of its own (mount_too_revealing), as runc's msMoveRoot
// explains; pivot_root detaches them with the old root.
std::vector<std::string> revealing_mounts(const std::vector<sys::MountInfo>& mounts, const std::string& rootfs);
}  // namespace init

}  // namespace islet::runtime
