// Device nodes and /dev. Init side, before pivot_root.
//
// Applies: linux.devices
//
// Unless /dev is a bind mount, every container gets null, zero, full, random,
// urandom and tty, the /dev/fd, stdin, stdout, stderr and ptmx symlinks
// (runc's defaults), then the config's devices. Everything is created
// relative to an fd of the rootfs's /dev resolved inside the rootfs, so an
// image whose /dev is a symlink cannot make islet write outside it
// (CVE-2026-41579 class). In a user namespace mknod is not allowed: the
// host's node is bind-mounted instead (as runc does, also when the runtime
// itself runs in a user namespace).
#pragma once

#include "runtime/process/init_context.hpp"

namespace islet::runtime::init {

void setup_dev(InitContext& ctx);

}  // namespace islet::runtime::init
