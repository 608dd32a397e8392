// runtime/cgroups: the container's cgroup path (runc's rules), layout
// detection from mountinfo, /proc/self/cgroup and the per-hierarchy plan.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/cgroups/cgroups.hpp"
#include "test_util.hpp"

using namespace islet::runtime::cgroups;
using islet::test::error_of;

namespace {

// This machine's hybrid layout (Debian 12 with systemd's hybrid mode).
const char* kHybrid =
    "22 28 0:20 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "25 22 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 "
    "rw,nsdelegate\n"
    "27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup "
    "rw,xattr,name=systemd\n"
    "30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup "
    "rw,cpu,cpuacct\n"
    "31 25 0:28 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory\n"
    "32 25 0:29 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup "
    "rw,cpuset,clone_children\n"
    "33 25 0:30 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup "
    "rw,net_cls,net_prio\n"
    "34 25 0:31 / /sys/fs/cgroup/devices rw,nosuid,nodev,noexec,relatime shared:18 - cgroup cgroup rw,devices\n"
    "35 25 0:32 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:19 - cgroup cgroup rw,freezer\n"
    "36 25 0:33 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:20 - cgroup cgroup rw,pids\n"
    "40 28 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n";

// A pure v1 host (no cgroup2 mount), no optional fields, a release agent.
const char* kV1 =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory,release_agent=/sbin/agent\n"
    "34 31 0:31 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "35 31 0:32 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n";

// A pure v2 host, mounted in a cgroup namespace (root is not "/").
const char* kV2 =
    "29 23 0:26 /../.. /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n"
    "30 23 0:27 / /proc rw - proc proc rw\n";

}  // namespace

TEST(CgroupPath, AbsentIsSlashId) {
    EXPECT_EQ(container_path(std::nullopt, "c1", false), "/c1");
    EXPECT_EQ(container_path(std::string(""), "c1", false), "/c1");
}

TEST(CgroupPath, AbsoluteIsCleanedAndCannotClimb) {
    EXPECT_EQ(container_path(std::string("/a/b"), "c", false), "/a/b");
    EXPECT_EQ(container_path(std::string("/a/../../../b//c/."), "c", false), "/b/c");
    EXPECT_EQ(container_path(std::string("/../../sys/fs/cgroup"), "c", false), "/sys/fs/cgroup");
}

TEST(CgroupPath, RelativeStaysRelativeAndCannotClimb) {
    EXPECT_EQ(container_path(std::string("a/b"), "c", false), "a/b");
    EXPECT_EQ(container_path(std::string("a/../../../b"), "c", false), "b");
    EXPECT_EQ(container_path(std::string("../x"), "c", false), "x");
    EXPECT_EQ(container_path(std::string("./a//b/"), "c", false), "a/b");
}

TEST(CgroupPath, Systemd) {
    EXPECT_EQ(container_path(std::nullopt, "c1", true), "/system.slice/islet-c1.scope");
    EXPECT_EQ(container_path(std::string("system.slice:docker:abc"), "c", true), "/system.slice/docker-abc.scope");
    EXPECT_EQ(container_path(std::string("machine-pod1.slice:libpod:abc"), "c", true),
              "/machine.slice/machine-pod1.slice/libpod-abc.scope");
    EXPECT_EQ(container_path(std::string(":p:n"), "c", true), "/system.slice/p-n.scope");
    EXPECT_EQ(container_path(std::string("-.slice:p:n"), "c", true), "/p-n.scope");
    EXPECT_EQ(container_path(std::string("user.slice::n"), "c", true), "/user.slice/n.scope");
    // A name that already is a unit is kept.
    EXPECT_EQ(container_path(std::string("user.slice:p:n.scope"), "c", true), "/user.slice/n.scope");
    EXPECT_EQ(container_path(std::string("user.slice:p:sub.slice"), "c", true), "/user.slice/sub.slice");
}

TEST(CgroupPath, SystemdBadForms) {
    EXPECT_NE(error_of([] {
                  container_path(std::string("a:b"), "c", true);
              }).find("expected cgroupsPath to be of format \"slice:prefix:name\" for systemd cgroups, got \"a:b\""),
              std::string::npos);
    EXPECT_NE(error_of([] { container_path(std::string("a.slice:b:c:d"), "c", true); }).find("slice:prefix:name"),
              std::string::npos);
    EXPECT_NE(error_of([] { container_path(std::string("/abs/path"), "c", true); }).find("slice:prefix:name"),
              std::string::npos);
    EXPECT_EQ(error_of([] { container_path(std::string("system:p:n"), "c", true); }),
              "invalid slice name \"system\": it must end in .slice");
    EXPECT_EQ(error_of([] { container_path(std::string("a--b.slice:p:n"), "c", true); }),
              "invalid slice name \"a--b.slice\"");
    EXPECT_EQ(error_of([] { container_path(std::string("a/b.slice:p:n"), "c", true); }),
              "invalid slice name \"a/b.slice\"");
    EXPECT_EQ(error_of([] { container_path(std::string("system.slice:p:a/b"), "c", true); }),
              "invalid systemd unit name \"p-a/b.scope\"");
    EXPECT_EQ(error_of([] { container_path(std::string("system.slice:../x:n"), "c", true); }),
              "invalid systemd unit name \"../x-n.scope\"");
}

TEST(CgroupPath, ExpandSlice) {
    EXPECT_EQ(expand_slice("-.slice"), "/");
    EXPECT_EQ(expand_slice("system.slice"), "/system.slice");
    EXPECT_EQ(expand_slice("a-b.slice"), "/a.slice/a-b.slice");
    EXPECT_EQ(expand_slice("a-b-c.slice"), "/a.slice/a-b.slice/a-b-c.slice");
    for (const char* bad : {".slice", "slice", "a.scope", "-a.slice", "a-.slice", "a--b.slice", "a/b.slice", ""})
        EXPECT_FALSE(error_of([&] { expand_slice(bad); }).empty()) << bad;
}

TEST(CgroupHost, Hybrid) {
    Host h = parse_host(kHybrid, "");
    EXPECT_EQ(h.layout, Layout::hybrid);
    EXPECT_STREQ(layout_name(h.layout), "hybrid");
    ASSERT_EQ(h.hierarchies.size(), 9u);
    EXPECT_EQ(h.hierarchies[0].name, "unified");
    EXPECT_TRUE(h.hierarchies[0].v2);
    EXPECT_EQ(h.hierarchies[0].mount, "/sys/fs/cgroup/unified");
    EXPECT_TRUE(h.hierarchies[0].controllers.empty());
    EXPECT_EQ(h.hierarchies[1].name, "name=systemd");
    EXPECT_TRUE(h.hierarchies[1].controllers.empty());  // a named hierarchy has no controller
    EXPECT_EQ(h.hierarchies[2].name, "cpu,cpuacct");
    EXPECT_EQ(h.hierarchies[2].controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
    EXPECT_EQ(h.hierarchies[4].name, "cpuset");  // clone_children is no controller
    EXPECT_EQ(h.hierarchies[5].name, "net_cls,net_prio");

    ASSERT_NE(h.unified(), nullptr);
    EXPECT_EQ(h.unified()->mount, "/sys/fs/cgroup/unified");
    ASSERT_NE(h.v1("cpuacct"), nullptr);
    EXPECT_EQ(h.v1("cpuacct")->mount, "/sys/fs/cgroup/cpu,cpuacct");
    EXPECT_EQ(h.v1("systemd"), nullptr);
    EXPECT_EQ(h.v1("name=systemd"), nullptr);
    EXPECT_EQ(h.for_controller("memory")->mount, "/sys/fs/cgroup/memory");
    EXPECT_EQ(h.for_controller("io"), nullptr);  // the unified hierarchy has no controllers here
}

TEST(CgroupHost, HybridPrefersV1AndFallsBackToUnified) {
    Host h = parse_host(kHybrid, "hugetlb misc\n");
    EXPECT_EQ(h.unified()->controllers, (std::vector<std::string>{"hugetlb", "misc"}));
    EXPECT_EQ(h.for_controller("hugetlb"), h.unified());
    EXPECT_EQ(h.for_controller("pids"), h.v1("pids"));
    EXPECT_FALSE(h.for_controller("pids")->v2);
}

TEST(CgroupHost, V1) {
    Host h = parse_host(kV1, "");
    EXPECT_EQ(h.layout, Layout::v1);
    ASSERT_EQ(h.hierarchies.size(), 4u);
    EXPECT_EQ(h.unified(), nullptr);
    EXPECT_EQ(h.hierarchies[1].name, "memory");  // the release agent is no controller
    EXPECT_EQ(h.hierarchies[1].controllers, std::vector<std::string>{"memory"});
    EXPECT_EQ(h.hierarchies[3].name, "name=systemd");
    EXPECT_EQ(h.for_controller("devices")->mount, "/sys/fs/cgroup/devices");
}

// From the former cgroups_layout_test: a co-mounted pair is found by either
// controller's name on a pure v1 host.
TEST(CgroupHost, V1CoMountedControllersShareTheirHierarchy) {
    Host v1 = parse_host(
        "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
        "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n",
        "");
    EXPECT_EQ(v1.layout, Layout::v1);
    ASSERT_NE(v1.for_controller("cpuacct"), nullptr);
    EXPECT_EQ(v1.for_controller("cpuacct")->name, "cpu,cpuacct");
    EXPECT_EQ(v1.for_controller("cpu"), v1.for_controller("cpuacct"));
    EXPECT_EQ(v1.for_controller("pids"), nullptr);
}

TEST(CgroupHost, V2) {
    Host h = parse_host(kV2, "cpuset cpu io memory hugetlb pids rdma misc");
    EXPECT_EQ(h.layout, Layout::v2);
    ASSERT_EQ(h.hierarchies.size(), 1u);
    const Hierarchy& u = h.hierarchies[0];
    EXPECT_EQ(u.name, "unified");
    EXPECT_EQ(u.mount, "/sys/fs/cgroup");
    EXPECT_EQ(u.root, "/../..");
    EXPECT_TRUE(u.has("memory"));
    EXPECT_FALSE(u.has("devices"));
    EXPECT_EQ(h.for_controller("memory"), &h.hierarchies[0]);
    EXPECT_EQ(h.v1("memory"), nullptr);
}

TEST(CgroupHost, NoneAndNoise) {
    EXPECT_EQ(parse_host("", "").layout, Layout::none);
    EXPECT_EQ(parse_host("garbage line\n1 2 3\n- cgroup\n", "").layout, Layout::none);
    // A cgroup mount seen twice (mounted over) counts once.
    std::string twice = std::string(kV1) + "99 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n";
    EXPECT_EQ(parse_host(twice, "").hierarchies.size(), 4u);
}

TEST(CgroupSelf, ParsesEveryHierarchy) {
    Host h = parse_host(kHybrid, "");
    auto self = parse_self_cgroup(
        "12:pids:/user.slice/user-0.slice\n"
        "11:net_cls,net_prio:/\n"
        "5:cpu,cpuacct:/user.slice\n"
        "4:memory:/user.slice/user-0.slice/session-1.scope\n"
        "1:name=systemd:/user.slice/user-0.slice/session-1.scope\n"
        "0::/user.slice/user-0.slice/session-1.scope\n"
        "7:blkio:/not/mounted\n",
        h);
    EXPECT_EQ(self.at("unified"), "/user.slice/user-0.slice/session-1.scope");
    EXPECT_EQ(self.at("cpu,cpuacct"), "/user.slice");
    EXPECT_EQ(self.at("memory"), "/user.slice/user-0.slice/session-1.scope");
    EXPECT_EQ(self.at("name=systemd"), "/user.slice/user-0.slice/session-1.scope");
    EXPECT_EQ(self.at("net_cls,net_prio"), "/");
    EXPECT_EQ(self.count("blkio"), 0u);  // no such hierarchy on this host
    EXPECT_EQ(self.size(), 6u);
}

TEST(CgroupPlan, AbsolutePathUnderEveryMount) {
    Host h = parse_host(kHybrid, "");
    auto dirs = plan_dirs(h, "/a/b", {{"memory", "/user.slice"}});
    ASSERT_EQ(dirs.size(), 9u);
    EXPECT_EQ(dirs.at("unified"), "/sys/fs/cgroup/unified/a/b");
    EXPECT_EQ(dirs.at("memory"), "/sys/fs/cgroup/memory/a/b");  // islet's own cgroup plays no part
    EXPECT_EQ(dirs.at("cpu,cpuacct"), "/sys/fs/cgroup/cpu,cpuacct/a/b");
    EXPECT_EQ(dirs.at("name=systemd"), "/sys/fs/cgroup/systemd/a/b");
}

TEST(CgroupPlan, RelativePathUnderIsletsOwnCgroup) {
    Host h = parse_host(kHybrid, "");
    auto dirs = plan_dirs(h, "x/y", {{"memory", "/user.slice/s.scope"}, {"unified", "/u"}});
    EXPECT_EQ(dirs.at("memory"), "/sys/fs/cgroup/memory/user.slice/s.scope/x/y");
    EXPECT_EQ(dirs.at("unified"), "/sys/fs/cgroup/unified/u/x/y");
    EXPECT_EQ(dirs.at("pids"), "/sys/fs/cgroup/pids/x/y");  // not in /proc/self/cgroup: from the root
}

// From the former cgroups_layout_test: a hierarchy where islet sits at the
// root ("/" in /proc/self/cgroup) puts a relative path right under the mount.
TEST(CgroupPlan, RelativePathWhereIsletIsAtTheRoot) {
    Host h = parse_host(kHybrid, "");
    auto self = parse_self_cgroup("4:memory:/process_api/h\n0::/\n5:cpu,cpuacct:/\n", h);
    auto dirs = plan_dirs(h, "rel", self);
    EXPECT_EQ(dirs.at("memory"), "/sys/fs/cgroup/memory/process_api/h/rel");
    EXPECT_EQ(dirs.at("cpu,cpuacct"), "/sys/fs/cgroup/cpu,cpuacct/rel");
    EXPECT_EQ(dirs.at("unified"), "/sys/fs/cgroup/unified/rel");
}

TEST(CgroupPlan, V2InACgroupNamespace) {
    Host h = parse_host(kV2, "memory");
    auto self = parse_self_cgroup("0::/\n", h);
    auto dirs = plan_dirs(h, container_path(std::nullopt, "c1", false), self);
    EXPECT_EQ(dirs.at("unified"), "/sys/fs/cgroup/c1");
    dirs = plan_dirs(h, container_path(std::string("../../escape"), "c1", false), self);
    EXPECT_EQ(dirs.at("unified"), "/sys/fs/cgroup/escape");
}

TEST(CgroupPlan, EndToEndFromCgroupsPath) {
    Host h = parse_host(kHybrid, "");
    auto self = parse_self_cgroup("4:memory:/m\n0::/u\n", h);
    auto dirs = plan_dirs(h, container_path(std::string("a/../../b"), "c1", false), self);
    EXPECT_EQ(dirs.at("memory"), "/sys/fs/cgroup/memory/m/b");
    EXPECT_EQ(dirs.at("unified"), "/sys/fs/cgroup/unified/u/b");
    dirs = plan_dirs(h, container_path(std::string("machine.slice:libpod:abc"), "c1", true), self);
    EXPECT_EQ(dirs.at("memory"), "/sys/fs/cgroup/memory/machine.slice/libpod-abc.scope");
}

// check_reusable reads cgroup.procs and the freezer state; a temporary tree
// with the same files stands in for cgroupfs.
TEST(CgroupReuse, RefusesPopulatedOrFrozen) {
    islet::test::TempDir t;
    auto write = [&](const std::string& rel, const std::string& text) {
        std::filesystem::create_directories(std::filesystem::path(t / rel).parent_path());
        std::ofstream(t / rel) << text;
    };
    write("unified/c1/cgroup.procs", "");
    write("memory/c1/cgroup.procs", "");
    std::map<std::string, std::string> dirs = {{"unified", t / "unified/c1"},
                                               {"memory", t / "memory/c1"},
                                               {"pids", t / "pids/c1"}};  // pids/c1 does not exist yet
    EXPECT_NO_THROW(check_reusable(dirs));
    write("memory/c1/cgroup.procs", "123\n456\n");
    EXPECT_EQ(error_of([&] { check_reusable(dirs); }), "container's cgroup is not empty: 2 process(es) found");
    write("memory/c1/cgroup.procs", "");
    write("unified/c1/cgroup.freeze", "1\n");
    EXPECT_EQ(error_of([&] { check_reusable(dirs); }), "container's cgroup unexpectedly frozen");
    write("unified/c1/cgroup.freeze", "0\n");
    dirs["freezer"] = t / "freezer/c1";  // v1 freezer wins over cgroup.freeze
    write("freezer/c1/cgroup.procs", "");
    write("freezer/c1/freezer.state", "FROZEN\n");
    EXPECT_EQ(error_of([&] { check_reusable(dirs); }), "container's cgroup unexpectedly frozen");
    write("freezer/c1/freezer.state", "THAWED\n");
    EXPECT_NO_THROW(check_reusable(dirs));
}

TEST(CgroupHost, AHierarchyMountedTwiceKeepsTheHostsFirstMount) {
    // A container without a mount namespace shows its cgroup view in ours.
    const std::string mi =
        "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
        "90 80 0:29 /c1 /b/rootfs/sys/fs/cgroup/cpu ro,relatime - cgroup cgroup rw,cpu\n"
        "91 80 0:38 /c1 /b/rootfs/sys/fs/cgroup/unified ro,relatime - cgroup2 cgroup2 rw\n";
    auto host = islet::runtime::cgroups::parse_host(mi, "");
    ASSERT_EQ(host.hierarchies.size(), 2u);
    EXPECT_EQ(host.hierarchies[0].mount, "/sys/fs/cgroup/cpu");
    EXPECT_EQ(host.hierarchies[1].mount, "/sys/fs/cgroup/unified");
}
