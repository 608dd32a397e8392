// The runtime process's side of `exec`, and the joining process's driver.
#include "runtime/container/exec.hpp"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "runtime/attrs/capabilities.hpp"
#include "runtime/cgroups/cgroups.hpp"
#include "runtime/process/console.hpp"
#include "runtime/attrs/cpu_affinity.hpp"
#include "runtime/process/exec_stub.hpp"
#include "runtime/container/foreground.hpp"
#include "runtime/container/lifecycle.hpp"
#include "runtime/ns/namespaces.hpp"
#include "runtime/container/pid_file.hpp"
#include "runtime/attrs/process_attrs.hpp"
#include "runtime/process/exec_child.hpp"
#include "runtime/process/program.hpp"
#include "runtime/process/sealed_exe.hpp"
#include "runtime/attrs/rlimits.hpp"
#include "runtime/attrs/seccomp.hpp"
#include "runtime/attrs/security.hpp"
#include "runtime/container/state_store.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/process/test_hooks.hpp"
#include "spec/parse.hpp"
#include "spec/record.hpp"
#include "spec/names.hpp"
#include "spec/validate.hpp"
#include "sys/error.hpp"
#include "sys/fdpass.hpp"
#include "sys/log.hpp"
#include "sys/proc.hpp"
#include "sys/socket.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {
namespace {

bool same_namespace(pid_t pid, const std::string& name) {
    struct stat a {}, b {};
    if (::stat(("/proc/self/ns/" + name).c_str(), &a) < 0) return false;
    if (::stat(("/proc/" + std::to_string(pid) + "/ns/" + name).c_str(), &b) < 0) return false;
    return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

// The process to run: --process as given, or config.json's with the flags.
spec::Process build_process(const ExecOptions& o, const spec::Config& cfg) {
    spec::Process p;
    if (o.process_file) {
        std::string text;
        try {
            text = sys::read_file(*o.process_file);
        } catch (const sys::Error& e) {
            throw sys::Error("failed to read the process file: " + e.message(), e.code());
        }
        p = spec::parse_process(text, *o.process_file);
        spec::throw_problems(*o.process_file, spec::validate_process(p, ""));
        return p;
    }
    if (!cfg.process) throw sys::Error("config.json has no process to base the exec on; use --process");
    p = *cfg.process;
    p.args = o.args;
    if (!o.cwd.empty()) p.cwd = o.cwd;
    p.env.insert(p.env.end(), o.env.begin(), o.env.end());
    p.terminal = o.tty;
    p.console_size.reset();
    if (o.user) {
        auto [uid, gid] = parse_exec_user(*o.user);
        p.user.uid = uid;
        if (gid) p.user.gid = *gid;
    }
    for (auto& g : o.additional_gids) {
        auto n = sys::parse_uint(g);
        if (!n || *n > 0xffffffffu) throw sys::Error("invalid additional group id \"" + g + "\"");
        p.user.additional_gids.push_back(static_cast<std::uint32_t>(*n));
    }
    if (!o.caps.empty()) {
        if (!p.capabilities) p.capabilities = spec::Capabilities{};
        auto add = [](std::optional<std::vector<std::string>>& set, const std::string& c) {
            if (!set) set = std::vector<std::string>{};
            if (std::find(set->begin(), set->end(), c) == set->end()) set->push_back(c);
        };
        for (auto& c : o.caps) {
            if (!spec::is_known_capability(c)) throw sys::Error("unknown capability \"" + c + "\"");
            add(p.capabilities->bounding, c);
            add(p.capabilities->effective, c);
            add(p.capabilities->permitted, c);
        }
    }
    if (o.no_new_privs) p.no_new_privileges = true;
    if (!o.apparmor.empty()) p.apparmor_profile = o.apparmor;
    if (!o.process_label.empty()) p.selinux_label = o.process_label;
    spec::throw_problems("exec", spec::validate_process(p, "/process"));
    return p;
}

// `--cgroup [controller:]path`: the process goes into a sub-cgroup of the
// container's, on the hierarchies holding `controller` (all without one). The
// path must be relative and clean, so it cannot climb out (SECURITY.md G).
std::map<std::string, std::string> exec_cgroup_dirs(const spec::CgroupRecord& cg, const std::vector<std::string>& subs) {
    std::map<std::string, std::string> dirs = cg.dirs;
    for (const auto& s : subs) {
        auto colon = s.find(':');
        std::string ctrl = colon == std::string::npos ? "" : s.substr(0, colon);
        std::string path = colon == std::string::npos ? s : s.substr(colon + 1);
        const auto parts = sys::split(path, '/');
        if (path.empty() || path.front() == '/' || sys::clean_path(path) != path ||
            std::find(parts.begin(), parts.end(), "..") != parts.end())
            throw sys::Error("bad sub cgroup path: " + s);
        bool matched = false;
        for (auto& [name, dir] : dirs) {
            const auto ctrls = sys::split(name, ',');
            if (!ctrl.empty() && std::find(ctrls.begin(), ctrls.end(), ctrl) == ctrls.end()) continue;
            dir = cg.dirs.at(name) + "/" + path;
            matched = true;
        }
        if (!matched) throw sys::Error("bad sub cgroup path: no cgroup controller \"" + ctrl + "\" in " + s);
    }
    return dirs;
}

}  // namespace

std::pair<std::uint32_t, std::optional<std::uint32_t>> parse_exec_user(const std::string& s) {
    auto colon = s.find(':');
    std::string u = s.substr(0, colon);
    auto parse = [&](const std::string& part) -> std::uint32_t {
        auto n = sys::parse_uint(part);
        if (!n || *n > 0xffffffffu) throw sys::Error("invalid --user \"" + s + "\": expected uid[:gid] as numbers");
        return static_cast<std::uint32_t>(*n);
    };
    std::uint32_t uid = parse(u);
    if (colon == std::string::npos) return {uid, std::nullopt};
    return {uid, parse(s.substr(colon + 1))};
}

int exec_in_container(const ExecOptions& o) {
    // 1. The container, its state and config (no lock: exec does not change state).
    LoadedContainer c = load_container(o.root, o.id, false);
    const spec::Status status = c.status();
    if (status == spec::Status::stopped) throw sys::Error("cannot exec in a stopped container");
    if (status == spec::Status::paused && !o.ignore_paused)
        throw sys::Error("cannot exec in a paused container (use --ignore-paused to override)");
    spec::Config cfg = c.config();

    // 2. The process and its terminal.
    spec::Process process = build_process(o, cfg);
    host::reexec_sealed(cfg, &process);
    if (process.terminal && o.detach && o.console_socket.empty())
        throw sys::Error("cannot allocate tty if runc will detach without setting console socket");
    if (!o.console_socket.empty() && !(process.terminal && o.detach))
        throw sys::Error("cannot use console socket if runc will not detach or allocate tty");
    for (int i = 0; i < o.preserve_fds; ++i)
        if (::fcntl(3 + i, F_GETFD) < 0)
            throw sys::Error("unable to stat preserved-fd " + std::to_string(i) + " (of " +
                             std::to_string(o.preserve_fds) + ")");

    // 3. The target: a pidfd of the init (checked against pid reuse), the
    //    namespaces that differ from ours, the cgroups.
    int raw = sys::pidfd_open_raw(c.record.pid);
    if (raw < 0) throw sys::Error("cannot exec in a stopped container");
    sys::UniqueFd target(raw);
    if (!sys::process_alive(c.record.pid, c.record.start_time)) throw sys::Error("cannot exec in a stopped container");
    int join_flags = 0;
    bool join_pid = false;
    for (const auto& type : spec::namespace_types()) {
        if (same_namespace(c.record.pid, spec::namespace_proc_name(type))) continue;
        if (type == "pid")
            join_pid = true;
        else
            join_flags |= static_cast<int>(spec::namespace_clone_flag(type));
    }
    auto cg_dirs = exec_cgroup_dirs(c.record.cgroup, o.cgroups);

    // The container's security sections for this process (its own
    // apparmor/selinux/scheduler/... from --process or the flags), checked
    // and compiled here, before anything starts.
    spec::Config for_process = cfg;
    for_process.process = process;
    const SecurityPlan security = host::plan_security(for_process);
    ExecChild child;
    child.process = &process;
    child.security = &security;
    child.fds.host_proc = sys::open_path("/proc", O_PATH | O_DIRECTORY);
    child.env = process.env;
    child.join_flags = join_flags;
    child.preserved_fds = o.preserve_fds;
    child.fds.stub = host::make_exec_stub();
    sys::UniqueFd console_for_child, console_ours;
    const bool proxy_tty = process.terminal && !o.detach && o.console_socket.empty();
    if (!o.console_socket.empty()) {
        console_for_child = sys::connect_unix(o.console_socket, "console socket");
    } else if (proxy_tty) {
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) sys::throw_errno("socketpair");
        console_ours.reset(sv[0]);
        console_for_child.reset(sv[1]);
    }
    // In a paused container the process joins the frozen cgroups only after
    // it reported ready: it then stops on its way to execve and runs when
    // the container is resumed (--ignore-paused).
    const bool late_join = status == spec::Status::paused;
    sys::UniqueFd unified;
    if (auto it = cg_dirs.find("unified"); it != cg_dirs.end() && !late_join) unified = cgroups::open_dir(it->second);
    auto [host_sock, child_sock] = sys::seqpacket_pair();
    child.fds.sync = std::move(child_sock);
    child.fds.console = std::move(console_for_child);
    child.fds.target = std::move(target);

    // 4. clone3 into the container's pid namespace and unified cgroup.
    if (!o.detach) {
        become_subreaper();
        foreground_block_signals();
    }
    sigset_t all, old;
    sigfillset(&all);
    ::sigprocmask(SIG_SETMASK, &all, &old);
    long pid = -1;
    int pidfd = -1, err = 0;
    {
        sys::UniqueFd own_pid;
        if (join_pid) {
            own_pid = sys::open_path("/proc/self/ns/pid", O_RDONLY);
            if (::setns(child.fds.target.get(), CLONE_NEWPID) < 0) {
                err = errno;
                ::sigprocmask(SIG_SETMASK, &old, nullptr);
                sys::throw_errno_code(err, "setns into the container's pid namespace");
            }
        }
        clone_args args{};
        args.flags = CLONE_PIDFD;
        args.pidfd = reinterpret_cast<std::uint64_t>(&pidfd);
        args.exit_signal = SIGCHLD;
        if (unified) {
            args.flags |= CLONE_INTO_CGROUP;
            args.cgroup = static_cast<std::uint64_t>(unified.get());
        }
        // execCPUAffinity.initial: the joining process starts on these CPUs,
        // before it moves into the container's cgroups.
        cpu_set_t own_cpus;
        const bool initial = process.exec_cpu_affinity && !process.exec_cpu_affinity->initial.empty() &&
                             ::sched_getaffinity(0, sizeof own_cpus, &own_cpus) == 0;
        if (initial) set_cpu_affinity(process.exec_cpu_affinity->initial, "initial");
        pid = ::syscall(SYS_clone3, &args, sizeof args);
        if (pid == 0) exec_child_main(child);
        err = errno;
        if (initial) ::sched_setaffinity(0, sizeof own_cpus, &own_cpus);
        // Back to our own pid namespace for children. Under rootless podman
        // islet is root only in podman's user namespace, and its own pid
        // namespace belongs to the host's: setns refuses it (EPERM), though
        // joining the container's (owned by podman's user namespace) worked.
        // Nothing after this point forks, so staying is harmless there.
        if (join_pid && ::setns(own_pid.get(), CLONE_NEWPID) < 0 && !(errno == EPERM && sys::in_user_namespace())) {
            log::report_error(sys::describe_errno("restore the runtime's pid namespace", "", errno));
            ::_exit(255);
        }
    }
    if (o.detach) ::sigprocmask(SIG_SETMASK, &old, nullptr);
    if (pid < 0) sys::throw_errno_code(err, "clone3");
    sys::UniqueFd child_pidfd(pidfd);
    // The child's ends: closed here so that its death reads as EOF.
    child.fds.sync.reset();
    child.fds.console.reset();
    auto kill_child = [&] {
        (void)sys::pidfd_send_signal_raw(child_pidfd.get(), SIGKILL);
        sys::reap(static_cast<pid_t>(pid));
    };

    // 5. Cgroups (v1), then the go-ahead; wait for ready or an error.
    try {
        if (!late_join) cgroups::join(cg_dirs, static_cast<pid_t>(pid), unified ? "unified" : "");
        sync::send(host_sock.get(), sync::Type::go);
        sync::Message m;
        for (;;) {
            try {
                m = sync::recv(host_sock.get());
            } catch (const sys::Error&) {
                throw sys::Error("the exec process exited during setup");
            }
            if (m.type != sync::Type::seccomp_fd) break;
            // SCMP_ACT_NOTIFY: the agent gets this process's listener, as for
            // the init (runtime/attrs/seccomp.hpp).
            if (!m.fd || !security.seccomp || !security.seccomp->listener)
                throw sys::Error("sync: unexpected seccomp listener from the exec process");
            const spec::StateView v = spec::state_view(c.record, status, static_cast<pid_t>(pid));
            sys::with_context("seccomp listener", [&] {
                host::send_seccomp_listener(cfg.linux->seccomp->listener_path,
                                            spec::container_process_state_document(v, cfg.linux->seccomp->listener_metadata),
                                            m.fd.get());
            });
        }
        if (m.type == sync::Type::error) throw sys::Error("unable to start container process: " + m.payload);
        if (m.type != sync::Type::ready) throw sys::Error("sync: unexpected message from the exec process");
        if (late_join) cgroups::join(cg_dirs, static_cast<pid_t>(pid));
        if (!o.pid_file.empty()) write_pid_file(o.pid_file, static_cast<pid_t>(pid));
        if (!o.pidfd_socket.empty()) {
            sys::UniqueFd s = sys::connect_unix(o.pidfd_socket, "pidfd socket");
            sys::send_fd(s.get(), child_pidfd.get(), "pidfd");
        }
        sync::send(host_sock.get(), sync::Type::ack);
    } catch (...) {
        kill_child();
        throw;
    }
    if (o.detach) return 0;
    sys::UniqueFd master;
    if (proxy_tty) master = sys::recv_fd(console_ours.get()).first;
    return run_foreground(static_cast<pid_t>(pid), child_pidfd.get(), master ? master.get() : -1);
}

}  // namespace islet::runtime
