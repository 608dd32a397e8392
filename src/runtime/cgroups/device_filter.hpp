// The device cgroup on cgroup v2: an eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE)
// built from raw instructions, attached to the container's unified cgroup.
// Host side.
//
// Applies: linux.resources.devices (on the unified hierarchy)
//
// cgroup v2 has no devices.allow/deny files. As runc (devicefilter.go,
// after crun's ebpf.c) islet first runs the rules through an emulation of
// the v1 kernel's list semantics, so both versions decide the same way, and
// then compiles what is left:
//   - an "a" rule resets the list and sets the default (allow or deny);
//   - a rule in the direction of the default removes access bits from the
//     exception with the same type/major/minor (exact match, as the kernel);
//   - a rule against the default adds (or widens) an exception.
// The program checks the exceptions in order: in deny-by-default mode a
// request is allowed when one exception covers all of its access bits; in
// allow-by-default mode it is denied when one exception shares any access
// bit with it (the kernel's match_exception / match_exception_partial).
#pragma once

#include <linux/bpf.h>

#include <string>
#include <vector>

#include "runtime/cgroups/devices.hpp"

namespace islet::runtime::cgroups {

struct DeviceList {
    bool default_allow = false;
    std::vector<DeviceRule> exceptions;  // all with allow == !default_allow, access non-empty
};

// The v1 kernel's list after applying `rules` in order to a deny-all list
// (runc's emulator starts as an allow-list too). Pure.
DeviceList emulate_device_rules(const std::vector<DeviceRule>& rules);

// The BPF program for a list (pure). Throws sys::Error for a rule the
// program cannot express (a major or minor above 2^31-1).
std::vector<bpf_insn> device_program(const DeviceList& list);

// Loads the program and attaches it to the cgroup directory with
// BPF_F_ALLOW_MULTI (other programs, e.g. systemd's, stay). The attachment
// lives as long as the cgroup; no fd is kept. Errors carry the verifier log.
void attach_device_program(const std::string& cgroup_dir, const std::vector<bpf_insn>& program);

}  // namespace islet::runtime::cgroups
