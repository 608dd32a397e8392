// Statistics and OOM notifications of a container's cgroups, for `events`.
// Host side; the parsers are pure and unit-tested.
//
// Reads the v1 files (cpuacct, cpu, memory, pids, blkio, cpuset, hugetlb)
// or their v2 counterparts (cpu.stat, memory.current/stat/events, pids,
// io.stat, hugetlb.*.current) into runc's types.Stats shape
// (spec/cgroup_documents.hpp), wherever each controller lives.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/cgroups/cgroups.hpp"
#include "spec/cgroup_documents.hpp"
#include "spec/record.hpp"
#include "sys/fd.hpp"

namespace islet::runtime::cgroups {

// "key value" lines (memory.stat, cpu.stat) -> map. Pure.
std::map<std::string, std::uint64_t> parse_flat_keyed(const std::string& text);
// "0-3,5" -> {0,1,2,3,5}. Pure.
std::vector<std::uint16_t> parse_cpu_list(const std::string& text);
// v1 blkio "8:0 Read 4096" lines (the "Total" summary line skipped). Pure.
std::vector<spec::BlkioEntry> parse_blkio_v1(const std::string& text);
// v2 io.stat "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." -> bytes and ios
// entries with v1 op names (Read, Write). Pure.
void parse_io_stat(const std::string& text, std::vector<spec::BlkioEntry>& bytes, std::vector<spec::BlkioEntry>& ios);

// The stats of the container's cgroups now. Missing files leave zeros.
spec::Stats read_stats(const Host& host, const spec::CgroupRecord& cg);

// An fd that becomes readable when the container's memory cgroup has an OOM
// event: v1 an eventfd registered through cgroup.event_control on
// memory.oom_control, v2 an inotify watch on memory.events (then compare
// the oom_kill counter). Invalid when there is no memory cgroup.
class OomWatch {
public:
    OomWatch(const Host& host, const spec::CgroupRecord& cg);
    int fd() const { return fd_.get(); }
    // Consumes the notification; true when it was a new OOM kill.
    bool consume();

private:
    sys::UniqueFd fd_;
    sys::UniqueFd control_;  // v1: memory.oom_control, kept open while registered
    std::string events_;     // v2: memory.events
    std::uint64_t seen_ = 0;
    bool v2_ = false;
};

}  // namespace islet::runtime::cgroups
