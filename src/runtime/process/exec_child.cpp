// The joining process's driver: a flat list of steps, like the init's.
#include "runtime/process/exec_child.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "runtime/attrs/cpu_affinity.hpp"
#include "runtime/process/console.hpp"
#include "runtime/process/finish.hpp"
#include "runtime/process/pid_fork.hpp"
#include "runtime/process/program.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/process/test_hooks.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"
#include "sys/sanitizer.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {
namespace {

// The joiner: into the container's namespaces, the pid namespace for its
// children only. Until the fork it is seen by no process of the container.
void join_container(ExecChild& c) {
    test_hooks::pause_at("exec-joining");
    const int flags = c.join_flags | (c.join_pid ? CLONE_NEWPID : 0);
    if (flags)
        init::step("join the container's namespaces", [&] {
            if (::setns(c.fds.target.get(), flags) < 0) sys::throw_errno("setns");
        });
    c.fds.target.reset();
    if (::chdir("/") < 0) sys::throw_errno("chdir", "/");
}

// Forks the final process (a child of the runtime: CLONE_PARENT), if there
// is a pid namespace to join; else the joiner is the process. After the
// joiner finished it (ExecChild::fork_last), or, where the filter would not
// let it fork or start its session, before: it then finishes there, as
// runc's does.
void fork_final(const ExecChild& c) {
    if (!c.join_pid) return;
    log::close_sink();  // a host file
    fork_into_pid_namespace(c.fds.sync.get());
}

// Where LSM exec labels are written: a task view that shows this process.
// The container's /proc (checked to be procfs on use), unless the joiner
// finishes outside the container's pid namespace: then the runtime's
// (InitFds::label_proc).
sys::UniqueFd label_proc(ExecChild& c) {
    if (c.fork_last) return std::move(c.fds.label_proc);
    return sys::open_at_if_exists(AT_FDCWD, "/proc", O_PATH | O_DIRECTORY);
}

}  // namespace

void exec_child_main(ExecChild& c) noexcept {
    sys::sanitizer::open_child_report();  // while the host's files are in reach
    try {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::prctl(PR_SET_DUMPABLE, 0);
        init::forget_caller_environment();
        std::vector<int> keep = c.fds.numbers();
        if (log::sink_fd() >= 0) keep.push_back(log::sink_fd());  // its log lines (--debug)
        sys::close_all_except(3 + c.preserved_fds, keep);
        sync::expect(c.fds.sync.get(), sync::Type::go);
        join_container(c);
        const spec::Process& p = *c.process;
        // In the container's cgroups now: the final CPU affinity (runtime-spec).
        if (p.exec_cpu_affinity)
            init::step("cpu affinity", [&] { set_cpu_affinity(p.exec_cpu_affinity->final_, "final"); });
        if (!c.fork_last) fork_final(c);
        if (p.terminal) init::step("console", [&] { init::setup_console(c.fds.console.get(), p, false); });
        c.fds.console.reset();
        // A session is its leader's: the final process makes its own.
        if (!c.fork_last) init::step("session", [&] { init::new_session(p.terminal); });
        sys::UniqueFd proc = label_proc(c);
        const std::string path = init::finish_process(p, *c.security, c.env, proc.get(), c.fds.sync.get());
        proc.reset();
        if (c.fork_last) {
            fork_final(c);
            init::step("session", [&] { init::new_session(p.terminal); });
        }
        log::close_sink();  // a host file
        ::prctl(PR_SET_PDEATHSIG, 0);
        test_hooks::pause_at("exec-before-ready");
        sync::send(c.fds.sync.get(), sync::Type::ready);
        sync::expect(c.fds.sync.get(), sync::Type::ack);
        c.fds.sync.reset();
        init::exec_process(c.fds.stub.get(), c.preserved_fds, path, p.args, c.env);
    } catch (const std::exception& e) {
        try {
            sync::send(c.fds.sync.get(), sync::Type::error, e.what());
        } catch (const sys::Error&) {
            // The runtime is gone; nothing is listening.
        }
    }
    ::_exit(255);
}

}  // namespace islet::runtime
