#include "runtime/attrs/security.hpp"

#include "runtime/attrs/cpu_affinity.hpp"
#include "runtime/attrs/io_priority.hpp"
#include "runtime/attrs/lsm.hpp"
#include "runtime/attrs/personality.hpp"
#include "runtime/attrs/seccomp_guard.hpp"
#include "runtime/isolation/isolation.hpp"
#include "runtime/ns/sysctl.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"

namespace islet::runtime {
namespace host {

SecurityPlan plan_security(const spec::Config& c) {
    std::vector<spec::Problem> problems;
    SecurityPlan plan;
    const spec::Linux& l = *c.linux;
    lsm_problems(c, detect_lsm(), problems);
    sysctl_problems(l, problems);
    if (l.personality) plan.personality = plan_personality(*l.personality, problems);
    if (l.memory_policy) plan.memory_policy = plan_memory_policy(*l.memory_policy, problems);
    if (c.process) {
        const spec::Process& p = *c.process;
        if (p.scheduler) plan.scheduler = plan_scheduler(*p.scheduler, "/process/scheduler", problems);
        if (p.io_priority) plan.io_priority = plan_io_priority(*p.io_priority, "/process/ioPriority", problems);
        plan.capabilities = plan_capabilities(p.capabilities, kernel_last_cap());
        plan.rlimits = plan_rlimits(p.rlimits);
        if (p.exec_cpu_affinity) {
            cpu_affinity_problems(*p.exec_cpu_affinity, "/process/execCPUAffinity", problems);
            log::debug("process.execCPUAffinity: applied to exec'd processes, never to the container's init");
        }
    }
    spec::throw_problems("config.json", problems);
    if (l.seccomp && !seccomp_disabled(*l.seccomp)) plan.seccomp = compile_seccomp(*l.seccomp);
    // exec reads the same annotation from the stored config, so its joining
    // process runs under the guard too.
    if (isolation::requested(c)) plan.guard = SeccompProgram{guard_program(guard_rules()), 0, false};
    return plan;
}

}  // namespace host

bool finishes_before_fork(const SecurityPlan& plan, const spec::Process& p) {
    for (const auto* filter : {&plan.seccomp, &plan.guard})
        if (*filter &&
            (!(*filter)->can_fork || !(*filter)->can_start_session || (p.terminal && !(*filter)->can_take_terminal)))
            return false;
    return true;
}

namespace init {

void apply_process_security(const SecurityPlan& plan, const spec::Process& p, int host_proc_fd) {
    if (plan.personality) sys::with_context("personality", [&] { set_personality(*plan.personality); });
    if (plan.scheduler) sys::with_context("scheduler", [&] { set_scheduler(*plan.scheduler); });
    if (plan.io_priority) sys::with_context("io priority", [&] { set_io_priority(*plan.io_priority); });
    if (plan.memory_policy) sys::with_context("memory policy", [&] { set_memory_policy(*plan.memory_policy); });
    sys::with_context("lsm labels", [&] { set_exec_labels(p, host_proc_fd); });
}

}  // namespace init
}  // namespace islet::runtime
