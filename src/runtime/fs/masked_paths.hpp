// Masked and read-only paths. Init side, before pivot_root, after the mounts.
//
// Applies: linux.maskedPaths, linux.readonlyPaths
//
// A masked file gets a bind of the host's /dev/null, opened once and checked
// to be char 1:3 (never the container's /dev/null: CVE-2025-31133). Each masked
// directory gets a read-only empty tmpfs of its own (kernels before 6.15
// cannot clone a detached mount onto several). File or directory is decided by
// fstat of the resolved target, and only a missing path is skipped.
// Read-only paths are bound onto themselves and made read-only recursively.
#pragma once

#include "runtime/process/init_context.hpp"

namespace islet::runtime::init {

void mask_paths(InitContext& ctx);
void readonly_paths(InitContext& ctx);

}  // namespace islet::runtime::init
