// The container record islet keeps in <root>/<id>/state.json between
// commands, and the documents clients read (state, list, hook stdin). Pure
// code: the JSON lives here, the files in runtime/container/state_store.
//
// The record is written before the first side effect of create (phase
// "creating", with the cgroup it is about to make), so `delete --force` can
// undo a half-made container after any crash (SECURITY.md §4.3), and again
// once the init waits at the barrier (phase "created", with pid and start time).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace islet::spec {

// A container's status as clients see it: the runtime-spec's four, plus
// runc's "paused". Computed on every call (runtime/container/lifecycle.hpp).
enum class Status { creating, created, running, paused, stopped };
const char* status_name(Status status);

// How far create got: the record is written "creating" before the first side
// effect, "created" once the init waits at the barrier.
enum class Phase { creating, created };

// Who manages the container's cgroups: islet itself, islet on systemd's
// paths (--systemd-cgroup), or no one (--cgroup-manager disabled, or rootless
// without permission).
enum class CgroupManager { cgroupfs, systemd, none };

struct CgroupRecord {
    CgroupManager manager = CgroupManager::cgroupfs;
    std::string path;  // the container's cgroup, as in cgroupsPath after cleaning
    // hierarchy name -> absolute directory made for the container:
    // "cpu" -> /sys/fs/cgroup/cpu/<path>, "unified" -> /sys/fs/cgroup/unified/<path>.
    std::map<std::string, std::string> dirs;
    bool owned = true;  // islet made the directories (and so removes them)
    // systemd driver: the transient unit holding the cgroup, and whether it
    // belongs to the user's systemd instance (rootless) or the system's.
    std::string unit;
    bool user_instance = false;
};

// A container's claim on a host ID block (runtime/isolation/id_pool.hpp).
struct IdBlockRecord {
    std::string registry;                // empty: an islet 0.1 record
    std::string token;                   // the owner token in the block's file
    std::optional<std::uint64_t> index;  // absent until the allocation is done
};

struct ContainerRecord {
    std::string id;
    Phase phase = Phase::creating;
    pid_t pid = 0;                 // init pid in the host pid namespace
    std::uint64_t start_time = 0;  // /proc/<pid>/stat field 22 of the init
    pid_t creator_pid = 0;         // the islet process that ran create
    std::string bundle;
    std::string rootfs;
    std::string created;  // RFC 3339, UTC, nanoseconds
    std::map<std::string, std::string> annotations;
    CgroupRecord cgroup;
    bool private_pid_ns = true;  // false: kill and delete sweep the whole cgroup
    bool rootless = false;
    // No mount namespace, but mounts: they were made in the runtime's mount
    // namespace below the rootfs, and delete unmounts them.
    bool shares_host_mounts = false;
    // Namespace type -> the path exec joins: /proc/<pid>/ns/<kind> for the
    // container's own, the config's path for joined ones.
    std::map<std::string, std::string> namespaces;
    // Isolated user namespaces (ISOLATION.md §3): the annotations `state`
    // shows (mode, and the block as "first-last").
    std::map<std::string, std::string> isolation;
    // The host ID block this container holds in the ranges mode, freed by
    // delete from the registry named here, never from the islet config of
    // the moment ("idBlock": {"registry", "token", "index"}; written with
    // registry and token before the block is allocated, so index may be
    // absent. islet 0.1 wrote a bare index, as "idBlock" or as
    // isolation["_block_index"]: both are still read, with no registry).
    std::optional<IdBlockRecord> id_block;
};

std::string record_to_json(const ContainerRecord& r);
// Throws sys::Error naming `what` when the text is not a valid record.
ContainerRecord record_from_json(const std::string& text, const std::string& what);

// The `state` document (RUNC-CONTRACT.md §2.4): 2-space indent, keys in
// runc's order, no trailing newline. status is created/running/paused/stopped.
struct StateView {
    std::string id;
    Status status = Status::stopped;
    std::string bundle, rootfs, created, owner;
    pid_t pid = 0;
    std::map<std::string, std::string> annotations;
};
// The one way to make a view of a record: its id, bundle, rootfs, creation
// time and annotations, with this status and pid.
StateView state_view(const ContainerRecord& record, Status status, pid_t pid);
std::string state_document(const StateView& v);
// `list --format json`: one compact line, `null` when empty (as runc).
std::string list_document(const std::vector<StateView>& views);

// The state given to hooks on stdin: compact, pid and annotations omitted when
// empty (RUNC-CONTRACT.md §3.4).
std::string hook_state_document(const StateView& v);

// runc's containerProcessState for a seccomp listener (SCMP_ACT_NOTIFY):
// {"ociVersion","fds":["seccompFd"],"pid","metadata","state":<hook state>}.
// metadata is omitted when empty, as runc's omitempty.
std::string container_process_state_document(const StateView& v, const std::string& metadata);

// RFC 3339 UTC with nanoseconds, for `created`.
std::string rfc3339_nano_now();

}  // namespace islet::spec
