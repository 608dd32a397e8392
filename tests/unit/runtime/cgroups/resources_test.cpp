// The pure resource plans (runtime/cgroups/resources.hpp): which files get
// which values, in which order, on v1, hybrid and v2 hosts, and runc's
// conversions.
#include <gtest/gtest.h>

#include "runtime/cgroups/resources.hpp"
#include "spec/parse.hpp"

using namespace islet;
using namespace islet::runtime::cgroups;

namespace {

Facts v1_facts() {
    Facts f;
    for (const char* c : {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "net_cls",
                          "net_prio", "hugetlb", "rdma"})
        f.controllers[c] = Version::v1;
    return f;
}

// These machines: v1 controllers, hugetlb on the unified hierarchy only.
Facts hybrid_facts() {
    Facts f;
    for (const char* c : {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids"})
        f.controllers[c] = Version::v1;
    f.controllers["hugetlb"] = Version::v2;
    f.has_unified = true;
    return f;
}

Facts v2_facts() {
    Facts f;
    for (const char* c : {"cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc"})
        f.controllers[c] = Version::v2;
    f.has_unified = true;
    return f;
}

spec::Resources res(const char* json) { return spec::parse_resources(json, "test"); }

std::vector<std::string> files_values(const Plan& p) {
    std::vector<std::string> out;
    for (auto& w : p.writes) out.push_back(w.controller + ":" + w.file + "=" + w.value);
    return out;
}

std::string problems(const Plan& p) {
    std::string s;
    for (auto& x : p.problems) s += x.text() + "\n";
    return s;
}

using V = std::vector<std::string>;

}  // namespace

TEST(CgroupsConvert, SharesToWeightMatchesRunc) {
    EXPECT_EQ(shares_to_weight(0), 0u);
    EXPECT_EQ(shares_to_weight(1), 1u);
    EXPECT_EQ(shares_to_weight(2), 1u);
    EXPECT_EQ(shares_to_weight(1024), 100u);  // the defaults map onto each other
    EXPECT_EQ(shares_to_weight(262144), 10000u);
    EXPECT_EQ(shares_to_weight(1 << 20), 10000u);
    EXPECT_EQ(shares_to_weight(512), 59u);
    EXPECT_EQ(shares_to_weight(2048), 174u);
}

TEST(CgroupsConvert, BlkioWeightToIoWeight) {
    EXPECT_EQ(blkio_to_io_weight(0), 0u);
    EXPECT_EQ(blkio_to_io_weight(10), 1u);
    EXPECT_EQ(blkio_to_io_weight(500), 1 + 490u * 9999 / 990);
    EXPECT_EQ(blkio_to_io_weight(1000), 10000u);
}

TEST(CgroupsConvert, SwapToV2) {
    EXPECT_EQ(swap_to_v2(0, -1), -1);  // unlimited memory, swap unset -> unlimited
    EXPECT_EQ(swap_to_v2(-1, 100), -1);
    EXPECT_EQ(swap_to_v2(0, 100), 0);
    EXPECT_EQ(swap_to_v2(300, 100), 200);  // memory+swap -> swap alone
    EXPECT_EQ(swap_to_v2(300, -1), 300);
    EXPECT_THROW(swap_to_v2(300, 0), std::exception);
    EXPECT_THROW(swap_to_v2(50, 100), std::exception);
    EXPECT_EQ(v2_limit(0), "");
    EXPECT_EQ(v2_limit(-1), "max");
    EXPECT_EQ(v2_limit(4096), "4096");
}

TEST(CgroupsPlan, MemoryV1) {
    auto p = plan_resources(res(R"({"memory":{"limit":4194304,"reservation":1048576,"swap":8388608,
        "swappiness":10,"disableOOMKiller":true}})"),
                            v1_facts(), "/linux/resources");
    EXPECT_EQ(problems(p), "");
    EXPECT_EQ(files_values(p), (V{"memory:memory.limit_in_bytes=4194304", "memory:memory.memsw.limit_in_bytes=8388608",
                                  "memory:memory.soft_limit_in_bytes=1048576", "memory:memory.oom_control=1",
                                  "memory:memory.swappiness=10"}));
}

TEST(CgroupsPlan, MemoryV1UpdateRaisesSwapFirst) {
    Facts f = v1_facts();
    f.files = {"memory.memsw.limit_in_bytes", "memory.limit_in_bytes"};
    f.memory_limit = 100;  // raising to 200/400: memsw first, or the kernel refuses limit > memsw
    auto p = plan_resources(res(R"({"memory":{"limit":200,"swap":400}})"), f, "");
    EXPECT_EQ(files_values(p), (V{"memory:memory.memsw.limit_in_bytes=400", "memory:memory.limit_in_bytes=200"}));
    // Unlimited memory without a swap value: memory+swap unlimited too.
    p = plan_resources(res(R"({"memory":{"limit":-1}})"), f, "");
    EXPECT_EQ(files_values(p), (V{"memory:memory.memsw.limit_in_bytes=-1", "memory:memory.limit_in_bytes=-1"}));
}

TEST(CgroupsPlan, MemoryV1Problems) {
    Facts f = v1_facts();
    f.files = {"memory.limit_in_bytes"};  // no swap accounting
    auto p = plan_resources(res(R"({"memory":{"limit":100,"swap":200,"swappiness":101}})"), f, "/linux/resources");
    EXPECT_NE(problems(p).find("/linux/resources/memory/swap: swap limit not supported"), std::string::npos)
        << problems(p);
    EXPECT_NE(problems(p).find("valid memory swappiness range is 0-100"), std::string::npos);
    p = plan_resources(res(R"({"memory":{"limit":200,"swap":100}})"), v1_facts(), "");
    EXPECT_NE(problems(p).find("memory+swap limit should be >= memory limit"), std::string::npos);
}

TEST(CgroupsPlan, MemoryKernelIgnoredWithWarning) {
    auto p = plan_resources(res(R"({"memory":{"kernel":1000000,"kernelTCP":100000}})"), v1_facts(), "");
    EXPECT_TRUE(p.writes.empty());
    ASSERT_EQ(p.warnings.size(), 1u);
    EXPECT_EQ(p.warnings[0], "Kernel memory settings are ignored and will be removed");
}

TEST(CgroupsPlan, CheckBeforeUpdate) {
    Facts f = v2_facts();
    f.memory_usage = 5000;
    auto p = plan_resources(res(R"({"memory":{"limit":4096,"checkBeforeUpdate":true}})"), f, "");
    EXPECT_NE(problems(p).find("rejecting memory limit 4096 below current usage 5000"), std::string::npos);
    p = plan_resources(res(R"({"memory":{"limit":8192,"checkBeforeUpdate":true}})"), f, "");
    EXPECT_EQ(problems(p), "");
}

TEST(CgroupsPlan, MemoryV2) {
    auto p = plan_resources(res(R"({"memory":{"limit":4194304,"swap":8388608,"reservation":1024,
        "swappiness":5,"disableOOMKiller":true}})"),
                            v2_facts(), "");
    EXPECT_EQ(files_values(p),
              (V{"memory:memory.swap.max=4194304", "memory:memory.max=4194304", "memory:memory.low=1024"}));
    EXPECT_EQ(p.v2_controllers, (std::set<std::string>{"memory"}));
    // memory == memory+swap: no swap at all; swap.max optional when "0"/"max".
    p = plan_resources(res(R"({"memory":{"limit":100,"swap":100}})"), v2_facts(), "");
    ASSERT_EQ(p.writes.size(), 2u);
    EXPECT_EQ(p.writes[0].value, "0");
    EXPECT_TRUE(p.writes[0].optional);
    p = plan_resources(res(R"({"memory":{"limit":-1}})"), v2_facts(), "");
    EXPECT_EQ(files_values(p), (V{"memory:memory.swap.max=max", "memory:memory.max=max"}));
    p = plan_resources(res(R"({"memory":{"swap":100}})"), v2_facts(), "");
    EXPECT_NE(problems(p).find("unable to set swap limit without memory limit"), std::string::npos);
}

TEST(CgroupsPlan, CpuV1) {
    auto p = plan_resources(res(R"({"cpu":{"shares":512,"quota":50000,"period":100000,"burst":1000,"idle":0,
        "realtimeRuntime":5000,"realtimePeriod":100000}})"),
                            v1_facts(), "");
    EXPECT_EQ(problems(p), "");
    EXPECT_EQ(files_values(p), (V{"cpu:cpu.shares=512", "cpu:cpu.cfs_period_us=100000", "cpu:cpu.cfs_burst_us=1000",
                                  "cpu:cpu.cfs_quota_us=50000", "cpu:cpu.idle=0", "cpu:cpu.rt_period_us=100000",
                                  "cpu:cpu.rt_runtime_us=5000"}));
    EXPECT_TRUE(p.writes[1].retry_einval);  // period before the new quota may be refused once
    EXPECT_TRUE(p.writes[2].optional);      // no burst knob on older kernels: ignored
    EXPECT_TRUE(p.writes[5].retry_einval);
    p = plan_resources(res(R"({"cpu":{"shares":1}})"), v1_facts(), "");
    EXPECT_NE(problems(p).find("the minimum allowed cpu-shares is 2"), std::string::npos);
    p = plan_resources(res(R"({"cpu":{"shares":300000}})"), v1_facts(), "");
    EXPECT_NE(problems(p).find("the maximum allowed cpu-shares is 262144"), std::string::npos);
}

TEST(CgroupsPlan, CpuV2) {
    auto p = plan_resources(res(R"({"cpu":{"shares":1024,"quota":50000,"period":100000,"burst":1000,"idle":0}})"),
                            v2_facts(), "");
    EXPECT_EQ(files_values(p),
              (V{"cpu:cpu.weight=100", "cpu:cpu.idle=0", "cpu:cpu.max.burst=1000", "cpu:cpu.max=50000 100000"}));
    p = plan_resources(res(R"({"cpu":{"quota":-1}})"), v2_facts(), "");
    EXPECT_EQ(files_values(p), (V{"cpu:cpu.max=max"}));
    p = plan_resources(res(R"({"cpu":{"period":200000}})"), v2_facts(), "");
    EXPECT_EQ(files_values(p), (V{"cpu:cpu.max=max 200000"}));
    p = plan_resources(res(R"({"cpu":{"realtimeRuntime":1000}})"), v2_facts(), "/linux/resources");
    EXPECT_NE(problems(p).find("not supported on cgroup v2"), std::string::npos);
}

TEST(CgroupsPlan, CpusetAndPids) {
    auto p = plan_resources(res(R"({"cpu":{"cpus":"0-1","mems":"0"},"pids":{"limit":0}})"), v1_facts(), "");
    EXPECT_EQ(files_values(p), (V{"pids:pids.max=1", "cpuset:cpuset.cpus=0-1", "cpuset:cpuset.mems=0"}));
    p = plan_resources(res(R"({"pids":{"limit":-1}})"), v2_facts(), "");
    EXPECT_EQ(files_values(p), (V{"pids:pids.max=max"}));
    p = plan_resources(res(R"({"pids":{"limit":42}})"), v2_facts(), "");
    EXPECT_EQ(files_values(p), (V{"pids:pids.max=42"}));
}

TEST(CgroupsPlan, BlkioV1CfqAndBfq) {
    const char* json = R"({"blockIO":{"weight":300,"weightDevice":[{"major":8,"minor":0,"weight":500}],
        "throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1048576}],
        "throttleWriteIOPSDevice":[{"major":8,"minor":0,"rate":100}]}})";
    Facts f = v1_facts();
    f.files = {"blkio.weight", "blkio.weight_device"};
    EXPECT_EQ(
        files_values(plan_resources(res(json), f, "")),
        (V{"blkio:blkio.weight=300", "blkio:blkio.weight_device=8:0 500",
           "blkio:blkio.throttle.read_bps_device=8:0 1048576", "blkio:blkio.throttle.write_iops_device=8:0 100"}));
    f.files = {"blkio.bfq.weight", "blkio.bfq.weight_device"};  // disks under BFQ
    EXPECT_EQ(files_values(plan_resources(res(json), f, ""))[0], "blkio:blkio.bfq.weight=300");
}

TEST(CgroupsPlan, BlkioV1WithoutCfqOrBfqRefusesWeightsKeepsThrottles) {
    // Disks under none, mq-deadline or kyber: the blkio directory has only
    // the throttle files (some machines here).
    Facts f = v1_facts();
    f.files = {"blkio.throttle.read_bps_device", "blkio.throttle.write_iops_device"};
    auto p = plan_resources(res(R"({"blockIO":{"weight":300}})"), f, "/linux/resources");
    ASSERT_EQ(p.problems.size(), 1u);
    EXPECT_EQ(p.problems[0].pointer, "/linux/resources/blockIO/weight");
    EXPECT_NE(p.problems[0].message.find("no CFQ or BFQ I/O scheduler"), std::string::npos);
    EXPECT_TRUE(p.writes.empty());
    p = plan_resources(res(R"({"blockIO":{"throttleReadBpsDevice":[{"major":8,"minor":0,"rate":7}]}})"), f, "");
    EXPECT_TRUE(p.problems.empty());
    EXPECT_EQ(files_values(p), (V{"blkio:blkio.throttle.read_bps_device=8:0 7"}));
}

TEST(CgroupsPlan, IoV2) {
    const char* json = R"({"blockIO":{"weight":500,"weightDevice":[{"major":8,"minor":0,"weight":100}],
        "throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1048576}],
        "throttleWriteBpsDevice":[{"major":8,"minor":16,"rate":2}],
        "throttleReadIOPSDevice":[{"major":8,"minor":0,"rate":3}],
        "throttleWriteIOPSDevice":[{"major":8,"minor":0,"rate":4}]}})";
    Facts f = v2_facts();
    f.files = {"io.weight", "io.max"};  // no BFQ: io.weight converted, device weights ignored
    auto p = plan_resources(res(json), f, "");
    EXPECT_EQ(files_values(p),
              (V{"io:io.weight=" + std::to_string(blkio_to_io_weight(500)), "io:io.max=8:0 rbps=1048576",
                 "io:io.max=8:16 wbps=2", "io:io.max=8:0 riops=3", "io:io.max=8:0 wiops=4"}));
    EXPECT_EQ(p.warnings.size(), 1u);
    f.files.insert("io.bfq.weight");
    p = plan_resources(res(json), f, "");
    EXPECT_EQ(files_values(p)[0], "io:io.bfq.weight=500");
    EXPECT_EQ(files_values(p)[1], "io:io.bfq.weight=8:0 100");
}

TEST(CgroupsPlan, HugetlbWhereTheControllerIs) {
    const char* json = R"({"hugepageLimits":[{"pageSize":"2MB","limit":4194304}]})";
    Facts f = hybrid_facts();
    f.hugepage_sizes = {"2MB", "1GB"};
    auto p = plan_resources(res(json), f, "");
    EXPECT_EQ(files_values(p), (V{"hugetlb:hugetlb.2MB.max=4194304", "hugetlb:hugetlb.2MB.rsvd.max=4194304"}));
    EXPECT_EQ(p.v2_controllers, (std::set<std::string>{"hugetlb"}));  // enabled in the unified ancestors
    EXPECT_TRUE(p.writes[1].optional);
    f = v1_facts();
    p = plan_resources(res(json), f, "");
    EXPECT_EQ(files_values(p)[0], "hugetlb:hugetlb.2MB.limit_in_bytes=4194304");
    f.hugepage_sizes = {"2MB"};
    p = plan_resources(res(R"({"hugepageLimits":[{"pageSize":"64KB","limit":1}]})"), f, "/linux/resources");
    EXPECT_NE(problems(p).find("/linux/resources/hugepageLimits/0/pageSize: hugepage size 64KB is not supported"),
              std::string::npos);
}

TEST(CgroupsPlan, MissingControllersNameThemselves) {
    Facts f = hybrid_facts();  // no net_cls, net_prio or rdma here
    auto p = plan_resources(res(R"({"network":{"classID":1048577,"priorities":[{"name":"eth0","priority":5}]},
        "rdma":{"mlx5_1":{"hcaHandles":3}}})"),
                            f, "/linux/resources");
    std::string s = problems(p);
    EXPECT_NE(
        s.find(
            "/linux/resources/network/classID: cannot set this limit: the net_cls cgroup controller is not available"),
        std::string::npos)
        << s;
    EXPECT_NE(s.find("net_prio"), std::string::npos);
    EXPECT_NE(s.find("/linux/resources/rdma: cannot set this limit: the rdma cgroup controller"), std::string::npos);
    EXPECT_TRUE(p.writes.empty());
    // Nothing requested, nothing touched, even when controllers are missing.
    EXPECT_TRUE(plan_resources(res("{}"), Facts{}, "").writes.empty());
    EXPECT_TRUE(plan_resources(res("{}"), Facts{}, "").problems.empty());
}

TEST(CgroupsPlan, NetworkAndRdmaV1) {
    auto p = plan_resources(res(R"({"network":{"classID":1048577,"priorities":[{"name":"eth0","priority":5}]},
        "rdma":{"mlx5_1":{"hcaHandles":3,"hcaObjects":100},"mlx4_0":{"hcaObjects":7}}})"),
                            v1_facts(), "");
    EXPECT_EQ(files_values(p),
              (V{"net_cls:net_cls.classid=1048577", "net_prio:net_prio.ifpriomap=eth0 5",
                 "rdma:rdma.max=mlx4_0 hca_object=7", "rdma:rdma.max=mlx5_1 hca_handle=3 hca_object=100"}));
    // Pure v2: no such controllers, ignored with a warning as runc ignores them.
    p = plan_resources(res(R"({"network":{"classID":1}})"), v2_facts(), "");
    EXPECT_TRUE(p.writes.empty());
    EXPECT_TRUE(p.problems.empty());
    EXPECT_EQ(p.warnings.size(), 1u);
}

TEST(CgroupsPlan, Unified) {
    const char* json = R"({"unified":{"memory.high":"100000","cgroup.max.descendants":"5"}})";
    auto p = plan_resources(res(json), v2_facts(), "");
    EXPECT_EQ(files_values(p), (V{":cgroup.max.descendants=5", "memory:memory.high=100000"}));
    p = plan_resources(res(json), v1_facts(), "/linux/resources");
    EXPECT_NE(problems(p).find("cannot use unified on cgroup v1"), std::string::npos);
    // Hybrid: a key of a v1 controller cannot take effect; hugetlb can.
    p = plan_resources(res(R"({"unified":{"memory.high":"1","hugetlb.2MB.max":"0"}})"), hybrid_facts(), "");
    EXPECT_NE(problems(p).find("controller \"memory\" is on a cgroup v1 hierarchy"), std::string::npos);
    EXPECT_EQ(files_values(p), (V{"hugetlb:hugetlb.2MB.max=0"}));
    p = plan_resources(res(R"({"unified":{"../x":"1","nodot":"1","bogus.x":"1"}})"), v2_facts(), "");
    EXPECT_EQ(p.problems.size(), 3u) << problems(p);
}

TEST(CgroupsPlan, RunCsOrder) {
    auto p = plan_resources(res(R"({"cpu":{"shares":2},"memory":{"limit":100},"pids":{"limit":1},
        "unified":{"cgroup.max.depth":"1"}})"),
                            v2_facts(), "");
    EXPECT_EQ(files_values(p),
              (V{"pids:pids.max=1", "memory:memory.max=100", "cpu:cpu.weight=1", ":cgroup.max.depth=1"}));
}
