// The memory controller.
//
// Applies: linux.resources.memory.limit, .reservation, .swap, .kernel,
// .kernelTCP, .swappiness, .disableOOMKiller, .useHierarchy,
// .checkBeforeUpdate
//
// v1 (memory.limit_in_bytes, memory.memsw.limit_in_bytes, ...) follows runc's
// fs/memory.go, including the order of limit and memory+swap on update; v2
// (memory.max, memory.swap.max, memory.low) follows fs2/memory.go, where
// swap is converted from "memory+swap" to "swap alone". Kernel memory limits
// no longer exist (Linux 6.x): they are ignored with runc's warning.
#include <limits>
#include <string>

#include "runtime/cgroups/resources.hpp"
#include "sys/error.hpp"

namespace islet::runtime::cgroups {
namespace {

std::string num(std::int64_t v) { return std::to_string(v); }

bool requested(const spec::Memory& m) {
    return m.limit.value_or(0) != 0 || m.reservation.value_or(0) != 0 || m.swap.value_or(0) != 0 ||
           m.swappiness.has_value() || m.disable_oom_killer.value_or(false) || m.use_hierarchy.has_value();
}

// checkBeforeUpdate: refuse a limit at or below what the cgroup already uses
// (runc checks on v2; the v1 kernel refuses with EBUSY anyway, so islet
// checks on both to give the same message).
void check_usage(const spec::Memory& m, Planner& p) {
    if (!m.check_before_update.value_or(false)) return;
    const std::int64_t limit = m.limit.value_or(0);
    const auto& usage = p.facts().memory_usage;
    if (limit <= 0 || !usage) return;
    if (*usage >= static_cast<std::uint64_t>(limit))
        p.problem("memory/limit",
                  "rejecting memory limit " + num(limit) + " below current usage " + std::to_string(*usage));
}

void plan_v1(const spec::Memory& m, Planner& p) {
    const Facts& f = p.facts();
    std::int64_t limit = m.limit.value_or(0), swap = m.swap.value_or(0);
    const bool memsw = f.files.empty() || f.has_file("memory.memsw.limit_in_bytes");
    // runc: unlimited memory with no swap given means unlimited memory+swap,
    // when the kernel accounts swap at all.
    if (limit == -1 && swap == 0 && !f.files.empty() && memsw) swap = -1;
    if (swap != 0 && !memsw) {
        if (swap != -1)
            p.problem("memory/swap",
                      "swap limit not supported: memory.memsw.limit_in_bytes is missing "
                      "(the kernel does not account swap: swapaccount=0 or CONFIG_SWAP off)");
        swap = 0;  // unlimited is what there is already
    }
    if (limit > 0 && swap > 0 && swap < limit) p.problem("memory/swap", "memory+swap limit should be >= memory limit");
    auto write_limit = [&] {
        if (limit != 0) p.write("memory", "memory.limit_in_bytes", num(limit));
    };
    auto write_swap = [&] {
        if (swap != 0) p.write("memory", "memory.memsw.limit_in_bytes", num(swap));
    };
    // The kernel keeps memsw >= limit at every step: raise memsw first when
    // the new memsw is above the current limit (or unlimited).
    if (limit != 0 && swap != 0 &&
        (swap == -1 || (f.memory_limit && *f.memory_limit < static_cast<std::uint64_t>(swap)))) {
        write_swap();
        write_limit();
    } else {
        write_limit();
        write_swap();
    }
    if (m.reservation.value_or(0) != 0) p.write("memory", "memory.soft_limit_in_bytes", num(*m.reservation));
    if (m.disable_oom_killer.value_or(false)) p.write("memory", "memory.oom_control", "1");
    if (m.swappiness && *m.swappiness != std::numeric_limits<std::uint64_t>::max()) {
        if (*m.swappiness > 100)
            p.problem("memory/swappiness",
                      "invalid value:" + std::to_string(*m.swappiness) + ". valid memory swappiness range is 0-100");
        else
            p.write("memory", "memory.swappiness", std::to_string(*m.swappiness));
    }
    // Linux >= 5.x always uses the hierarchy: "1" is accepted, "0" refused.
    if (m.use_hierarchy) {
        if (*m.use_hierarchy)
            p.write("memory", "memory.use_hierarchy", "1", true);
        else
            p.warning("memory.useHierarchy=false is ignored: the kernel always accounts hierarchically");
    }
}

void plan_v2(const spec::Memory& m, Planner& p) {
    const std::int64_t limit = m.limit.value_or(0), swap_total = m.swap.value_or(0);
    std::int64_t swap = 0;
    try {
        swap = swap_to_v2(swap_total, limit);
    } catch (const sys::Error& e) {
        p.problem("memory/swap", e.message());
        return;
    }
    std::string swap_text = v2_limit(swap);
    if (swap_text.empty() && swap == 0 && swap_total > 0) swap_text = "0";  // memory == memory+swap: no swap
    // Without swap accounting memory.swap.max is missing: "max" and "0" are
    // what the container has anyway (runc ignores them); a real limit fails.
    if (!swap_text.empty()) p.write("memory", "memory.swap.max", swap_text, swap_text == "max" || swap_text == "0");
    if (auto v = v2_limit(limit); !v.empty()) p.write("memory", "memory.max", v);
    if (auto v = v2_limit(m.reservation.value_or(0)); !v.empty()) p.write("memory", "memory.low", v);
    // swappiness, disableOOMKiller and useHierarchy have no v2 knob; runc
    // ignores them there.
}

}  // namespace

std::int64_t swap_to_v2(std::int64_t memory_swap, std::int64_t memory) {
    if (memory == -1 && memory_swap == 0) return -1;
    if (memory_swap == -1 || memory_swap == 0) return memory_swap;
    if (memory == -1) return memory_swap;
    if (memory == 0) throw sys::Error("unable to set swap limit without memory limit");
    if (memory < 0) throw sys::Error("invalid memory value: " + num(memory));
    if (memory_swap < memory) throw sys::Error("memory+swap limit should be >= memory limit");
    return memory_swap - memory;
}

std::string v2_limit(std::int64_t v) {
    if (v == 0) return "";
    if (v < 0) return "max";
    return num(v);
}

void plan_memory(const spec::Resources& r, Planner& p) {
    if (!r.memory) return;
    const spec::Memory& m = *r.memory;
    if (m.kernel || m.kernel_tcp) p.warning("Kernel memory settings are ignored and will be removed");
    if (!requested(m)) return;
    switch (p.facts().where("memory")) {
        case Version::none: return p.missing("memory", "memory");
        case Version::v1: check_usage(m, p); return plan_v1(m, p);
        case Version::v2: check_usage(m, p); return plan_v2(m, p);
    }
}

}  // namespace islet::runtime::cgroups
