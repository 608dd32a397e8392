// The config's mounts, attached by the init before pivot_root. Init side
// (and host side: undoing mounts made without a mount namespace).
//
// Applies: mounts
//
// The init reads the runtime's mount plan (mount_plan.hpp): every
// destination is resolved inside the rootfs (sys/path.hpp), created if
// missing, and the mount lands on that fd: bind mounts are the runtime's
// trees (open_tree clones) set up with mount_setattr and attached with
// move_mount, filesystems are made with fsopen/fsconfig/fsmount. No path
// string is resolved a second time (CVE-2021-30465, CVE-2025-52881 class).
#pragma once

#include <string>

#include "runtime/process/init_context.hpp"

namespace islet::runtime::host {

// Detaches every mount at or below `dir` in the runtime's mount namespace,
// deepest first (delete of a container that had no mount namespace).
void unmount_below(const std::string& dir);

}  // namespace islet::runtime::host

namespace islet::runtime::init {

// Makes every planned mount, in order. The cgroup view needs the init's final
// cgroups and cgroup namespace: the driver waits for them first when the plan
// has one (MountPlan::has(MountKind::cgroup)).
void apply_mounts(const InitContext& ctx);

// A read-only /dev (MountPlan::dev_read_only_later), made read-write by
// apply_mounts: read-only now. After pivot_root and the console, as runc's
// finalizeRootfs; the mounts below /dev keep their own flags.
void make_dev_read_only();

// Mounts a detached mount (tree) onto a destination fd inside the rootfs.
// Shared with devices, masked paths and the console.
void attach(int tree_fd, int dest_fd, const std::string& what);

}  // namespace islet::runtime::init
