// Applies: process.scheduler
#include "runtime/attrs/scheduler.hpp"

#include <linux/sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <utility>

#include "sys/error.hpp"

namespace islet::runtime {

std::optional<SchedAttr> plan_scheduler(const spec::Scheduler& s, const std::string& base,
                                        std::vector<spec::Problem>& out) {
    static const std::pair<const char*, std::uint32_t> kPolicies[] = {
        {"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},       {"SCHED_BATCH", 3},
        {"SCHED_ISO", 4},   {"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6},
    };
    static const std::pair<const char*, std::uint64_t> kFlags[] = {
        {"SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK},
        {"SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM},
        {"SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN},
        {"SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY},
        {"SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS},
        {"SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN},
        {"SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX},
    };
    const size_t before = out.size();
    SchedAttr a;
    bool known = false;
    for (auto& [name, v] : kPolicies)
        if (s.policy == name) {
            a.sched_policy = v;
            known = true;
        }
    if (s.policy.empty())
        out.push_back({base + "/policy", "scheduler policy is required"});
    else if (!known)
        out.push_back({base + "/policy", "unknown scheduler policy \"" + s.policy + "\""});
    if (s.nice < -20 || s.nice > 19)
        out.push_back({base + "/nice", "invalid scheduler.nice: " + std::to_string(s.nice)});
    if (s.priority != 0 && s.policy != "SCHED_FIFO" && s.policy != "SCHED_RR")
        out.push_back({base + "/priority", "scheduler.priority can only be specified for SchedFIFO or SchedRR policy"});
    if (s.policy != "SCHED_DEADLINE" && (s.runtime || s.deadline || s.period))
        out.push_back({base, "scheduler runtime/deadline/period can only be specified for SchedDeadline policy"});
    if (s.priority < 0) out.push_back({base + "/priority", "scheduler.priority must not be negative"});
    for (size_t i = 0; i < s.flags.size(); ++i) {
        bool found = false;
        for (auto& [name, bit] : kFlags)
            if (s.flags[i] == name) {
                a.sched_flags |= bit;
                found = true;
            }
        if (!found)
            out.push_back({base + "/flags/" + std::to_string(i), "unknown scheduler flag \"" + s.flags[i] + "\""});
    }
    if (out.size() != before) return std::nullopt;
    a.sched_nice = s.nice;
    a.sched_priority = static_cast<std::uint32_t>(s.priority);
    a.sched_runtime = s.runtime;
    a.sched_deadline = s.deadline;
    a.sched_period = s.period;
    return a;
}

namespace init {

void set_scheduler(const SchedAttr& attr) {
    SchedAttr copy = attr;
    if (::syscall(SYS_sched_setattr, 0, &copy, 0) < 0)
        sys::throw_errno("sched_setattr (policy " + std::to_string(attr.sched_policy) + ", nice " +
                         std::to_string(attr.sched_nice) + ", priority " + std::to_string(attr.sched_priority) + ")");
}

}  // namespace init
}  // namespace islet::runtime
