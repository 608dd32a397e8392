// The runtime process's side of `create`, as a flat list of steps.
#include "runtime/container/create.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>

#include "hooks/hooks.hpp"
#include "runtime/attrs/capabilities.hpp"
#include "runtime/cgroups/cgroups.hpp"
#include "runtime/cgroups/resources.hpp"
#include "runtime/process/exec_stub.hpp"
#include "runtime/ns/userns_maps.hpp"
#include "runtime/fs/idmapped_mounts.hpp"
#include "runtime/isolation/isolation.hpp"
#include "runtime/isolation/kernel_mode.hpp"
#include "runtime/process/init_context.hpp"
#include "runtime/fs/mount_plan.hpp"
#include "runtime/fs/mounts.hpp"
#include "runtime/ns/namespaces.hpp"
#include "runtime/container/notify.hpp"
#include "runtime/container/pid_file.hpp"
#include "runtime/fs/rootfs.hpp"
#include "runtime/process/sealed_exe.hpp"
#include "runtime/attrs/security.hpp"
#include "runtime/container/state_store.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/ns/sysctl.hpp"
#include "runtime/process/test_hooks.hpp"
#include "runtime/ns/time_offsets.hpp"
#include "spec/parse.hpp"
#include "spec/json_gate.hpp"
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

// Undoes a half-made container unless committed (SECURITY.md §3: a failed
// create leaves the environment as if it had never been attempted).
struct Rollback {
    const ContainerDir* dir = nullptr;
    spec::CgroupRecord cgroup;
    bool cgroup_made = false;
    pid_t child = 0;  // our child (the init, or the intermediate process)
    int pidfd = -1;
    std::optional<std::pair<spec::IsletConfig, std::uint64_t>> id_block;  // allocated host ID block
    // Once the init exists, a failed create is the lifecycle's "stop the
    // container and continue at step 12": destroy, then poststop hooks
    // (runtime.md; runc's destroy does the same), so they can undo what
    // prestart-era hooks set up.
    const std::vector<spec::Hook>* poststop = nullptr;
    std::string poststop_state;
    std::string host_mounts_below;  // no mount namespace: mounts made in ours, below the rootfs
    bool committed = false;

    ~Rollback() {
        if (committed) return;
        if (child > 0) {
            if (pidfd >= 0)
                (void)sys::pidfd_send_signal_raw(pidfd, SIGKILL);
            else
                ::kill(child, SIGKILL);
            sys::reap(child);
        }
        if (!host_mounts_below.empty()) {
            try {
                host::unmount_below(host_mounts_below);
            } catch (const sys::Error& e) {
                log::debug("rollback: " + e.message());
            }
        }
        if (cgroup_made) {
            try {
                cgroups::destroy(cgroup);
            } catch (const sys::Error& e) {
                log::debug("rollback: " + e.message());
            }
        }
        if (id_block) {
            try {
                isolation::IdPool(id_block->first).release(id_block->second);
            } catch (const sys::Error& e) {
                log::debug("rollback: " + e.message());
            }
        }
        if (dir) {
            try {
                dir->remove();
            } catch (const sys::Error& e) {
                log::debug("rollback: " + e.message());
            }
        }
        if (poststop && !poststop->empty()) {
            try {
                for (auto& f : hooks::run_phase_collecting(*poststop, "poststop", poststop_state)) log::warning(f);
            } catch (const sys::Error& e) {
                log::warning("rollback: " + e.message());
            }
        }
    }
};

// Checks that need the host or the runtime's tables, reported together.
void host_checks(const spec::Config& c, const MountPlan& mounts, const CreateOptions& o) {
    std::vector<spec::Problem> problems;
    for (size_t i = 0; i < mounts.mounts.size(); ++i) {
        const PlannedMount& m = mounts.mounts[i];
        if (m.options.bind && !m.options.data.empty())
            problems.push_back({"/mounts/" + std::to_string(i) + "/options",
                                "bind mounts cannot have any filesystem-specific options applied (" +
                                    m.options.data_string() + ")"});
        const std::string& dest = m.mount.destination;
        if (!dest.empty() && dest.front() != '/')
            log::warning("mount destination " + dest + " is not absolute; it is taken from /");
    }
    const spec::Linux& l = *c.linux;
    if (o.no_pivot && (l.rootfs_propagation == "rprivate" || l.rootfs_propagation == "private"))
        problems.push_back({"/linux/rootfsPropagation",
                            "rootfsPropagation " + l.rootfs_propagation + " is not safe without pivot_root"});
    if (!c.hostname.empty() && !l.find_namespace("uts"))
        problems.push_back({"/hostname", "unable to set hostname without a private UTS namespace"});
    if (!c.domainname.empty() && !l.find_namespace("uts"))
        problems.push_back({"/domainname", "unable to set domainname without a private UTS namespace"});
    // Without a mount namespace the mounts land in the runtime's (confined to
    // the rootfs, removed by delete); a read-only root would remount a host
    // mount, so it is refused.
    if (c.root && c.root->readonly && !l.find_namespace("mount"))
        problems.push_back({"/root/readonly", "a read-only root needs a mount namespace (add one to linux.namespaces)"});
    if (l.resources)
        for (auto& p : cgroups::resource_problems(*l.resources, cgroups::detect())) problems.push_back(p);
    // The security sections (seccomp, sysctl, LSM labels, personality,
    // scheduler, I/O priority, CPU affinity, memory policy) are checked by
    // host::plan_security (runtime/attrs/security.hpp), right after this.
    if (c.process) {
        const auto& p = *c.process;
        if (p.terminal && o.detach && o.console_socket.empty())
            throw sys::Error("cannot allocate tty if runc will detach without setting console socket");
    }
    if (!o.console_socket.empty() && !(c.process && c.process->terminal && o.detach))
        throw sys::Error("cannot use console socket if runc will not detach or allocate tty");
    spec::throw_problems("config.json", problems);
}

// fds 3.. that pass into the container: LISTEN_FDS for us, then --preserve-fds.
int preserved_fd_count(const CreateOptions& o, std::vector<std::string>& env) {
    int listen = 0;
    const char* lpid = std::getenv("LISTEN_PID");
    const char* lfds = std::getenv("LISTEN_FDS");
    if (lpid && lfds && sys::parse_int(lpid) == ::getpid()) {
        if (auto n = sys::parse_int(lfds); n && *n > 0) listen = static_cast<int>(*n);
    }
    if (listen > 0) {
        env.push_back("LISTEN_FDS=" + std::to_string(listen));
        env.push_back("LISTEN_PID=1");
    }
    const int total = listen + o.preserve_fds;
    for (int i = 0; i < o.preserve_fds; ++i) {
        int fd = 3 + listen + i;
        if (::fcntl(fd, F_GETFD) < 0)
            throw sys::Error("unable to stat preserved-fd " + std::to_string(i) + " (of " +
                             std::to_string(o.preserve_fds) + "): " + sys::describe_errno("fstat", "", errno));
    }
    return total;
}

// The container root's host uid/gid, for the fifo's owner.
std::pair<uid_t, gid_t> container_root_ids(const spec::Linux& l) {
    auto map0 = [](const std::vector<spec::IdMapping>& maps) -> unsigned {
        for (auto& m : maps)
            if (m.container_id == 0) return m.host_id;
        return 0;
    };
    return {map0(l.uid_mappings), map0(l.gid_mappings)};
}

}  // namespace

std::string read_config_text(const std::string& bundle) {
    const std::string path = bundle + "/config.json";
    sys::UniqueFd f;
    try {
        f = sys::open_path(path, O_RDONLY);
    } catch (const sys::Error& e) {
        throw sys::Error("failed to load config.json: " + e.message(), e.code());
    }
    struct stat st = sys::fstat_fd(f.get(), path);
    if (!S_ISREG(st.st_mode)) throw sys::Error(path + ": not a regular file");
    if (static_cast<std::size_t>(st.st_size) > spec::kMaxDocumentBytes)
        throw sys::Error(path + ": document is " + std::to_string(st.st_size) + " bytes, larger than the " +
                         std::to_string(spec::kMaxDocumentBytes) + "-byte limit");
    return sys::read_all(f.get());
}

Created create_container(const CreateOptions& o) {
    // 1. Input: id, config, host checks. Nothing is touched yet.
    validate_container_id(o.id);
    const std::string text = read_config_text(o.bundle);
    spec::Config config = spec::parse_config(text, "config.json");
    spec::throw_problems("config.json", spec::validate_config(config));
    MountPlan mounts = plan_mounts(config);
    host_checks(config, mounts, o);
    host::reexec_sealed(config, config.process ? &*config.process : nullptr);
    const spec::Linux& linux = *config.linux;
    const std::string rootfs = host::resolve_rootfs(o.bundle, config.root->path);
    // Isolated user namespaces (ISOLATION.md §3): decided before the
    // namespace plan and the security plan, which they change.
    isolation::Plan iso;
    spec::IsletConfig settings;
    isolation::FsProcTree proc;
    if (isolation::requested(config)) {
        settings = spec::load_islet_config();
        iso = isolation::plan(config, settings, isolation::kernel_supports_isolation(proc), o.rootless);
    }
    const SecurityPlan security = host::plan_security(config);
    const ns::Plan plan = ns::plan(linux);

    InitContext ctx;
    ctx.config = &config;
    ctx.process = config.process ? &*config.process : nullptr;
    ctx.id = o.id;
    ctx.rootfs = rootfs;
    ctx.ns_plan = plan;
    ctx.security = &security;
    ctx.no_pivot = o.no_pivot;
    ctx.no_new_keyring = o.no_new_keyring;
    ctx.bind_devices = plan.new_user() || !plan.user_path.empty() || sys::in_user_namespace();
    ctx.host_hooks = !config.hooks.prestart.empty() || !config.hooks.create_runtime.empty();
    if (ctx.process) ctx.env = ctx.process->env;
    ctx.preserved_fds = preserved_fd_count(o, ctx.env);
    if (!security.capabilities.unknown.empty())
        log::warning("ignoring unknown or unavailable capabilities: " + sys::join(security.capabilities.unknown, ", "));

    // 2. The cgroup plan (pure), before the record that names it.
    ctx.cgroup_host = cgroups::detect();
    spec::CgroupRecord cg;
    cg.manager = o.systemd_cgroup ? spec::CgroupManager::systemd : spec::CgroupManager::cgroupfs;
    cg.path = cgroups::container_path(linux.cgroups_path, o.id, o.systemd_cgroup);
    auto self = cgroups::parse_self_cgroup(sys::read_file("/proc/self/cgroup"), ctx.cgroup_host);
    cg.dirs = cgroups::plan_dirs(ctx.cgroup_host, cg.path, self);
    if (o.no_cgroups) {
        // --cgroup-manager disabled: the container stays in the caller's
        // cgroups (crun's meaning). Device rules need a cgroup of their own
        // and are dropped with it; limits cannot be honoured at all.
        if (linux.resources) {
            const auto& r = *linux.resources;
            if (r.memory || r.cpu || r.pids || r.block_io || !r.hugepage_limits.empty() || r.network ||
                !r.rdma.empty() || !r.unified.empty())
                throw sys::Error("linux.resources cannot be applied with --cgroup-manager disabled");
        }
        cg.manager = spec::CgroupManager::none;
        cg.dirs.clear();
    }

    // A duplicate id is the first thing to report (mkdirat below stays the
    // real point where one create wins).
    if (::access((o.root + "/" + o.id).c_str(), F_OK) == 0) throw sys::Error("container with given ID already exists");
    // Refuse populated or frozen cgroups before any record names them: the
    // rollback or a later `delete --force` would SIGKILL processes this
    // create never started (cgroupsPath "/" or "/system.slice").
    try {
        cgroups::check_reusable(cg.dirs);
    } catch (sys::Error& e) {
        const bool denied = e.code() == EACCES || e.code() == EPERM;
        if (!(o.rootless && denied)) {
            e.add_context("cgroups");
            throw;
        }
    }

    // 3. The state directory and the "creating" record: from here on,
    //    `delete --force` can always undo what follows.
    StateRoot root = StateRoot::open(o.root, true);
    ContainerDir dir = ContainerDir::create(root, o.id);
    Rollback rb;
    rb.dir = &dir;
    spec::ContainerRecord record;
    record.id = o.id;
    record.creator_pid = ::getpid();
    record.bundle = o.bundle;
    record.rootfs = rootfs;
    record.created = spec::rfc3339_nano_now();
    record.annotations = config.annotations;
    record.cgroup = cg;
    record.private_pid_ns = plan.new_pid() || linux.find_namespace("pid") != nullptr;
    record.rootless = o.rootless;
    record.shares_host_mounts = !linux.find_namespace("mount") && !config.mounts.empty();
    if (record.shares_host_mounts) rb.host_mounts_below = rootfs;
    if (iso.enabled()) {
        record.isolation[isolation::kModeAnnotation] = isolation::mode_name(iso.mode);
        if (iso.needs_block) {
            // Recorded in the registry (owner: this root and id) before use,
            // and in the container's record before any side effect.
            isolation::IdBlock block = isolation::IdPool(settings).allocate(o.root, o.id);
            rb.id_block = std::make_pair(settings, block.index);
            isolation::apply_block(config, block);
            record.isolation[isolation::kBlockAnnotation] = block.text();
            record.id_block = block.index;
        }
    }
    ctx.record = &record;
    dir.write_config(text);
    dir.write_record(record);
    test_hooks::pause_at("after-state-dir");
    if (!notify::host_socket().empty() && ctx.process)
        mounts.mounts.push_back(plan_mount(notify::prepare(dir.path(), ctx.env)));
    // The idmapping of each mount, now that the mappings are final (an ID
    // block becomes the container's mappings).
    choose_idmaps(mounts, linux, iso.enabled());

    // 4. cgroups: made (empty, not frozen), resources and device rules applied.
    if (!cg.dirs.empty()) try {
        rb.cgroup = cg;
        rb.cgroup_made = true;
        cgroups::create_dirs(ctx.cgroup_host, cg.dirs);
        cgroups::setup(ctx.cgroup_host, cg.dirs, linux.resources);
    } catch (sys::Error& e) {
        const bool denied = e.code() == EACCES || e.code() == EPERM || e.code() == EROFS;
        if (!(o.rootless && denied)) {
            e.add_context("cgroups");
            throw;
        }
        // runc: limits cannot be dropped silently.
        if (linux.resources && cgroups::has_limits(*linux.resources))
            throw sys::Error("rootless needs no limits when no permission is granted for cgroups: " + e.message(),
                             e.code());
        // Rootless without cgroup access (podman on v1): run without cgroups.
        cgroups::destroy(cg);
        rb.cgroup_made = false;
        cg.dirs.clear();
        cg.manager = spec::CgroupManager::none;
        record.cgroup = cg;
        dir.write_record(record);
    }
    ctx.cgroup_dirs = cg.dirs;
    test_hooks::pause_at("after-cgroup");

    // 5. What the init inherits: barrier, host /proc, console, exec stub.
    const auto [root_uid, root_gid] = container_root_ids(linux);
    if (::mkfifoat(dir.fd(), "exec.fifo", 0622) < 0) sys::throw_errno("mkfifo", dir.exec_fifo_path());
    ::fchmodat(dir.fd(), "exec.fifo", 0622, 0);
    if (::fchownat(dir.fd(), "exec.fifo", root_uid, root_gid, 0) < 0) sys::throw_errno("chown", dir.exec_fifo_path());
    ctx.fds.fifo = sys::open_at(dir.fd(), "exec.fifo", O_PATH);
    ctx.fds.host_proc = sys::open_path("/proc", O_PATH | O_DIRECTORY);
    // The init sends the pty master to console_for_init: the caller's
    // --console-socket, or (foreground run) a socket pair whose other end
    // islet keeps to proxy the terminal.
    sys::UniqueFd console_for_init, console_ours;
    const bool proxy_tty = ctx.process && ctx.process->terminal && !o.detach && o.console_socket.empty();
    if (!o.console_socket.empty()) {
        console_for_init = sys::connect_unix(o.console_socket, "console socket");
    } else if (proxy_tty) {
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) sys::throw_errno("socketpair");
        console_ours.reset(sv[0]);
        console_for_init.reset(sv[1]);
    }
    ctx.fds.stub = host::make_exec_stub();
    const bool own_mnt = (plan.clone_flags | plan.unshare_after_user) & CLONE_NEWNS;
    host::open_mount_trees(mounts, o.bundle, rootfs);
    ctx.mounts = &mounts;
    sys::UniqueFd unified;
    if (auto it = cg.dirs.find("unified"); it != cg.dirs.end()) unified = cgroups::open_dir(it->second);
    auto [host_sock, init_sock] = sys::seqpacket_pair();
    ctx.fds.sync = std::move(init_sock);
    ctx.fds.console = std::move(console_for_init);

    // 6. One clone3: new namespaces, straight into the unified cgroup. Joined
    //    namespaces are entered by this process around the call. All signals
    //    are blocked so the init starts with none pending its own handlers.
    // Kernel mode: setgroups(2) needs a gid_map, so the init must not carry
    // supplementary groups into a namespace that may have none (ISOLATION.md §2.4).
    if (iso.mode == isolation::Mode::kernel && ::setgroups(0, nullptr) < 0) sys::throw_errno("drop supplementary groups");
    ctx.sysctls = iso.enabled() ? host::write_joined_sysctls(linux, plan, ctx.fds.host_proc.get()) : linux.sysctl;
    sigset_t all, old;
    sigfillset(&all);
    ::sigprocmask(SIG_SETMASK, &all, &old);
    int pidfd = -1;
    long pid = -1;
    int clone_err = 0;
    bool into_cgroup = false;
    {
        ns::HostJoins joins(plan);
        std::optional<host::TimeNamespaceForChildren> timens;
        if (plan.time_with_offsets) timens.emplace(linux.time_offsets);
        clone_args args{};
        args.flags = CLONE_PIDFD | plan.clone_flags;
        args.pidfd = reinterpret_cast<std::uint64_t>(&pidfd);
        args.exit_signal = SIGCHLD;
        if (unified) {
            args.flags |= CLONE_INTO_CGROUP;
            args.cgroup = static_cast<std::uint64_t>(unified.get());
        }
        pid = ::syscall(SYS_clone3, &args, sizeof args);
        if (pid < 0 && unified && (errno == EINVAL || errno == EOPNOTSUPP || errno == E2BIG)) {
            args.flags &= ~static_cast<std::uint64_t>(CLONE_INTO_CGROUP);
            args.cgroup = 0;
            pid = ::syscall(SYS_clone3, &args, sizeof args);
        } else if (pid >= 0 && unified) {
            into_cgroup = true;
        }
        if (pid == 0) init_main(ctx);  // never returns
        clone_err = errno;
        if (timens) timens->restore();
        joins.restore();
    }
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    if (pid < 0) sys::throw_errno_code(clone_err, "clone3");
    rb.child = static_cast<pid_t>(pid);
    rb.pidfd = pidfd;
    rb.poststop = &config.hooks.poststop;
    rb.poststop_state = spec::hook_state_document(spec::state_view(record, spec::Status::stopped, 0));
    sys::UniqueFd owned_pidfd(pidfd);
    // The init's ends: closed here so that its death reads as EOF.
    ctx.fds.sync.reset();
    ctx.fds.console.reset();

    // 7. Identity of the init, then let it go; its v1 cgroup joins overlap
    //    its mounts (the first write into a v1 cgroup.procs waits out an RCU
    //    grace period), and it waits for cgroups_done before anything that
    //    needs them (docs/ARCHITECTURE.md).
    if (iso.mode == isolation::Mode::kernel)
        isolation::isolate_user_namespace(proc, static_cast<pid_t>(pid), host::format_id_map(linux.uid_mappings),
                                          host::format_id_map(linux.gid_mappings));
    else if (plan.new_user())
        host::write_id_maps(static_cast<pid_t>(pid), linux.uid_mappings, linux.gid_mappings);
    sys::UniqueFd rebuilt_rootfs;
    if (iso.enabled() || mounts.wants_idmaps())
        rebuilt_rootfs = host::apply_idmaps(mounts, linux, static_cast<pid_t>(pid), iso.enabled(), rootfs);
    // A joined user namespace forks the real init right after go: it must
    // inherit the cgroups, so there they come first.
    const bool join_first = !plan.user_path.empty();
    if (join_first) cgroups::join(cg.dirs, static_cast<pid_t>(pid), into_cgroup ? "unified" : "");
    // The rootfs directory as the init's mount namespace has it, opened with
    // our credentials (the init may not be allowed to walk there).
    if (own_mnt) {
        if (rebuilt_rootfs) sync::send_with_fd(host_sock.get(), sync::Type::mount_fd, rebuilt_rootfs.get(), "rootfs");
        sys::UniqueFd target =
            sys::open_path("/proc/" + std::to_string(pid) + "/root" + rootfs, O_PATH | O_DIRECTORY);
        sync::send_with_fd(host_sock.get(), sync::Type::go, target.get());
    } else {
        sync::send(host_sock.get(), sync::Type::go);
    }
    if (!join_first) cgroups::join(cg.dirs, static_cast<pid_t>(pid), into_cgroup ? "unified" : "");
    try {
        sync::send(host_sock.get(), sync::Type::cgroups_done);
    } catch (const sys::Error&) {
        // The init already failed and closed its end; its error message is
        // still queued for the loop below, which reports it.
    }

    // 8. Serve the init until it is ready.
    pid_t init_pid = static_cast<pid_t>(pid);
    for (;;) {
        sync::Message m;
        try {
            m = sync::recv(host_sock.get());
        } catch (const sys::Error&) {
            int status = 0;
            ::waitpid(rb.child, &status, 0);
            rb.child = 0;
            throw sys::Error("unable to start container process: the container's init exited during setup" +
                             std::string(WIFSIGNALED(status) ? " (killed by " + std::string(::strsignal(WTERMSIG(status))) + ")" : ""));
        }
        if (m.type == sync::Type::ready) break;
        if (m.type == sync::Type::error) throw sys::Error("unable to start container process: " + m.payload);
        if (m.type == sync::Type::exec_pid) {
            // Joined user namespace with a new pid namespace: the real init is
            // the intermediate's CLONE_PARENT child (ours).
            auto n = sys::parse_int(m.payload);
            if (!n) throw sys::Error("sync: bad pid from the init");
            sys::reap(rb.child);
            init_pid = static_cast<pid_t>(*n);
            rb.child = init_pid;
            owned_pidfd = sys::pidfd_open(init_pid);
            rb.pidfd = owned_pidfd.get();
            continue;
        }
        if (m.type == sync::Type::seccomp_fd) {
            // SCMP_ACT_NOTIFY: the listener goes to the agent at listenerPath
            // with runc's containerProcessState; our copy closes with m.
            if (!m.fd || !security.seccomp || !security.seccomp->listener)
                throw sys::Error("sync: unexpected seccomp listener from the init");
            const std::string state = spec::container_process_state_document(
                spec::state_view(record, spec::Status::creating, init_pid), linux.seccomp->listener_metadata);
            sys::with_context("seccomp listener", [&] {
                host::send_seccomp_listener(linux.seccomp->listener_path, state, m.fd.get());
            });
            continue;
        }
        if (m.type == sync::Type::hooks) {
            // Lifecycle steps 3 and 4 come after step 2, whose end is the
            // `created` status (runtime.md), as runtime-tools' hooks_stdin
            // expects; runc sends "creating" here.
            std::string state = spec::hook_state_document(spec::state_view(record, spec::Status::created, init_pid));
            hooks::run_phase(config.hooks.prestart, "prestart", state);
            hooks::run_phase(config.hooks.create_runtime, "createRuntime", state);
            sync::send(host_sock.get(), sync::Type::hooks_done);
            continue;
        }
        throw sys::Error(std::string("sync: unexpected message ") + sync::type_name(m.type));
    }

    // 9. Record, pid file, go-ahead. The init is now "created".
    auto st = sys::read_proc_stat(init_pid);
    if (!st) throw sys::Error("unable to start container process: the container's init vanished");
    record.phase = spec::Phase::created;
    record.pid = init_pid;
    record.start_time = st->start_time;
    for (const auto& type : spec::namespace_types()) {
        const spec::Namespace* n = linux.find_namespace(type);
        if (!n) continue;
        record.namespaces[type] =
            n->path.empty() ? "/proc/" + std::to_string(init_pid) + "/ns/" + spec::namespace_proc_name(type) : n->path;
    }
    dir.write_record(record);
    if (!o.pid_file.empty()) write_pid_file(o.pid_file, init_pid);
    if (!o.pidfd_socket.empty()) {
        sys::UniqueFd s = sys::connect_unix(o.pidfd_socket, "pidfd socket");
        sys::send_fd(s.get(), owned_pidfd.get(), "pidfd");
    }
    sync::send(host_sock.get(), sync::Type::ack);

    Created out;
    out.pid = init_pid;
    out.pidfd = std::move(owned_pidfd);
    out.record = record;
    if (proxy_tty) out.pty_master = sys::recv_fd(console_ours.get()).first;
    rb.committed = true;
    return out;
}

}  // namespace islet::runtime
