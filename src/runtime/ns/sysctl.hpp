// Kernel parameters of the container's namespaces. Pure key handling
// (unit-tested), a host check, and the init-side write.
//
// Applies: linux.sysctl
//
// Which keys are allowed (namespaced, and only with the namespace that makes
// them safe) is decided in spec/validate (check_sysctls, runc's rules). The
// values are written by the init after pivot_root, where it is inside all of
// the container's namespaces: /proc/sys resolves net, ipc and uts entries by
// the writer's namespaces, whichever procfs mount is used. islet writes through
// the host's procfs handle that the runtime opened before clone3 (never a
// /proc inside the rootfs, which the image controls, and not the container's
// /proc/sys, which readonlyPaths has already made read-only), verified to be
// procfs, resolved with no symlinks and no mount crossing (SECURITY.md §0
// principle 3; CVE-2019-16884, CVE-2025-52881).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "runtime/ns/namespaces.hpp"
#include "spec/model.hpp"
#include "spec/names.hpp"
#include "spec/problem.hpp"

namespace islet::runtime {

// The file below /proc for a key: "sys/net/ipv4/ip_forward". Empty when the
// key cannot name a file safely (empty, ".", ".." components).
std::string sysctl_proc_path(const std::string& key);

// net.ipv4.ping_group_range names group IDs of its writer's user namespace.
// When the runtime writes it for a container (write_joined_sysctls), the
// container's range becomes the host's: the part of [first, last] that the
// gid mapping holding `first` (or the first mapping it meets) covers, in host
// IDs; "1 0" (nobody) when no mapping meets it, or the value is not two IDs.
std::string translate_ping_group_range(const std::string& value, const std::vector<spec::IdMapping>& gid_mappings);

namespace host {
// Checks that need the host: a net.* sysctl with a network namespace path
// that is the runtime's own namespace (runc's isHostNetNS).
void sysctl_problems(const spec::Linux& linux, std::vector<spec::Problem>& out);

// An isolated container's user namespace is islet's own addition: the
// namespaces its config joins by path (an engine's network namespace) stay
// owned by the engine's user namespace, where the init, root only in its
// own, may not write their sysctls. The runtime writes those itself, inside
// the joined namespaces, before clone3, and returns the rest for the init.
std::map<std::string, std::string> write_joined_sysctls(const spec::Linux& linux, const ns::Plan& plan,
                                                        int host_proc_fd);
}  // namespace host

namespace init {
// Writes each value through the host's /proc handle (see above).
void write_sysctls(const std::map<std::string, std::string>& sysctls, int host_proc_fd);
}  // namespace init

}  // namespace islet::runtime
