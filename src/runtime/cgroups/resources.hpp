// linux.resources -> cgroup file writes, for v1, v2 and hybrid hosts.
//
// Applies: linux.resources (all but devices, which live in devices.hpp and
// device_filter.hpp)
//
// Decide in pure code, act in thin code (STYLE.md 5): each controller has
// one file (memory.cpp, cpu.cpp, cpuset.cpp, pids.cpp, blkio.cpp,
// hugetlb.cpp, network.cpp, rdma.cpp, unified.cpp) whose plan_* function
// turns the spec's values into an ordered list of writes, with runc's
// conversions (shares -> weight, blkio weight -> io.weight, memory+swap ->
// swap) and runc's messages. The plan only reads `Facts`, a plain
// description of the host and of the container's cgroup directories, which
// the thin side (resources.cpp) gathers. apply() then writes each value and
// names the file and value in any error.
//
// Where a controller lives: in hybrid a controller is used where it is
// mounted, v1 first, else on the unified hierarchy when its
// cgroup.controllers lists it (hugetlb on these machines). A requested
// resource whose controller is missing is a problem naming the controller;
// an unrequested one is never touched.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/cgroups/cgroups.hpp"
#include "spec/model.hpp"
#include "spec/problem.hpp"

namespace islet::runtime::cgroups {

enum class Version { none, v1, v2 };

// What the plan may know about the host and the container's cgroup. Pure data.
struct Facts {
    // Controller -> where it is: "memory" -> v1, "hugetlb" -> v2, "io" -> v2.
    std::map<std::string, Version> controllers;
    bool has_unified = false;  // a cgroup2 hierarchy exists (v2 or hybrid)
    // Names of the files in the container's cgroup directories (all
    // hierarchies together): which knobs this kernel has
    // ("memory.memsw.limit_in_bytes", "blkio.weight", "io.bfq.weight"...).
    // Empty before the directories exist; the plan then assumes runc's
    // first choice.
    std::set<std::string> files;
    std::optional<std::uint64_t> memory_limit;  // the current limit (v1 update ordering)
    std::optional<std::uint64_t> memory_usage;  // the current usage (checkBeforeUpdate)
    std::vector<std::string> hugepage_sizes;    // "2MB", "1GB" (from /sys/kernel/mm/hugepages)

    // Where the controller named v1_name (on v1) or v2_name (on v2) lives.
    Version where(const std::string& v1_name, const std::string& v2_name) const;
    Version where(const std::string& name) const { return where(name, name); }
    bool has_file(const std::string& f) const { return files.count(f) != 0; }
};

// One write into the container's cgroup.
struct Write {
    std::string controller;     // the controller whose directory takes it: "memory", "io", "cpu"...
    std::string file;           // "memory.limit_in_bytes"
    std::string value;          // "4194304"
    bool optional = false;      // ENOENT: skipped (runc ignores knobs an older kernel lacks)
    bool retry_einval = false;  // EINVAL: retried after the rest of the plan (runc's period/quota dance)
    bool operator==(const Write&) const = default;
};

struct Plan {
    std::vector<Write> writes;
    std::vector<spec::Problem> problems;   // each names a JSON pointer under the plan's base
    std::vector<std::string> warnings;     // runc's "ignored" warnings
    std::set<std::string> v2_controllers;  // v2 controllers the writes need enabled in the ancestors
};

// The planner the per-controller files add to.
class Planner {
public:
    Planner(const Facts& facts, std::string base) : facts_(facts), base_(std::move(base)) {}
    const Facts& facts() const { return facts_; }
    // Adds a write; for a v2 controller, also records it for subtree_control.
    void write(const std::string& controller, const std::string& file, const std::string& value, bool optional = false,
               bool retry_einval = false);
    void problem(const std::string& pointer, const std::string& message);
    void warning(const std::string& message) { plan_.warnings.push_back(message); }
    // "linux.resources.X requires the Y controller, which this host does not have".
    void missing(const std::string& pointer, const std::string& controller);
    Plan take() { return std::move(plan_); }

private:
    const Facts& facts_;
    std::string base_;
    Plan plan_;
};

// The per-controller planners (one file each; see their Applies: headers).
void plan_memory(const spec::Resources& r, Planner& p);
void plan_cpu(const spec::Resources& r, Planner& p);
void plan_cpuset(const spec::Resources& r, Planner& p);
void plan_pids(const spec::Resources& r, Planner& p);
void plan_blkio(const spec::Resources& r, Planner& p);
void plan_hugetlb(const spec::Resources& r, Planner& p);
void plan_network(const spec::Resources& r, Planner& p);
void plan_rdma(const spec::Resources& r, Planner& p);
void plan_unified(const spec::Resources& r, Planner& p);

// Every write for `r` in runc's order (pids, memory, io, cpu, cpuset,
// hugetlb, net_cls/net_prio, rdma, unified). Pure. `base` prefixes the
// problems' pointers ("/linux/resources" for config.json, "" for update).
Plan plan_resources(const spec::Resources& r, const Facts& facts, const std::string& base);

// runc's conversions (opencontainers/cgroups), exposed for the unit tests.
// cpu.shares [2, 262144] -> cpu.weight [1, 10000]: runc >= 1.3's quadratic
// fit in log space, so the default 1024 maps to the default 100.
std::uint64_t shares_to_weight(std::uint64_t shares);
// blkio.weight [10, 1000] -> io.weight [1, 10000], linear.
std::uint64_t blkio_to_io_weight(std::uint64_t weight);
// memory+swap (v1 semantics) -> memory.swap.max; throws sys::Error with runc's text.
std::int64_t swap_to_v2(std::int64_t memory_swap, std::int64_t memory);
// -1 (or any negative) -> "max", else the decimal value; 0 -> "" (unset).
std::string v2_limit(std::int64_t v);

// `update`: the resources after a patch (merge.cpp). Fields present in the
// patch replace the current ones (cpus/mems when non-empty), unified keys
// are merged, devices never change (runc never updates them). As runc's
// update, a memory limit of -1 without a swap value also resets swap, so
// the v1 rule "unlimited memory -> unlimited memory+swap" applies.
spec::Resources merge_resources(const spec::Resources& current, const spec::Resources& patch);

// `update`'s flags (runc's names without dashes: "memory", "cpu-quota",
// "pids-limit", ...) -> a patch for merge_resources (update_flags.cpp).
// Sizes take docker's binary suffixes ("64m", "1.5g", "512KiB") or -1.
// --kernel-memory(-tcp) are accepted and ignored with runc's warning
// (returned in `warnings`); the Intel RDT schemas are refused. Throws
// sys::Error("invalid value for memory: ...") as runc words it.
spec::Resources update_patch(const std::map<std::string, std::string>& flags, std::vector<std::string>& warnings);
// docker's units.RAMInBytes: "64m" -> 67108864. nullopt when malformed.
std::optional<std::int64_t> parse_ram_bytes(const std::string& text);

// --- thin side -----------------------------------------------------------

// The host's huge page sizes as the hugetlb controller names them
// ("hugepages-2048kB" -> "2MB").
std::vector<std::string> hugepage_sizes();

// The facts of the running host for a container whose directories are `dirs`
// (probing files and current values when the directories exist).
Facts gather_facts(const Host& host, const std::map<std::string, std::string>& dirs);

// Enables the controllers in every ancestor's cgroup.subtree_control, from
// the unified mount down to the container's parent (runc's CreateCgroupPath).
// Errors are ignored here, as runc does: a write into a controller that did
// not come up fails later and is reported there.
void enable_v2_controllers(const Host& host, const std::string& dir, const std::set<std::string>& controllers);

// Runs the writes. Errors name the file, the value and the directory;
// EBUSY on a memory limit says runc's "unable to set memory limit to N
// (current usage: U, peak usage: P)".
void apply_writes(const Host& host, const std::map<std::string, std::string>& dirs, const std::vector<Write>& writes);

// Plans and applies `r` (devices excluded) into the container's cgroups.
// Warnings are logged; problems are thrown together ("<what>: ...").
void apply_resources(const Host& host, const std::map<std::string, std::string>& dirs, const spec::Resources& r,
                     const std::string& what, const std::string& base);

// create's cgroup step: the resources (into `dirs`, already made), then the
// device rules (devices.hpp), before any process joins. Without
// `device_rules` (a runtime unprivileged or in a user namespace: rootless
// islet or rootless podman, in a delegated cgroup) the rules
// are left out: the kernel loads a device eBPF program only for
// CAP_SYS_ADMIN, and a container in a user namespace its user owns cannot
// make device nodes anyway (its devices are binds of the host's, under the
// host's permissions). runc ignores the devices controller's errors when
// rootless.
void setup(const Host& host, const std::map<std::string, std::string>& dirs, const std::optional<spec::Resources>& r,
           bool device_rules);

// True when `r` asks for any limit besides device rules.
bool has_limits(const spec::Resources& r);
// True when `r` has no field but devices (runc spec's default): nothing for
// any controller to plan, whatever the host.
bool only_devices(const spec::Resources& r);

// Checks that need no cgroup directory yet (missing controllers, values
// runc refuses), for create's host_checks. Pointers under /linux/resources.
std::vector<spec::Problem> resource_problems(const spec::Resources& r, const Host& host);

}  // namespace islet::runtime::cgroups
