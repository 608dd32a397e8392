// Operations on an existing container: state, list, start, kill, delete,
// pause, resume. Host side.
//
// Status is never cached: it is recomputed from the live init on every call
// (RUNC-CONTRACT.md §3.2): "paused" if the cgroup is frozen, else "stopped" if
// the recorded pid is gone, a zombie, or has another start time (pid reuse),
// else "created" while the exec fifo exists, else "running". Errors use runc's
// words, which clients match (RUNC-CONTRACT.md §4.3).
#pragma once

#include <string>
#include <vector>

#include "runtime/container/state_store.hpp"
#include "spec/record.hpp"

namespace islet::runtime {

spec::StateView container_state(const std::string& root, const std::string& id);

// Every container under root; entries that fail to load are reported
// through `problems` and skipped. A missing root lists nothing.
std::vector<spec::StateView> list_containers(const std::string& root, std::vector<std::string>& problems);

void start_container(const std::string& root, const std::string& id);

void kill_container(const std::string& root, const std::string& id, int sig, bool all);

// The cgroup manager the caller names (--systemd-cgroup, rootless): where
// delete --force looks for a container whose record is unreadable, as create
// would have named its cgroup (SECURITY.md §4.3).
struct CgroupGuess {
    bool systemd = false;
    bool rootless = false;
};
void delete_container(const std::string& root, const std::string& id, bool force, const CgroupGuess& guess = {});

void pause_container(const std::string& root, const std::string& id);
void resume_container(const std::string& root, const std::string& id);

// The status of a record, from the live init (see above).
spec::Status compute_status(const spec::ContainerRecord& r, bool has_fifo);

// An existing container: its state directory (flocked when `lock`) and
// record. "container does not exist" when the root, the directory or the
// record is missing (a create that died before writing it); every command
// on an existing container starts here.
struct LoadedContainer {
    ContainerDir dir;
    spec::ContainerRecord record;
    spec::Status status() const;
    // config.json as create saved it, parsed (it was validated then).
    spec::Config config() const;
};
LoadedContainer load_container(const std::string& root, const std::string& id, bool lock);

}  // namespace islet::runtime
