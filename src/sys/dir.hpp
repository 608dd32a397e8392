// Directory listing and removal. Runs on both sides.
#pragma once

#include <dirent.h>

#include <optional>
#include <string>
#include <vector>

namespace islet::sys {

struct DirEntry {
    std::string name;
    unsigned char type = DT_UNKNOWN;  // d_type: DT_DIR, DT_REG, ... (DT_UNKNOWN on some filesystems)
};

// Every entry of the directory dirfd names, "." and ".." left out, in
// readdir order. Reads through a descriptor of its own, so dirfd's offset is
// untouched. Throws sys::Error naming `what`.
std::vector<DirEntry> list_dir(int dirfd, const std::string& what);

// The same for a trusted host path; nullopt when it cannot be opened (gone,
// not a directory, not readable): for best-effort listings of /sys and
// registry directories.
std::optional<std::vector<DirEntry>> try_list_dir(const std::string& path);

// Removes `name` below dirfd: a file, or a directory with everything in it,
// depth first, never following a symlink. A missing name is fine. Throws
// sys::Error on the first failure (and for nesting deeper than 32).
void remove_tree(int dirfd, const std::string& name);

}  // namespace islet::sys
