// The starter config (`islet spec`) and the Features document (`islet
// features`). Pure code.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace islet::spec {

struct SpecOptions {
    bool rootless = false;         // user namespace mapping the caller's ids, no network namespace
    bool isolated_userns = false;  // ISOLATION.md: the run.islet.isolated-userns annotation + a user namespace
    uid_t uid = 0;
    gid_t gid = 0;
};

// A config.json for a rootfs at ./rootfs running `sh` on a terminal, like
// `runc spec`, but with a cgroup namespace and no ambient capabilities
// (SECURITY.md F: inheritable and ambient stay empty unless asked). Tab
// indented, as runc writes it.
std::string default_config(const SpecOptions& opts);

// What the binary can parse and apply, for `islet features`
// (runtime-spec features.md). Lists are filled by the runtime layer from what
// is really implemented; this only shapes the document (4-space indent,
// trailing newline, as runc).
struct FeaturesInfo {
    std::vector<std::string> hooks;
    std::vector<std::string> mount_options;
    std::vector<std::string> namespaces;
    std::vector<std::string> capabilities;
    bool cgroup_v1 = false, cgroup_v2 = false, cgroup_systemd = false, cgroup_systemd_user = false, cgroup_rdma = false;
    bool seccomp_enabled = false;
    std::vector<std::string> seccomp_actions, seccomp_operators, seccomp_archs, seccomp_known_flags,
        seccomp_supported_flags;
    bool apparmor = false, selinux = false;
    std::vector<std::string> memory_policy_modes, memory_policy_flags;  // linux.memoryPolicy (omitted when empty)
    bool idmap = false;
    std::map<std::string, std::string> annotations;
    std::vector<std::string> unsafe_annotations;
};
std::string features_document(const FeaturesInfo& f);

}  // namespace islet::spec
