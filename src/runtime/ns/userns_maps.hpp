// User namespace id mappings. Host side: the runtime process writes the
// maps of the init's new user namespace (it holds the host privileges the
// kernel requires for arbitrary ranges).
//
// Applies: linux.uidMappings, linux.gidMappings
#pragma once

#include <sys/types.h>

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

}  // namespace islet::runtime::host
