// The container's root filesystem. Host side (resolving root.path), init side
// (propagation, the rootfs bind mount, pivot_root, read-only root).
//
// Applies: root.path, root.readonly, linux.rootfsPropagation
#pragma once

#include <string>

#include "runtime/process/init_context.hpp"

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
}  // namespace init

}  // namespace islet::runtime
