// Isolated pods (docs/ISOLATION.md "Pods"): a container that joins the
// namespaces of a live isolated container (a CRI pod sandbox, a podman
// pod's infra container) joins that container's user namespace and holds
// its ID block too. Host side.
//
// Applies: linux.namespaces[].path of an isolated pod's namespaces,
// annotations["run.islet.isolated-userns"] for the pod's members
//
// Ownership comes from the kernel, never from names: each joined namespace
// file is opened and ioctl(NS_GET_USERNS) gives the user namespace that owns
// it; when that is the user namespace of a live isolated islet container
// (the init of a holder of a block in islet's registry, compared by st_dev
// and st_ino), the new container is a member of that pod.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "spec/model.hpp"
#include "spec/record.hpp"
#include "sys/fd.hpp"

namespace islet::runtime::isolation {

// The pod a container joins, as plan() needs it (plain data).
struct PodMember {
    std::string sandbox;    // the id of the isolated container found in the user namespace
    std::string user_path;  // /proc/<its init>/ns/user: what the record shows
    std::string mode;       // its isolation mode ("ranges", "kernel")
    std::vector<spec::IdMapping> uid_mappings, gid_mappings;  // the namespace's maps, from the kernel
};

// What find_pod found: the plain data, the user namespace itself (the init
// enters it by this fd, never by a path that could be reused) and the
// found container's claim on its block (registry, token, index), which the
// member joins.
struct Pod {
    PodMember member;
    sys::UniqueFd userns;
    std::optional<spec::IdBlockRecord> block;
};

// Pure: /proc/<pid>/uid_map's text as mappings.
std::vector<spec::IdMapping> parse_id_map(const std::string& text);

namespace host {
// The pod the config's joined namespaces (and its joined user namespace, if
// any) belong to, or nothing when every one of them belongs to the
// runtime's own user namespace or to no isolated islet container.
// `registries` is called only when some namespace belongs to another user
// namespace: the registries whose blocks' holders are candidates. Throws
// sys::Error when the namespaces belong to two different isolated
// containers' user namespaces.
std::optional<Pod> find_pod(const spec::Linux& linux, const std::function<std::vector<std::string>()>& registries);
}  // namespace host

}  // namespace islet::runtime::isolation
