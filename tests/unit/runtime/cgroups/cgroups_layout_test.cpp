// Layout detection and path rules (runtime/cgroups/cgroups.hpp).
#include <gtest/gtest.h>

#include "runtime/cgroups/cgroups.hpp"

using namespace islet;
using namespace islet::runtime::cgroups;

namespace {

// These machines' /proc/self/mountinfo (cgroup lines).
const char* kHybrid =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
const char* kV2 = "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";
const char* kV1 =
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n";

}  // namespace

TEST(CgroupsPaths, Layouts) {
    Host h = parse_host(kHybrid, "hugetlb");
    EXPECT_EQ(h.layout, Layout::hybrid);
    ASSERT_NE(h.unified(), nullptr);
    EXPECT_EQ(h.for_controller("hugetlb"), h.unified());  // not a v1 hierarchy here
    EXPECT_EQ(h.for_controller("memory")->mount, "/sys/fs/cgroup/memory");
    EXPECT_EQ(h.for_controller("net_cls"), nullptr);
    EXPECT_EQ(parse_host(kV2, "cpuset cpu io memory hugetlb pids rdma misc").layout, Layout::v2);
    Host v1 = parse_host(kV1, "");
    EXPECT_EQ(v1.layout, Layout::v1);
    EXPECT_EQ(v1.for_controller("cpuacct")->name, "cpu,cpuacct");
    EXPECT_EQ(parse_host("", "").layout, Layout::none);
}

TEST(CgroupsPaths, ContainerPathRules) {
    EXPECT_EQ(container_path(std::nullopt, "abc", false), "/abc");
    EXPECT_EQ(container_path(std::string("/a/../../b"), "x", false), "/b");
    EXPECT_EQ(container_path(std::string("../../../islet-x"), "x", false), "islet-x");  // cannot climb
    EXPECT_EQ(container_path(std::string("rel/p"), "x", false), "rel/p");
    EXPECT_EQ(container_path(std::string("system.slice:islet:abc"), "x", true), "/system.slice/islet-abc.scope");
    EXPECT_EQ(container_path(std::nullopt, "abc", true), "/system.slice/islet-abc.scope");
    EXPECT_EQ(container_path(std::string("a-b.slice:p:n"), "x", true), "/a.slice/a-b.slice/p-n.scope");
    EXPECT_THROW(container_path(std::string("bad"), "x", true), std::exception);
    EXPECT_EQ(expand_slice("-.slice"), "/");
}

TEST(CgroupsPaths, PlanDirsPerHierarchy) {
    Host h = parse_host(kHybrid, "hugetlb");
    auto dirs = plan_dirs(h, "/ctr", {});
    EXPECT_EQ(dirs.at("memory"), "/sys/fs/cgroup/memory/ctr");
    EXPECT_EQ(dirs.at("unified"), "/sys/fs/cgroup/unified/ctr");
    EXPECT_EQ(dirs.at("name=systemd"), "/sys/fs/cgroup/systemd/ctr");
    EXPECT_EQ(dirs.size(), 10u);
    // Relative: under islet's own cgroup in each hierarchy.
    auto self = parse_self_cgroup("4:memory:/process_api/h\n0::/\n1:cpu:/\n", h);
    dirs = plan_dirs(h, "rel", self);
    EXPECT_EQ(dirs.at("memory"), "/sys/fs/cgroup/memory/process_api/h/rel");
    EXPECT_EQ(dirs.at("cpu"), "/sys/fs/cgroup/cpu/rel");
    EXPECT_EQ(dirs.at("unified"), "/sys/fs/cgroup/unified/rel");
}
