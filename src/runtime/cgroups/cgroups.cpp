// Applies: linux.cgroupsPath
#include "runtime/cgroups/cgroups.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "runtime/cgroups/systemd.hpp"
#include "sys/dir.hpp"
#include "sys/error.hpp"
#include "sys/mountinfo.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::cgroups {
namespace {

std::string read_trim(const std::string& path) {
    auto s = sys::read_file_if_exists(path);
    return s ? std::string(sys::trim(*s)) : std::string();
}

std::vector<pid_t> read_procs(const std::string& dir) {
    std::vector<pid_t> out;
    auto text = sys::read_file_if_exists(dir + "/cgroup.procs");
    if (!text) return out;
    for (auto& line : sys::split(*text, '\n'))
        if (auto n = sys::parse_int(sys::trim(line))) out.push_back(static_cast<pid_t>(*n));
    return out;
}

std::vector<std::string> subdirs(const std::string& dir) {
    std::vector<std::string> out;
    for (auto& e : sys::try_list_dir(dir).value_or(std::vector<sys::DirEntry>{}))
        if (e.type == DT_DIR && e.name[0] != '.') out.push_back(dir + "/" + e.name);
    return out;
}

// The pids of dir and every cgroup below it (exec --cgroup sub-cgroups, or
// ones the container made through a writable cgroup mount).
void read_procs_tree(const std::string& dir, std::set<pid_t>& out, int depth = 0) {
    for (pid_t p : read_procs(dir)) out.insert(p);
    if (depth < 32)
        for (auto& sub : subdirs(dir)) read_procs_tree(sub, out, depth + 1);
}

// rmdir of dir after its sub-cgroups, depth first (runc's RemovePath). An
// emptied cgroup can stay busy for a moment after its last task exits.
std::string remove_tree(const std::string& dir, int depth = 0) {
    if (depth < 32)
        for (auto& sub : subdirs(dir))
            if (auto err = remove_tree(sub, depth + 1); !err.empty()) return err;
    for (int i = 0; i < 100; ++i) {
        if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return "";
        if (errno != EBUSY) return sys::describe_errno("remove cgroup", dir, errno);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return sys::describe_errno("remove cgroup", dir, EBUSY);
}

// The freezer to use: v1 "freezer" when present (hybrid, v1), else v2.
std::optional<std::pair<std::string, bool>> freezer_dir(const spec::CgroupRecord& cg) {
    for (auto& [name, dir] : cg.dirs)
        if (name == "freezer" || sys::starts_with(name, "freezer,") || name.find(",freezer") != std::string::npos)
            return std::make_pair(dir, false);
    if (auto it = cg.dirs.find("unified"); it != cg.dirs.end()) return std::make_pair(it->second, true);
    return std::nullopt;
}

bool exists(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0;
}

}  // namespace

const char* layout_name(Layout l) {
    switch (l) {
        case Layout::none: return "none";
        case Layout::v1: return "v1";
        case Layout::hybrid: return "hybrid";
        case Layout::v2: return "v2";
    }
    return "none";
}

bool Hierarchy::has(const std::string& c) const {
    return std::find(controllers.begin(), controllers.end(), c) != controllers.end();
}

const Hierarchy* Host::unified() const {
    for (auto& h : hierarchies)
        if (h.v2) return &h;
    return nullptr;
}

const Hierarchy* Host::v1(const std::string& controller) const {
    for (auto& h : hierarchies)
        if (!h.v2 && h.has(controller)) return &h;
    return nullptr;
}

const Hierarchy* Host::for_controller(const std::string& controller) const {
    if (auto* h = v1(controller)) return h;
    if (auto* u = unified(); u && u->has(controller)) return u;
    return nullptr;
}

Host parse_host(const std::string& mountinfo, const std::string& unified_controllers) {
    Host host;
    std::set<std::string> seen_mounts;
    for (auto& m : sys::parse_mountinfo(mountinfo)) {
        if (m.fstype != "cgroup" && m.fstype != "cgroup2") continue;
        if (!seen_mounts.insert(m.mount_point).second) continue;
        Hierarchy h;
        h.root = m.root;
        h.mount = m.mount_point;
        h.v2 = m.fstype == "cgroup2";
        if (h.v2) {
            h.name = "unified";
            for (auto& c : sys::split(std::string(sys::trim(unified_controllers)), ' '))
                if (!c.empty()) h.controllers.push_back(c);
        } else {
            std::vector<std::string> names;
            for (auto& opt : sys::split(m.super_options, ',')) {
                static const std::set<std::string> kNotControllers = {
                    "rw",       "ro",    "relatime",       "noatime",   "nosuid", "nodev", "noexec", "clone_children",
                    "noprefix", "xattr", "cpuset_v2_mode", "nsdelegate"};
                if (kNotControllers.count(opt) || sys::starts_with(opt, "release_agent=")) continue;
                names.push_back(opt);
                if (!sys::starts_with(opt, "name=")) h.controllers.push_back(opt);
            }
            if (names.empty()) continue;
            h.name = sys::join(names, ",");
        }
        // The same hierarchy can be mounted again elsewhere (a container
        // without its own mount namespace shows its cgroup view in ours):
        // the first mount of each, the host's own, is the one to use.
        bool dup = false;
        for (auto& other : host.hierarchies) dup = dup || other.name == h.name;
        if (!dup) host.hierarchies.push_back(std::move(h));
    }
    bool v1 = false, v2 = false;
    for (auto& h : host.hierarchies) (h.v2 ? v2 : v1) = true;
    host.layout = v1 && v2 ? Layout::hybrid : v1 ? Layout::v1 : v2 ? Layout::v2 : Layout::none;
    return host;
}

Host detect() {
    // Read once per process: create asks in its host checks and again for
    // its plan, and the cgroup mounts do not change under a command.
    static const Host host = [] {
        std::string mountinfo = sys::read_file("/proc/self/mountinfo");
        // Find the unified mount first to read its controllers.
        Host probe = parse_host(mountinfo, "");
        std::string controllers;
        if (auto* u = probe.unified()) controllers = read_trim(u->mount + "/cgroup.controllers");
        return parse_host(mountinfo, controllers);
    }();
    return host;
}

std::string expand_slice(const std::string& slice) {
    const std::string suffix = ".slice";
    if (slice.size() <= suffix.size() || slice.compare(slice.size() - suffix.size(), suffix.size(), suffix) != 0)
        throw sys::Error("invalid slice name \"" + slice + "\": it must end in .slice");
    if (slice == "-.slice") return "/";
    std::string base = slice.substr(0, slice.size() - suffix.size());
    if (base.find('/') != std::string::npos || base.front() == '-' || base.back() == '-' ||
        base.find("--") != std::string::npos)
        throw sys::Error("invalid slice name \"" + slice + "\"");
    std::string path, prefix;
    for (auto& part : sys::split(base, '-')) {
        prefix += (prefix.empty() ? "" : "-") + part;
        path.append("/").append(prefix).append(suffix);
    }
    return path;
}

std::string container_path(const std::optional<std::string>& cgroups_path, const std::string& id, bool systemd) {
    if (systemd) {
        std::string spec = cgroups_path && !cgroups_path->empty() ? *cgroups_path : "system.slice:islet:" + id;
        auto parts = sys::split(spec, ':');
        if (parts.size() != 3)
            throw sys::Error("expected cgroupsPath to be of format \"slice:prefix:name\" for systemd cgroups, got \"" +
                             spec + "\" instead");
        std::string slice = parts[0].empty() ? "system.slice" : parts[0];
        std::string unit = parts[2];
        // A name that is already a unit ("x.slice"/"x.scope") is used as is.
        if (!sys::ends_with(unit, ".scope") && !sys::ends_with(unit, ".slice"))
            unit = (parts[1].empty() ? "" : parts[1] + "-") + unit + ".scope";
        if (unit.find('/') != std::string::npos) throw sys::Error("invalid systemd unit name \"" + unit + "\"");
        std::string base = expand_slice(slice);
        return (base == "/" ? "" : base) + "/" + unit;
    }
    if (!cgroups_path || cgroups_path->empty()) return "/" + id;
    const std::string& p = *cgroups_path;
    if (p.front() == '/') return sys::clean_path(p);
    // Relative: cleaned as if rooted at "/" so ".." cannot climb out of
    // islet's own cgroup, then kept relative.
    std::string cleaned = sys::clean_path("/" + p);
    return cleaned == "/" ? "" : cleaned.substr(1);
}

std::map<std::string, std::string> parse_self_cgroup(const std::string& text, const Host& host) {
    std::map<std::string, std::string> out;
    for (auto& line : sys::split(text, '\n')) {
        // hierarchy-id:controllers:path
        auto first = line.find(':');
        if (first == std::string::npos) continue;
        auto second = line.find(':', first + 1);
        if (second == std::string::npos) continue;
        std::string ctrls = line.substr(first + 1, second - first - 1);
        std::string path = line.substr(second + 1);
        if (ctrls.empty()) {
            out["unified"] = path;
            continue;
        }
        for (auto& h : host.hierarchies)
            if (!h.v2 && h.name == ctrls) out[h.name] = path;
    }
    return out;
}

std::map<std::string, std::string> plan_dirs(const Host& host, const std::string& path,
                                             const std::map<std::string, std::string>& self) {
    std::map<std::string, std::string> dirs;
    const bool relative = path.empty() || path.front() != '/';
    for (auto& h : host.hierarchies) {
        std::string within = path;
        if (relative) {
            auto it = self.find(h.name);
            std::string base = it != self.end() ? it->second : "/";
            within = sys::clean_path(base.append("/").append(path));
        }
        // In a cgroup namespace the mount's root is not "/": paths from
        // /proc/self/cgroup are relative to the namespace root already.
        dirs[h.name] = sys::clean_path(h.mount + "/" + within);
    }
    return dirs;
}

namespace {

void refuse_populated(const std::map<std::string, std::string>& dirs) {
    for (auto& [name, dir] : dirs) {
        auto procs = read_procs(dir);
        if (!procs.empty())
            throw sys::Error("container's cgroup is not empty: " + std::to_string(procs.size()) + " process(es) found");
    }
}

void refuse_frozen(const std::map<std::string, std::string>& dirs) {
    spec::CgroupRecord probe;
    probe.dirs = dirs;
    if (frozen(probe)) throw sys::Error("container's cgroup unexpectedly frozen");
}

}  // namespace

void check_reusable(const std::map<std::string, std::string>& dirs) {
    refuse_populated(dirs);
    refuse_frozen(dirs);
}

void create_dirs(const Host& host, const std::map<std::string, std::string>& dirs) {
    std::map<std::string, std::string> existed;  // the directories not made here
    for (auto& h : host.hierarchies) {
        auto it = dirs.find(h.name);
        if (it == dirs.end()) continue;
        const std::string& dir = it->second;
        bool made = false;
        if (!h.v2 && h.has("cpuset")) {
            // Walk down from the mount, copying cpuset.cpus/mems into every new
            // level: the kernel leaves them empty and then refuses tasks.
            std::string cur = h.mount;
            std::string rest = dir.substr(h.mount.size());
            for (auto& part : sys::split(rest, '/')) {
                if (part.empty()) continue;
                const std::string next = std::string(cur).append("/").append(part);
                made = sys::mkdir_all(next, 0755);
                for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
                    if (read_trim(next + "/" + f).empty()) {
                        std::string parent = read_trim(cur + "/" + f);
                        if (!parent.empty()) sys::write_file(next + "/" + f, parent);
                    }
                }
                cur = next;
            }
        } else {
            made = sys::mkdir_all(dir, 0755);
        }
        if (!made) existed.insert(*it);
    }
    // Another create may have populated or frozen an existing one since the
    // first check. One made just now holds no process, but starts frozen
    // under a frozen v1 parent.
    refuse_populated(existed);
    refuse_frozen(dirs);
}

void join(const std::map<std::string, std::string>& dirs, pid_t pid, const std::string& skip) {
    const std::string p = std::to_string(pid);
    for (auto& [name, dir] : dirs) {
        if (name == skip) continue;
        try {
            sys::write_file(dir + "/cgroup.procs", p);
        } catch (sys::Error& e) {
            e.add_context("join cgroup " + name);
            throw;
        }
    }
}

sys::UniqueFd open_dir(const std::string& dir) { return sys::open_path(dir, O_RDONLY | O_DIRECTORY); }

std::vector<pid_t> pids(const spec::CgroupRecord& cg) {
    std::set<pid_t> all;
    for (auto& [name, dir] : cg.dirs) read_procs_tree(dir, all);
    return {all.begin(), all.end()};
}

bool frozen(const spec::CgroupRecord& cg) {
    auto f = freezer_dir(cg);
    if (!f) return false;
    if (f->second) return read_trim(f->first + "/cgroup.freeze") == "1";
    std::string st = read_trim(f->first + "/freezer.state");
    return st == "FROZEN" || st == "FREEZING";
}

void freeze(const spec::CgroupRecord& cg) {
    auto f = freezer_dir(cg);
    if (!f) throw sys::Error("cannot freeze: the container has no freezer cgroup");
    if (f->second) {
        sys::write_file(f->first + "/cgroup.freeze", "1");
        // Wait until the kernel reports the whole subtree frozen.
        for (int i = 0; i < 1000; ++i) {
            auto ev = sys::read_file_if_exists(f->first + "/cgroup.events");
            if (!ev || ev->find("frozen 1") != std::string::npos) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return;
    }
    for (int i = 0; i < 1000; ++i) {
        sys::write_file(f->first + "/freezer.state", "FROZEN");
        if (read_trim(f->first + "/freezer.state") == "FROZEN") return;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    sys::write_file(f->first + "/freezer.state", "THAWED");
    throw sys::Error("unable to freeze the container's cgroup");
}

void thaw(const spec::CgroupRecord& cg) {
    auto f = freezer_dir(cg);
    if (!f) return;
    if (f->second)
        sys::write_file(f->first + "/cgroup.freeze", "0");
    else
        sys::write_file(f->first + "/freezer.state", "THAWED");
}

void kill_all(const spec::CgroupRecord& cg, int sig) {
    if (cg.dirs.empty()) return;
    // v2 (and hybrid's unified hierarchy, which every container process
    // joins): cgroup.kill SIGKILLs the whole subtree at once, no freeze
    // needed, and nothing forked meanwhile escapes (Linux 5.14+).
    if (sig == SIGKILL)
        if (auto it = cg.dirs.find("unified"); it != cg.dirs.end() && exists(it->second + "/cgroup.kill")) {
            try {
                sys::write_file(it->second + "/cgroup.kill", "1");
                // A frozen v1 freezer still holds the tasks: thaw so they die.
                if (auto f = freezer_dir(cg); f && !f->second && frozen(cg)) thaw(cg);
                return;
            } catch (const sys::Error&) {
                // Fall back to the sweep.
            }
        }
    auto f = freezer_dir(cg);
    const bool can_freeze = f && exists(f->first);
    bool was_frozen = can_freeze && frozen(cg);
    if (can_freeze && !was_frozen) {
        try {
            freeze(cg);
        } catch (const sys::Error&) {
            // Signal anyway: a best-effort sweep beats none.
        }
    }
    for (pid_t p : pids(cg)) ::kill(p, sig);
    // SIGKILL is delivered only once the task runs again: thaw (also when it
    // was paused before: a killed paused container must die).
    if (can_freeze && (sig == SIGKILL || !was_frozen)) thaw(cg);
}

// Directories destroy() must never sweep: each hierarchy's root, and every
// cgroup that holds islet itself (a lost record guessed by name could name
// either). Read once per destroy().
std::vector<std::string> protected_dirs() {
    const Host host = detect();
    auto self = parse_self_cgroup(sys::read_file_if_exists("/proc/self/cgroup").value_or(""), host);
    std::vector<std::string> out;
    for (auto& h : host.hierarchies) {
        out.push_back(sys::clean_path(h.mount));
        if (auto it = self.find(h.name); it != self.end()) {
            // islet's cgroup and each of its ancestors.
            std::string p = sys::clean_path(h.mount + "/" + it->second);
            while (p.size() > h.mount.size()) {
                out.push_back(p);
                p = p.substr(0, p.find_last_of('/'));
            }
        }
    }
    return out;
}

namespace {

// One rmdir per directory; true when none is left. The kernel refuses
// (EBUSY) a cgroup that holds a live process or a child cgroup, so a success
// proves there was nothing inside to kill; it refuses a hierarchy root and
// every cgroup holding islet (populated, or the parent of one) the same way.
bool remove_if_empty(const spec::CgroupRecord& cg) {
    if (!cg.owned) return false;
    bool gone = true;
    for (auto& [name, dir] : cg.dirs)
        if (::rmdir(dir.c_str()) < 0 && errno != ENOENT) gone = false;
    return gone;
}

}  // namespace

void destroy(const spec::CgroupRecord& cg) {
    if (cg.dirs.empty()) return;
    // The common case, a container whose processes have all exited: no
    // mountinfo, no sweep of cgroup.procs (a zombie does not populate a
    // cgroup). Anything else falls through to the checked sweep.
    // A systemd scope goes by itself once empty; stopping it makes sure,
    // and resets a failed one (a unit that is gone is fine).
    const auto stop_unit = [&] {
        if (cg.manager == spec::CgroupManager::systemd) systemd::stop(cg);
    };
    if (remove_if_empty(cg)) {
        stop_unit();
        return;
    }
    const auto keep = protected_dirs();
    for (auto& [name, dir] : cg.dirs)
        if (std::find(keep.begin(), keep.end(), sys::clean_path(dir)) != keep.end())
            throw sys::Error("refusing to remove cgroup " + dir + ": it is a hierarchy root or holds islet itself");
    // v2 cgroup.kill kills the whole subtree atomically (Linux 5.14+).
    if (auto it = cg.dirs.find("unified"); it != cg.dirs.end() && exists(it->second + "/cgroup.kill")) {
        try {
            sys::write_file(it->second + "/cgroup.kill", "1");
        } catch (const sys::Error&) {
        }
    }
    for (int round = 0; round < 200; ++round) {
        auto left = pids(cg);
        if (left.empty()) break;
        if (round % 20 == 0) kill_all(cg, SIGKILL);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    stop_unit();
    std::string failed;
    for (auto& [name, dir] : cg.dirs) {
        if (!cg.owned) continue;
        if (auto err = remove_tree(dir); !err.empty() && failed.empty()) failed = err;
    }
    if (!failed.empty()) throw sys::Error(failed);
}

}  // namespace islet::runtime::cgroups
