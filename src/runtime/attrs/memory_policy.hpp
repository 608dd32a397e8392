// The NUMA memory policy of the container's process. Pure plan
// (unit-tested), init-side set_mempolicy(2).
//
// Applies: linux.memoryPolicy
//
// runtime-spec 1.3: mode MPOL_DEFAULT, MPOL_BIND, MPOL_INTERLEAVE,
// MPOL_WEIGHTED_INTERLEAVE, MPOL_PREFERRED, MPOL_PREFERRED_MANY or
// MPOL_LOCAL; nodes a list such as "0-3,7"; flags MPOL_F_NUMA_BALANCING,
// MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES. The task policy survives fork
// and execve, so the init sets it for the process. Nodes outside the
// container's cpuset are the kernel's to refuse (EINVAL).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "spec/model.hpp"
#include "spec/problem.hpp"

namespace islet::runtime {

inline constexpr unsigned kMaxNumaNode = 1023;

struct MemPolicyPlan {
    int mode = 0;  // MPOL_* | MPOL_F_* (set_mempolicy's first argument)
    std::vector<unsigned> nodes;
};

std::optional<MemPolicyPlan> plan_memory_policy(const spec::MemoryPolicy& m, std::vector<spec::Problem>& out);

// For `islet features` (runtime-spec features-linux memoryPolicy).
std::vector<std::string> memory_policy_modes();
std::vector<std::string> memory_policy_flags();

namespace init {
void set_memory_policy(const MemPolicyPlan& plan);
}  // namespace init

}  // namespace islet::runtime
