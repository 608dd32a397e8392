// The cgroup commands on an existing container: update, ps, events. Host
// side. (pause, resume, kill and delete are in lifecycle.hpp.)
//
// update: the container's current resources are <root>/<id>/resources.json
// when an update wrote one, else config.json's linux.resources (the copy in
// the state directory). A patch is merged into them (fields it names replace
// the current ones), the result is applied to the cgroups (devices
// excluded, as runc) and then persisted, so a later update that names only
// --cpu-quota still writes cpu.max with the period set before.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "spec/model.hpp"

namespace islet::runtime {

// Applies `patch` (RUNC-CONTRACT.md §2.9). Stopped: "container not running".
// Takes the container's lock.
void update_container(const std::string& root, const std::string& id, const spec::Resources& patch);

// Host pids of every process in the container's cgroups, sub-cgroups
// included, sorted. Empty for a stopped container.
std::vector<pid_t> container_pids(const std::string& root, const std::string& id);

// `ps --format table`: runs the host's `ps` with `args` (default -ef) and
// keeps its header and the lines whose PID column is one of `pids` (runc's
// behaviour; go-runc's Top() looks for the PID column). Throws when ps fails
// or prints no PID column ("couldn't find PID field in ps output").
std::string ps_table(const std::vector<pid_t>& pids, const std::vector<std::string>& args);
// The filtering part of ps_table (pure).
std::string filter_ps_output(const std::string& output, const std::vector<pid_t>& pids);

// Go's time.ParseDuration ("5s", "100ms", "1m30s", "1.5h"); nullopt when
// malformed. Pure.
std::optional<std::chrono::nanoseconds> parse_go_duration(const std::string& text);

struct EventsOptions {
    std::chrono::milliseconds interval{5000};
    bool stats_once = false;  // --stats: one stats line, then return
};
// Streams events as JSON lines through `emit` (no newline): a stats line per
// interval, an oom line when the memory cgroup reports one, until the
// container stops or is deleted. A stopped container: "container with id ID
// is not running".
void container_events(const std::string& root, const std::string& id, const EventsOptions& o,
                      const std::function<void(const std::string&)>& emit);

}  // namespace islet::runtime
