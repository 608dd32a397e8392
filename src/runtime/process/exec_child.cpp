// The joining process's driver: a flat list of steps, like the init's.
#include "runtime/process/exec_child.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "runtime/attrs/cpu_affinity.hpp"
#include "runtime/process/console.hpp"
#include "runtime/process/finish.hpp"
#include "runtime/process/program.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/process/test_hooks.hpp"
#include "sys/error.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {

void exec_child_main(ExecChild& c) noexcept {
    try {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::prctl(PR_SET_DUMPABLE, 0);
        sys::close_all_except(3 + c.preserved_fds, c.fds.numbers());
        sync::expect(c.fds.sync.get(), sync::Type::go);
        if (c.join_flags)
            init::step("join the container's namespaces", [&] {
                if (::setns(c.fds.target.get(), c.join_flags) < 0) sys::throw_errno("setns");
            });
        c.fds.target.reset();
        if (::chdir("/") < 0) sys::throw_errno("chdir", "/");
        const spec::Process& p = *c.process;
        // In the container's cgroups now: the final CPU affinity (runtime-spec).
        if (p.exec_cpu_affinity)
            init::step("cpu affinity", [&] { set_cpu_affinity(p.exec_cpu_affinity->final_, "final"); });
        if (p.terminal) init::step("console", [&] { init::setup_console(c.fds.console.get(), p, false); });
        const std::string path =
            init::finish_process(p, *c.security, c.env, c.fds.host_proc.get(), c.fds.sync.get());
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
