// Smaller process attributes. Host side (the OOM score) and init side.
//
// Applies: process.oomScoreAdj, process.noNewPrivileges
#pragma once

#include <sys/types.h>

#include "spec/model.hpp"

namespace islet::runtime::host {

// Writes the container's process.oomScoreAdj (when set) to
// /proc/<pid>/oom_score_adj of a child that waits for `go`: the init, or a
// process `exec` starts (which gets the container's value, as runc gives it).
// The runtime writes it, as runc's parent does: a child inside a new user
// namespace is not allowed to open its own oom_score_adj (the file belongs
// to the host's root), and the child then needs no procfs for it. Raising
// the score needs no privilege; lowering it below the runtime's needs
// CAP_SYS_RESOURCE, as for runc.
void set_oom_score_adj(pid_t pid, const spec::Process& container_process);

}  // namespace islet::runtime::host

namespace islet::runtime::init {

void set_no_new_privileges(const spec::Process& process);

}  // namespace islet::runtime::init
