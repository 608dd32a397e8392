// The scheduling policy of the container's process. Pure plan (unit-tested),
// init-side apply with sched_setattr(2).
//
// Applies: process.scheduler
//
// runc's rules: a policy is required; nice within -20..19; priority only for
// SCHED_FIFO and SCHED_RR; runtime, deadline and period only for
// SCHED_DEADLINE. The kernel judges the rest (priority ranges, deadline
// admission, CAP_SYS_NICE), so it is set while the init still holds its
// capabilities, before seccomp. It survives the final execve.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "spec/model.hpp"
#include "spec/problem.hpp"

namespace islet::runtime {

// struct sched_attr (SCHED_ATTR_SIZE_VER1), which glibc 2.36 does not declare.
struct SchedAttr {
    std::uint32_t size = sizeof(SchedAttr);
    std::uint32_t sched_policy = 0;
    std::uint64_t sched_flags = 0;
    std::int32_t sched_nice = 0;
    std::uint32_t sched_priority = 0;
    std::uint64_t sched_runtime = 0;
    std::uint64_t sched_deadline = 0;
    std::uint64_t sched_period = 0;
    std::uint32_t sched_util_min = 0;
    std::uint32_t sched_util_max = 0;
};
static_assert(sizeof(SchedAttr) == 56, "SCHED_ATTR_SIZE_VER1");

std::optional<SchedAttr> plan_scheduler(const spec::Scheduler& s, const std::string& base,
                                        std::vector<spec::Problem>& out);

namespace init {
void set_scheduler(const SchedAttr& attr);
}  // namespace init

}  // namespace islet::runtime
