// Applies: linux.memoryPolicy
#include "runtime/attrs/memory_policy.hpp"

#include <linux/mempolicy.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <utility>

#include "runtime/attrs/cpu_affinity.hpp"
#include "sys/error.hpp"

namespace islet::runtime {
namespace {

// MPOL_WEIGHTED_INTERLEAVE is Linux 6.9, newer than Debian 12's headers.
const std::pair<const char*, int> kModes[] = {
    {"MPOL_DEFAULT", MPOL_DEFAULT},  {"MPOL_PREFERRED", MPOL_PREFERRED},
    {"MPOL_BIND", MPOL_BIND},        {"MPOL_INTERLEAVE", MPOL_INTERLEAVE},
    {"MPOL_LOCAL", MPOL_LOCAL},      {"MPOL_PREFERRED_MANY", MPOL_PREFERRED_MANY},
    {"MPOL_WEIGHTED_INTERLEAVE", 6},
};
const std::pair<const char*, int> kFlags[] = {
    {"MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING},
    {"MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES},
    {"MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES},
};

}  // namespace

std::optional<MemPolicyPlan> plan_memory_policy(const spec::MemoryPolicy& m, std::vector<spec::Problem>& out) {
    const size_t before = out.size();
    MemPolicyPlan plan;
    int mode = -1;
    for (auto& [name, v] : kModes)
        if (m.mode == name) mode = v;
    if (mode < 0) out.push_back({"/linux/memoryPolicy/mode", "invalid memory policy mode \"" + m.mode + "\""});
    int flags = 0;
    for (size_t i = 0; i < m.flags.size(); ++i) {
        int bit = 0;
        for (auto& [name, v] : kFlags)
            if (m.flags[i] == name) bit = v;
        if (!bit)
            out.push_back({"/linux/memoryPolicy/flags/" + std::to_string(i),
                           "invalid memory policy flag \"" + m.flags[i] + "\""});
        flags |= bit;
    }
    if ((flags & MPOL_F_STATIC_NODES) && (flags & MPOL_F_RELATIVE_NODES))
        out.push_back(
            {"/linux/memoryPolicy/flags", "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other"});
    auto nodes = parse_id_list(m.nodes, kMaxNumaNode);
    if (!nodes) out.push_back({"/linux/memoryPolicy/nodes", "invalid node list \"" + m.nodes + "\""});
    if (mode == MPOL_DEFAULT || mode == MPOL_LOCAL) {
        if (nodes && !nodes->empty()) out.push_back({"/linux/memoryPolicy/nodes", m.mode + " takes no nodes"});
        if (flags) out.push_back({"/linux/memoryPolicy/flags", m.mode + " takes no flags"});
    } else if (mode > 0 && mode != MPOL_PREFERRED && nodes && nodes->empty()) {
        // MPOL_PREFERRED without nodes means local allocation; the others
        // need at least one node.
        out.push_back({"/linux/memoryPolicy/nodes", m.mode + " needs nodes"});
    }
    if (out.size() != before) return std::nullopt;
    plan.mode = mode | flags;
    plan.nodes = *nodes;
    return plan;
}

std::vector<std::string> memory_policy_modes() {
    std::vector<std::string> v;
    for (auto& [n, _] : kModes) v.push_back(n);
    return v;
}

std::vector<std::string> memory_policy_flags() {
    std::vector<std::string> v;
    for (auto& [n, _] : kFlags) v.push_back(n);
    return v;
}

namespace init {

void set_memory_policy(const MemPolicyPlan& plan) {
    constexpr unsigned kBits = kMaxNumaNode + 1;
    unsigned long mask[kBits / (8 * sizeof(unsigned long))] = {};
    for (unsigned n : plan.nodes) mask[n / (8 * sizeof(unsigned long))] |= 1ul << (n % (8 * sizeof(unsigned long)));
    // maxnode counts bits and the kernel reads maxnode - 1 of them.
    if (::syscall(SYS_set_mempolicy, plan.mode, plan.nodes.empty() ? nullptr : mask,
                  plan.nodes.empty() ? 0ul : static_cast<unsigned long>(kBits + 1)) < 0)
        sys::throw_errno("set_mempolicy");
}

}  // namespace init
}  // namespace islet::runtime
