// The cgroup documents islet writes: the container's current resources
// (<root>/<id>/resources.json, rewritten by `update`) and the `events`
// lines (runc's types.Event / types.Stats JSON shapes). Pure code.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "spec/model.hpp"

namespace islet::spec {

// A LinuxResources object as runtime-spec JSON (absent fields omitted), so
// parse_resources() reads it back to the same value.
std::string resources_to_json(const Resources& r);

// runc's libcontainer/cgroups stats, as `events` prints them (types.Stats).
// Field names follow the JSON keys.
struct MemoryEntry {
    std::uint64_t limit = 0, usage = 0, max = 0, failcnt = 0;
};
struct BlkioEntry {
    std::uint64_t major = 0, minor = 0;
    std::string op;
    std::uint64_t value = 0;
};
struct HugetlbStats {
    std::uint64_t usage = 0, max = 0, failcnt = 0;
};
struct Stats {
    // cpu
    std::uint64_t cpu_total = 0, cpu_kernel = 0, cpu_user = 0;  // nanoseconds
    std::vector<std::uint64_t> percpu, percpu_kernel, percpu_user;
    std::uint64_t throttle_periods = 0, throttled_periods = 0, throttled_time = 0;
    // cpuset
    std::vector<std::uint16_t> cpuset_cpus, cpuset_mems;
    // memory
    std::uint64_t memory_cache = 0;
    MemoryEntry memory_usage, memory_swap, memory_kernel, memory_kernel_tcp;
    std::map<std::string, std::uint64_t> memory_raw;
    // pids
    std::uint64_t pids_current = 0, pids_limit = 0;
    // blkio
    std::vector<BlkioEntry> io_service_bytes, io_serviced;
    // hugetlb: page size -> stats
    std::map<std::string, HugetlbStats> hugetlb;
};

// {"type":"stats","id":ID,"data":{...}} on one line (no newline).
std::string stats_event(const std::string& id, const Stats& s);
// {"type":"oom","id":ID}
std::string oom_event(const std::string& id);

}  // namespace islet::spec
