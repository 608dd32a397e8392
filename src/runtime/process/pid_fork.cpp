#include "runtime/process/pid_fork.hpp"

#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include "runtime/process/sync.hpp"
#include "runtime/process/test_hooks.hpp"
#include "sys/error.hpp"
#include "sys/fd.hpp"
#include "sys/retry.hpp"
#include "sys/sanitizer.hpp"

namespace islet::runtime {

void fork_into_pid_namespace(int sync_fd) {
    // The child waits for EOF on this pipe: every write end closes only when
    // the parent exits, after its report.
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) sys::throw_errno("pipe2");
    sys::UniqueFd wait_end(p[0]);
    sys::UniqueFd parent_end(p[1]);
    clone_args args{};
    args.flags = CLONE_PARENT;  // exit_signal stays 0: CLONE_PARENT takes the caller's
    long pid = ::syscall(SYS_clone3, &args, sizeof args);
    // The forking process may already be under the container's seccomp
    // filter (finish_process runs first), and common profiles answer clone3
    // with ENOSYS so that libc falls back to clone (podman's and docker's
    // defaults): so do we.
    if (pid < 0 && (errno == ENOSYS || errno == EPERM))
        pid = ::syscall(SYS_clone, CLONE_PARENT, 0L, nullptr, nullptr, 0L);
    if (pid < 0) {
        // The kernel's ENOMEM for a pid namespace whose pid 1 has exited:
        // no process may enter it any more (a pod whose infra died).
        if (errno == ENOMEM) throw sys::Error("clone3 into the pid namespace: its init (pid 1) has exited", ENOMEM);
        sys::throw_errno("clone3 into the pid namespace");
    }
    if (pid > 0) {
        test_hooks::pause_at("pid-forked");
        try {
            sync::send(sync_fd, sync::Type::exec_pid, std::to_string(pid));
        } catch (const sys::Error&) {
            // The runtime is gone: the child sees EOF on sync and exits.
        }
        ::_exit(0);
    }
    // The new process: the runtime's child, dead with it until `ready`
    // (PDEATHSIG is reset by the fork), its sanitizer reports its own.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    sys::sanitizer::open_child_report();
    parent_end.reset();
    char byte = 0;
    (void)sys::retry_eintr([&] { return ::read(wait_end.get(), &byte, 1); });
}

}  // namespace islet::runtime
