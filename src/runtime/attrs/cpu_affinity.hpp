// CPU lists ("0-3,7") and process.execCPUAffinity. Pure parsing (unit-tested)
// and the two apply points for exec'd processes.
//
// Applies: process.execCPUAffinity
//
// runtime-spec: "This setting is not applicable to the container's init
// process." create therefore only validates it (config.json's process is the
// template `exec` starts from, so a bad list fails early) and never changes
// the init's affinity: CRI-O sets it to keep exec'd helpers off the CPUs of
// a pinned workload, and applying `final` to the workload would do the
// opposite. `exec` applies it: `initial` to the runtime thread around clone3
// (the joining process starts with it, before the move into the container's
// cgroups), `final` in the joining process just before its execve.
#pragma once

#include <sched.h>

#include <optional>
#include <string>
#include <vector>

#include "spec/model.hpp"
#include "spec/problem.hpp"

namespace islet::runtime {

// "0-3,7" -> {0,1,2,3,7}; nullopt for a malformed list, a reversed range or an
// id above max_id. An empty string is an empty list.
std::optional<std::vector<unsigned>> parse_id_list(const std::string& text, unsigned max_id);

// Problems of a process's execCPUAffinity (ids below CPU_SETSIZE).
void cpu_affinity_problems(const spec::CpuAffinity& a, const std::string& base, std::vector<spec::Problem>& out);

// sched_setaffinity(0) to a validated list; no-op for "". Both sides.
void set_cpu_affinity(const std::string& list, const char* which);

}  // namespace islet::runtime
