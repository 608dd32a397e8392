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

struct CgroupRecord {
    std::string manager = "cgroupfs";  // "cgroupfs" | "systemd" | "none"
    std::string path;                  // the container's cgroup, as in cgroupsPath after cleaning
    // hierarchy name -> absolute directory made for the container:
    // "cpu" -> /sys/fs/cgroup/cpu/<path>, "unified" -> /sys/fs/cgroup/unified/<path>.
    std::map<std::string, std::string> dirs;
    bool owned = true;  // islet made the directories (and so removes them)
};

struct ContainerRecord {
    std::string id;
    std::string phase = "creating";  // "creating" until the init waits at the barrier, then "created"
    pid_t pid = 0;                   // init pid in the host pid namespace
    std::uint64_t start_time = 0;    // /proc/<pid>/stat field 22 of the init
    pid_t creator_pid = 0;           // the islet process that ran create
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
    // Isolated user namespaces (ISOLATION.md §3): mode and allocated block.
    std::map<std::string, std::string> isolation;
};

std::string record_to_json(const ContainerRecord& r);
// Throws sys::Error naming `what` when the text is not a valid record.
ContainerRecord record_from_json(const std::string& text, const std::string& what);

// The `state` document (RUNC-CONTRACT.md §2.4): 2-space indent, keys in
// runc's order, no trailing newline. status is created/running/paused/stopped.
struct StateView {
    std::string id, status, bundle, rootfs, created, owner;
    pid_t pid = 0;
    std::map<std::string, std::string> annotations;
};
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
