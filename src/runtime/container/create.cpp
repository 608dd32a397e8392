// The runtime process's side of `create`: create_container lists the steps,
// each a function below.
#include "runtime/container/create.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "hooks/hooks.hpp"
#include "runtime/attrs/lsm.hpp"
#include "runtime/attrs/process_attrs.hpp"
#include "runtime/attrs/security.hpp"
#include "runtime/cgroups/cgroups.hpp"
#include "runtime/cgroups/resources.hpp"
#include "runtime/cgroups/systemd.hpp"
#include "runtime/container/launch.hpp"
#include "runtime/container/notify.hpp"
#include "runtime/container/pid_file.hpp"
#include "runtime/container/rollback.hpp"
#include "runtime/container/state_store.hpp"
#include "runtime/fs/idmapped_mounts.hpp"
#include "runtime/fs/mount_plan.hpp"
#include "runtime/fs/rootfs.hpp"
#include "runtime/isolation/isolation.hpp"
#include "runtime/isolation/kernel_mode.hpp"
#include "runtime/isolation/pod.hpp"
#include "runtime/ns/namespaces.hpp"
#include "runtime/ns/sysctl.hpp"
#include "runtime/ns/time_offsets.hpp"
#include "runtime/ns/userns_maps.hpp"
#include "runtime/process/exec_stub.hpp"
#include "runtime/process/init_context.hpp"
#include "runtime/process/sealed_exe.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/process/test_hooks.hpp"
#include "spec/names.hpp"
#include "spec/parse.hpp"
#include "spec/validate.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"
#include "sys/proc.hpp"
#include "sys/procfs.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {
namespace {

// The fds 3.. that pass into the container: LISTEN_FDS for us, then
// --preserve-fds (each must be open).
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
    launch::check_preserved_fds(3 + listen, o.preserve_fds);
    return listen + o.preserve_fds;
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

// Checks that need the host or the runtime's tables, reported together.
void host_checks(const spec::Config& c, const MountPlan& mounts, const CreateOptions& o) {
    std::vector<spec::Problem> problems;
    for (size_t i = 0; i < mounts.mounts.size(); ++i) {
        const PlannedMount& m = mounts.mounts[i];
        // A bind creates no filesystem to take them (runc ignores them too).
        if (m.options.bind && !m.options.data.empty())
            log::debug("mounts[" + std::to_string(i) + "]: " + m.describe() +
                       ": filesystem options on a bind mount are ignored (" + m.options.data_string() + ")");
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
        problems.push_back(
            {"/root/readonly", "a read-only root needs a mount namespace (add one to linux.namespaces)"});
    if (l.resources)
        for (auto& p : cgroups::resource_problems(*l.resources, cgroups::detect())) problems.push_back(p);
    // The security sections (seccomp, sysctl, LSM labels, personality,
    // scheduler, I/O priority, CPU affinity, memory policy) are checked by
    // host::plan_security (runtime/attrs/security.hpp), right after this.
    launch::check_terminal_flags(c.process && c.process->terminal, o.detach, o.console_socket);
    spec::throw_problems("config.json", problems);
}

// The state of one create, as its steps fill it in. Members are destroyed in
// reverse order: the rollback (which reads dir and the pidfd) goes first.
class Creation {
public:
    explicit Creation(const CreateOptions& o) : o_(o) {}

    void read_input();
    void plan_cgroup();
    void make_state_dir();
    void make_cgroups();
    void prepare_inherited();
    void start_init();
    void start_scope();
    void hand_over();
    void serve();
    Created commit();

private:
    bool own_mount_namespace() const { return (plan_.clone_flags | plan_.unshare_after_user) & CLONE_NEWNS; }
    // --systemd-cgroup: a scope needs a process, so the cgroups are made
    // after clone3 (start_scope), not before it (make_cgroups).
    bool scope_after_clone() const { return cg_.manager == spec::CgroupManager::systemd; }
    void find_pod();
    void allocate_id_block();
    void join_id_block();
    void run_create_hooks();
    void init_forked(pid_t pid);
    std::string init_died();

    const CreateOptions& o_;
    // 1. input
    std::string text_;
    spec::Config config_;
    spec::IsletConfig settings_;
    isolation::FsProcTree proc_;
    isolation::Plan iso_;
    std::optional<isolation::Pod> pod_;  // an isolated pod this container joins
    std::string rootfs_;
    SecurityPlan security_;
    ns::Plan plan_;
    MountPlan mounts_;
    // 2.-4. the cgroups, the record and its directory
    spec::CgroupRecord cg_;
    spec::ContainerRecord record_;
    std::optional<StateRoot> root_;
    std::optional<ContainerDir> dir_;
    // 5. what the init inherits, and what stays here
    InitContext ctx_;
    launch::ConsoleChannel console_;
    sys::UniqueFd unified_;  // the unified cgroup, for CLONE_INTO_CGROUP
    sys::UniqueFd sock_;     // our end of the sync socket
    // 6. the init
    pid_t init_pid_ = 0;
    sys::UniqueFd pidfd_;
    bool into_cgroup_ = false;
    // euid != 0: rootless islet (not root in an engine's user namespace,
    // which may mount and write any map of its own ranges).
    bool unprivileged_ = false;
    Rollback rollback_;
};

// 1. Input: id, config, host checks, the plans. Nothing is touched yet.
void Creation::read_input() {
    // First, so that the config is parsed and checked once, by the sealed islet.
    host::reexec_sealed();
    validate_container_id(o_.id);
    unprivileged_ = ::geteuid() != 0;
    text_ = read_config_text(o_.bundle);
    config_ = spec::parse_config(text_, "config.json");
    spec::throw_problems("config.json", spec::validate_config(config_));
    mounts_ = plan_mounts(config_);
    host_checks(config_, mounts_, o_);
    rootfs_ = host::resolve_rootfs(o_.bundle, config_.root->path);
    // Isolated user namespaces (ISOLATION.md §3): decided before the
    // namespace plan and the security plan, which they change. A member of
    // an isolated pod joins the pod's user namespace (docs/ISOLATION.md "Pods").
    find_pod();
    if (pod_) {
        iso_ = isolation::plan_member(config_, pod_->member);
        ctx_.fds.userns = std::move(pod_->userns);
    } else if (isolation::requested(config_)) {
        settings_ = spec::load_islet_config();
        std::optional<isolation::Caller> caller;
        if (unprivileged_) {
            // Rootless: blocks of the caller's own subordinate ranges.
            settings_ = isolation::host::rootless_pool_settings(settings_);
            caller = isolation::Caller{::geteuid(), ::getegid()};
        }
        iso_ = isolation::plan(config_, settings_, !unprivileged_ && isolation::kernel_supports_isolation(proc_),
                               o_.rootless, caller);
    }
    // An unprivileged runtime can make no namespace, mount or map without
    // a user namespace of the container's own: runc's check and message.
    if (unprivileged_ && !config_.linux->find_namespace("user"))
        throw sys::Error("rootless container requires user namespaces");
    security_ = host::plan_security(config_);
    plan_ = ns::plan(*config_.linux);
    if (config_.process) ctx_.env = config_.process->env;
    ctx_.preserved_fds = preserved_fd_count(o_, ctx_.env);
    if (!security_.capabilities.unknown.empty())
        log::warning("ignoring unknown or unavailable capabilities: " +
                     sys::join(security_.capabilities.unknown, ", "));
}

// Whether the namespaces the config joins belong to an isolated container's
// user namespace (the kernel says who owns them: isolation/pod.hpp).
void Creation::find_pod() {
    const auto& ns = config_.linux->namespaces;
    if (std::none_of(ns.begin(), ns.end(), [](const spec::Namespace& n) { return !n.path.empty(); })) return;
    pod_ = isolation::host::find_pod(*config_.linux, [&] {
        spec::IsletConfig s = spec::load_islet_config();
        if (unprivileged_) try {
                s = isolation::host::rootless_pool_settings(s);
            } catch (const sys::Error& e) {
                // No subordinate ranges: no rootless isolated container either.
                log::debug("isolated pods: no rootless registry: " + e.message());
                return std::vector<std::string>{};
            }
        return std::vector<std::string>{s.registry};
    });
}

// 2. The cgroup plan (pure), before the record that names it; a duplicate id
//    and a cgroup in use are refused before anything is made.
void Creation::plan_cgroup() {
    const spec::Linux& linux = *config_.linux;
    ctx_.cgroup_host = cgroups::detect();
    cg_.manager = o_.systemd_cgroup ? spec::CgroupManager::systemd : spec::CgroupManager::cgroupfs;
    cg_.path = cgroups::container_path(linux.cgroups_path, o_.id, o_.systemd_cgroup);
    auto self = cgroups::parse_self_cgroup(sys::read_file("/proc/self/cgroup"), ctx_.cgroup_host);
    cg_.dirs = cgroups::plan_dirs(ctx_.cgroup_host, cg_.path, self);
    if (o_.no_cgroups) {
        // --cgroup-manager disabled: the container stays in the caller's
        // cgroups (crun's meaning). Device rules need a cgroup of their own
        // and are dropped with it; limits cannot be honoured at all.
        if (linux.resources) {
            const auto& r = *linux.resources;
            if (r.memory || r.cpu || r.pids || r.block_io || !r.hugepage_limits.empty() || r.network ||
                !r.rdma.empty() || !r.unified.empty())
                throw sys::Error("linux.resources cannot be applied with --cgroup-manager disabled");
        }
        cg_.manager = spec::CgroupManager::none;
        cg_.dirs.clear();
    }
    // systemd: runc's error without it, the unit named and the annotations
    // checked, before anything is made.
    if (cg_.manager == spec::CgroupManager::systemd)
        cgroups::systemd::plan(cg_, ctx_.cgroup_host, config_, o_.id, o_.rootless);
    // A duplicate id is the first thing to report (mkdirat below stays the
    // real point where one create wins).
    if (::access((o_.root + "/" + o_.id).c_str(), F_OK) == 0)
        throw sys::Error("container with given ID already exists");
    // Refuse populated or frozen cgroups before any record names them: the
    // rollback or a later `delete --force` would SIGKILL processes this
    // create never started (cgroupsPath "/" or "/system.slice").
    try {
        cgroups::check_reusable(cg_.dirs);
    } catch (sys::Error& e) {
        const bool denied = e.code() == EACCES || e.code() == EPERM;
        if (!(o_.rootless && denied)) {
            e.add_context("cgroups");
            throw;
        }
    }
}

// 3. The state directory and the "creating" record: from here on, `delete
//    --force` can always undo what follows.
void Creation::make_state_dir() {
    const spec::Linux& linux = *config_.linux;
    root_ = StateRoot::open(o_.root, true);
    dir_ = ContainerDir::create(*root_, o_.id);
    rollback_.dir = &*dir_;
    record_.id = o_.id;
    record_.creator_pid = ::getpid();
    record_.bundle = o_.bundle;
    record_.rootfs = rootfs_;
    record_.created = spec::rfc3339_nano_now();
    record_.annotations = config_.annotations;
    record_.cgroup = cg_;
    record_.private_pid_ns = plan_.new_pid() || linux.find_namespace("pid") != nullptr;
    record_.rootless = o_.rootless;
    record_.shares_host_mounts = !linux.find_namespace("mount") && !config_.mounts.empty();
    if (record_.shares_host_mounts) rollback_.host_mounts_below = rootfs_;
    if (iso_.enabled()) {
        record_.isolation[isolation::kModeAnnotation] = isolation::mode_name(iso_.mode);
        if (iso_.needs_block) allocate_id_block();
        if (iso_.pod_member) {
            record_.isolation[isolation::kPodAnnotation] = pod_->member.sandbox;
            const auto& u = config_.linux->uid_mappings;
            if (!u.empty())
                record_.isolation[isolation::kBlockAnnotation] =
                    isolation::IdBlock{0, u[0].host_id, u[0].size, u[0].host_id}.text();
            if (pod_->block && pod_->block->index) join_id_block();
        }
    }
    dir_->write_config(text_);
    dir_->write_record(record_);
    test_hooks::pause_at("after-state-dir");
    if (!notify::host_socket().empty() && config_.process)
        mounts_.mounts.push_back(plan_mount(notify::prepare(dir_->path(), ctx_.env)));
    // The idmapping of each mount, now that the mappings are final (an ID
    // block becomes the container's mappings).
    choose_idmaps(mounts_, linux, iso_.enabled());
}

// Ranges mode: the claim (registry and a fresh owner token) goes into the
// record first, then the block into the registry under that token. A kill
// at any point leaves either no block, or a record that names what `delete
// --force` frees (only a block that still carries this token), or a block
// whose owner `islet blocks gc` can see is gone.
void Creation::allocate_id_block() {
    record_.id_block = spec::IdBlockRecord{settings_.registry, isolation::new_owner_token(), std::nullopt};
    rollback_.id_block = record_.id_block;
    dir_->write_record(record_);
    test_hooks::pause_at("before-block");
    const isolation::BlockOwner owner{record_.id_block->token, o_.root, o_.id, ::getpid()};
    isolation::IdBlock block = isolation::IdPool(settings_).allocate(owner);
    record_.id_block->index = rollback_.id_block->index = block.index;
    isolation::apply_block(config_, block);
    record_.isolation[isolation::kBlockAnnotation] = block.text();
}

// A pod's member holds the pod's block beside it, under a token of its own
// (the same order as allocate_id_block: the claim is in the record first),
// so the block is freed only with its last holder, whichever goes last.
void Creation::join_id_block() {
    const spec::IdBlockRecord pod = *pod_->block;
    record_.id_block = spec::IdBlockRecord{pod.registry, isolation::new_owner_token(), pod.index};
    rollback_.id_block = record_.id_block;
    dir_->write_record(record_);
    test_hooks::pause_at("before-block");
    isolation::join_block(pod.registry, *pod.index, pod.token, {record_.id_block->token, o_.root, o_.id, ::getpid()});
}

// 4. cgroups: made (empty, not frozen), resources and device rules applied.
//    A systemd scope waits for the init's pid (start_scope).
void Creation::make_cgroups() {
    const spec::Linux& linux = *config_.linux;
    if (!cg_.dirs.empty() && !scope_after_clone()) try {
            rollback_.cgroup = cg_;
            cgroups::create_dirs(ctx_.cgroup_host, cg_.dirs);
            cgroups::setup(ctx_.cgroup_host, cg_.dirs, linux.resources, !unprivileged_ && !sys::in_user_namespace());
        } catch (sys::Error& e) {
            const bool denied = e.code() == EACCES || e.code() == EPERM || e.code() == EROFS;
            if (!(o_.rootless && denied)) {
                e.add_context("cgroups");
                throw;
            }
            // runc: limits cannot be dropped silently.
            if (linux.resources && cgroups::has_limits(*linux.resources))
                throw sys::Error("rootless needs no limits when no permission is granted for cgroups: " + e.message(),
                                 e.code());
            // Rootless without cgroup access (podman on v1, a plain user on
            // a host without a delegated subtree): run without cgroups, and
            // say so once, at debug level, as runc does.
            log::debug("rootless: no permission for cgroups (" + e.message() + "); running without cgroups");
            cgroups::destroy(cg_);
            rollback_.cgroup.reset();
            cg_.dirs.clear();
            cg_.manager = spec::CgroupManager::none;
            record_.cgroup = cg_;
            dir_->write_record(record_);
        }
    ctx_.cgroup_dirs = cg_.dirs;
    test_hooks::pause_at("after-cgroup");
}

// 5. What the init inherits: its context, the barrier, the host's /proc, the
//    console, the exec stub, the mount trees, the sync socket.
void Creation::prepare_inherited() {
    const spec::Linux& linux = *config_.linux;
    // A pid namespace joined by path: the init sets up outside it and forks
    // the container's init into it after pivot_root (issue 10), where the
    // kernel's procfs can show it to a process outside it.
    const auto pid_join =
        std::find_if(plan_.joins.begin(), plan_.joins.end(), [](const auto& j) { return j.first == "pid"; });
    if (pid_join != plan_.joins.end() && sys::procfs_takes_pidns()) {
        ctx_.fds.pidns = ns::open_namespace(pid_join->second, "pid");
        plan_.pid_after_root = true;
        ctx_.fork_last = !config_.process || finishes_before_fork(security_, *config_.process);
        if (ctx_.fork_last && config_.process && init::has_exec_labels(*config_.process))
            ctx_.fds.label_proc = sys::own_task_procfs();
    }
    ctx_.config = &config_;
    ctx_.process = config_.process ? &*config_.process : nullptr;
    ctx_.record = &record_;
    ctx_.id = o_.id;
    ctx_.rootfs = rootfs_;
    ctx_.ns_plan = plan_;
    ctx_.security = &security_;
    ctx_.no_pivot = o_.no_pivot;
    ctx_.no_new_keyring = o_.no_new_keyring;
    ctx_.bind_devices = plan_.new_user() || !plan_.user_path.empty() || sys::in_user_namespace();
    ctx_.dumpable_until_go = unprivileged_ && plan_.new_user();
    ctx_.host_hooks = !config_.hooks.prestart.empty() || !config_.hooks.create_runtime.empty();
    const auto [root_uid, root_gid] = container_root_ids(linux);
    if (::mkfifoat(dir_->fd(), "exec.fifo", 0622) < 0) sys::throw_errno("mkfifo", dir_->exec_fifo_path());
    ::fchmodat(dir_->fd(), "exec.fifo", 0622, 0);
    // Rootless: the fifo stays ours (a chown to another id is refused);
    // its 0622 lets a container root mapped elsewhere open it for writing.
    if (!unprivileged_ && ::fchownat(dir_->fd(), "exec.fifo", root_uid, root_gid, 0) < 0)
        sys::throw_errno("chown", dir_->exec_fifo_path());
    ctx_.fds.fifo = sys::open_at(dir_->fd(), "exec.fifo", O_PATH);
    const bool shares_pid_ns = !plan_.new_pid() && pid_join == plan_.joins.end();
    if (shares_pid_ns) {
        ctx_.fds.shared_proc = sys::new_procfs(false);
        ctx_.fds.shared_task_proc = sys::new_procfs(true);
    }
    // The init sends the pty master to the caller's --console-socket, or (a
    // foreground run) over a socket pair whose other end islet keeps.
    console_ = launch::open_console_channel(ctx_.process && ctx_.process->terminal, o_.detach, o_.console_socket);
    ctx_.fds.console = std::move(console_.for_child);
    ctx_.fds.stub = host::make_exec_stub();
    host::open_mount_trees(mounts_, o_.bundle, rootfs_);
    // The kernel idmaps a mount only for a caller privileged over the
    // filesystem's user namespace (the host's): never a rootless one.
    if (mounts_.cloned_by_init && mounts_.wants_idmaps())
        throw sys::Error("idmapped mounts (mounts[].uidMappings, idmap, ridmap) need islet to run as root");
    ctx_.mounts = &mounts_;
    if (auto it = cg_.dirs.find("unified"); it != cg_.dirs.end() && !scope_after_clone())
        unified_ = cgroups::open_dir(it->second);
    auto [ours, theirs] = sys::seqpacket_pair();
    sock_ = std::move(ours);
    ctx_.fds.sync = std::move(theirs);
}

// 6. One clone3: new namespaces, straight into the unified cgroup. Joined
//    namespaces are entered by this process around the call, and all
//    signals are blocked so the init starts with none pending its handlers.
void Creation::start_init() {
    const spec::Linux& linux = *config_.linux;
    // Kernel mode: setgroups(2) needs a gid_map, so the init must not carry
    // supplementary groups into a namespace that may have none (ISOLATION.md §2.4).
    if (iso_.mode == isolation::Mode::kernel && ::setgroups(0, nullptr) < 0)
        sys::throw_errno("drop supplementary groups");
    if (iso_.enabled()) {
        sys::UniqueFd proc = sys::open_path("/proc", O_PATH | O_DIRECTORY);
        ctx_.sysctls = host::write_joined_sysctls(linux, plan_, proc.get());
    } else {
        ctx_.sysctls = linux.sysctl;
    }
    {
        launch::BlockedSignals blocked;
        auto clone_init = [&](std::uint64_t extra) {
            std::optional<host::TimeNamespaceForChildren> timens;
            if (plan_.time_with_offsets) timens.emplace(linux.time_offsets);
            return launch::clone_into(plan_.clone_flags | extra, unified_.get(), [&] { init_main(ctx_); });
        };
        // Joined namespaces: entered by a throwaway helper, never left
        // (docs/ARCHITECTURE.md "Processes").
        launch::Cloned init = !plan_.helper_joins() ? clone_init(0) : launch::clone_from_helper([&] {
            if (ns::enter_joins(plan_)) {
                // In the helper only: clone3 makes what the init would
                // have unshared after joining the user namespace.
                plan_.clone_flags |= plan_.unshare_after_user;
                plan_.unshare_after_user = 0;
                plan_.user_joined = true;
                ctx_.ns_plan = plan_;
            }
            return clone_init(CLONE_PARENT);
        });
        init_pid_ = init.pid;
        pidfd_ = std::move(init.pidfd);
        into_cgroup_ = init.into_cgroup;
    }
    rollback_.child = init_pid_;
    rollback_.pidfd = pidfd_.get();
    rollback_.poststop = &config_.hooks.poststop;
    rollback_.poststop_state = spec::hook_state_document(spec::state_view(record_, spec::Status::stopped, 0));
    // The init's ends: closed here so that its death reads as EOF.
    ctx_.fds.sync.reset();
    ctx_.fds.console.reset();
}

// 6b. --systemd-cgroup: the scope is started with the init, which waits at
//     `go` in islet's cgroup (systemd moves it); then the v1 directories
//     systemd does not manage, the resources and the device rules, as
//     make_cgroups does for cgroupfs, before the init runs.
void Creation::start_scope() {
    if (!scope_after_clone()) return;
    cgroups::systemd::start_scope(ctx_.cgroup_host, cg_, config_, o_.id, init_pid_);
    rollback_.cgroup = cg_;
    cgroups::systemd::setup_scope(ctx_.cgroup_host, cg_, config_.linux->resources);
    test_hooks::pause_at("after-scope");
}

// 7. The init's identity, then let it go: uid/gid maps, idmapped trees, the
//    rootfs mount point, `go`. Its v1 cgroup joins overlap its mounts (the
//    first write into a v1 cgroup.procs waits out an RCU grace period), and
//    it waits for cgroups_done before anything that needs them.
void Creation::hand_over() {
    const spec::Linux& linux = *config_.linux;
    if (iso_.mode == isolation::Mode::kernel && plan_.new_user())
        isolation::isolate_user_namespace(proc_, init_pid_, host::format_id_map(linux.uid_mappings),
                                          host::format_id_map(linux.gid_mappings));
    else if (plan_.new_user() && unprivileged_)
        host::write_rootless_id_maps(init_pid_, linux.uid_mappings, linux.gid_mappings);
    else if (plan_.new_user())
        host::write_id_maps(init_pid_, linux.uid_mappings, linux.gid_mappings);
    sys::UniqueFd rebuilt_rootfs;
    // Rootless: nothing to idmap (refused above; an isolated rootfs stays
    // as it is, docs/ISOLATION.md "Rootless").
    if ((iso_.enabled() || mounts_.wants_idmaps()) && !mounts_.cloned_by_init) {
        // The container's user namespace: a pod's (the init enters it only
        // after go), else the one clone3 made.
        sys::UniqueFd own;
        if (!ctx_.fds.userns) own = sys::open_path("/proc/" + std::to_string(init_pid_) + "/ns/user", O_RDONLY);
        const int userns = ctx_.fds.userns ? ctx_.fds.userns.get() : own.get();
        rebuilt_rootfs = host::apply_idmaps(mounts_, linux, userns, iso_.enabled() && !iso_.engine_maps, rootfs_);
    }
    // A joined user namespace forks the real init right after go: it must
    // inherit the cgroups, so there they come first.
    const bool join_first = !plan_.user_path.empty();
    const std::string skip = into_cgroup_ ? "unified" : "";
    if (join_first) cgroups::join(cg_.dirs, init_pid_, skip);
    // Before go: the init may be in a new user namespace already.
    if (config_.process) host::set_oom_score_adj(init_pid_, *config_.process);
    // The rootfs directory as the init's mount namespace has it, opened with
    // our credentials (the init may not be allowed to walk there).
    if (own_mount_namespace() && !mounts_.cloned_by_init) {
        if (rebuilt_rootfs) sync::send_with_fd(sock_.get(), sync::Type::mount_fd, rebuilt_rootfs.get(), "rootfs");
        sys::UniqueFd target =
            sys::open_path("/proc/" + std::to_string(init_pid_) + "/root" + rootfs_, O_PATH | O_DIRECTORY);
        sync::send_with_fd(sock_.get(), sync::Type::go, target.get());
    } else {
        sync::send(sock_.get(), sync::Type::go);
    }
    if (!join_first) cgroups::join(cg_.dirs, init_pid_, skip);
    try {
        sync::send(sock_.get(), sync::Type::cgroups_done);
    } catch (const sys::Error&) {
        // The init already failed and closed its end; its error message is
        // still queued for serve(), which reports it.
    }
}

// Lifecycle steps 3 and 4 come after step 2, whose end is the `created`
// status (runtime.md), as runtime-tools' hooks_stdin expects; runc sends
// "creating" here.
void Creation::run_create_hooks() {
    const std::string state = spec::hook_state_document(spec::state_view(record_, spec::Status::created, init_pid_));
    hooks::run_phase(config_.hooks.prestart, "prestart", state);
    hooks::run_phase(config_.hooks.create_runtime, "createRuntime", state);
    sync::send(sock_.get(), sync::Type::hooks_done);
}

// A joined user namespace with a new pid namespace: the real init is the
// intermediate's CLONE_PARENT child (ours); the intermediate exits.
void Creation::init_forked(pid_t pid) {
    sys::reap(rollback_.child);
    init_pid_ = pid;
    rollback_.child = pid;
    pidfd_ = sys::pidfd_open(pid);
    rollback_.pidfd = pidfd_.get();
}

std::string Creation::init_died() {
    const int status = sys::reap(rollback_.child);
    rollback_.child = 0;
    std::string why;
    if (status >= 0 && WIFSIGNALED(status)) why = " (killed by " + std::string(::strsignal(WTERMSIG(status))) + ")";
    return "unable to start container process: the container's init exited during setup" + why;
}

// 8. Serve the init until it is ready: hooks, the real init's pid, a seccomp
//    notify listener for its agent.
void Creation::serve() {
    launch::Serve s;
    s.sock = sock_.get();
    s.peer = "init";
    if (security_.seccomp && security_.seccomp->listener) s.listener = &*config_.linux->seccomp;
    s.state = [&] { return spec::state_view(record_, spec::Status::creating, init_pid_); };
    s.hooks = [&] { run_create_hooks(); };
    s.exec_pid = [&](pid_t pid) { init_forked(pid); };
    // A joined user namespace may fork too, or not (the helper decides, in
    // its own memory): only the pod's fork is certain here.
    s.fork_expected = plan_.pid_after_root;
    s.listener_before_pid = ctx_.fork_last && !(security_.seccomp && security_.seccomp->fork_notified);
    s.pidfd = [&] { return pidfd_.get(); };
    s.died = [&] { return init_died(); };
    launch::serve_until_ready(s);
}

// 9. Record, pid file, go-ahead. The init is now "created".
Created Creation::commit() {
    const spec::Linux& linux = *config_.linux;
    auto st = sys::read_proc_stat(init_pid_);
    if (!st) throw sys::Error("unable to start container process: the container's init vanished");
    record_.phase = spec::Phase::created;
    record_.pid = init_pid_;
    record_.start_time = st->start_time;
    for (const auto& kind : spec::namespace_kinds()) {
        const spec::Namespace* n = linux.find_namespace(kind.type);
        if (!n) continue;
        record_.namespaces[kind.type] =
            n->path.empty() ? "/proc/" + std::to_string(init_pid_) + "/ns/" + kind.proc_name : n->path;
    }
    dir_->write_record(record_);
    if (!o_.pid_file.empty()) write_pid_file(o_.pid_file, init_pid_);
    launch::send_pidfd(o_.pidfd_socket, pidfd_.get());
    sync::send(sock_.get(), sync::Type::ack);
    Created out;
    out.pid = init_pid_;
    out.pty_master = console_.receive_master();
    out.record = record_;
    out.pidfd = std::move(pidfd_);
    rollback_.commit();
    return out;
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
    return read_document(f.get(), path);
}

Created create_container(const CreateOptions& o) {
    Creation c(o);
    // --debug: one line per step (runc logs its create's stages too), all
    // from the sealed islet that read_input re-executes first.
    auto stage = [&](const std::string& what) { log::debug("create " + o.id + ": " + what); };
    c.read_input();  // 1. id, config, host checks, plans: nothing is touched yet
    stage("read the config from " + o.bundle);
    stage("plan the cgroups");
    c.plan_cgroup();  // 2. the cgroup plan; a duplicate id or a cgroup in use is refused
    stage("make the state directory in " + o.root);
    c.make_state_dir();  // 3. the state directory and the "creating" record
    stage("make the cgroups");
    c.make_cgroups();  // 4. cgroups made, resources and device rules applied
    stage("prepare what the init inherits");
    c.prepare_inherited();  // 5. what the init inherits
    stage("start the init");
    c.start_init();   // 6. one clone3
    c.start_scope();  // 6b. --systemd-cgroup: the scope with the waiting init
    stage("hand over to the init (maps, mounts, go)");
    c.hand_over();  // 7. maps, idmapped trees, go, cgroups
    stage("wait for the init to be ready");
    c.serve();                  // 8. serve the init until it is ready
    Created done = c.commit();  // 9. record, pid file, ack
    stage("created, init pid " + std::to_string(done.pid));
    return done;
}

}  // namespace islet::runtime
