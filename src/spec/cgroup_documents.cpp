#include "spec/cgroup_documents.hpp"

#include <nlohmann/json.hpp>

namespace islet::spec {
namespace {

using ojson = nlohmann::ordered_json;

template <typename T>
void opt(ojson& j, const char* key, const std::optional<T>& v) {
    if (v) j[key] = *v;
}

ojson throttles(const std::vector<ThrottleDevice>& list) {
    ojson a = ojson::array();
    for (auto& t : list) a.push_back({{"major", t.major}, {"minor", t.minor}, {"rate", t.rate}});
    return a;
}

ojson memory_json(const Memory& m) {
    ojson j = ojson::object();
    opt(j, "limit", m.limit);
    opt(j, "reservation", m.reservation);
    opt(j, "swap", m.swap);
    opt(j, "kernel", m.kernel);
    opt(j, "kernelTCP", m.kernel_tcp);
    opt(j, "swappiness", m.swappiness);
    opt(j, "disableOOMKiller", m.disable_oom_killer);
    opt(j, "useHierarchy", m.use_hierarchy);
    opt(j, "checkBeforeUpdate", m.check_before_update);
    return j;
}

ojson cpu_json(const Cpu& c) {
    ojson j = ojson::object();
    opt(j, "shares", c.shares);
    opt(j, "quota", c.quota);
    opt(j, "burst", c.burst);
    opt(j, "period", c.period);
    opt(j, "realtimeRuntime", c.realtime_runtime);
    opt(j, "realtimePeriod", c.realtime_period);
    if (!c.cpus.empty()) j["cpus"] = c.cpus;
    if (!c.mems.empty()) j["mems"] = c.mems;
    opt(j, "idle", c.idle);
    return j;
}

ojson block_io_json(const BlockIo& b) {
    ojson j = ojson::object();
    opt(j, "weight", b.weight);
    opt(j, "leafWeight", b.leaf_weight);
    if (!b.weight_device.empty()) {
        ojson a = ojson::array();
        for (auto& d : b.weight_device) {
            ojson e = {{"major", d.major}, {"minor", d.minor}};
            opt(e, "weight", d.weight);
            opt(e, "leafWeight", d.leaf_weight);
            a.push_back(e);
        }
        j["weightDevice"] = a;
    }
    if (!b.throttle_read_bps_device.empty()) j["throttleReadBpsDevice"] = throttles(b.throttle_read_bps_device);
    if (!b.throttle_write_bps_device.empty()) j["throttleWriteBpsDevice"] = throttles(b.throttle_write_bps_device);
    if (!b.throttle_read_iops_device.empty()) j["throttleReadIOPSDevice"] = throttles(b.throttle_read_iops_device);
    if (!b.throttle_write_iops_device.empty()) j["throttleWriteIOPSDevice"] = throttles(b.throttle_write_iops_device);
    return j;
}

ojson memory_entry(const MemoryEntry& m) {
    ojson j = {{"limit", m.limit}};
    if (m.usage) j["usage"] = m.usage;
    if (m.max) j["max"] = m.max;
    j["failcnt"] = m.failcnt;
    return j;
}

ojson blkio_entries(const std::vector<BlkioEntry>& list) {
    ojson a = ojson::array();
    for (auto& e : list) {
        ojson j = ojson::object();
        if (e.major) j["major"] = e.major;
        if (e.minor) j["minor"] = e.minor;
        if (!e.op.empty()) j["op"] = e.op;
        if (e.value) j["value"] = e.value;
        a.push_back(j);
    }
    return a;
}

}  // namespace

std::string resources_to_json(const Resources& r) {
    ojson j = ojson::object();
    if (!r.devices.empty()) {
        ojson a = ojson::array();
        for (auto& d : r.devices) {
            ojson e = {{"allow", d.allow}};
            if (!d.type.empty()) e["type"] = d.type;
            opt(e, "major", d.major);
            opt(e, "minor", d.minor);
            if (!d.access.empty()) e["access"] = d.access;
            a.push_back(e);
        }
        j["devices"] = a;
    }
    if (r.memory) j["memory"] = memory_json(*r.memory);
    if (r.cpu) j["cpu"] = cpu_json(*r.cpu);
    if (r.pids) {
        j["pids"] = ojson::object();
        opt(j["pids"], "limit", r.pids->limit);
    }
    if (r.block_io) j["blockIO"] = block_io_json(*r.block_io);
    if (!r.hugepage_limits.empty()) {
        ojson a = ojson::array();
        for (auto& h : r.hugepage_limits) a.push_back({{"pageSize", h.page_size}, {"limit", h.limit}});
        j["hugepageLimits"] = a;
    }
    if (r.network) {
        ojson n = ojson::object();
        opt(n, "classID", r.network->class_id);
        if (!r.network->priorities.empty()) {
            ojson a = ojson::array();
            for (auto& p : r.network->priorities) a.push_back({{"name", p.name}, {"priority", p.priority}});
            n["priorities"] = a;
        }
        j["network"] = n;
    }
    if (!r.rdma.empty()) {
        ojson m = ojson::object();
        for (auto& [dev, l] : r.rdma) {
            ojson e = ojson::object();
            opt(e, "hcaHandles", l.hca_handles);
            opt(e, "hcaObjects", l.hca_objects);
            m[dev] = e;
        }
        j["rdma"] = m;
    }
    if (!r.unified.empty()) j["unified"] = r.unified;
    return j.dump();
}

std::string stats_event(const std::string& id, const Stats& s) {
    ojson usage = {{"total", s.cpu_total}};
    if (!s.percpu.empty()) usage["percpu"] = s.percpu;
    if (!s.percpu_kernel.empty()) usage["percpu_kernel"] = s.percpu_kernel;
    if (!s.percpu_user.empty()) usage["percpu_user"] = s.percpu_user;
    usage["kernel"] = s.cpu_kernel;
    usage["user"] = s.cpu_user;
    if (!s.cpu_total) usage.erase("total");
    ojson throttling = ojson::object();
    if (s.throttle_periods) throttling["periods"] = s.throttle_periods;
    if (s.throttled_periods) throttling["throttled_periods"] = s.throttled_periods;
    if (s.throttled_time) throttling["throttled_time"] = s.throttled_time;
    ojson cpuset = ojson::object();
    if (!s.cpuset_cpus.empty()) cpuset["cpus"] = s.cpuset_cpus;
    cpuset["cpu_exclusive"] = 0;
    if (!s.cpuset_mems.empty()) cpuset["mems"] = s.cpuset_mems;
    for (const char* k : {"mem_hardwall", "mem_exclusive", "memory_migrate", "memory_spread_page", "memory_spread_slab",
                          "memory_pressure", "sched_load_balance", "sched_relax_domain_level"})
        cpuset[k] = 0;
    ojson memory = ojson::object();
    if (s.memory_cache) memory["cache"] = s.memory_cache;
    memory["usage"] = memory_entry(s.memory_usage);
    memory["swap"] = memory_entry(s.memory_swap);
    memory["kernel"] = memory_entry(s.memory_kernel);
    memory["kernelTCP"] = memory_entry(s.memory_kernel_tcp);
    if (!s.memory_raw.empty()) memory["raw"] = s.memory_raw;
    ojson pids = ojson::object();
    if (s.pids_current) pids["current"] = s.pids_current;
    if (s.pids_limit) pids["limit"] = s.pids_limit;
    ojson blkio = ojson::object();
    if (!s.io_service_bytes.empty()) blkio["ioServiceBytesRecursive"] = blkio_entries(s.io_service_bytes);
    if (!s.io_serviced.empty()) blkio["ioServicedRecursive"] = blkio_entries(s.io_serviced);
    ojson hugetlb = ojson::object();
    for (auto& [size, h] : s.hugetlb) {
        ojson e = ojson::object();
        if (h.usage) e["usage"] = h.usage;
        if (h.max) e["max"] = h.max;
        e["failcnt"] = h.failcnt;
        hugetlb[size] = e;
    }
    ojson data = {{"cpu", {{"usage", usage}, {"throttling", throttling}}},
                  {"cpuset", cpuset},
                  {"memory", memory},
                  {"pids", pids},
                  {"blkio", blkio},
                  {"hugetlb", hugetlb},
                  {"intel_rdt", ojson::object()},
                  {"network_interfaces", nullptr}};
    ojson ev = {{"type", "stats"}, {"id", id}, {"data", data}};
    return ev.dump();
}

std::string oom_event(const std::string& id) {
    ojson ev = {{"type", "oom"}, {"id", id}};
    return ev.dump();
}

}  // namespace islet::spec
