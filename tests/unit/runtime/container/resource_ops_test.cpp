// update's merge and flags, ps filtering, durations, stats parsers, and the
// resources document round trip.
#include <gtest/gtest.h>

#include "runtime/cgroups/resources.hpp"
#include "runtime/cgroups/stats.hpp"
#include "runtime/container/resource_ops.hpp"
#include "spec/cgroup_documents.hpp"
#include "spec/parse.hpp"

using namespace islet;
using namespace islet::runtime;
using namespace islet::runtime::cgroups;

TEST(CgroupsUpdate, RamBytes) {
    EXPECT_EQ(parse_ram_bytes("64m"), 64 << 20);
    EXPECT_EQ(parse_ram_bytes("64M"), 64 << 20);
    EXPECT_EQ(parse_ram_bytes("1g"), 1LL << 30);
    EXPECT_EQ(parse_ram_bytes("1.5k"), 1536);
    EXPECT_EQ(parse_ram_bytes("512KiB"), 512 * 1024);
    EXPECT_EQ(parse_ram_bytes("100"), 100);
    EXPECT_EQ(parse_ram_bytes("100 b"), 100);
    EXPECT_EQ(parse_ram_bytes("-1"), std::nullopt);
    EXPECT_EQ(parse_ram_bytes("abc"), std::nullopt);
    EXPECT_EQ(parse_ram_bytes("10x"), std::nullopt);
}

TEST(CgroupsUpdate, FlagsToPatch) {
    std::vector<std::string> warnings;
    auto p = update_patch({{"memory", "64m"},
                           {"memory-swap", "-1"},
                           {"cpu-quota", "20000"},
                           {"pids-limit", "10"},
                           {"cpuset-cpus", "0"},
                           {"blkio-weight", "300"},
                           {"kernel-memory", "10m"}},
                          warnings);
    ASSERT_TRUE(p.memory);
    EXPECT_EQ(p.memory->limit, 64 << 20);
    EXPECT_EQ(p.memory->swap, -1);
    ASSERT_TRUE(p.cpu);
    EXPECT_EQ(p.cpu->quota, 20000);
    EXPECT_FALSE(p.cpu->period);
    EXPECT_EQ(p.cpu->cpus, "0");
    EXPECT_EQ(p.pids->limit, 10);
    EXPECT_EQ(p.block_io->weight, 300);
    EXPECT_EQ(warnings.size(), 1u);
    EXPECT_THROW(update_patch({{"memory", "lots"}}, warnings), std::exception);
    EXPECT_THROW(update_patch({{"cpu-period", "-5"}}, warnings), std::exception);
    EXPECT_THROW(update_patch({{"l3-cache-schema", "L3:0=f"}}, warnings), std::exception);
}

TEST(CgroupsUpdate, MergeKeepsWhatThePatchDoesNotName) {
    auto cur = spec::parse_resources(R"({"devices":[{"allow":false,"access":"rwm"}],
        "memory":{"limit":100,"swap":200},"cpu":{"quota":50000,"period":100000,"cpus":"0"},
        "unified":{"a.b":"1"}})",
                                     "cur");
    auto patch = spec::parse_resources(R"({"cpu":{"quota":20000},"unified":{"c.d":"2"},
        "devices":[{"allow":true,"access":"rwm"}]})",
                                       "patch");
    auto m = merge_resources(cur, patch);
    EXPECT_EQ(m.cpu->quota, 20000);
    EXPECT_EQ(m.cpu->period, 100000u);  // runc: quota alone keeps the old period
    EXPECT_EQ(m.cpu->cpus, "0");
    EXPECT_EQ(m.memory->limit, 100);
    EXPECT_EQ(m.unified.size(), 2u);
    ASSERT_EQ(m.devices.size(), 1u);  // devices never change
    EXPECT_FALSE(m.devices[0].allow);
    // memory -1 without swap resets swap (so v1 sets memory+swap unlimited too).
    m = merge_resources(cur, spec::parse_resources(R"({"memory":{"limit":-1}})", "p"));
    EXPECT_EQ(m.memory->limit, -1);
    EXPECT_FALSE(m.memory->swap);
}

TEST(CgroupsUpdate, ResourcesDocumentRoundTrip) {
    const char* json =
        R"({"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rw"}],
        "memory":{"limit":100,"reservation":50,"swap":200,"kernel":1,"kernelTCP":2,"swappiness":3,
                  "disableOOMKiller":true,"useHierarchy":true,"checkBeforeUpdate":false},
        "cpu":{"shares":2,"quota":3,"burst":4,"period":5,"realtimeRuntime":6,"realtimePeriod":7,"cpus":"0","mems":"0","idle":1},
        "pids":{"limit":-1},
        "blockIO":{"weight":10,"leafWeight":11,"weightDevice":[{"major":8,"minor":0,"weight":12,"leafWeight":13}],
                   "throttleReadBpsDevice":[{"major":8,"minor":0,"rate":14}],"throttleWriteBpsDevice":[{"major":8,"minor":0,"rate":15}],
                   "throttleReadIOPSDevice":[{"major":8,"minor":0,"rate":16}],"throttleWriteIOPSDevice":[{"major":8,"minor":0,"rate":17}]},
        "hugepageLimits":[{"pageSize":"2MB","limit":18}],
        "network":{"classID":19,"priorities":[{"name":"eth0","priority":20}]},
        "rdma":{"mlx":{"hcaHandles":21,"hcaObjects":22}},
        "unified":{"memory.high":"23"}})";
    auto a = spec::parse_resources(json, "a");
    auto text = spec::resources_to_json(a);
    auto b = spec::parse_resources(text, "b");
    EXPECT_EQ(spec::resources_to_json(b), text);
    EXPECT_NE(text.find("\"leafWeight\":13"), std::string::npos);
    EXPECT_NE(text.find("\"hcaObjects\":22"), std::string::npos);
    EXPECT_NE(text.find("\"idle\":1"), std::string::npos);
}

TEST(CgroupsPs, FilterKeepsHeaderAndContainerLines) {
    const std::string out =
        "UID          PID    PPID  C STIME TTY          TIME CMD\n"
        "root           1       0  0 10:00 ?        00:00:01 init\n"
        "root         742       1  0 10:00 ?        00:00:00 sleep 100\n"
        "root         743     742  0 10:00 ?        00:00:00 sh\n";
    EXPECT_EQ(filter_ps_output(out, {742}),
              "UID          PID    PPID  C STIME TTY          TIME CMD\n"
              "root         742       1  0 10:00 ?        00:00:00 sleep 100\n");
    EXPECT_THROW(filter_ps_output("USER COMMAND\nroot x\n", {1}), std::exception);
}

TEST(CgroupsEvents, GoDurations) {
    using namespace std::chrono;
    EXPECT_EQ(parse_go_duration("5s"), nanoseconds(seconds(5)));
    EXPECT_EQ(parse_go_duration("100ms"), nanoseconds(milliseconds(100)));
    EXPECT_EQ(parse_go_duration("1m30s"), nanoseconds(seconds(90)));
    EXPECT_EQ(parse_go_duration("1.5h"), nanoseconds(minutes(90)));
    EXPECT_EQ(parse_go_duration("0"), nanoseconds(0));
    EXPECT_EQ(parse_go_duration("5"), std::nullopt);
    EXPECT_EQ(parse_go_duration("5x"), std::nullopt);
    EXPECT_EQ(parse_go_duration(""), std::nullopt);
}

TEST(CgroupsStats, Parsers) {
    auto kv = parse_flat_keyed("usage_usec 1000\nuser_usec 600\nnr_periods 3\n");
    EXPECT_EQ(kv["usage_usec"], 1000u);
    EXPECT_EQ(kv["nr_periods"], 3u);
    EXPECT_EQ(parse_cpu_list("0-2,5\n"), (std::vector<std::uint16_t>{0, 1, 2, 5}));
    auto v1 = parse_blkio_v1("8:0 Read 4096\n8:0 Write 0\n8:0 Total 4096\nTotal 4096\n");
    ASSERT_EQ(v1.size(), 3u);
    EXPECT_EQ(v1[0].op, "Read");
    EXPECT_EQ(v1[0].value, 4096u);
    std::vector<spec::BlkioEntry> bytes, ios;
    parse_io_stat("8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n", bytes, ios);
    ASSERT_EQ(bytes.size(), 2u);
    EXPECT_EQ(bytes[1].op, "Write");
    EXPECT_EQ(bytes[1].value, 20u);
    EXPECT_EQ(ios[0].value, 1u);
}

TEST(CgroupsEvents, EventShapes) {
    spec::Stats s;
    s.cpu_total = 5;
    s.pids_current = 2;
    s.memory_usage.limit = 100;
    auto line = spec::stats_event("c1", s);
    EXPECT_EQ(line.rfind(R"({"type":"stats","id":"c1","data":{"cpu":{"usage":{"total":5,)", 0), 0u) << line;
    EXPECT_NE(line.find(R"("pids":{"current":2})"), std::string::npos);
    EXPECT_NE(line.find(R"("usage":{"limit":100,"failcnt":0})"), std::string::npos);
    EXPECT_EQ(spec::oom_event("c1"), R"({"type":"oom","id":"c1"})");
}
