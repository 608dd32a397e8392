// The systemd cgroup driver's steps (systemd.hpp). Host side.
//
// Applies: linux.cgroupsPath with --systemd-cgroup, linux.resources (as unit
// properties), annotations "org.systemd.property.<Name>"
#include "runtime/cgroups/systemd.hpp"

#include <sys/stat.h>

#include <optional>

#include "runtime/cgroups/devices.hpp"
#include "runtime/cgroups/systemd_bus.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"
#include "sys/strings.hpp"

namespace islet::runtime::cgroups::systemd {
namespace {

// One connection per instance for the whole command (create plans, then
// starts; delete stops).
Bus& connection(bool user_instance) {
    static std::optional<Bus> system, user;
    auto& slot = user_instance ? user : system;
    if (!slot) slot.emplace(Bus::connect(user_instance));
    return *slot;
}

int version_of(Bus& bus) {
    static int v = -2;
    if (v == -2) v = parse_version(bus.manager_string("Version"));
    return v;
}

// The properties for `r` on this host: made from the same plan of file
// writes that cgroupfs applies, so both say the same. Problems are left to
// the file step, which reports them with their JSON pointers.
std::vector<Property> resource_props(const Host& host, const spec::CgroupRecord& cg, const spec::Resources& r,
                                     int version, bool devices) {
    spec::Resources limits = r;
    limits.devices.clear();
    std::vector<Property> out;
    Plan plan = plan_resources(limits, gather_facts(host, cg.dirs), "");
    if (plan.problems.empty()) out = resource_properties(plan.writes, version);
    if (devices) {
        std::vector<std::string> warnings;
        for (auto& p : device_properties(emulate_device_rules(device_rules(r.devices)), warnings)) out.push_back(p);
        for (auto& w : warnings) log::warning(w);
    }
    return out;
}

bool exists(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0;
}

}  // namespace

void plan(spec::CgroupRecord& cg, const Host& host, const spec::Config& config, const std::string& id, bool rootless) {
    const Unit unit = unit_for(config.linux->cgroups_path, id, rootless);
    annotation_properties(config.annotations);  // a bad annotation fails before anything is made
    Bus& bus = connection(rootless);
    // The user's instance runs below its own cgroup (user@UID.service); its
    // slices are relative to that (runc's getSliceFull).
    const std::string base = rootless ? bus.manager_string("ControlGroup") : "";
    const std::string slice = expand_slice(unit.slice);
    cg.unit = unit.name;
    cg.user_instance = rootless;
    cg.path = sys::clean_path(base + "/" + (slice == "/" ? "" : slice) + "/" + unit.name);
    cg.dirs = plan_dirs(host, cg.path, {});
}

void start_scope(const Host& host, const spec::CgroupRecord& cg, const spec::Config& config, const std::string& id,
                 pid_t pid) {
    Bus& bus = connection(cg.user_instance);
    const int version = version_of(bus);
    ScopeRequest req;
    req.unit = unit_for(config.linux->cgroups_path, id, cg.user_instance);
    req.id = id;
    req.pid = pid;
    req.v1_accounting = host.layout != Layout::v2;
    req.annotations = annotation_properties(config.annotations);
    const spec::Resources none;
    const spec::Resources& r = config.linux->resources ? *config.linux->resources : none;
    req.resources = resource_props(host, cg, r, version, true);
    if (auto it = r.unified.find("memory.oom.group"); it != r.unified.end()) req.oom_group = it->second;
    sys::with_context("systemd", [&] { bus.start_transient(cg.unit, scope_properties(req)); });
}

void setup_scope(const Host& host, const spec::CgroupRecord& cg, const std::optional<spec::Resources>& r) {
    // Hybrid: the v1 hierarchies systemd does not manage are made here, as
    // cgroupfs makes them (the init joins them with the rest, step 7).
    std::map<std::string, std::string> missing;
    for (auto& [name, dir] : cg.dirs)
        if (!exists(dir)) missing[name] = dir;
    if (missing.count("unified"))
        throw sys::Error("systemd started " + cg.unit + " but its cgroup " + missing["unified"] + " is missing");
    create_dirs(host, missing);
    setup(host, cg.dirs, r, !cg.user_instance);
}

void set_resources(const Host& host, const spec::CgroupRecord& cg, const spec::Resources& r) {
    if (cg.unit.empty()) return;
    Bus& bus = connection(cg.user_instance);
    auto props = resource_props(host, cg, r, version_of(bus), false);
    if (!props.empty()) sys::with_context("systemd", [&] { bus.set_properties(cg.unit, props); });
}

void stop(const spec::CgroupRecord& cg) {
    if (cg.unit.empty()) return;
    try {
        connection(cg.user_instance).stop(cg.unit);
    } catch (const sys::Error& e) {
        log::warning("systemd: " + e.message());
    }
}

}  // namespace islet::runtime::cgroups::systemd
