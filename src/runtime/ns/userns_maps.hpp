// User namespace id mappings. Host side: the runtime process writes the
// maps of the init's new user namespace. As root it writes any ranges
// itself; an unprivileged (rootless) runtime writes a single mapping of its
// own id itself and anything else through the setuid helpers newuidmap and
// newgidmap (Debian's uidmap package), which check /etc/subuid and
// /etc/subgid, as runc, rootlesskit and podman do.
//
// Applies: linux.uidMappings, linux.gidMappings
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "spec/model.hpp"

namespace islet::runtime::host {

// "containerID hostID size\n" lines, as /proc/<pid>/uid_map takes them (pure).
std::string format_id_map(const std::vector<spec::IdMapping>& maps);

// Writes /proc/<pid>/uid_map and gid_map, each in one write. An error names
// the file and the kernel's errno (overlaps and limits are caught earlier by
// validation).
void write_id_maps(pid_t pid, const std::vector<spec::IdMapping>& uids, const std::vector<spec::IdMapping>& gids);

// One range of /etc/subuid or /etc/subgid.
struct SubIdRange {
    std::uint32_t start = 0;
    std::uint32_t size = 0;
};

// Pure: the ranges of `text` (the file's content) that belong to the user
// named `user` or numbered `id` (shadow's rule: either field form counts).
std::vector<SubIdRange> parse_subid_ranges(const std::string& text, const std::string& user, std::uint32_t id);

// Pure: how an unprivileged runtime writes one map. A single mapping of
// size 1 onto the caller's own id is written directly; anything else goes
// through the helper. Throws sys::Error naming the key and the first host
// range the caller does not own (neither its own id nor inside `owned`,
// read from `file`).
enum class MapWriter { direct, helper };
MapWriter plan_map_writer(const std::vector<spec::IdMapping>& maps, std::uint32_t own_id,
                          const std::vector<SubIdRange>& owned, const std::string& key, const std::string& file);

// Pure: the helper's command line ("newuidmap <pid> c h s ...").
std::vector<std::string> map_helper_args(const std::string& helper, pid_t pid,
                                         const std::vector<spec::IdMapping>& maps);

// Rootless: the caller's ranges from /etc/subuid and /etc/subgid (name from
// /etc/passwd), read only when a map needs the helper.
std::vector<SubIdRange> own_subid_ranges(const std::string& file, std::uint32_t id);

// Rootless (euid != 0): both maps of the init's user namespace, checked
// against what the caller owns first. A direct gid map writes "deny" to
// /proc/<pid>/setgroups before it (the kernel's rule for unprivileged
// writers; the container then cannot setgroups, as under runc).
void write_rootless_id_maps(pid_t pid, const std::vector<spec::IdMapping>& uids,
                            const std::vector<spec::IdMapping>& gids);

}  // namespace islet::runtime::host
