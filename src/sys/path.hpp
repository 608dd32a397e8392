// Resolving paths inside a container's rootfs. Init side (and host side for
// checks on the bundle's rootfs).
//
// Every path inside the rootfs is hostile (SECURITY.md §0): it is resolved as
// if the rootfs were "/" (symlinks and ".." never leave it; magic links are
// refused) and the result is used through the fd, never through the string.
// openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) does it, retried on EAGAIN;
// a component-by-component O_PATH|O_NOFOLLOW walk with the same semantics is
// the fallback (ENOSYS) and the way missing components get created.
#pragma once

#include <sys/types.h>

#include <string>

#include "sys/fd.hpp"

namespace islet::sys {

// Opens path (absolute or relative: both are taken from the root) with flags.
// Throws sys::Error (with errno) when it does not exist or escapes.
UniqueFd open_in_root(int rootfd, const std::string& path, int flags, mode_t mode = 0);
// As open_in_root, but returns an invalid fd when the path does not exist.
UniqueFd open_in_root_if_exists(int rootfd, const std::string& path, int flags);

enum class CreateLast { directory, file };

// Resolves path inside the root, creating missing directories (mode 0755, as
// runc) on the way and the last component as a directory or an empty regular
// file (O_CREAT|O_EXCL|O_NOFOLLOW, via the parent fd). Dangling symlinks are
// followed inside the root, so their targets are created in the rootfs, never
// on the host (CVE-2024-45310). Returns an O_PATH fd to the result.
UniqueFd mkdir_in_root(int rootfd, const std::string& path, CreateLast last, mode_t mode = 0755);

// The component-walk resolver, exposed for tests of the fallback.
UniqueFd walk_in_root(int rootfd, const std::string& path, bool create, CreateLast last, mode_t mode);

}  // namespace islet::sys
