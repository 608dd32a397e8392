// Applies: linux.resources (merging an `update` into the current values)
#include "runtime/cgroups/resources.hpp"

namespace islet::runtime::cgroups {
namespace {

template <typename T>
void take(std::optional<T>& into, const std::optional<T>& from) {
    if (from) into = from;
}

void merge_memory(spec::Memory& m, const spec::Memory& p) {
    take(m.limit, p.limit);
    take(m.reservation, p.reservation);
    take(m.swap, p.swap);
    take(m.kernel, p.kernel);
    take(m.kernel_tcp, p.kernel_tcp);
    take(m.swappiness, p.swappiness);
    take(m.disable_oom_killer, p.disable_oom_killer);
    take(m.use_hierarchy, p.use_hierarchy);
    take(m.check_before_update, p.check_before_update);
    if (p.limit && *p.limit == -1 && !p.swap) m.swap.reset();
}

void merge_cpu(spec::Cpu& c, const spec::Cpu& p) {
    take(c.shares, p.shares);
    take(c.quota, p.quota);
    take(c.burst, p.burst);
    take(c.period, p.period);
    take(c.realtime_runtime, p.realtime_runtime);
    take(c.realtime_period, p.realtime_period);
    if (!p.cpus.empty()) c.cpus = p.cpus;
    if (!p.mems.empty()) c.mems = p.mems;
    take(c.idle, p.idle);
}

void merge_block_io(spec::BlockIo& b, const spec::BlockIo& p) {
    take(b.weight, p.weight);
    take(b.leaf_weight, p.leaf_weight);
    if (!p.weight_device.empty()) b.weight_device = p.weight_device;
    if (!p.throttle_read_bps_device.empty()) b.throttle_read_bps_device = p.throttle_read_bps_device;
    if (!p.throttle_write_bps_device.empty()) b.throttle_write_bps_device = p.throttle_write_bps_device;
    if (!p.throttle_read_iops_device.empty()) b.throttle_read_iops_device = p.throttle_read_iops_device;
    if (!p.throttle_write_iops_device.empty()) b.throttle_write_iops_device = p.throttle_write_iops_device;
}

template <typename T, typename F>
void merge_part(std::optional<T>& into, const std::optional<T>& from, F merge) {
    if (!from) return;
    if (!into) into.emplace();
    merge(*into, *from);
}

}  // namespace

spec::Resources merge_resources(const spec::Resources& current, const spec::Resources& patch) {
    spec::Resources r = current;
    merge_part(r.memory, patch.memory, merge_memory);
    merge_part(r.cpu, patch.cpu, merge_cpu);
    merge_part(r.pids, patch.pids, [](spec::Pids& a, const spec::Pids& b) { take(a.limit, b.limit); });
    merge_part(r.block_io, patch.block_io, merge_block_io);
    if (!patch.hugepage_limits.empty()) r.hugepage_limits = patch.hugepage_limits;
    merge_part(r.network, patch.network, [](spec::Network& a, const spec::Network& b) {
        take(a.class_id, b.class_id);
        if (!b.priorities.empty()) a.priorities = b.priorities;
    });
    for (auto& [dev, l] : patch.rdma) r.rdma[dev] = l;
    for (auto& [k, v] : patch.unified) r.unified[k] = v;
    return r;
}

}  // namespace islet::runtime::cgroups
