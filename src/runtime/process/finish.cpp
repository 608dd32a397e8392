// Applies: process.rlimits, process.user, process.capabilities, process.cwd,
// process.noNewPrivileges, process.args (the lookup)
#include "runtime/process/finish.hpp"

#include "runtime/attrs/capabilities.hpp"
#include "runtime/attrs/process_attrs.hpp"
#include "runtime/attrs/rlimits.hpp"
#include "runtime/attrs/seccomp.hpp"
#include "runtime/process/program.hpp"
#include "runtime/process/sync.hpp"
#include "sys/environ.hpp"

namespace islet::runtime::init {
namespace {

// Installs the filter; a notify listener goes to the runtime (which hands it
// to the agent at listenerPath) and our copy is closed.
void install_filter(const SeccompProgram& program, int sync_fd) {
    sys::UniqueFd listener = install_seccomp(program);
    if (listener) sync::send_with_fd(sync_fd, sync::Type::seccomp_fd, listener.get());
}

}  // namespace

void forget_caller_environment() {
    sys::scrub_environ({"ISLET_TEST_PAUSE_AT", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"});
}

std::string finish_process(const spec::Process& p, const SecurityPlan& sec, std::vector<std::string>& env,
                           int host_proc_fd, int sync_fd) {
    step("rlimits", [&] { apply_rlimits(sec.rlimits); });
    step("environment", [&] { ensure_home(env, p.user.uid); });
    // Still privileged and unfiltered: personality, scheduler, I/O priority,
    // memory policy, LSM exec labels.
    apply_process_security(sec, p, host_proc_fd);
    // The isolation guard: still privileged (no no_new_privs needed), and
    // before the config's filter, which could refuse seccomp(2) itself.
    if (sec.guard) step("isolation seccomp guard", [&] { install_seccomp(*sec.guard); });
    // Without no_new_privs the kernel takes a filter only from a task with
    // CAP_SYS_ADMIN: install it before the capabilities go (runc).
    if (sec.seccomp && !p.no_new_privileges) step("seccomp", [&] { install_filter(*sec.seccomp, sync_fd); });
    bool cwd_entered = false;
    step("cwd", [&] { cwd_entered = enter_cwd_privileged(p.cwd); });
    step("user and capabilities", [&] { set_identity(p.user, sec.capabilities); });
    step("cwd", [&] { enter_cwd(p.cwd, cwd_entered); });
    step("no new privileges", [&] { set_no_new_privileges(p); });
    std::string path = resolve_program(p.args.front(), env);
    // With no_new_privs: as late as possible, before `ready` so that a
    // listener reaches its agent first.
    if (sec.seccomp && p.no_new_privileges) step("seccomp", [&] { install_filter(*sec.seccomp, sync_fd); });
    return path;
}

}  // namespace islet::runtime::init
