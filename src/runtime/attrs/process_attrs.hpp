// Smaller process attributes. Init side.
//
// Applies: process.oomScoreAdj, process.noNewPrivileges
#pragma once

#include "spec/model.hpp"

namespace islet::runtime::init {

// Writes /proc/self/oom_score_adj through the host's procfs (before
// pivot_root: never through a /proc the image controls).
void set_oom_score_adj(const spec::Process& process, int host_proc_fd);
void set_no_new_privileges(const spec::Process& process);

}  // namespace islet::runtime::init
