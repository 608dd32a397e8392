// The container's init: what runs between clone3 and the execve of the
// container's process. Init side. Read init_main as the table of contents of
// the init's life; each step lives in the file that owns its part of the
// config.
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

#include "hooks/hooks.hpp"
#include "runtime/attrs/lsm.hpp"
#include "runtime/fs/devices.hpp"
#include "runtime/fs/masked_paths.hpp"
#include "runtime/fs/mounts.hpp"
#include "runtime/fs/rootfs.hpp"
#include "runtime/ns/hostname.hpp"
#include "runtime/ns/loopback.hpp"
#include "runtime/ns/sysctl.hpp"
#include "runtime/process/console.hpp"
#include "runtime/process/finish.hpp"
#include "runtime/process/init_context.hpp"
#include "runtime/process/pid_fork.hpp"
#include "runtime/process/program.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/process/test_hooks.hpp"
#include "spec/record.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"
#include "sys/procfs.hpp"
#include "sys/sanitizer.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {
namespace {

using init::step;

// Key permission bits (keyutils.h; the kernel's uapi headers do not export
// them).
constexpr unsigned kKeyPossessorAll = 0x3f000000;  // KEY_POS_ALL
constexpr unsigned kKeyUserAll = 0x003f0000;       // KEY_USR_ALL
constexpr unsigned kKeyUserSearch = 0x00080000;    // KEY_USR_SEARCH
constexpr unsigned kKeyOtherSearch = 0x00000008;   // KEY_OTH_SEARCH

// A pid-namespace init ignores signals it has no handler for, even from the
// host. runc's Go init exits on TERM, INT and HUP; so does islet's while it
// waits (RUNC-CONTRACT.md §2.1 note 1).
void on_exit_signal(int sig) { ::_exit(128 + sig); }

void init_signals() {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; ++s)
        if (s != SIGKILL && s != SIGSTOP) ::sigaction(s, &dfl, nullptr);
    struct sigaction ex {};
    ex.sa_handler = on_exit_signal;
    sigemptyset(&ex.sa_mask);
    for (int s : {SIGTERM, SIGINT, SIGHUP}) ::sigaction(s, &ex, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// The first steps: no way back to the runtime's secrets (its fds, its
// dumpability), then wait for `go` (and a rebuilt rootfs before it).
void start(InitContext& ctx) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    init::forget_caller_environment();
    // Not dumpable until the final execve: container processes cannot
    // open our /proc/<pid>/exe, fds or memory (CVE-2016-9962 class).
    // Rootless: from `go` on (init_context.hpp).
    if (!ctx.dumpable_until_go) ::prctl(PR_SET_DUMPABLE, 0);
    init_signals();
    // Only stdio, the preserved fds and what the context holds stay open:
    // nothing of the runtime's (its state-dir lock included) lingers here.
    std::vector<int> keep = ctx.fds.numbers();
    keep.push_back(ctx.mounts->rootfs_tree.get());
    for (auto& m : ctx.mounts->mounts) keep.push_back(m.tree.get());
    if (log::sink_fd() >= 0) keep.push_back(log::sink_fd());  // the init's log lines (--debug)
    sys::close_all_except(3 + ctx.preserved_fds, keep);
    sync::Message go = sync::expect_any(ctx.fds.sync.get(), {sync::Type::mount_fd, sync::Type::go});
    if (go.type == sync::Type::mount_fd) {
        // A rebuilt rootfs (an isolated container's overlay) replaces the
        // clone inherited at clone3.
        if (go.payload != "rootfs") throw sys::Error("sync: unexpected mount_fd " + go.payload);
        ctx.mounts->rootfs_tree = std::move(go.fd);
        go = sync::expect(ctx.fds.sync.get(), sync::Type::go);
    }
    if (ctx.dumpable_until_go) ::prctl(PR_SET_DUMPABLE, 0);
    ctx.rootfs_target = std::move(go.fd);
}

// Joining a user namespace by path: join it, unshare the new namespaces so it
// owns them, and fork once for a new pid namespace (CLONE_PARENT: the init
// stays the runtime's child). The intermediate process reports the init's pid
// and exits.
void enter_joined_user_namespace(InitContext& ctx) {
    const ns::Plan& p = ctx.ns_plan;
    if (p.user_path.empty() || p.user_joined) return;
    // An isolated pod's: the fd the runtime found it by (isolation/pod.hpp).
    sys::UniqueFd user = ctx.fds.userns ? std::move(ctx.fds.userns) : ns::open_namespace(p.user_path, "user");
    if (::setns(user.get(), CLONE_NEWUSER) < 0) sys::throw_errno("setns into the user namespace", p.user_path);
    // The rootfs mount point came with `go`, opened in the runtime's mount
    // namespace: as our cwd, unshare carries it into the new one (the kernel
    // moves a task's root and cwd to their copies), where we reopen it. A
    // path walk could not: host directories above a bundle are no one's in
    // this user namespace.
    const bool new_mount_ns = p.unshare_after_user & CLONE_NEWNS;
    if (new_mount_ns && ctx.rootfs_target && ::fchdir(ctx.rootfs_target.get()) < 0)
        sys::throw_errno("fchdir", ctx.rootfs);
    if (::unshare(static_cast<int>(p.unshare_after_user & ~static_cast<unsigned long>(CLONE_NEWPID))) < 0)
        sys::throw_errno("unshare the container's namespaces");
    if (new_mount_ns && ctx.rootfs_target) ctx.rootfs_target = sys::open_path(".", O_PATH | O_DIRECTORY);
    if (!(p.unshare_after_user & CLONE_NEWPID)) return;
    if (::unshare(CLONE_NEWPID) < 0) sys::throw_errno("unshare the pid namespace");
    fork_into_pid_namespace(ctx.fds.sync.get());  // returns in the real init
}

void become_root_in_user_namespace(const InitContext& ctx) {
    if (!ctx.ns_plan.new_user() && ctx.ns_plan.user_path.empty()) return;
    // Files we create during setup must belong to the container's root, and
    // an unmapped id cannot create files at all.
    if (::setresgid(0, 0, 0) < 0) sys::throw_errno("setgid 0 in the user namespace");
    if (::setresuid(0, 0, 0) < 0) sys::throw_errno("setuid 0 in the user namespace");
}

// procfs instances of our own pid namespace (init_context.hpp), before the
// mounts: invalid where the kernel refuses one, replaced in enter_root.
void make_procfs(InitContext& ctx) {
    const int pidns = ctx.fds.pidns.get();  // a pid namespace entered after root, or -1
    ctx.proc = ctx.fds.shared_proc ? std::move(ctx.fds.shared_proc) : sys::new_procfs(false, pidns);
    ctx.task_proc = ctx.fds.shared_task_proc ? std::move(ctx.fds.shared_task_proc) : sys::new_procfs(true, pidns);
}

// A private session keyring named after the container (runc's default).
void join_session_keyring(const InitContext& ctx) {
    if (ctx.no_new_keyring) return;
    std::string name = "_ses." + ctx.id;
    long key = ::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name.c_str());
    if (key < 0) {
        if (errno == ENOSYS || errno == EACCES || errno == EPERM || errno == EDQUOT) return;  // best effort
        sys::throw_errno("join a session keyring");
    }
    // Possessor: all; user: view, read, write, search, link, setattr; in a new
    // user namespace, where the container's user may not own the key, others
    // may search too (runc's bits).
    const unsigned perm = kKeyPossessorAll | kKeyUserAll | (ctx.ns_plan.new_user() ? kKeyOtherSearch : kKeyUserSearch);
    ::syscall(SYS_keyctl, KEYCTL_SETPERM, key, perm);
}

// Waits until the runtime has moved the init into every cgroup, then
// unshares the cgroup namespace when the config asks for a new one (its root
// is the creator's cgroup at that moment). Before anything that needs the
// final cgroups: the cgroup view among the mounts, the hooks, ready.
void wait_for_cgroups(const InitContext& ctx) {
    sync::expect(ctx.fds.sync.get(), sync::Type::cgroups_done);
    if (ctx.ns_plan.new_cgroup)
        step("cgroup namespace", [&] {
            if (::unshare(CLONE_NEWCGROUP) < 0) sys::throw_errno("unshare the cgroup namespace");
        });
}

bool own_mount_namespace(const InitContext& ctx) {
    return (ctx.ns_plan.clone_flags | ctx.ns_plan.unshare_after_user) & CLONE_NEWNS;
}

// Everything mounted into the rootfs, before pivot_root. Without a mount
// namespace the container shares the runtime's, as the spec says: the mounts
// go there too, confined to the rootfs, and delete removes them
// (docs/ARCHITECTURE.md "Mounts").
void make_filesystem(InitContext& ctx) {
    if (own_mount_namespace(ctx)) {
        step("open /dev/null", [&] { ctx.devnull = sys::open_path("/dev/null", O_PATH); });
        step("rootfs", [&] { init::prepare_rootfs(ctx); });
    } else {
        step("rootfs", [&] { ctx.rootfd = sys::open_path(ctx.rootfs, O_PATH | O_DIRECTORY); });
    }
    step("mounts", [&] { init::apply_mounts(ctx); });
    step("devices", [&] { init::setup_dev(ctx); });
    step("cwd", [&] { init::create_cwd(ctx); });
    if (!own_mount_namespace(ctx)) return;
    step("readonly paths", [&] { init::readonly_paths(ctx); });
    step("masked paths", [&] { init::mask_paths(ctx); });
}

void run_hooks_mid_setup(const InitContext& ctx) {
    // prestart and createRuntime run in the runtime's namespaces: ask it.
    if (ctx.host_hooks) {
        sync::send(ctx.fds.sync.get(), sync::Type::hooks);
        sync::expect(ctx.fds.sync.get(), sync::Type::hooks_done);
    }
    // createContainer runs here, in the container's namespaces, before
    // pivot_root (so its path is still the host's). The status is
    // "created": runtime.md's lifecycle puts these hooks after step 2, and
    // defines `created` as "after step 2" (runtime-tools checks it too).
    // runc runs them in the rootfs (its host path, still visible here).
    if (!ctx.config->hooks.create_container.empty() && ::fchdir(ctx.rootfd.get()) < 0)
        sys::throw_errno("chdir", ctx.rootfs);
    hooks::run_phase(ctx.config->hooks.create_container, "createContainer",
                     spec::hook_state_document(spec::state_view(*ctx.record, spec::Status::created, ::getpid())));
}

// The container's own /proc, once inside the rootfs; checked here: the
// barrier reopens through it under seccomp.
sys::UniqueFd container_proc() {
    sys::UniqueFd own = sys::open_path("/proc", O_PATH | O_DIRECTORY);
    sys::require_procfs(own.get(), "/proc");
    return own;
}

// pivot_root (or chroot without a mount namespace), then every setup handle
// goes: nothing but the barrier's fds stays open while the init waits.
void enter_root(InitContext& ctx) {
    if (own_mount_namespace(ctx))
        step("pivot_root", [&] { init::enter_rootfs(ctx); });
    else
        step("chroot", [&] {
            if (::chroot(ctx.rootfs.c_str()) < 0 || ::chdir("/") < 0) sys::throw_errno("chroot", ctx.rootfs);
        });
    // Inside the rootfs now: the container's own /proc stands in for an
    // instance the kernel refused (every use checks it is procfs).
    if (!ctx.proc || !ctx.task_proc) {
        sys::UniqueFd own = container_proc();
        if (!ctx.task_proc) ctx.task_proc = sys::open_at(own.get(), ".", O_PATH | O_DIRECTORY);
        if (!ctx.proc) ctx.proc = std::move(own);
    }
    ctx.rootfd.reset();
    ctx.devnull.reset();
    ctx.rootfs_target.reset();
    ctx.mounts->rootfs_tree.reset();
    for (auto& m : ctx.mounts->mounts) m.tree.reset();
}

// A pid namespace joined by path (ns::Plan::pid_after_root), joined for our
// children only now, when root, cwd and every fd are the container's. The
// full procfs instance of it goes here (hostname and sysctls are done):
// through the forked init's fds the pod's processes would see a writable
// /proc/sys (kernel.core_pattern). The container's init goes into it last,
// finished (fork_into_pod); LSM exec labels are written meanwhile through
// the runtime's task view (InitFds::label_proc), since this process is not in
// the pod's. Where the filter would not let the init fork or take its
// terminal, it forks now and finishes in the pod, as runc's init does; its
// labels then go through the container's own /proc, whose /proc/sys is
// read-only.
void join_pid_namespace(InitContext& ctx) {
    if (!ctx.fds.pidns) return;
    if (::setns(ctx.fds.pidns.get(), CLONE_NEWPID) < 0) sys::throw_errno("setns into the pid namespace");
    ctx.fds.pidns.reset();
    ctx.proc = std::move(ctx.fds.label_proc);
    if (ctx.fork_last) return;
    if (ctx.process && init::has_exec_labels(*ctx.process)) ctx.proc = container_proc();
    log::close_sink();  // a host file
    fork_into_pid_namespace(ctx.fds.sync.get());
}

// The container's init enters the pod's pid namespace finished
// (pid_fork.hpp): with the container's capabilities, user, no_new_privs and
// seccomp filter and no setup handle left; its terminal it takes there (a
// session is its leader's). CLONE_PARENT: the runtime's child, which learns
// its pid over `exec_pid`. Until here no process of the pod could see this
// one.
void fork_into_pod(InitContext& ctx) {
    ctx.proc.reset();
    log::close_sink();  // a host file
    fork_into_pid_namespace(ctx.fds.sync.get());
    init::new_session(ctx.process && ctx.process->terminal);
    test_hooks::pause_at("forked-before-ready");
}

// Ready: the runtime saves the state; after its ack nothing but the barrier
// is left, and the runtime exits. The death signal goes first: the runtime
// may exit as soon as the ack is sent. Should it die before acking, the
// ack's recv sees EOF and the init exits.
void report_ready(InitContext& ctx) {
    ::prctl(PR_SET_PDEATHSIG, 0);
    ctx.proc.reset();   // setup is over: only the barrier's task view stays
    log::close_sink();  // a host file: `exec` processes will see this one
    sync::send(ctx.fds.sync.get(), sync::Type::ready);
    sync::expect(ctx.fds.sync.get(), sync::Type::ack);
    ctx.fds.sync.reset();
}

// After `start`: the startContainer hooks, then the program. The barrier
// stays open until the execve closes it, so `start` runs poststart hooks
// only once the program runs.
[[noreturn]] void run_program(InitContext& ctx) {
    sys::UniqueFd barrier = init::wait_for_start(ctx);
    if (!ctx.process) ::_exit(0);  // start refuses a container without a process
    try {
        hooks::run_phase(ctx.config->hooks.start_container, "startContainer",
                         spec::hook_state_document(spec::state_view(*ctx.record, spec::Status::created, ::getpid())));
    } catch (const sys::Error& e) {
        // `start` reports it too ("E" + the hook's error; the fifo's
        // protocol in lifecycle.cpp), then the container's stderr has it.
        const std::string report = "E" + e.message();
        (void)!::write(barrier.get(), report.data(), std::min<size_t>(report.size(), PIPE_BUF));
        throw;
    }
    sys::write_all(barrier.get(), "1", "exec fifo");
    init::exec_process(ctx.fds.stub.get(), ctx.preserved_fds, ctx.exec_path, ctx.process->args, ctx.env);
}

[[noreturn]] void fail(const InitContext& ctx, const std::string& message) {
    if (ctx.fds.sync) {
        try {
            sync::send(ctx.fds.sync.get(), sync::Type::error, message);
        } catch (const sys::Error&) {
            // The runtime is gone; nothing is listening.
        }
    } else {
        // After `ack` (a startContainer hook, the barrier): the container's stderr.
        const std::string line = "islet init: " + message + "\n";
        (void)!::write(STDERR_FILENO, line.data(), line.size());
    }
    ::_exit(1);
}

}  // namespace

void init_main(InitContext& ctx) noexcept {
    sys::sanitizer::open_child_report();  // while the host's files are in reach
    try {
        start(ctx);
        step("join the user namespace", [&] { enter_joined_user_namespace(ctx); });
        step("user namespace", [&] { become_root_in_user_namespace(ctx); });
        step("procfs", [&] { make_procfs(ctx); });
        step("session keyring", [&] { join_session_keyring(ctx); });
        if ((ctx.ns_plan.clone_flags | ctx.ns_plan.unshare_after_user) & CLONE_NEWNET)
            step("loopback", [] { init::bring_up_loopback(); });
        test_hooks::pause_at("after-mounts-start");
        // The cgroup view among the mounts shows the final cgroups; without
        // one, the v1 joins overlap the mounts (docs/ARCHITECTURE.md).
        const bool cgroups_first = ctx.mounts->has(spec::MountKind::cgroup);
        if (cgroups_first) wait_for_cgroups(ctx);
        make_filesystem(ctx);
        if (!cgroups_first) wait_for_cgroups(ctx);
        step("hooks", [&] { run_hooks_mid_setup(ctx); });
        test_hooks::pause_at("after-mounts");
        enter_root(ctx);
        step("hostname", [&] { init::set_hostname(*ctx.config); });
        step("sysctl", [&] { init::write_sysctls(ctx.sysctls, ctx.proc.get()); });
        step("pid namespace", [&] { join_pid_namespace(ctx); });
        const bool terminal = ctx.process && ctx.process->terminal;
        if (terminal) step("console", [&] { init::setup_console(ctx.fds.console.get(), *ctx.process, true); });
        ctx.fds.console.reset();
        if (!ctx.fork_last) step("session", [&] { init::new_session(terminal); });
        if (ctx.mounts->dev_read_only_later()) step("read-only /dev", [] { init::make_dev_read_only(); });
        if (ctx.process)
            ctx.exec_path =
                init::finish_process(*ctx.process, *ctx.security, ctx.env, ctx.proc.get(), ctx.fds.sync.get());
        if (ctx.fork_last) step("pid namespace", [&] { fork_into_pod(ctx); });
        report_ready(ctx);
        test_hooks::pause_at("before-exec");
        run_program(ctx);
    } catch (const std::exception& e) {
        fail(ctx, e.what());
    } catch (...) {
        fail(ctx, "unknown error in the container's init");
    }
}

}  // namespace islet::runtime
