// Capability sets. Pure plan (unit-tested) + init-side apply.
//
// Applies: process.capabilities
//
// Absent sets are empty (runc: no capabilities at all). Inheritable and ambient
// stay empty unless the config asks (SECURITY.md F, CVE-2022-29162). A name
// that is no capability at all is rejected by validation; a real one this
// kernel does not have (above cap_last_cap) is skipped with a warning, as runc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spec/model.hpp"

namespace islet::runtime {

struct CapPlan {
    std::uint64_t bounding = 0, effective = 0, permitted = 0, inheritable = 0, ambient = 0;
    std::vector<std::string> unknown;  // names skipped (unknown to this kernel)
};

CapPlan plan_capabilities(const std::optional<spec::Capabilities>& caps, int last_cap);

// /proc/sys/kernel/cap_last_cap, read once per process and cached: call it on
// the host side before clone3 so the child inherits the host's value.
int kernel_last_cap();

// "CAP_A, CAP_B" of a mask (for messages and tests).
std::string cap_names(std::uint64_t mask);

namespace init {
// Drops every capability not in the bounding set (needs CAP_SETPCAP, so it
// runs before the user switch).
void drop_bounding(const CapPlan& plan, int last_cap);
// Sets effective, permitted and inheritable, then raises ambient. Runs after
// the user switch (PR_SET_KEEPCAPS kept permitted across it).
void apply_capabilities(const CapPlan& plan, int last_cap);
// The whole switch: bounding set, then the user with PR_SET_KEEPCAPS so the
// permitted set survives setuid, then the configured sets. Used by the init
// and by exec's joining process.
void set_identity(const spec::User& user, const CapPlan& plan, int last_cap);
}  // namespace init

}  // namespace islet::runtime
