#include "runtime/container/lifecycle.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include "hooks/hooks.hpp"
#include "runtime/cgroups/cgroups.hpp"
#include "runtime/cgroups/systemd.hpp"
#include "runtime/container/notify.hpp"
#include "runtime/container/state_store.hpp"
#include "runtime/fs/mounts.hpp"
#include "runtime/isolation/id_pool.hpp"
#include "runtime/process/test_hooks.hpp"
#include "spec/islet_config.hpp"
#include "spec/parse.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"
#include "sys/proc.hpp"
#include "sys/retry.hpp"
#include "sys/signals.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {
namespace {

using spec::Status;

// How long delete waits for a SIGKILLed init to go, and how long start gives
// an init whose barrier bytes stopped short of "1" to show it died.
constexpr int kKillWaitMs = 10000;
constexpr int kStartExitWaitMs = 100;

bool alive(const spec::ContainerRecord& r) { return r.pid > 0 && sys::process_alive(r.pid, r.start_time); }

// A pidfd for the recorded init, or an invalid fd when it is gone. The start
// time is checked after opening, so the pidfd cannot name a reused pid.
sys::UniqueFd open_init(const spec::ContainerRecord& r) {
    if (r.pid <= 0) return {};
    int fd = sys::pidfd_open_raw(r.pid);
    if (fd < 0) return {};
    sys::UniqueFd pidfd(fd);
    if (!sys::process_alive(r.pid, r.start_time)) return {};
    return pidfd;
}

// Waits until the process behind pidfd has exited (zombie or reaped).
bool wait_exit(int pidfd, int timeout_ms) {
    pollfd p{pidfd, POLLIN, 0};
    return sys::retry_eintr([&] { return ::poll(&p, 1, timeout_ms); }) > 0;
}

// What state, list and the hooks after create see: the record's view, plus
// the isolation mode and block as annotations (ISOLATION.md §3.4).
spec::StateView view_of(const LoadedContainer& c, Status status) {
    spec::StateView v = spec::state_view(c.record, status, status == Status::stopped ? 0 : c.record.pid);
    for (auto& [k, val] : c.record.isolation) v.annotations[k] = val;
    return v;
}

// The host's /etc/passwd read directly: no NSS in a static binary (runc's
// `list` does the same). A name that cannot be found is "#<uid>", as runc.
std::string owner_name(uid_t uid) {
    if (auto text = sys::read_file_if_exists("/etc/passwd"))
        if (auto e = sys::id_file_entry(*text, uid); e && !(*e)[0].empty()) return (*e)[0];
    return "#" + std::to_string(uid);
}

// The record's ID block, from the registry the record names (never the
// islet config of the moment, which may name another registry or none).
void release_recorded_block(const LoadedContainer& c) {
    const spec::IdBlockRecord& b = *c.record.id_block;
    if (!b.registry.empty()) return isolation::release_block(b.registry, b.index, b.token);
    // An islet 0.1 record names no registry: the config's, by owner.
    const std::string& path = c.dir.path();
    const std::string root = path.substr(0, path.size() - c.record.id.size() - 1);
    isolation::release_owned_by(spec::load_islet_config().registry, root, c.record.id);
}

// Removes what is left of a container: its processes and cgroups, the state
// directory, then poststop hooks (warnings only, as the spec says).
void destroy(const LoadedContainer& c) {
    spec::Hooks hooks;
    try {
        hooks = c.config().hooks;
    } catch (const sys::Error& e) {
        log::debug("delete: no saved config: " + e.message());
    }
    test_hooks::pause_at("delete-before-cgroups");
    cgroups::destroy(c.record.cgroup);
    if (c.record.shares_host_mounts) host::unmount_below(c.record.rootfs);
    // Before the directory: a delete killed after this and run again finds
    // the record, and the token keeps the second release from freeing a
    // block that has gone to another container since.
    if (c.record.id_block) release_recorded_block(c);
    test_hooks::pause_at("delete-after-release");
    c.dir.remove();
    if (!hooks.poststop.empty()) {
        spec::StateView v = view_of(c, Status::stopped);
        for (auto& f : hooks::run_phase_collecting(hooks.poststop, "poststop", spec::hook_state_document(v)))
            log::warning(f);
    }
}

// The cgroup of a container whose record is lost (corrupt state.json).
spec::CgroupRecord guessed_cgroup(const ContainerDir& dir, const std::string& id, const CgroupGuess& guess) {
    spec::Config cfg;
    try {
        cfg = dir.config();
    } catch (const sys::Error&) {
    }
    if (!cfg.linux) cfg.linux.emplace();
    spec::CgroupRecord cg;
    try {
        cgroups::Host host = cgroups::detect();
        cg.path = cgroups::container_path(cfg.linux->cgroups_path, id, guess.systemd);
        cg.dirs =
            cgroups::plan_dirs(host, cg.path, cgroups::parse_self_cgroup(sys::read_file("/proc/self/cgroup"), host));
        // The scope's unit too, so that it is stopped (its cgroup is
        // already known: a missing bus leaves only the stop undone).
        if (guess.systemd) {
            cg.manager = spec::CgroupManager::systemd;
            cgroups::systemd::plan(cg, host, cfg, id, guess.rootless);
        }
    } catch (const sys::Error& e) {
        log::debug("delete --force: no cgroup to guess: " + e.message());
    }
    return cg;
}

void kill_and_wait(const LoadedContainer& c, int timeout_ms) {
    sys::UniqueFd pidfd = open_init(c.record);
    if (!c.record.private_pid_ns) cgroups::kill_all(c.record.cgroup, SIGKILL);
    if (!pidfd) return;
    (void)sys::pidfd_send_signal_raw(pidfd.get(), SIGKILL);  // already gone: the wait below returns at once
    // A frozen init only dies once thawed.
    if (cgroups::frozen(c.record.cgroup)) cgroups::thaw(c.record.cgroup);
    if (!wait_exit(pidfd.get(), timeout_ms)) throw sys::Error("container init still running");
}

}  // namespace

Status compute_status(const spec::ContainerRecord& r, bool has_fifo) {
    if (!alive(r)) return Status::stopped;
    if (cgroups::frozen(r.cgroup)) return Status::paused;
    if (r.phase != spec::Phase::created) return Status::stopped;  // a create still in progress, or one that died
    return has_fifo ? Status::created : Status::running;
}

Status LoadedContainer::status() const { return compute_status(record, dir.has_exec_fifo()); }

spec::Config LoadedContainer::config() const { return dir.config(); }

LoadedContainer load_container(const std::string& root, const std::string& id, bool lock) {
    validate_container_id(id);
    auto r = StateRoot::open_existing(root);
    if (!r) throw sys::Error("container does not exist");
    auto dir = ContainerDir::open(*r, id, lock);
    if (!dir) throw sys::Error("container does not exist");
    auto rec = dir->read_record();
    if (!rec) throw sys::Error("container does not exist");
    return {std::move(*dir), std::move(*rec)};
}

spec::StateView container_state(const std::string& root, const std::string& id) {
    LoadedContainer c = load_container(root, id, false);
    return view_of(c, c.status());
}

std::vector<spec::StateView> list_containers(const std::string& root, std::vector<std::string>& problems) {
    std::vector<spec::StateView> out;
    auto r = StateRoot::open_existing(root);
    if (!r) return out;
    for (auto& id : r->ids()) {
        try {
            auto dir = ContainerDir::open(*r, id, false);
            if (!dir) continue;
            auto rec = dir->read_record();
            if (!rec) continue;
            LoadedContainer c{std::move(*dir), std::move(*rec)};
            spec::StateView v = view_of(c, c.status());
            v.owner = owner_name(sys::fstat_fd(c.dir.fd(), c.dir.path()).st_uid);
            out.push_back(std::move(v));
        } catch (const sys::Error& e) {
            problems.push_back(id + ": " + e.message());
        }
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.id < b.id; });
    return out;
}

void start_container(const std::string& root, const std::string& id) {
    log::debug("start " + id + ": load the container from " + root);
    LoadedContainer c = load_container(root, id, true);
    const Status status = c.status();
    if (status == Status::running) throw sys::Error("cannot start an already running container");
    if (status == Status::paused) throw sys::Error("cannot start a container in the paused state");
    if (status == Status::stopped) throw sys::Error("cannot start a container that has stopped");
    spec::Config cfg = c.config();
    if (!cfg.process) throw sys::Error("cannot start a container that has no process (config.json has none)");
    sys::UniqueFd pidfd = open_init(c.record);
    if (!pidfd) throw sys::Error("cannot start a container that has stopped");
    // With NOTIFY_SOCKET, the container's socket must exist before it runs.
    const std::string notify_host = notify::host_socket();
    sys::UniqueFd notify_sock;
    if (!notify_host.empty()) notify_sock = notify::bind(c.dir.path());
    // Open the barrier without blocking, then wait for the init's bytes or
    // its death: "0" when it passes the barrier, "1" once the startContainer
    // hooks passed, then end of file when its execve closes the write end.
    // Only then does the program run (lifecycle step 8) and poststart hooks
    // may follow (step 9).
    log::debug("start " + id + ": open the exec fifo, init pid " + std::to_string(c.record.pid));
    sys::UniqueFd fifo = sys::open_at(c.dir.fd(), "exec.fifo", O_RDONLY | O_NONBLOCK);
    std::string got;
    bool exited = false;
    for (;;) {
        pollfd fds[2] = {{fifo.get(), POLLIN, 0}, {pidfd.get(), POLLIN, 0}};
        if (sys::retry_eintr([&] { return ::poll(fds, 2, -1); }) < 0) sys::throw_errno("poll the exec fifo");
        if (fds[0].revents & (POLLIN | POLLHUP)) {
            char b[8];
            ssize_t r = ::read(fifo.get(), b, sizeof b);
            if (r > 0) {
                got.append(b, static_cast<size_t>(r));
                continue;
            }
            if (r == 0) {
                // EOF before any byte: someone else started it first.
                if (got.empty()) throw sys::Error("cannot start an already running container");
                break;
            }
            if (errno != EAGAIN && errno != EINTR) sys::throw_errno("read the exec fifo");
            continue;
        }
        if (fds[1].revents & POLLIN) {
            exited = true;
            break;
        }
    }
    ::unlinkat(c.dir.fd(), "exec.fifo", 0);
    if (got.empty()) throw sys::Error("container process is already dead");
    // A startContainer hook failed: the init sent its error ("E" + text).
    if (auto e = got.find('E'); e != std::string::npos) throw sys::Error(got.substr(e + 1));
    // An init that died between the barrier and its execve: a startContainer
    // hook failed (its error is on the container's stderr), or it was killed.
    // (An init of an older islet writes only "0"; alive, it has exec'd.)
    if (got.find('1') == std::string::npos && (exited || wait_exit(pidfd.get(), kStartExitWaitMs)))
        throw sys::Error("the container's process exited before running its program (did a startContainer hook fail?)");
    log::debug("start " + id + ": the container's program runs");
    if (!cfg.hooks.poststart.empty()) {
        // The spec (runtime.md, runtime-tools poststart_fail, CONFORMANCE.md):
        // a failing poststart hook is a warning, and the remaining hooks
        // and the lifecycle go on. runc HEAD kills the container instead.
        spec::StateView v = view_of(c, Status::running);
        for (auto& f : hooks::run_phase_collecting(cfg.hooks.poststart, "poststart", spec::hook_state_document(v)))
            log::warning(f);
    }
    if (notify_sock) {
        // Never hold the lock while blocking on the container.
        c.dir.unlock();
        notify::forward(notify_sock.get(), pidfd.get(), c.record.pid, notify_host);
    }
}

void kill_container(const std::string& root, const std::string& id, int sig, bool all) {
    LoadedContainer c = load_container(root, id, false);
    const Status status = c.status();
    if (status == Status::stopped) {
        if (all) return;
        throw sys::Error("container not running");
    }
    // --all, or SIGKILL without a pid namespace of its own, reaches every
    // process of the container through its cgroup (cgroup.kill on v2).
    if (all && c.record.cgroup.manager == spec::CgroupManager::none && c.record.private_pid_ns) {
        // No cgroup (rootless here): every process of its pid namespace.
        for (pid_t p : sys::pids_in_pid_namespace(c.record.pid))
            if (::kill(p, sig) < 0 && errno != ESRCH)
                sys::throw_errno("kill " + std::to_string(p) + " with " + sys::signal_name(sig));
        return;
    }
    if (all || (sig == SIGKILL && !c.record.private_pid_ns)) {
        cgroups::kill_all(c.record.cgroup, sig);
        return;
    }
    sys::UniqueFd pidfd = open_init(c.record);
    if (!pidfd) {
        if (all) return;
        throw sys::Error("container not running");
    }
    int r = sys::pidfd_send_signal_raw(pidfd.get(), sig);
    if (r == -ESRCH) {
        if (all) return;
        throw sys::Error("container not running");
    }
    if (r < 0) sys::throw_errno_code(-r, "kill container init with " + sys::signal_name(sig));
    if (sig == SIGKILL && status == Status::paused) cgroups::thaw(c.record.cgroup);
}

void delete_container(const std::string& root, const std::string& id, bool force, const CgroupGuess& guess) {
    validate_container_id(id);
    auto r = StateRoot::open_existing(root);
    if (!r) {
        if (force) return;
        throw sys::Error("container does not exist");
    }
    auto dir = ContainerDir::open(*r, id, true);
    if (!dir) {
        if (force) return;
        throw sys::Error("container does not exist");
    }
    std::optional<spec::ContainerRecord> rec;
    try {
        rec = dir->read_record();
    } catch (const sys::Error& e) {
        if (!force) throw;
        log::debug("delete --force: unreadable record: " + e.message());
        // Without a record, the cgroup is found the way create named it: the
        // saved config's cgroupsPath, or the /<id> convention (SECURITY.md
        // §4.3); with --systemd-cgroup, the scope's unit.
        cgroups::destroy(guessed_cgroup(*dir, id, guess));
        // The record named the registry; the config's is the best guess
        // left (what it misses, `islet blocks gc` frees).
        try {
            isolation::release_owned_by(spec::load_islet_config().registry, root, id);
        } catch (const sys::Error& e) {
            log::debug("delete --force: ID blocks not freed: " + e.message());
        }
        dir->remove();
        return;
    }
    if (!rec) {
        // A create that died before its first record: only the directory
        // exists. It holds no ID block: the claim is recorded first.
        dir->remove();
        if (force) return;
        throw sys::Error("container does not exist");
    }
    LoadedContainer c{std::move(*dir), std::move(*rec)};
    const Status status = c.status();
    const bool live = status == Status::running || status == Status::paused;
    if (live && !force)
        throw sys::Error("cannot delete container " + id + " that is not stopped: " + spec::status_name(status));
    // runc kills a created container on delete (containerd relies on it), and
    // an init whose create never finished.
    log::debug("delete " + id + ": status " + spec::status_name(status) + (force ? ", forced" : ""));
    if (live || status == Status::created || (c.record.phase == spec::Phase::creating && alive(c.record))) {
        log::debug("delete " + id + ": kill the container's processes");
        kill_and_wait(c, kKillWaitMs);
    }
    destroy(c);
    log::debug("delete " + id + ": cgroups, state and poststop hooks done");
}

void pause_container(const std::string& root, const std::string& id) {
    LoadedContainer c = load_container(root, id, true);
    const Status status = c.status();
    if (status != Status::running && status != Status::created) throw sys::Error("container not running");
    if (c.record.cgroup.manager == spec::CgroupManager::none)
        throw sys::Error(
            "cannot pause: the container runs without cgroups (rootless without a delegated cgroup, or "
            "--cgroup-manager disabled), and pausing needs its freezer");
    cgroups::freeze(c.record.cgroup);
}

void resume_container(const std::string& root, const std::string& id) {
    LoadedContainer c = load_container(root, id, true);
    if (c.status() != Status::paused) throw sys::Error("container not paused");
    cgroups::thaw(c.record.cgroup);
}

}  // namespace islet::runtime
