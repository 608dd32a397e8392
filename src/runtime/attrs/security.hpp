// The security sections of create in one plan: checked and computed by the
// runtime process before anything is made, carried to the init as a copy of
// memory (clone3 without CLONE_VM). Host side. Each section's file decides
// (pure, unit-tested) and applies; this only gathers their problems, so a
// config with several mistakes hears about all of them at once.
//
// Sections: linux.seccomp (seccomp.hpp), linux.sysctl (sysctl.hpp),
// process.apparmorProfile, process.selinuxLabel, linux.mountLabel (lsm.hpp),
// linux.personality (personality.hpp), process.scheduler (scheduler.hpp),
// process.ioPriority (io_priority.hpp), process.execCPUAffinity
// (cpu_affinity.hpp), linux.memoryPolicy (memory_policy.hpp),
// linux.timeOffsets (time_offsets.hpp, applied in create itself), and the
// process's capabilities (capabilities.hpp) and rlimits (rlimits.hpp).
#pragma once

#include <optional>

#include "runtime/attrs/capabilities.hpp"
#include "runtime/attrs/memory_policy.hpp"
#include "runtime/attrs/rlimits.hpp"
#include "runtime/attrs/scheduler.hpp"
#include "runtime/attrs/seccomp.hpp"
#include "spec/model.hpp"

namespace islet::runtime {

struct SecurityPlan {
    std::optional<SeccompProgram> seccomp;
    // An isolated container's own filter, installed before the config's
    // (seccomp_guard.hpp): refuses what would plant host privilege.
    std::optional<SeccompProgram> guard;
    std::optional<unsigned long> personality;
    std::optional<SchedAttr> scheduler;
    std::optional<int> io_priority;
    std::optional<MemPolicyPlan> memory_policy;
    // process.capabilities and process.rlimits as numbers: planned here, once,
    // so the init and the joining process only apply them.
    CapPlan capabilities;
    std::vector<RlimitSetting> rlimits;
};

// Whether a process that is forked into a pid namespace other processes live
// in (a pod member's init, exec's process: pid_fork.hpp) can be finished
// first (finish.hpp) and forked last, under its filters: they let it fork,
// start a session and, with a terminal, take that terminal. Where they do not, it is forked
// first and finished in the namespace, as runc's are; a process there with
// CAP_SYS_PTRACE and no user namespace between them can then take it over
// while it is still privileged.
bool finishes_before_fork(const SecurityPlan& plan, const spec::Process& process);

namespace host {
// Throws sys::Error("config.json: <pointer>: <message>; ...") listing every
// problem; seccomp is compiled only once everything else is valid.
SecurityPlan plan_security(const spec::Config& config);
}  // namespace host

namespace init {
// What the container's init and exec's joining process do while still
// privileged and unfiltered, in this order: personality, scheduler, I/O
// priority, memory policy (need capabilities or could be refused by the
// profile), then the LSM exec labels (before no_new_privs and seccomp).
void apply_process_security(const SecurityPlan& plan, const spec::Process& process, int host_proc_fd);
}  // namespace init

}  // namespace islet::runtime
