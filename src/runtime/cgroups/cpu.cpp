// The cpu controller.
//
// Applies: linux.resources.cpu.shares, .quota, .period, .burst,
// .realtimeRuntime, .realtimePeriod, .idle
//
// v1 follows runc's fs/cpu.go: cpu.shares (range-checked as runc reads it
// back), cfs period/burst/quota (a period or burst the kernel refuses with
// EINVAL before the new quota is in place is retried after it), cpu.idle,
// then the realtime budget. v2 follows fs2/cpu.go: cpu.weight converted from
// shares, cpu.idle, cpu.max.burst and "cpu.max" = "<quota|max> [period]".
// cgroup v2 has no realtime group budget: asking for one is an error rather
// than a silently dropped limit.
#include <cmath>
#include <string>

#include "runtime/cgroups/resources.hpp"

namespace islet::runtime::cgroups {
namespace {

constexpr std::uint64_t kMinShares = 2, kMaxShares = 262144;  // the kernel's MIN_SHARES, MAX_SHARES

bool requested(const spec::Cpu& c) {
    return c.shares.value_or(0) != 0 || c.quota.value_or(0) != 0 || c.period.value_or(0) != 0 || c.burst || c.idle ||
           c.realtime_runtime.value_or(0) != 0 || c.realtime_period.value_or(0) != 0;
}

void plan_v1(const spec::Cpu& c, Planner& p) {
    const std::uint64_t shares = c.shares.value_or(0), period = c.period.value_or(0);
    const std::int64_t quota = c.quota.value_or(0);
    if (shares != 0) {
        if (shares > kMaxShares)
            p.problem("cpu/shares", "the maximum allowed cpu-shares is " + std::to_string(kMaxShares));
        else if (shares < kMinShares)
            p.problem("cpu/shares", "the minimum allowed cpu-shares is " + std::to_string(kMinShares));
        else
            p.write("cpu", "cpu.shares", std::to_string(shares));
    }
    if (period != 0) p.write("cpu", "cpu.cfs_period_us", std::to_string(period), false, quota != 0);
    if (c.burst) p.write("cpu", "cpu.cfs_burst_us", std::to_string(*c.burst), true, quota != 0);
    if (quota != 0) p.write("cpu", "cpu.cfs_quota_us", std::to_string(quota));
    if (c.idle) p.write("cpu", "cpu.idle", std::to_string(*c.idle));
    const std::uint64_t rt_period = c.realtime_period.value_or(0);
    const std::int64_t rt_runtime = c.realtime_runtime.value_or(0);
    if ((rt_period != 0 || rt_runtime != 0) && !p.facts().files.empty() && !p.facts().has_file("cpu.rt_runtime_us")) {
        p.problem("cpu",
                  "realtime cpu budgets are not supported by this kernel (cpu.rt_runtime_us is missing: "
                  "CONFIG_RT_GROUP_SCHED is off)");
        return;
    }
    if (rt_period != 0) p.write("cpu", "cpu.rt_period_us", std::to_string(rt_period), false, rt_runtime != 0);
    if (rt_runtime != 0) p.write("cpu", "cpu.rt_runtime_us", std::to_string(rt_runtime));
}

void plan_v2(const spec::Cpu& c, Planner& p) {
    if (c.realtime_runtime.value_or(0) != 0 || c.realtime_period.value_or(0) != 0)
        p.problem("cpu", "realtime cpu budgets (realtimeRuntime, realtimePeriod) are not supported on cgroup v2");
    const std::int64_t quota = c.quota.value_or(0);
    const std::uint64_t period = c.period.value_or(0);
    // The kernel refuses cpu.weight while cpu.idle is 1.
    if (auto w = shares_to_weight(c.shares.value_or(0)); w != 0 && c.idle.value_or(0) != 1)
        p.write("cpu", "cpu.weight", std::to_string(w));
    if (c.idle) p.write("cpu", "cpu.idle", std::to_string(*c.idle));
    if (c.burst) p.write("cpu", "cpu.max.burst", std::to_string(*c.burst), false, quota != 0);
    if (quota != 0 || period != 0) {
        std::string v = quota > 0 ? std::to_string(quota) : "max";
        if (period != 0) v += " " + std::to_string(period);
        p.write("cpu", "cpu.max", v);
    }
}

}  // namespace

std::uint64_t shares_to_weight(std::uint64_t shares) {
    if (shares == 0) return 0;
    if (shares <= kMinShares) return 1;
    if (shares >= kMaxShares) return 10000;
    // A quadratic in log2(shares) through (2, 1), (1024, 100), (262144, 10000).
    const double l = std::log2(static_cast<double>(shares));
    const double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
    return static_cast<std::uint64_t>(std::ceil(std::pow(10.0, exponent)));
}

void plan_cpu(const spec::Resources& r, Planner& p) {
    if (!r.cpu || !requested(*r.cpu)) return;
    switch (p.facts().where("cpu")) {
        case Version::none: return p.missing("cpu", "cpu");
        case Version::v1: return plan_v1(*r.cpu, p);
        case Version::v2: return plan_v2(*r.cpu, p);
    }
}

}  // namespace islet::runtime::cgroups
