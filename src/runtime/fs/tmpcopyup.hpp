// tmpcopyup: a new tmpfs starts with what the image had at its mount point.
// Init side.
//
// Applies: mounts[].options "tmpcopyup" (crun's extension; podman adds it to
// `--read-only`, `--tmpfs` and `--mount type=tmpfs`; runc honours it too)
//
// Before the tmpfs is attached, the directory it will cover is copied into
// it: regular files (their bytes), directories, symlinks (as links, never
// followed), device nodes and fifos, each with its owner, mode and extended
// attributes. The walk goes one component at a time with O_NOFOLLOW below
// the destination, which was resolved inside the rootfs: no symlink of the
// image can lead it out of the rootfs (runc's in-root resolution).
#pragma once

#include <string>

namespace islet::runtime::init {

// Copies everything below `from_dir` (the destination, resolved in the
// rootfs; any fd kind) into `to_dir` (the detached tmpfs's root), and gives
// the tmpfs's root the destination's mode as runc does. Throws sys::Error
// naming `what` and the entry.
void copy_up(int from_dir, int to_dir, const std::string& what);

}  // namespace islet::runtime::init
