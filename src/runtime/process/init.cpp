// The container's init: what runs between clone3 and the execve of the
// container's process. Init side. Read it as the table of contents of the
// init's life; each step lives in the file that owns its part of the config.
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/keyctl.h>

#include "hooks/hooks.hpp"
#include "runtime/attrs/capabilities.hpp"
#include "runtime/process/console.hpp"
#include "runtime/fs/devices.hpp"
#include "runtime/ns/hostname.hpp"
#include "runtime/process/init_context.hpp"
#include "runtime/fs/masked_paths.hpp"
#include "runtime/fs/mounts.hpp"
#include "runtime/attrs/process_attrs.hpp"
#include "runtime/process/program.hpp"
#include "runtime/attrs/rlimits.hpp"
#include "runtime/fs/rootfs.hpp"
#include "runtime/attrs/seccomp.hpp"
#include "runtime/attrs/security.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/ns/sysctl.hpp"
#include "runtime/process/test_hooks.hpp"
#include "runtime/attrs/user.hpp"
#include "spec/record.hpp"
#include "sys/error.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {
namespace {

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

template <typename F>
void step(const char* name, F&& f) {
    sys::with_context(name, std::forward<F>(f));
}

// Joining a user namespace by path: join it, unshare the new namespaces so it
// owns them, and fork once for a new pid namespace (CLONE_PARENT: the init
// stays the runtime's child). The intermediate process reports the init's pid
// and exits.
void enter_joined_user_namespace(InitContext& ctx) {
    const ns::Plan& p = ctx.ns_plan;
    if (p.user_path.empty()) return;
    sys::UniqueFd user = ns::open_namespace(p.user_path, "user");
    if (::setns(user.get(), CLONE_NEWUSER) < 0) sys::throw_errno("setns into the user namespace", p.user_path);
    if (::unshare(static_cast<int>(p.unshare_after_user & ~static_cast<unsigned long>(CLONE_NEWPID))) < 0)
        sys::throw_errno("unshare the container's namespaces");
    if (!(p.unshare_after_user & CLONE_NEWPID)) return;
    if (::unshare(CLONE_NEWPID) < 0) sys::throw_errno("unshare the pid namespace");
    clone_args args{};
    args.flags = CLONE_PARENT;
    long pid = ::syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) sys::throw_errno("clone3 into the new pid namespace");
    if (pid > 0) {
        sync::send(ctx.sync_fd, sync::Type::exec_pid, std::to_string(pid));
        ::_exit(0);
    }
    // The child: the real init. PDEATHSIG was reset by the fork.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
}

void become_root_in_user_namespace(const InitContext& ctx) {
    if (!ctx.ns_plan.new_user() && ctx.ns_plan.user_path.empty()) return;
    // Files we create during setup must belong to the container's root, and
    // an unmapped id cannot create files at all.
    if (::setresgid(0, 0, 0) < 0) sys::throw_errno("setgid 0 in the user namespace");
    if (::setresuid(0, 0, 0) < 0) sys::throw_errno("setuid 0 in the user namespace");
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
    // possessor: all, user: view/read/write/search/link/setattr, others: search
    unsigned perm = 0x3f3f0000 | (ctx.ns_plan.new_user() ? 0x8 : 0x80000);
    ::syscall(SYS_keyctl, KEYCTL_SETPERM, key, perm);
}

// The state createContainer and startContainer hooks get: "created", with
// the init's pid as the container sees it.
std::string hook_state(const InitContext& ctx) {
    return spec::hook_state_document(spec::state_view(*ctx.record, spec::Status::created, ::getpid()));
}

void run_hooks_mid_setup(InitContext& ctx) {
    // prestart and createRuntime run in the runtime's namespaces: ask it.
    if (ctx.host_hooks) {
        sync::send(ctx.sync_fd, sync::Type::hooks);
        sync::expect(ctx.sync_fd, sync::Type::hooks_done);
    }
    // createContainer runs here, in the container's namespaces, before
    // pivot_root (so its path is still the host's). The status is
    // "created": runtime.md's lifecycle puts these hooks after step 2, and
    // defines `created` as "after step 2" (runtime-tools checks it too).
    hooks::run_phase(ctx.config->hooks.create_container, "createContainer", hook_state(ctx));
}

// Waits until the runtime has moved the init into every cgroup, then
// unshares the cgroup namespace when the config asks for a new one (its root
// is the creator's cgroup at that moment). Before anything that needs the
// final cgroups: the cgroup view among the mounts, the hooks, ready.
void wait_for_cgroups(const InitContext& ctx) {
    sync::expect(ctx.sync_fd, sync::Type::cgroups_done);
    if (ctx.ns_plan.new_cgroup)
        step("cgroup namespace", [&] {
            if (::unshare(CLONE_NEWCGROUP) < 0) sys::throw_errno("unshare the cgroup namespace");
        });
}

// Installs the filter; a notify listener goes to the runtime (which hands it
// to the agent at listenerPath) and our copy is closed.
void install_seccomp(InitContext& ctx, const SeccompProgram& program) {
    sys::UniqueFd listener = init::install_seccomp(program);
    if (listener) sync::send_with_fd(ctx.sync_fd, sync::Type::seccomp_fd, listener.get());
}

[[noreturn]] void fail(int sync_fd, const std::string& message) {
    try {
        sync::send(sync_fd, sync::Type::error, message);
    } catch (...) {
        // The runtime is gone; nothing is listening.
    }
    ::_exit(1);
}

}  // namespace

void init_main(InitContext& ctx) noexcept {
    try {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        // Not dumpable until the final execve: container processes cannot
        // open our /proc/<pid>/exe, fds or memory (CVE-2016-9962 class).
        ::prctl(PR_SET_DUMPABLE, 0);
        init_signals();
        // Only stdio, the preserved fds and what the context names stay open:
        // nothing of the runtime's (its state-dir lock included) lingers here.
        std::vector<int> keep = {ctx.sync_fd,    ctx.fifo_fd, ctx.host_proc_fd, ctx.console_fd,
                                 ctx.stub_fd,    ctx.mounts->rootfs_tree.get()};
        for (auto& m : ctx.mounts->mounts) keep.push_back(m.tree.get());
        sys::close_all_except(3 + ctx.preserved_fds, keep);
        sync::Message go = sync::expect_any(ctx.sync_fd, {sync::Type::mount_fd, sync::Type::go});
        if (go.type == sync::Type::mount_fd) {
            // A rebuilt rootfs (an isolated container's overlay) replaces
            // the clone inherited at clone3.
            if (go.payload != "rootfs") throw sys::Error("sync: unexpected mount_fd " + go.payload);
            ctx.mounts->rootfs_tree = std::move(go.fd);
            go = sync::expect(ctx.sync_fd, sync::Type::go);
        }
        ctx.rootfs_target = std::move(go.fd);
        step("join the user namespace", [&] { enter_joined_user_namespace(ctx); });
        step("user namespace", [&] { become_root_in_user_namespace(ctx); });
        step("session keyring", [&] { join_session_keyring(ctx); });
        test_hooks::pause_at("after-mounts-start");
        const bool own_mnt = ctx.ns_plan.clone_flags & CLONE_NEWNS || ctx.ns_plan.unshare_after_user & CLONE_NEWNS;
        // The cgroup view among the mounts shows the final cgroups; without
        // one, the v1 joins overlap the mounts (docs/ARCHITECTURE.md).
        const bool cgroups_first = ctx.mounts->has(spec::MountKind::cgroup);
        if (cgroups_first) wait_for_cgroups(ctx);
        if (own_mnt) {
            step("open /dev/null", [&] { ctx.devnull = sys::open_path("/dev/null", O_PATH); });
            step("rootfs", [&] { init::prepare_rootfs(ctx); });
            step("mounts", [&] { init::apply_mounts(ctx); });
            step("devices", [&] { init::setup_dev(ctx); });
            step("cwd", [&] { init::create_cwd(ctx); });
            step("readonly paths", [&] { init::readonly_paths(ctx); });
            step("masked paths", [&] { init::mask_paths(ctx); });
        } else {
            // No mount namespace: the container shares the runtime's, as the
            // spec says. The mounts go there too, confined to the rootfs;
            // delete removes them (docs/ARCHITECTURE.md "Mounts").
            step("rootfs", [&] { ctx.rootfd = sys::open_path(ctx.rootfs, O_PATH | O_DIRECTORY); });
            step("mounts", [&] { init::apply_mounts(ctx); });
            step("devices", [&] { init::setup_dev(ctx); });
            step("cwd", [&] { init::create_cwd(ctx); });
        }
        if (ctx.process) step("oom score", [&] { init::set_oom_score_adj(*ctx.process, ctx.host_proc_fd); });
        if (!cgroups_first) wait_for_cgroups(ctx);
        step("hooks", [&] { run_hooks_mid_setup(ctx); });
        test_hooks::pause_at("after-mounts");
        if (own_mnt)
            step("pivot_root", [&] { init::enter_rootfs(ctx); });
        else
            step("chroot", [&] {
                if (::chroot(ctx.rootfs.c_str()) < 0 || ::chdir("/") < 0) sys::throw_errno("chroot", ctx.rootfs);
            });
        // Setup handles are done with: nothing but the barrier's fds stays
        // open while the init waits.
        ctx.rootfd.reset();
        ctx.devnull.reset();
        ctx.rootfs_target.reset();
        ctx.mounts->rootfs_tree.reset();
        for (auto& m : ctx.mounts->mounts) m.tree.reset();
        if (ctx.process && ctx.process->terminal)
            step("console", [&] { init::setup_console(ctx.console_fd, *ctx.process, true); });
        if (ctx.console_fd >= 0) ::close(ctx.console_fd);
        step("hostname", [&] { init::set_hostname(*ctx.config); });
        step("sysctl", [&] { init::write_sysctls(ctx.sysctls, ctx.host_proc_fd); });
        if (ctx.process) {
            const spec::Process& p = *ctx.process;
            const SecurityPlan& sec = *ctx.security;
            step("rlimits", [&] { init::apply_rlimits(p.rlimits); });
            step("environment", [&] { init::ensure_home(ctx.env, p.user.uid); });
            // Still privileged and unfiltered: personality, scheduler, I/O
            // priority, memory policy, LSM exec labels.
            init::apply_process_security(sec, p, ctx.host_proc_fd);
            const int last_cap = kernel_last_cap();
            CapPlan caps = plan_capabilities(p.capabilities, last_cap);
            // Without no_new_privs the kernel takes a filter only from a task
            // with CAP_SYS_ADMIN: install it before the capabilities go (runc).
            if (sec.seccomp && !p.no_new_privileges) step("seccomp", [&] { install_seccomp(ctx, *sec.seccomp); });
            step("user and capabilities", [&] { init::set_identity(p.user, caps, last_cap); });
            step("cwd", [&] { init::enter_cwd(p.cwd); });
            step("no new privileges", [&] { init::set_no_new_privileges(p); });
            ctx.exec_path = init::resolve_program(p.args.front(), ctx.env);
            // With no_new_privs: as late as possible, before `ready` so that a
            // listener reaches its agent first.
            if (sec.seccomp && p.no_new_privileges) step("seccomp", [&] { install_seccomp(ctx, *sec.seccomp); });
        }
        // Ready: the runtime saves the state; after its ack nothing but the
        // barrier is left, and the runtime exits. The death signal goes
        // first: the runtime may exit as soon as the ack is sent. Should it
        // die before acking, the ack's recv sees EOF and the init exits.
        ::prctl(PR_SET_PDEATHSIG, 0);
        sync::send(ctx.sync_fd, sync::Type::ready);
        sync::expect(ctx.sync_fd, sync::Type::ack);
        ::close(ctx.sync_fd);
        ctx.sync_fd = -1;
        test_hooks::pause_at("before-exec");
        sys::UniqueFd barrier = init::wait_for_start(ctx);
        if (!ctx.process) ::_exit(0);  // start refuses a container without a process
        hooks::run_phase(ctx.config->hooks.start_container, "startContainer", hook_state(ctx));
        // The hooks passed; the barrier stays open until the execve closes
        // it, so `start` runs poststart hooks only once the program runs.
        sys::write_all(barrier.get(), "1", "exec fifo");
        init::exec_process(ctx.stub_fd, ctx.preserved_fds, ctx.exec_path, ctx.process->args, ctx.env);
    } catch (const sys::Error& e) {
        if (ctx.sync_fd >= 0) fail(ctx.sync_fd, e.message());
        std::string msg = "islet init: " + e.message() + "\n";
        (void)!::write(STDERR_FILENO, msg.data(), msg.size());
    } catch (const std::exception& e) {
        if (ctx.sync_fd >= 0) fail(ctx.sync_fd, e.what());
    } catch (...) {
        if (ctx.sync_fd >= 0) fail(ctx.sync_fd, "unknown error in the container's init");
    }
    ::_exit(1);
}

}  // namespace islet::runtime
