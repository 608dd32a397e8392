// The systemd driver's pure part (runtime/cgroups/systemd.hpp): unit names,
// GVariant annotations, properties from the resource plan and the device list.
#include <gtest/gtest.h>

#include <limits>

#include "runtime/cgroups/systemd.hpp"
#include "runtime/cgroups/systemd_bus.hpp"
#include "test_util.hpp"

using namespace islet;
using namespace islet::runtime::cgroups;
using namespace islet::runtime::cgroups::systemd;
using islet::test::error_of;

namespace {

constexpr std::uint64_t kInf = std::numeric_limits<std::uint64_t>::max();

std::map<std::string, Value> by_name(const std::vector<Property>& props) {
    std::map<std::string, Value> out;
    for (auto& p : props) out[p.name] = p.value;
    return out;
}

Value typed(const std::string& sig, std::uint64_t u) {
    Value v;
    v.sig = sig;
    v.u = u;
    return v;
}

Value device(const std::string& path, const std::string& access) {
    Value v;
    v.sig = "(ss)";
    v.items = {Value::str(path), Value::str(access)};
    return v;
}

}  // namespace

TEST(SystemdUnit, NamesFromCgroupsPath) {
    Unit u = unit_for(std::nullopt, "c1", false);
    EXPECT_EQ(u.name, "islet-c1.scope");
    EXPECT_EQ(u.slice, "system.slice");
    EXPECT_EQ(unit_for(std::string(), "c1", true).slice, "user.slice");  // the user's instance
    u = unit_for(std::string("machine.slice:libpod:abc"), "c1", false);
    EXPECT_EQ(u.name, "libpod-abc.scope");
    EXPECT_EQ(u.slice, "machine.slice");
    u = unit_for(std::string(":cri-containerd:abc"), "c1", false);  // empty slice: the default
    EXPECT_EQ(u.slice, "system.slice");
    EXPECT_EQ(u.name, "cri-containerd-abc.scope");
    EXPECT_EQ(unit_for(std::string("kubepods-besteffort.slice::x.scope"), "c", false).name, "x.scope");
    EXPECT_EQ(unit_for(std::string("a.slice::x"), "c", false).name, "x.scope");
}

TEST(SystemdUnit, BadCgroupsPathsAreErrors) {
    EXPECT_EQ(error_of([] { unit_for(std::string("/a/b"), "c", false); }),
              "expected cgroupsPath to be of format \"slice:prefix:name\" for systemd cgroups, got \"/a/b\" instead");
    EXPECT_NE(error_of([] { unit_for(std::string("a.slice:p:x.slice"), "c", false); }).find("cannot be a slice unit"),
              std::string::npos);
    EXPECT_NE(error_of([] { unit_for(std::string("notaslice:p:x"), "c", false); }).find("must end in .slice"),
              std::string::npos);
    EXPECT_NE(error_of([] { unit_for(std::string("a.slice:p:"), "c", false); }).find("unit name is empty"),
              std::string::npos);
    EXPECT_NE(error_of([] { unit_for(std::string("a.slice:p:x/y"), "c", false); }).find("invalid systemd unit name"),
              std::string::npos);
}

TEST(SystemdGVariant, BasicTypesAndInference) {
    EXPECT_EQ(parse_gvariant("true"), Value::boolean(true));
    EXPECT_EQ(parse_gvariant(" false "), Value::boolean(false));
    Value i = parse_gvariant("42");
    EXPECT_EQ(i.sig, "i");
    EXPECT_EQ(i.i, 42);
    EXPECT_EQ(parse_gvariant("uint64 123456789"), typed("t", 123456789));
    EXPECT_EQ(parse_gvariant("uint64 18446744073709551615"), typed("t", kInf));
    EXPECT_EQ(parse_gvariant("byte 0x10"), typed("y", 16));
    EXPECT_EQ(parse_gvariant("@u 7"), typed("u", 7));
    Value d = parse_gvariant("1.5");
    EXPECT_EQ(d.sig, "d");
    EXPECT_DOUBLE_EQ(d.d, 1.5);
    EXPECT_EQ(parse_gvariant("'inactive-or-failed'"), Value::str("inactive-or-failed"));
    EXPECT_EQ(parse_gvariant(R"("it's \"q\"")"), Value::str("it's \"q\""));
    Value neg = parse_gvariant("int64 -3");
    EXPECT_EQ(neg.sig, "x");
    EXPECT_EQ(neg.i, -3);
}

TEST(SystemdGVariant, ContainersAndTypeAnnotations) {
    Value a = parse_gvariant("['a.service', 'b.service']");
    EXPECT_EQ(a.sig, "as");
    ASSERT_EQ(a.items.size(), 2u);
    EXPECT_EQ(a.items[1], Value::str("b.service"));
    EXPECT_EQ(parse_gvariant("@as []").sig, "as");
    EXPECT_EQ(parse_gvariant("[uint32 1, 2]").sig, "au");  // the first element's type for the rest
    Value t = parse_gvariant("@a(ss) [('/dev/null', 'rwm')]");
    EXPECT_EQ(t.sig, "a(ss)");
    EXPECT_EQ(t.items[0], device("/dev/null", "rwm"));
    EXPECT_EQ(parse_gvariant("(1,)").sig, "(i)");
}

TEST(SystemdGVariant, BadTextIsAnError) {
    EXPECT_NE(error_of([] { parse_gvariant("[]"); }).find("empty array"), std::string::npos);
    EXPECT_NE(error_of([] { parse_gvariant("[1, 'a']"); }).find("a string cannot have type i"), std::string::npos);
    EXPECT_NE(error_of([] { parse_gvariant("byte 256"); }).find("out of range"), std::string::npos);
    EXPECT_NE(error_of([] { parse_gvariant("uint64 -1"); }).find("out of range for type t"), std::string::npos);
    EXPECT_NE(error_of([] { parse_gvariant("'open"); }).find("unterminated string at position 0"), std::string::npos);
    EXPECT_NE(error_of([] { parse_gvariant("yes"); }).find("unknown word \"yes\""), std::string::npos);
    EXPECT_NE(error_of([] { parse_gvariant("1 2"); }).find("unexpected text after the value at position 2"),
              std::string::npos);
    EXPECT_NE(error_of([] { parse_gvariant("@q 'x'"); }).find("a string cannot have type q"), std::string::npos);
    EXPECT_NE(error_of([] { parse_gvariant(""); }).find("missing value"), std::string::npos);
}

TEST(SystemdAnnotations, PropertiesAndSecToUSec) {
    auto props = annotation_properties({{"org.systemd.property.CollectMode", "'inactive-or-failed'"},
                                        {"org.systemd.property.TimeoutStopUSec", "uint64 123456789"},
                                        {"org.systemd.property.RuntimeMaxSec", "2"},
                                        {"org.systemd.property.JobTimeoutSec", "1.5"},
                                        {"other", "ignored"}});
    auto m = by_name(props);
    ASSERT_EQ(props.size(), 4u);
    EXPECT_EQ(m["CollectMode"], Value::str("inactive-or-failed"));
    EXPECT_EQ(m["TimeoutStopUSec"], typed("t", 123456789));  // USec: as given
    EXPECT_EQ(m["RuntimeMaxUSec"], Value::u64(2000000));     // Sec: seconds -> microseconds
    EXPECT_EQ(m["JobTimeoutUSec"], Value::u64(1500000));
}

TEST(SystemdAnnotations, RuncMessages) {
    // runc 1.1.5's words (the parser's own reason after "value parse error").
    EXPECT_EQ(error_of([] {
                  annotation_properties({{"org.systemd.property.Ab", "1"}});
              }),
              "annotation org.systemd.property.Ab name incorrect: too short");
    EXPECT_EQ(error_of([] {
                  annotation_properties({{"org.systemd.property.Xyzzy1", "1"}});
              }),
              "annotation org.systemd.property.Xyzzy1 name incorrect: contains non-alphabetic character");
    EXPECT_EQ(error_of([] {
                  annotation_properties({{"org.systemd.property.CPUQuota", "1 2"}});
              }),
              "annotation org.systemd.property.CPUQuota=1 2 value parse error: unexpected text after the value at "
              "position 2");
    EXPECT_EQ(error_of([] {
                  annotation_properties({{"org.systemd.property.TimeoutStopSec", "'x'"}});
              }),
              "annotation org.systemd.property.TimeoutStopSec='x' value parse error: not a number");
}

TEST(SystemdProperties, RangeToBits) {
    EXPECT_EQ(range_to_bits("0"), (std::vector<std::uint8_t>{0x01}));
    EXPECT_EQ(range_to_bits("0-3,5"), (std::vector<std::uint8_t>{0x2f}));
    EXPECT_EQ(range_to_bits("9"), (std::vector<std::uint8_t>{0x00, 0x02}));
    EXPECT_EQ(range_to_bits(" 1 , 8-9 "), (std::vector<std::uint8_t>{0x02, 0x03}));
    EXPECT_NE(error_of([] { range_to_bits("3-1"); }).find("invalid cpu or node list"), std::string::npos);
    EXPECT_NE(error_of([] { range_to_bits(""); }).find("empty"), std::string::npos);
    EXPECT_NE(error_of([] { range_to_bits("a"); }).find("invalid"), std::string::npos);
}

TEST(SystemdProperties, FromV2Writes) {
    std::vector<Write> writes = {{"pids", "pids.max", "1"},
                                 {"memory", "memory.swap.max", "33554432"},
                                 {"memory", "memory.max", "max"},
                                 {"memory", "memory.low", "1048576"},
                                 {"io", "io.weight", "default 4950"},
                                 {"cpu", "cpu.weight", "100"},
                                 {"cpu", "cpu.max", "20000 50000"},
                                 {"cpuset", "cpuset.cpus", "0-1"},
                                 {"cpuset", "cpuset.mems", "0"},
                                 {"hugetlb", "hugetlb.2MB.max", "4194304"},  // no property: files only
                                 {"memory", "memory.high", "50000000"}};
    auto m = by_name(resource_properties(writes, 252));
    EXPECT_EQ(m.size(), 11u);
    EXPECT_EQ(m["TasksMax"], Value::u64(1));
    EXPECT_EQ(m["MemorySwapMax"], Value::u64(33554432));
    EXPECT_EQ(m["MemoryMax"], Value::u64(kInf));
    EXPECT_EQ(m["MemoryLow"], Value::u64(1048576));
    EXPECT_EQ(m["MemoryHigh"], Value::u64(50000000));
    EXPECT_EQ(m["IOWeight"], Value::u64(4950));
    EXPECT_EQ(m["CPUWeight"], Value::u64(100));
    EXPECT_EQ(m["CPUQuotaPerSecUSec"], Value::u64(400000));  // 20000/50000 of a second
    EXPECT_EQ(m["CPUQuotaPeriodUSec"], Value::u64(50000));
    EXPECT_EQ(m["AllowedCPUs"], Value::bytes({0x03}));
    EXPECT_EQ(m["AllowedMemoryNodes"], Value::bytes({0x01}));
}

TEST(SystemdProperties, CpuQuotaAsRunc) {
    // A fraction of a percent rounds up to the next 10 ms per second.
    auto m = by_name(resource_properties({{"cpu", "cpu.max", "12345"}}, 252));
    EXPECT_EQ(m["CPUQuotaPerSecUSec"], Value::u64(130000));
    EXPECT_EQ(m.count("CPUQuotaPeriodUSec"), 0u);  // no period given: systemd keeps its own
    m = by_name(resource_properties({{"cpu", "cpu.max", "max 100000"}}, 252));
    EXPECT_EQ(m["CPUQuotaPerSecUSec"], Value::u64(kInf));
    EXPECT_EQ(m["CPUQuotaPeriodUSec"], Value::u64(100000));
    // Older systemd: no period property, no AllowedCPUs.
    m = by_name(resource_properties({{"cpu", "cpu.max", "50000 100000"}, {"cpuset", "cpuset.cpus", "0"}}, 241));
    EXPECT_EQ(m.count("CPUQuotaPeriodUSec"), 0u);
    EXPECT_EQ(m.count("AllowedCPUs"), 0u);
    EXPECT_EQ(m["CPUQuotaPerSecUSec"], Value::u64(500000));
}

TEST(SystemdProperties, CpuIdleIsWeightZeroOn252) {
    auto props = resource_properties({{"cpu", "cpu.weight", "100"}, {"cpu", "cpu.idle", "1"}}, 252);
    ASSERT_EQ(props.size(), 1u);
    EXPECT_EQ(props[0], (Property{"CPUWeight", Value::u64(0)}));
    props = resource_properties({{"cpu", "cpu.weight", "100"}, {"cpu", "cpu.idle", "1"}}, 251);
    ASSERT_EQ(props.size(), 1u);
    EXPECT_EQ(props[0], (Property{"CPUWeight", Value::u64(100)}));
}

TEST(SystemdProperties, FromV1Writes) {
    auto m = by_name(resource_properties({{"memory", "memory.limit_in_bytes", "-1"},
                                          {"cpu", "cpu.shares", "512"},
                                          {"cpu", "cpu.cfs_period_us", "100000"},
                                          {"cpu", "cpu.cfs_quota_us", "50000"},
                                          {"blkio", "blkio.weight", "300"},
                                          {"pids", "pids.max", "max"}},
                                         252));
    EXPECT_EQ(m["MemoryLimit"], Value::u64(kInf));
    EXPECT_EQ(m["CPUShares"], Value::u64(512));
    EXPECT_EQ(m["CPUQuotaPerSecUSec"], Value::u64(500000));
    EXPECT_EQ(m["CPUQuotaPeriodUSec"], Value::u64(100000));
    EXPECT_EQ(m["BlockIOWeight"], Value::u64(300));
    EXPECT_EQ(m["TasksMax"], Value::u64(kInf));
}

TEST(SystemdProperties, DevicesAsRunc) {
    std::vector<std::string> warnings;
    // The default list: deny all, then runc's always-allowed devices.
    auto props = device_properties(emulate_device_rules(device_rules({})), warnings);
    ASSERT_EQ(props.size(), 3u);
    EXPECT_EQ(props[0], (Property{"DevicePolicy", Value::str("strict")}));
    EXPECT_EQ(props[1].name, "DeviceAllow");
    EXPECT_TRUE(props[1].value.items.empty());  // resets the list first
    const auto& allow = props[2].value.items;
    EXPECT_EQ(props[2].value.sig, "a(ss)");
    EXPECT_EQ(allow.front(), device("char-*", "m"));
    EXPECT_NE(std::find(allow.begin(), allow.end(), device("/dev/char/1:3", "rwm")), allow.end());
    EXPECT_NE(std::find(allow.begin(), allow.end(), device("char-136", "rwm")), allow.end());
    EXPECT_TRUE(warnings.empty());

    // "*:n" cannot be said: skipped with runc's warning.
    DeviceList odd;
    odd.exceptions = {{true, 'c', -1, 5, "r"}};
    props = device_properties(odd, warnings);
    EXPECT_TRUE(props[2].value.items.empty());
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("'*:n'"), std::string::npos);

    // Allow-all is "auto" with no list; a deny list is a deny-all with a warning.
    DeviceList all;
    all.default_allow = true;
    props = device_properties(all, warnings);
    EXPECT_EQ(by_name(props)["DevicePolicy"], Value::str("auto"));
    all.exceptions = {{false, 'c', 1, 3, "rwm"}};
    warnings.clear();
    props = device_properties(all, warnings);
    EXPECT_EQ(by_name(props)["DevicePolicy"], Value::str("strict"));
    EXPECT_EQ(warnings.size(), 1u);
}

TEST(SystemdProperties, ScopeInRuncOrder) {
    ScopeRequest r;
    r.unit = {"libpod-abc.scope", "machine.slice"};
    r.id = "abc";
    r.pid = 4242;
    r.annotations = {{"CollectMode", Value::str("inactive-or-failed")}};
    r.resources = {{"MemoryMax", Value::u64(1 << 20)}};
    r.oom_group = "1";
    auto props = scope_properties(r);
    std::vector<std::string> names;
    for (auto& p : props) names.push_back(p.name);
    EXPECT_EQ(names, (std::vector<std::string>{"Description", "Slice", "Delegate", "PIDs", "MemoryAccounting",
                                               "CPUAccounting", "IOAccounting", "TasksAccounting",
                                               "DefaultDependencies", "CollectMode", "OOMPolicy", "MemoryMax"}));
    auto m = by_name(props);
    EXPECT_EQ(m["Slice"], Value::str("machine.slice"));
    EXPECT_EQ(m["Delegate"], Value::boolean(true));
    EXPECT_EQ(m["PIDs"], Value::u32_array({4242}));
    EXPECT_EQ(m["DefaultDependencies"], Value::boolean(false));
    EXPECT_EQ(m["OOMPolicy"], Value::str("kill"));
    r.v1_accounting = true;
    EXPECT_EQ(by_name(scope_properties(r)).count("BlockIOAccounting"), 1u);
}

TEST(SystemdBus, Version) {
    EXPECT_EQ(parse_version("252.39-1~deb12u2"), 252);
    EXPECT_EQ(parse_version("\"v245.4-1.fc32\""), 245);
    EXPECT_EQ(parse_version("249"), 249);
    EXPECT_EQ(parse_version("unknown"), -1);
}
