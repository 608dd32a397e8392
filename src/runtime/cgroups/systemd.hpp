// The systemd cgroup driver (--systemd-cgroup, crun's --cgroup-manager
// systemd). Host side.
//
// Applies: linux.cgroupsPath ("slice:prefix:name"), linux.resources (also as
// unit properties), annotations "org.systemd.property.<Name>"
//
// On a host run by systemd, systemd is the single writer of the cgroup tree:
// it may move, freeze or remove cgroups it does not know. So, as runc's
// systemd driver does, the container's cgroup is a transient scope unit
// asked for over D-Bus (StartTransientUnit: the init's pid, Delegate=yes,
// the slice from cgroupsPath, accounting on, DefaultDependencies=no, the
// resources as unit properties, the annotations' properties), and islet
// waits for the start job. The scope's cgroup then gets linux.resources and
// the device rules written as with cgroupfs (the same plan: the properties
// are made from its writes, so systemd and the files agree). `update` sets
// the properties, then the files. `delete` stops the unit once its processes
// are gone (also for a record left by a crashed create).
//
// A scope cannot exist without a process, so with systemd create makes the
// cgroup after clone3 (docs/ARCHITECTURE.md "cgroups"): the init is cloned
// into islet's own cgroup, waits at `go`, is moved by systemd, and only then
// are the resources applied.
//
// D-Bus goes through sd-bus (libsystemd0), opened with dlopen on first use:
// islet's other commands never load libsystemd and its dependencies. Root
// talks to the system instance (system bus, else systemd's private socket);
// rootless to the user's instance (user bus from $XDG_RUNTIME_DIR), whose
// cgroup is the base of the container's (runc's rule).
//
// Decide in pure code (unit naming, properties from the plan's writes and
// device list, GVariant text of the annotations; systemd_properties.cpp,
// gvariant.cpp), act in thin code (systemd.cpp, systemd_bus.cpp).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/cgroups/cgroups.hpp"
#include "runtime/cgroups/device_filter.hpp"
#include "runtime/cgroups/resources.hpp"
#include "spec/model.hpp"
#include "spec/record.hpp"

namespace islet::runtime::cgroups::systemd {

// A D-Bus value: the part of the type system unit properties use. Basic
// types keep their D-Bus type code in `sig`; arrays ("a..") and structs
// ("(..)") hold their elements in `items`.
struct Value {
    std::string sig;           // full D-Bus signature: "t", "as", "a(ss)", "ay"
    bool b = false;            // 'b'
    std::uint64_t u = 0;       // 'y' 'q' 'u' 't'
    std::int64_t i = 0;        // 'n' 'i' 'x'
    double d = 0;              // 'd'
    std::string s;             // 's' 'o' 'g'
    std::vector<Value> items;  // 'a', '('
    static Value boolean(bool v);
    static Value u64(std::uint64_t v);
    static Value str(const std::string& v);
    static Value u32_array(const std::vector<std::uint32_t>& v);
    static Value bytes(const std::vector<std::uint8_t>& v);
    bool operator==(const Value&) const = default;
};

struct Property {
    std::string name;
    Value value;
    bool operator==(const Property&) const = default;
};

// --- pure -------------------------------------------------------------

// GVariant text format (what runc's annotations take): true/false, numbers
// (int32 unless typed, double with a point), 'strings' and "strings",
// [arrays], (tuples), type keywords (uint64 5, byte 1, ...) and @TYPE
// annotations (@as []). Throws sys::Error naming the position.
Value parse_gvariant(const std::string& text);

// The "org.systemd.property.<Name>" annotations as properties (runc's
// rules: Name is 3+ latin letters; a name ending in a lowercase letter +
// "Sec" is renamed to ...USec with the seconds converted to microseconds).
// Throws sys::Error with runc 1.1.5's "annotation ..." messages.
std::vector<Property> annotation_properties(const std::map<std::string, std::string>& annotations);

// The unit for a container: "slice:prefix:name" (slice defaults to
// system.slice, user.slice for the user instance; "prefix-name.scope",
// or name as is when it ends in .scope) or, without cgroupsPath,
// "islet-<id>.scope". Throws sys::Error (runc's message) for another form,
// and for a slice as the unit (a slice cannot hold processes).
struct Unit {
    std::string name;   // islet-abc.scope
    std::string slice;  // system.slice
};
Unit unit_for(const std::optional<std::string>& cgroups_path, const std::string& id, bool user_instance);

// "0-3,5" -> the byte mask systemd takes for AllowedCPUs/AllowedMemoryNodes
// (bit n of byte n/8 = cpu n). Throws sys::Error for a malformed list.
std::vector<std::uint8_t> range_to_bits(const std::string& list);

// The unit properties matching a plan's file writes (runc's
// genV2ResourcesProperties / unifiedResToSystemdProps, and the v1 ones for
// hybrid hosts): memory.max -> MemoryMax, cpu.max -> CPUQuotaPerSecUSec
// (+ CPUQuotaPeriodUSec), pids.max -> TasksMax, cpuset.cpus -> AllowedCPUs,
// ... Writes without a property are left to the files. `version` is
// systemd's (CPUQuotaPeriodUSec needs 242, AllowedCPUs 244, cpu.idle 252).
std::vector<Property> resource_properties(const std::vector<Write>& writes, int version);

// DevicePolicy/DeviceAllow for the device list islet enforces (runc's
// systemdProperties): strict with the allowed devices, "auto" with none for
// allow-all. Rules systemd cannot say ("*:n", a deny list) are reported in
// `warnings` (islet's own eBPF program still enforces them).
std::vector<Property> device_properties(const DeviceList& list, std::vector<std::string>& warnings);

// Everything StartTransientUnit gets for a scope, in runc's order.
struct ScopeRequest {
    Unit unit;
    std::string id;
    pid_t pid = 0;
    bool v1_accounting = false;            // hybrid/v1: BlockIOAccounting instead of IOAccounting
    std::vector<Property> resources;       // resource_properties + device_properties
    std::vector<Property> annotations;     // annotation_properties
    std::optional<std::string> oom_group;  // unified memory.oom.group -> OOMPolicy
};
std::vector<Property> scope_properties(const ScopeRequest& r);

// --- thin ---------------------------------------------------------------

// create, before anything is made: connects to the systemd instance (a clear
// error without one), names the unit and checks the annotations, then sets
// cg's unit, instance, path and directories.
void plan(spec::CgroupRecord& cg, const Host& host, const spec::Config& config, const std::string& id, bool rootless);

// create, right after clone3: starts the scope with the waiting init and
// waits for the job (the unit exists once this returns).
void start_scope(const Host& host, const spec::CgroupRecord& cg, const spec::Config& config, const std::string& id,
                 pid_t pid);

// create, after start_scope: makes the v1 directories systemd did not make
// (hybrid), then applies linux.resources and the device rules to the files,
// as cgroupfs does.
void setup_scope(const Host& host, const spec::CgroupRecord& cg, const std::optional<spec::Resources>& r);

// update: the resources as unit properties (SetUnitProperties, runtime),
// before the files are written.
void set_resources(const Host& host, const spec::CgroupRecord& cg, const spec::Resources& r);

// delete and a failed create, once the processes are gone: StopUnit (a unit
// already gone is fine) and ResetFailedUnit. Never throws: a missing bus is
// a warning, and the directories are removed by the caller either way.
void stop(const spec::CgroupRecord& cg);

}  // namespace islet::runtime::cgroups::systemd
