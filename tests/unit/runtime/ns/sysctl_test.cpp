// runtime/ns/sysctl: keys to /proc paths, ping_group_range through the gid mappings.
#include "runtime/ns/sysctl.hpp"

#include <gtest/gtest.h>

#include "spec/names.hpp"
#include "test_util.hpp"

using namespace islet;
using namespace islet::runtime;
using islet::test::problems_text;

TEST(Sysctl, KeysBecomeProcPaths) {
    EXPECT_EQ(spec::sysctl_dotted("net/ipv4/conf/eno2.100/rp_filter"), "net.ipv4.conf.eno2/100.rp_filter");
    EXPECT_EQ(spec::sysctl_dotted("net.ipv4.ip_forward"), "net.ipv4.ip_forward");
    EXPECT_EQ(sysctl_proc_path("net.ipv4.ip_forward"), "sys/net/ipv4/ip_forward");
    EXPECT_EQ(sysctl_proc_path("net/ipv4/conf/eno2.100/rp_filter"), "sys/net/ipv4/conf/eno2.100/rp_filter");
    EXPECT_EQ(sysctl_proc_path("net.ipv4.conf.eno2/100.rp_filter"), "sys/net/ipv4/conf/eno2.100/rp_filter");
    EXPECT_EQ(sysctl_proc_path("net..x"), "");
    EXPECT_EQ(sysctl_proc_path("net.//.x"), "");  // ".." in the dotted form
}

TEST(Sysctl, PingGroupRangeBecomesTheHostsRange) {
    using islet::runtime::translate_ping_group_range;
    std::vector<spec::IdMapping> maps = {{0, 1074069504, 65536}};
    EXPECT_EQ(translate_ping_group_range("0 0", maps), "1074069504 1074069504");
    EXPECT_EQ(translate_ping_group_range("0\t2147483647", maps), "1074069504 1074135039");
    EXPECT_EQ(translate_ping_group_range("100 200", maps), "1074069604 1074069704");
    // A range the mappings do not meet, or no range at all: nobody.
    EXPECT_EQ(translate_ping_group_range("70000 80000", maps), "1 0");
    EXPECT_EQ(translate_ping_group_range("1 0", maps), "1 0");
    EXPECT_EQ(translate_ping_group_range("x", maps), "1 0");
    // The first mapping the range meets.
    std::vector<spec::IdMapping> two = {{0, 5000, 10}, {10, 9000, 10}};
    EXPECT_EQ(translate_ping_group_range("12 100", two), "9002 9009");
}
