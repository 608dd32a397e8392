// cgroups: layout detection, the container's cgroup path, and the directory
// lifecycle on v1, hybrid and v2 hosts. Host side.
//
// Applies: linux.cgroupsPath
//
// Decide in pure code (path rules, the per-hierarchy plan), act in thin code
// (mkdir, write cgroup.procs, rmdir). Resources are applied per controller in
// the files next to this one.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "spec/model.hpp"
#include "spec/record.hpp"
#include "sys/fd.hpp"

namespace islet::runtime::cgroups {

enum class Layout { none, v1, hybrid, v2 };
const char* layout_name(Layout l);

struct Hierarchy {
    std::string name;                      // "cpu", "cpu,cpuacct", "name=systemd", "unified"
    std::string mount;                     // /sys/fs/cgroup/cpu
    std::string root;                      // mountinfo "root" field ("/" unless in a cgroup namespace)
    std::vector<std::string> controllers;  // v1: from the mount options; v2: cgroup.controllers
    bool v2 = false;
    bool has(const std::string& controller) const;
};

struct Host {
    Layout layout = Layout::none;
    std::vector<Hierarchy> hierarchies;
    // v2 hierarchy or nullptr; the hierarchy holding a v1 controller or nullptr.
    const Hierarchy* unified() const;
    const Hierarchy* v1(const std::string& controller) const;
    // Where a resource's controller lives: v1 first (hybrid), else unified
    // when it lists the controller; nullptr when the host has no such controller.
    const Hierarchy* for_controller(const std::string& controller) const;
};

// Parses /proc/self/mountinfo text and the unified cgroup.controllers (pure).
Host parse_host(const std::string& mountinfo, const std::string& unified_controllers);
// Reads the running host.
Host detect();

// The container's cgroup path from linux.cgroupsPath (runc's rules):
//  - absent: "/<id>" (cgroupfs) or "system.slice:islet:<id>" (systemd)
//  - absolute: lexically cleaned as if rooted at "/" (no ".." escapes)
//  - relative: kept relative; resolved per hierarchy under islet's own cgroup
//  - systemd "slice:prefix:name": "/<expanded slice>/<prefix>-<name>.scope"
// Throws sys::Error for a malformed systemd path.
std::string container_path(const std::optional<std::string>& cgroups_path, const std::string& id, bool systemd);

// "a-b.slice" -> "/a.slice/a-b.slice" (systemd's slice nesting); "-.slice" -> "/".
std::string expand_slice(const std::string& slice);

// hierarchy name -> absolute directory for the container. `self` maps a
// hierarchy name to islet's own cgroup in it (for relative paths).
std::map<std::string, std::string> plan_dirs(const Host& host, const std::string& path,
                                             const std::map<std::string, std::string>& self);
// islet's own cgroups from /proc/self/cgroup (hierarchy name -> path).
std::map<std::string, std::string> parse_self_cgroup(const std::string& text, const Host& host);

// Refuses planned directories that already exist and hold processes or are
// frozen ("container's cgroup is not empty: N process(es) found"). Runs
// before anything is made: cgroups refused here are not the container's and
// must never reach the rollback, whose destroy() kills what is inside.
void check_reusable(const std::map<std::string, std::string>& dirs);

// Makes the directories (cpuset.cpus/mems copied down from the parent on v1,
// as the kernel leaves them empty). Refuses a directory that existed and now
// holds processes ("container's cgroup is not empty: N process(es) found"),
// and any that is frozen (check_reusable again, now that they exist; one made
// here cannot hold a process yet).
void create_dirs(const Host& host, const std::map<std::string, std::string>& dirs);

// Moves pid into every directory (v1 and unified).
void join(const std::map<std::string, std::string>& dirs, pid_t pid, const std::string& skip = {});

// An O_PATH-less directory fd of the unified cgroup, for CLONE_INTO_CGROUP.
sys::UniqueFd open_dir(const std::string& dir);

// Every pid in the container's cgroups (the union over hierarchies,
// sub-cgroups included), sorted.
std::vector<pid_t> pids(const spec::CgroupRecord& cg);

// Frozen state (v1 freezer.state FROZEN, or v2 cgroup.freeze 1).
bool frozen(const spec::CgroupRecord& cg);
void freeze(const spec::CgroupRecord& cg);
void thaw(const spec::CgroupRecord& cg);

// Kills every process in the cgroups (freeze, SIGKILL all, thaw; v2:
// cgroup.kill) and waits for them to go, then removes the directories,
// sub-cgroups first. Tries a plain rmdir of each first: the kernel removes
// only a cgroup with no process and no child, so when all go there was
// nothing to kill (the usual delete of a stopped container).
// Missing directories are fine; this is what `delete --force` relies on.
void destroy(const spec::CgroupRecord& cg);

// SIGKILLs every process in the cgroups (frozen during the sweep).
void kill_all(const spec::CgroupRecord& cg, int sig);

}  // namespace islet::runtime::cgroups
