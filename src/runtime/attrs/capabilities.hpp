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
    int last_cap = 0;                  // the kernel's last capability, as the runtime read it
    std::vector<std::string> unknown;  // names skipped (unknown to this kernel)
};

// Pure: the sets as masks for a kernel whose last capability is last_cap.
CapPlan plan_capabilities(const std::optional<spec::Capabilities>& caps, int last_cap);

// /proc/sys/kernel/cap_last_cap of the host. Host side: the runtime reads it
// and plans (host::plan_security); the init never reads a /proc for it.
int kernel_last_cap();

// "CAP_A, CAP_B" of a mask (for messages and tests).
std::string cap_names(std::uint64_t mask);

namespace init {
// Drops every capability not in the bounding set (needs CAP_SETPCAP, so it
// runs before the user switch).
void drop_bounding(const CapPlan& plan);
// Sets effective, permitted and inheritable, then raises ambient. Runs after
// the user switch (PR_SET_KEEPCAPS kept permitted across it).
void apply_capabilities(const CapPlan& plan);
// The whole switch: bounding set, then the user with PR_SET_KEEPCAPS so the
// permitted set survives setuid, then the configured sets. Used by the init
// and by exec's joining process (process/finish.hpp).
void set_identity(const spec::User& user, const CapPlan& plan);
}  // namespace init

}  // namespace islet::runtime
