// Applies: linux.resources.devices
#include "runtime/cgroups/devices.hpp"

#include "runtime/cgroups/cgroups.hpp"
#include "runtime/cgroups/device_filter.hpp"
#include "sys/error.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::cgroups {
namespace {

std::string num(long n) { return n < 0 ? "*" : std::to_string(n); }

// runc's AllowedDevices: what any container may use whatever its config says.
const std::vector<DeviceRule>& default_allowed() {
    static const std::vector<DeviceRule> kRules = {
        {true, 'c', -1, -1, "m"},    {true, 'b', -1, -1, "m"},  // mknod of any node
        {true, 'c', 1, 3, "rwm"},    {true, 'c', 1, 8, "rwm"},  // null, random
        {true, 'c', 1, 7, "rwm"},    {true, 'c', 5, 0, "rwm"},  // full, tty
        {true, 'c', 1, 5, "rwm"},    {true, 'c', 1, 9, "rwm"},  // zero, urandom
        {true, 'c', 136, -1, "rwm"}, {true, 'c', 5, 2, "rwm"},  // pts/*, ptmx
        {true, 'c', 5, 1, "rwm"},                               // console
    };
    return kRules;
}

}  // namespace

std::string DeviceRule::v1_text() const {
    return std::string(1, type) + " " + num(major) + ":" + num(minor) + " " + access;
}

std::vector<DeviceRule> device_rules(const std::vector<spec::DeviceCgroup>& config_rules) {
    std::vector<DeviceRule> out = {{false, 'a', -1, -1, "rwm"}};
    for (auto& r : config_rules) {
        DeviceRule d;
        d.allow = r.allow;
        d.type = r.type.empty() ? 'a' : r.type[0];
        d.major = r.major ? static_cast<long>(*r.major) : -1;
        d.minor = r.minor ? static_cast<long>(*r.minor) : -1;
        d.access = r.access.empty() ? "rwm" : r.access;
        std::erase(d.access, 'a');  // ignored, as runc does (validate: never only `a`)
        out.push_back(d);
    }
    for (auto& d : default_allowed()) out.push_back(d);
    return out;
}

void apply_devices_v1(const std::string& dir, const std::vector<DeviceRule>& rules) {
    for (auto& r : rules) {
        // "a" rules reset the whole list in v1; the kernel wants "a" alone.
        std::string text = r.type == 'a' ? "a" : r.v1_text();
        if (r.type == 'a' && r.access != "rwm" && !r.access.empty()) text = r.v1_text();
        try {
            sys::write_file(dir + (r.allow ? "/devices.allow" : "/devices.deny"), text);
        } catch (sys::Error& e) {
            e.add_context("device cgroup rule \"" + r.v1_text() + "\"");
            throw;
        }
    }
}

void apply_devices(const Host& host, const std::map<std::string, std::string>& dirs,
                   const std::vector<spec::DeviceCgroup>& config_rules) {
    const auto rules = device_rules(config_rules);
    // Where the v1 devices controller holds the container (v1, and hybrid as
    // runc sees it) it is the whole enforcement: the kernel checks every
    // device access against it. No eBPF program on the unified hierarchy
    // besides it (runc attaches none there either); loading one costs a
    // verifier run per container.
    const Hierarchy* v1 = host.v1("devices");
    if (v1)
        if (auto it = dirs.find(v1->name); it != dirs.end()) return apply_devices_v1(it->second, rules);
    auto unified = dirs.find("unified");
    if (unified == dirs.end()) {
        if (!v1 && !config_rules.empty())
            throw sys::Error("no devices cgroup on this host to apply the device rules to");
        return;
    }
    attach_device_program(unified->second, device_program(emulate_device_rules(rules)));
}

}  // namespace islet::runtime::cgroups
