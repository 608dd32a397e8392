// An overlayfs rootfs for an isolated container (ISOLATION.md §3.3). Host
// side, next to idmapped_mounts.hpp.
//
// The kernel refuses MOUNT_ATTR_IDMAP on an overlayfs mount, and podman and
// containerd both hand the runtime an overlay as the rootfs. So the runtime
// builds a second overlay over the same layers instead: every lower layer and
// the directory holding upperdir and workdir become idmapped mounts made with
// the container's own user namespace, and a new overlay instance takes them
// by fd (fsconfig FSCONFIG_SET_FD "lowerdir+", "upperdir", "workdir"; Linux
// 6.13+, detached layers 6.15+). The overlay is created with the container
// root's host IDs as its fsuid/fsgid (and every capability), since overlayfs
// copies up and creates its work directory with its creator's credentials,
// which must map through the idmapped upper layer: container uid 0 then
// writes on-disk uid 0, as with an idmapped bind mount.
//
// The original mount (the engine's) stays where it is; the container sees
// the new one. Both share upperdir, as overlayfs warns in the kernel log:
// the engine must not write through its own mount while the container runs
// (podman and containerd do not). The new overlay has a work directory of
// its own, "islet-idmapped" inside the engine's workdir (the kernel refuses
// to reuse a workdir a "volatile" overlay has used); each create empties it
// first, a failed rebuild removes it, and it goes with the engine's workdir.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "spec/model.hpp"
#include "sys/fd.hpp"

namespace islet::runtime::host {

// An overlay's layers and options, read back from its mountinfo super
// options (pure; throws sys::Error naming what it cannot rebuild).
struct OverlayLayout {
    std::vector<std::string> lower;    // topmost first
    std::string upper, work;           // both empty: a read-only overlay
    std::vector<std::string> options;  // everything else: "key=value" or "flag"
    bool read_only = false;            // the superblock's "ro"
};
OverlayLayout parse_overlay_options(const std::string& super_options);

// When the mount at `rootfs` (whose detached clone is `rootfs_tree`) is an
// overlayfs, returns a new detached overlay over idmapped layers (see above);
// otherwise an invalid fd. `userns` is the container's user namespace; the
// mappings give container root's host IDs (an error when they have none).
sys::UniqueFd idmapped_overlay(const std::string& rootfs, int rootfs_tree, int userns,
                               const std::vector<spec::IdMapping>& uid_mappings,
                               const std::vector<spec::IdMapping>& gid_mappings);

}  // namespace islet::runtime::host
