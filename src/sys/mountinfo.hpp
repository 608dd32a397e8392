// /proc/<pid>/mountinfo, parsed once for everyone. Pure parsing
// (unit-tested) and a reader. Runs on the host side.
//
// A line is "id parent major:minor root mount-point options [optional...] -
// fstype source super-options" (proc(5)); the kernel writes space, tab,
// newline and backslash in paths as \ooo (octal).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace islet::sys {

struct MountInfo {
    std::uint64_t id = 0;
    std::uint64_t parent = 0;
    std::string root;         // unescaped: the mount's root inside its filesystem
    std::string mount_point;  // unescaped
    std::string options;      // per-mount options: "rw,nosuid,relatime"
    std::string fstype;
    std::string source;         // unescaped
    std::string super_options;  // as the kernel shows them (filesystems escape their own way)
};

// Every well-formed line of a mountinfo text, in order; malformed lines are
// skipped.
std::vector<MountInfo> parse_mountinfo(std::string_view text);

// /proc/self/mountinfo of the calling process, parsed.
std::vector<MountInfo> read_mountinfo();

// Undoes the kernel's \ooo escapes.
std::string unescape_mountinfo(std::string_view s);

// The byte a \ooo escape at s[i] stands for (a backslash and three octal
// digits), or nullopt when there is none at i.
std::optional<char> octal_escape_at(std::string_view s, std::size_t i);

}  // namespace islet::sys
