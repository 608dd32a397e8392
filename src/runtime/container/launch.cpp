#include "runtime/container/launch.hpp"

#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/attrs/seccomp.hpp"
#include "runtime/process/sync.hpp"
#include "sys/error.hpp"
#include "sys/fdpass.hpp"
#include "sys/proc.hpp"
#include "sys/retry.hpp"
#include "sys/scope_exit.hpp"
#include "sys/socket.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::launch {

void check_terminal_flags(bool terminal, bool detach, const std::string& console_socket) {
    if (terminal && detach && console_socket.empty())
        throw sys::Error("cannot allocate tty if islet will detach without setting console socket");
    if (!console_socket.empty() && !(terminal && detach))
        throw sys::Error("cannot use console socket if islet will not detach or allocate tty");
}

void check_preserved_fds(int first, int count) {
    for (int i = 0; i < count; ++i)
        if (::fcntl(first + i, F_GETFD) < 0)
            throw sys::Error("unable to stat preserved-fd " + std::to_string(i) + " (of " + std::to_string(count) +
                             "): " + sys::describe_errno("fstat", "", errno));
}

sys::UniqueFd ConsoleChannel::receive_master() {
    if (!ours) return {};
    return sys::recv_fd(ours.get()).first;
}

ConsoleChannel open_console_channel(bool terminal, bool detach, const std::string& console_socket) {
    ConsoleChannel c;
    if (!console_socket.empty()) {
        c.for_child = sys::connect_unix(console_socket, "console socket");
    } else if (terminal && !detach) {
        // islet proxies the pty to its own terminal: without one (no
        // controlling terminal) fail now, with runc's error, rather than
        // start a process nobody can talk to.
        if (sys::UniqueFd tty(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)); !tty)
            sys::throw_errno("open", "/dev/tty");
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) sys::throw_errno("socketpair");
        c.ours.reset(sv[0]);
        c.for_child.reset(sv[1]);
    }
    return c;
}

BlockedSignals::BlockedSignals() {
    sigset_t all;
    sigfillset(&all);
    ::sigprocmask(SIG_SETMASK, &all, &old_);
}

BlockedSignals::~BlockedSignals() { ::sigprocmask(SIG_SETMASK, &old_, nullptr); }

Cloned clone_into(std::uint64_t flags, int cgroup_fd, const std::function<void()>& child) {
    int pidfd = -1;
    clone_args args{};
    args.flags = CLONE_PIDFD | flags;
    args.pidfd = reinterpret_cast<std::uint64_t>(&pidfd);
    // With CLONE_PARENT the kernel takes the exit signal from the caller
    // (SIGCHLD for a helper forked here) and refuses one in the arguments.
    args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = static_cast<std::uint64_t>(cgroup_fd);
    }
    long pid = ::syscall(SYS_clone3, &args, sizeof args);
    bool into_cgroup = pid >= 0 && cgroup_fd >= 0;
    if (pid < 0 && cgroup_fd >= 0 && (errno == EINVAL || errno == EOPNOTSUPP || errno == E2BIG)) {
        args.flags &= ~static_cast<std::uint64_t>(CLONE_INTO_CGROUP);
        args.cgroup = 0;
        pid = ::syscall(SYS_clone3, &args, sizeof args);
    }
    if (pid == 0) {
        child();
        ::_exit(255);  // child() does not return
    }
    if (pid < 0) sys::throw_errno("clone3");
    Cloned out;
    out.pid = static_cast<pid_t>(pid);
    out.pidfd.reset(pidfd);
    out.into_cgroup = into_cgroup;
    return out;
}

Cloned clone_from_helper(const std::function<Cloned()>& in_helper) {
    auto [ours, theirs] = sys::seqpacket_pair();
    clone_args args{};
    args.exit_signal = SIGCHLD;
    const long helper = ::syscall(SYS_clone3, &args, sizeof args);
    if (helper < 0) sys::throw_errno("clone3 (the joining helper)");
    if (helper == 0) {
        ours.reset();
        try {
            Cloned c = in_helper();
            sync::send_with_fd(theirs.get(), sync::Type::cloned, c.pidfd.get(),
                               std::to_string(c.pid) + (c.into_cgroup ? " 1" : " 0"));
        } catch (const std::exception& e) {
            try {
                sync::send(theirs.get(), sync::Type::error, e.what());
            } catch (const sys::Error&) {
            }
            ::_exit(1);
        }
        ::_exit(0);
    }
    theirs.reset();
    sys::ScopeExit reap_helper([&] { sys::reap(static_cast<pid_t>(helper)); });
    sync::Message m;
    try {
        m = sync::expect(ours.get(), sync::Type::cloned);
    } catch (const sys::Error& e) {
        if (e.message().rfind("sync: the peer closed", 0) == 0)
            throw sys::Error("the joining helper died before clone3");
        throw;
    }
    const auto parts = sys::split(m.payload, ' ');
    const auto pid = parts.size() == 2 ? sys::parse_int(parts[0]) : std::nullopt;
    if (!pid || *pid <= 0 || !m.fd) throw sys::Error("sync: bad cloned message from the joining helper");
    Cloned out;
    out.pid = static_cast<pid_t>(*pid);
    out.pidfd = std::move(m.fd);
    out.into_cgroup = parts[1] == "1";
    return out;
}

namespace {

// SCMP_ACT_NOTIFY: the listener goes to the agent at listenerPath with runc's
// containerProcessState; our copy closes with the message. Only a seccomp
// listener: a container process holding a copy of the child's socket could
// send any descriptor.
void hand_over_listener(const Serve& s, const sync::Message& m) {
    if (!m.fd || !s.listener || sys::fd_target(m.fd.get()) != "anon_inode:seccomp notify")
        throw sys::Error("sync: unexpected seccomp listener from the " + s.peer);
    const std::string state = spec::container_process_state_document(s.state(), s.listener->listener_metadata);
    sys::with_context("seccomp listener",
                      [&] { host::send_seccomp_listener(s.listener->listener_path, state, m.fd.get()); });
}

// `exec_pid` names the process the child forked with CLONE_PARENT: ours, and
// not the child itself. A process of the container's pid namespace that can
// reach the forked process's sync socket (CAP_SYS_PTRACE: pidfd_getfd) could
// otherwise name any host process as the container's (issue 10).
pid_t reported_pid(const Serve& s, const std::string& payload) {
    const auto n = sys::parse_int(payload);
    if (!n || *n <= 0) throw sys::Error("sync: bad pid from the " + s.peer);
    const auto pid = static_cast<pid_t>(*n);
    const auto st = sys::read_proc_stat(pid);
    if (!st || st->ppid != ::getpid() || pid == s.state().pid)
        throw sys::Error("sync: the " + s.peer + " reported pid " + payload + ", which is not the process it forked");
    return pid;
}

// Waits until the socket has a message or EOF, or the process that must
// answer has exited with nothing left to read.
void wait_for_message(const Serve& s) {
    const int pidfd = s.pidfd ? s.pidfd() : -1;
    if (pidfd < 0) return;
    pollfd fds[2] = {{s.sock, POLLIN, 0}, {pidfd, POLLIN, 0}};
    if (sys::retry_eintr([&] { return ::poll(fds, 2, -1); }) < 0) sys::throw_errno("poll");
    if (!fds[0].revents && fds[1].revents) throw sys::Error(s.died());
}

}  // namespace

void serve_until_ready(const Serve& s) {
    // Each of these comes once: a second one is not the child's.
    bool forked = false;
    bool hooks_ran = false;
    bool listened = false;
    sync::Message listener;  // held for `exec_pid` (Serve::listener_before_pid)
    for (;;) {
        sync::Message m;
        try {
            wait_for_message(s);
            m = sync::recv(s.sock);
        } catch (const sys::Error&) {
            throw sys::Error(s.died());
        }
        switch (m.type) {
            case sync::Type::ready:
                // Before the forked process's pid: not the child's, or the
                // forking one died unreported.
                if (s.fork_expected && !forked)
                    throw sys::Error(s.unreported ? s.unreported()
                                                  : "sync: ready from the " + s.peer +
                                                        " before the pid of the process it forked");
                return;
            case sync::Type::error: throw sys::Error("unable to start container process: " + m.payload);
            case sync::Type::seccomp_fd:
                if (listened) break;
                listened = true;
                if (s.listener_before_pid && !forked)
                    listener = std::move(m);
                else
                    hand_over_listener(s, m);
                continue;
            case sync::Type::hooks:
                if (!s.hooks || hooks_ran) break;
                hooks_ran = true;
                s.hooks();
                continue;
            case sync::Type::exec_pid:
                if (!s.exec_pid || forked) break;
                forked = true;
                s.exec_pid(reported_pid(s, m.payload));
                if (listener.fd) hand_over_listener(s, listener);
                continue;
            default: break;
        }
        throw sys::Error(std::string("sync: unexpected message ") + sync::type_name(m.type) + " from the " + s.peer);
    }
}

void send_pidfd(const std::string& path, int pidfd) {
    if (path.empty()) return;
    sys::UniqueFd s = sys::connect_unix(path, "pidfd socket");
    sys::send_fd(s.get(), pidfd, "pidfd");
}

}  // namespace islet::runtime::launch
