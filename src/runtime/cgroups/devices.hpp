// The device cgroup. Host side.
//
// Applies: linux.resources.devices
//
// A deny-all rule comes first (runc's emulator starts as an allow-list, so a
// config without rules gets no device beyond the defaults), then the config's
// rules, then the devices every container gets (/dev/null, zero, full,
// random, urandom, tty, console, ptmx, pts, and mknod of any node, as runc's
// AllowedDevices): a deny-all config still has a working /dev.
//
// Where they go: the v1 devices controller when it holds the container (v1,
// hybrid), else an eBPF program on the unified cgroup (device_filter.hpp, v2).
// Not both: the v1 controller alone enforces the list, as in runc, and a
// program costs a verifier run per container (bench/README.md). The program
// is exercised by the unit tests' interpreter and the v2 VM lane.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "spec/model.hpp"

namespace islet::runtime::cgroups {

struct DeviceRule {
    bool allow = false;
    char type = 'a';              // a, c, b
    long major = -1;              // -1: any
    long minor = -1;              // -1: any
    std::string access;           // r, w, m combination
    std::string v1_text() const;  // "c 1:3 rwm", "a *:* rwm"
};

// The rules islet applies for a config (pure; unit-tested).
std::vector<DeviceRule> device_rules(const std::vector<spec::DeviceCgroup>& config_rules);

// Writes the rules into a v1 devices cgroup directory (devices.allow/deny).
void apply_devices_v1(const std::string& dir, const std::vector<DeviceRule>& rules);

struct Host;
// Applies the rules for a config wherever this host enforces devices (see
// above). `dirs` are the container's cgroup directories.
void apply_devices(const Host& host, const std::map<std::string, std::string>& dirs,
                   const std::vector<spec::DeviceCgroup>& config_rules);

}  // namespace islet::runtime::cgroups
