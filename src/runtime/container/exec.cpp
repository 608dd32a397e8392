// The runtime process's side of `exec`: exec_in_container lists the steps,
// each a function below. The joining process's own driver is
// runtime/process/exec_child.cpp.
#include "runtime/container/exec.hpp"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>

#include "runtime/attrs/cpu_affinity.hpp"
#include "runtime/attrs/lsm.hpp"
#include "runtime/attrs/process_attrs.hpp"
#include "runtime/attrs/security.hpp"
#include "runtime/cgroups/cgroups.hpp"
#include "runtime/container/foreground.hpp"
#include "runtime/container/launch.hpp"
#include "runtime/container/lifecycle.hpp"
#include "runtime/container/pid_file.hpp"
#include "runtime/process/exec_child.hpp"
#include "runtime/process/exec_stub.hpp"
#include "runtime/process/sealed_exe.hpp"
#include "runtime/process/sync.hpp"
#include "spec/names.hpp"
#include "spec/parse.hpp"
#include "spec/record.hpp"
#include "spec/validate.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"
#include "sys/proc.hpp"
#include "sys/procfs.hpp"
#include "sys/scope_exit.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {
namespace {

// uid and gid values are 32-bit.
constexpr std::uint64_t kMaxId = std::numeric_limits<std::uint32_t>::max();

bool same_namespace(pid_t pid, const std::string& name) {
    struct stat a {
    }, b{};
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
        if (!n || *n > kMaxId) throw sys::Error("invalid additional group id \"" + g + "\"");
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
std::map<std::string, std::string> exec_cgroup_dirs(const spec::CgroupRecord& cg,
                                                    const std::vector<std::string>& subs) {
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
        if (!matched)
            throw sys::Error(
                std::string("bad sub cgroup path: no cgroup controller \"").append(ctrl).append("\" in ").append(s));
    }
    return dirs;
}

// The state of one exec, as its steps fill it in.
class Joining {
public:
    explicit Joining(const ExecOptions& o) : o_(o) {}

    void load();
    void find_target();
    void prepare_child();
    void start();
    void serve();
    int finish();

private:
    void kill_child();
    void forked(pid_t pid);

    const ExecOptions& o_;
    std::optional<LoadedContainer> c_;
    spec::Status status_ = spec::Status::stopped;
    spec::Config cfg_;
    spec::Process process_;
    SecurityPlan security_;
    bool join_pid_ = false;
    bool late_join_ = false;  // a paused container: join its frozen cgroups after ready
    std::map<std::string, std::string> cg_dirs_;
    ExecChild child_;
    launch::ConsoleChannel console_;
    sys::UniqueFd unified_;
    sys::UniqueFd sock_;
    pid_t pid_ = 0;
    sys::UniqueFd pidfd_;
    bool forked_ = false;  // pid_ names the final process, not the joiner
};

// 1. The container, its status and config (no lock: exec does not change
//    state); the process, its terminal and preserved fds.
void Joining::load() {
    host::reexec_sealed();  // first: the state and config are read once, sealed
    c_ = load_container(o_.root, o_.id, false);
    status_ = c_->status();
    if (status_ == spec::Status::stopped) throw sys::Error("cannot exec in a stopped container");
    if (status_ == spec::Status::paused && !o_.ignore_paused)
        throw sys::Error("cannot exec in a paused container (use --ignore-paused to override)");
    cfg_ = c_->config();
    process_ = build_process(o_, cfg_);
    launch::check_terminal_flags(process_.terminal, o_.detach, o_.console_socket);
    launch::check_preserved_fds(3, o_.preserve_fds);
}

// 2. The target: a pidfd of the init (checked against pid reuse), the
//    namespaces that differ from ours, the cgroups.
void Joining::find_target() {
    const spec::ContainerRecord& r = c_->record;
    const int raw = sys::pidfd_open_raw(r.pid);
    if (raw < 0) throw sys::Error("cannot exec in a stopped container");
    child_.fds.target.reset(raw);
    if (!sys::process_alive(r.pid, r.start_time)) throw sys::Error("cannot exec in a stopped container");
    for (const auto& kind : spec::namespace_kinds()) {
        if (same_namespace(r.pid, kind.proc_name)) continue;
        if (kind.clone_flag == CLONE_NEWPID)
            join_pid_ = true;
        else
            child_.join_flags |= static_cast<int>(kind.clone_flag);
    }
    cg_dirs_ = exec_cgroup_dirs(r.cgroup, o_.cgroups);
    // In a paused container the process joins the frozen cgroups only after
    // it reported ready: it then stops on its way to execve and runs when
    // the container is resumed (--ignore-paused).
    late_join_ = status_ == spec::Status::paused;
}

// 3. The container's security sections for this process (its own
//    apparmor/selinux/scheduler/... from --process or the flags), checked and
//    compiled here, before anything starts; what the child inherits.
void Joining::prepare_child() {
    spec::Config for_process = cfg_;
    for_process.process = process_;
    // The annotations as create decided them (a pod's member is isolated
    // without the annotation in its config: the guard applies here too).
    for_process.annotations = c_->record.annotations;
    security_ = host::plan_security(for_process);
    child_.process = &process_;
    child_.security = &security_;
    child_.env = process_.env;
    child_.preserved_fds = o_.preserve_fds;
    child_.fds.stub = host::make_exec_stub();
    // The joiner finishes the process in our pid namespace (exec_child.hpp).
    child_.fork_last = join_pid_ && finishes_before_fork(security_, process_);
    if (child_.fork_last && init::has_exec_labels(process_)) child_.fds.label_proc = sys::own_task_procfs();
    console_ = launch::open_console_channel(process_.terminal, o_.detach, o_.console_socket);
    child_.fds.console = std::move(console_.for_child);
    if (auto it = cg_dirs_.find("unified"); it != cg_dirs_.end() && !late_join_)
        unified_ = cgroups::open_dir(it->second);
    auto [ours, theirs] = sys::seqpacket_pair();
    sock_ = std::move(ours);
    child_.fds.sync = std::move(theirs);
}

// 4. clone3 of the joiner into the container's unified cgroup; it stays in
//    our pid namespace and forks the final process into the container's.
void Joining::start() {
    if (!o_.detach) {
        become_subreaper();
        foreground_block_signals();
    }
    child_.join_pid = join_pid_;
    {
        launch::BlockedSignals blocked;
        // execCPUAffinity.initial: the joining process starts on these CPUs,
        // before it moves into the container's cgroups.
        cpu_set_t own_cpus;
        const bool initial = process_.exec_cpu_affinity && !process_.exec_cpu_affinity->initial.empty() &&
                             ::sched_getaffinity(0, sizeof own_cpus, &own_cpus) == 0;
        if (initial) set_cpu_affinity(process_.exec_cpu_affinity->initial, "initial");
        sys::ScopeExit restore_cpus([&] {
            if (initial) ::sched_setaffinity(0, sizeof own_cpus, &own_cpus);
        });
        launch::Cloned cloned = launch::clone_into(0, unified_.get(), [&] { exec_child_main(child_); });
        pid_ = cloned.pid;
        pidfd_ = std::move(cloned.pidfd);
    }
    // The child's ends: closed here so that its death reads as EOF.
    child_.fds.sync.reset();
    child_.fds.console.reset();
}

// The joiner forked the final process (our child too, CLONE_PARENT) and
// exits: from here on pid_ and pidfd_ name the final process.
void Joining::forked(pid_t pid) {
    sys::reap(pid_);
    pid_ = pid;
    pidfd_ = sys::pidfd_open(pid);
    forked_ = true;
}

void Joining::kill_child() {
    (void)sys::pidfd_send_signal_raw(pidfd_.get(), SIGKILL);  // gone already: reaped all the same
    sys::reap(pid_);
}

// 5. Cgroups (v1), then the go-ahead; serve until ready; the pid file and
//    the pidfd; ack. Any failure kills the joining process.
void Joining::serve() {
    sys::ScopeExit kill_on_failure([&] { kill_child(); });
    if (!late_join_) cgroups::join(cg_dirs_, pid_, unified_ ? "unified" : "");
    // The container's score, not the caller's (runc's exec gets it too).
    if (cfg_.process) host::set_oom_score_adj(pid_, *cfg_.process);
    sync::send(sock_.get(), sync::Type::go);
    launch::Serve s;
    s.sock = sock_.get();
    s.peer = "exec process";
    if (security_.seccomp && security_.seccomp->listener) s.listener = &*cfg_.linux->seccomp;
    s.state = [&] { return spec::state_view(c_->record, status_, pid_); };
    s.exec_pid = [&](pid_t pid) { forked(pid); };
    s.fork_expected = join_pid_;
    s.listener_before_pid = child_.fork_last && !(security_.seccomp && security_.seccomp->fork_notified);
    s.pidfd = [&] { return pidfd_.get(); };
    // The joiner dead before it reported the final process (which is then
    // killed here): its exit, or the final process's `ready`, comes first.
    s.died = [&] {
        return std::string(join_pid_ && !forked_ ? "the joining process died before it reported the exec process"
                                                 : "the exec process exited during setup");
    };
    s.unreported = s.died;
    launch::serve_until_ready(s);
    if (late_join_) cgroups::join(cg_dirs_, pid_);
    if (!o_.pid_file.empty()) write_pid_file(o_.pid_file, pid_);
    launch::send_pidfd(o_.pidfd_socket, pidfd_.get());
    sync::send(sock_.get(), sync::Type::ack);
    kill_on_failure.dismiss();
}

// 6. Detached: done. Otherwise islet stays in the foreground, proxying the
//    terminal and signals, and exits with the process's status.
int Joining::finish() {
    if (o_.detach) return 0;
    sys::UniqueFd master = console_.receive_master();
    return run_foreground(pid_, pidfd_.get(), master ? master.get() : -1);
}

}  // namespace

std::pair<std::uint32_t, std::optional<std::uint32_t>> parse_exec_user(const std::string& s) {
    auto colon = s.find(':');
    std::string u = s.substr(0, colon);
    auto parse = [&](const std::string& part) -> std::uint32_t {
        auto n = sys::parse_uint(part);
        if (!n || *n > kMaxId) throw sys::Error("invalid --user \"" + s + "\": expected uid[:gid] as numbers");
        return static_cast<std::uint32_t>(*n);
    };
    std::uint32_t uid = parse(u);
    if (colon == std::string::npos) return {uid, std::nullopt};
    return {uid, parse(s.substr(colon + 1))};
}

int exec_in_container(const ExecOptions& o) {
    Joining j(o);
    // --debug: one line per step (runc logs its exec's stages too), all
    // from the sealed islet that load re-executes first.
    auto stage = [&](const std::string& what) { log::debug("exec " + o.id + ": " + what); };
    j.load();  // 1. the container, its status and config; the process
    stage("loaded the container and the process");
    stage("find the init, its namespaces and cgroups");
    j.find_target();  // 2. the init's pidfd, namespaces, cgroups
    stage("prepare what the process inherits");
    j.prepare_child();  // 3. the security plan and what the joining process inherits
    stage("start the process");
    j.start();  // 4. clone3 into the pid namespace and the unified cgroup
    stage("wait for the process to be ready");
    j.serve();  // 5. cgroups, go, serve until ready, ack
    stage(o.detach ? "started, detached" : "started, waiting for it to exit");
    return j.finish();  // 6. detached: 0; else the foreground's exit status
}

}  // namespace islet::runtime
