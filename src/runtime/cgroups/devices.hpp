// The device cgroup. Host side.
//
// Applies: linux.resources.devices
//
// The config's rules come first, then the devices every container gets
// (/dev/null, zero, full, random, urandom, tty, console, ptmx, pts, and mknod
// of any node, as runc's AllowedDevices): a deny-all config still has a
// working /dev.
#pragma once

#include <string>
#include <vector>

#include "spec/model.hpp"

namespace islet::runtime::cgroups {

struct DeviceRule {
    bool allow = false;
    char type = 'a';    // a, c, b
    long major = -1;    // -1: any
    long minor = -1;    // -1: any
    std::string access;  // r, w, m combination
    std::string v1_text() const;  // "c 1:3 rwm", "a *:* rwm"
};

// The rules islet applies for a config (pure; unit-tested).
std::vector<DeviceRule> device_rules(const std::vector<spec::DeviceCgroup>& config_rules);

// Writes the rules into a v1 devices cgroup directory (devices.allow/deny).
void apply_devices_v1(const std::string& dir, const std::vector<DeviceRule>& rules);

}  // namespace islet::runtime::cgroups
