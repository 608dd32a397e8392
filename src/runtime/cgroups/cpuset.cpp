// The cpuset controller.
//
// Applies: linux.resources.cpu.cpus, linux.resources.cpu.mems
//
// The same files on v1 and v2. On v1 create_dirs() has already copied the
// parent's cpus and mems into each new level (the kernel leaves them empty
// and then refuses tasks); these writes narrow them.
#include "runtime/cgroups/resources.hpp"

namespace islet::runtime::cgroups {

void plan_cpuset(const spec::Resources& r, Planner& p) {
    if (!r.cpu || (r.cpu->cpus.empty() && r.cpu->mems.empty())) return;
    if (p.facts().where("cpuset") == Version::none) return p.missing("cpu/cpus", "cpuset");
    if (!r.cpu->cpus.empty()) p.write("cpuset", "cpuset.cpus", r.cpu->cpus);
    if (!r.cpu->mems.empty()) p.write("cpuset", "cpuset.mems", r.cpu->mems);
}

}  // namespace islet::runtime::cgroups
