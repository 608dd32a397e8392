// Idmapped mounts (runtime-spec `mounts[].uidMappings/gidMappings`, the
// `idmap`/`ridmap` options; ISOLATION.md §3.3 for isolated containers). Host
// side, between the init's user namespace getting its maps and `go`.
//
// Applies: mounts[].uidMappings, mounts[].gidMappings
//
// The runtime already holds a detached clone of the rootfs and of every bind
// source (mount_plan.hpp). This marks the ones the plan's idmap choice names
// with MOUNT_ATTR_IDMAP before the init attaches them: with the container's
// own user namespace, or with a helper user namespace holding the mount's
// mappings (a paused child's namespace, kept by its fd). An isolated
// container's binds that are not idmapped get MOUNT_ATTR_NOSUID here.
#pragma once

#include <sys/types.h>

#include <string>

#include "runtime/fs/mount_plan.hpp"
#include "spec/model.hpp"

namespace islet::runtime::host {

// Throws sys::Error naming the mount (e.g. "the filesystem of X does not
// support idmapped mounts", "idmap needs a user namespace or mappings").
// Returns a replacement for trees.rootfs when the rootfs had to be rebuilt
// (an isolated container's overlayfs rootfs: idmapped_overlay.hpp), which
// the init must receive before `go`; otherwise an invalid fd.
// `userns`: the container's user namespace (the init's, or the isolated
// pod's it is about to join).
sys::UniqueFd apply_idmaps(const MountPlan& plan, const spec::Linux& linux, int userns, bool isolated,
                           const std::string& rootfs);

}  // namespace islet::runtime::host
