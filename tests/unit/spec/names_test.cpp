// spec/names: the one table per kind of name.
#include "spec/names.hpp"

#include <gtest/gtest.h>
#include <linux/sched.h>
#include <sys/resource.h>

using namespace islet::spec;

TEST(Names, NamespacesInJoinOrderWithFlagsAndProcNames) {
    const auto& kinds = namespace_kinds();
    ASSERT_EQ(kinds.size(), 8u);
    EXPECT_STREQ(kinds.front().type, "user");  // joined first: the others with its credentials
    EXPECT_EQ(namespace_types(),
              (std::vector<std::string>{"user", "ipc", "uts", "network", "pid", "mount", "cgroup", "time"}));
    EXPECT_EQ(namespace_clone_flag("network"), static_cast<unsigned long>(CLONE_NEWNET));
    EXPECT_EQ(namespace_clone_flag("mount"), static_cast<unsigned long>(CLONE_NEWNS));
    EXPECT_EQ(namespace_clone_flag("time"), static_cast<unsigned long>(CLONE_NEWTIME));
    EXPECT_EQ(namespace_clone_flag("bogus"), 0u);
    EXPECT_EQ(namespace_proc_name("network"), "net");
    EXPECT_EQ(namespace_proc_name("mount"), "mnt");
    EXPECT_EQ(namespace_proc_name("cgroup"), "cgroup");
    EXPECT_EQ(find_namespace_kind("uts")->clone_flag, static_cast<unsigned long>(CLONE_NEWUTS));
    EXPECT_EQ(find_namespace_kind("net"), nullptr);  // the proc name is not a type
}

TEST(Names, Capabilities) {
    EXPECT_EQ(capability_names().size(), 41u);
    EXPECT_EQ(capability_number("CAP_CHOWN"), 0);
    EXPECT_EQ(capability_number("CAP_SYS_ADMIN"), 21);
    EXPECT_EQ(capability_number("CAP_BPF"), 39);
    EXPECT_EQ(capability_number("CAP_CHECKPOINT_RESTORE"), 40);
    EXPECT_EQ(capability_number("CAP_BOGUS"), -1);
    EXPECT_EQ(capability_number("chown"), -1);
    EXPECT_TRUE(is_known_capability("CAP_BPF"));
    EXPECT_FALSE(is_known_capability("cap_audit_read"));
    EXPECT_FALSE(is_known_capability(""));
}

TEST(Names, Rlimits) {
    EXPECT_EQ(rlimit_number("RLIMIT_NOFILE"), RLIMIT_NOFILE);
    EXPECT_EQ(rlimit_number("RLIMIT_RTTIME"), RLIMIT_RTTIME);
    EXPECT_EQ(rlimit_number("RLIMIT_CPU"), RLIMIT_CPU);
    EXPECT_EQ(rlimit_number("NOFILE"), -1);
    EXPECT_EQ(rlimit_number("RLIMIT_BOGUS"), -1);
    EXPECT_EQ(rlimit_number(""), -1);
}

TEST(Names, Sysctls) {
    EXPECT_EQ(sysctl_dotted("net/ipv4/conf/eno2.100/rp_filter"), "net.ipv4.conf.eno2/100.rp_filter");
    EXPECT_EQ(sysctl_dotted("net.ipv4.ip_forward"), "net.ipv4.ip_forward");
    EXPECT_EQ(sysctl_namespace("net.ipv4.ip_forward"), "network");
    EXPECT_EQ(sysctl_namespace("kernel.shmmax"), "ipc");
    EXPECT_EQ(sysctl_namespace("fs.mqueue.msg_max"), "ipc");
    EXPECT_EQ(sysctl_namespace("kernel.domainname"), "uts");
    EXPECT_EQ(sysctl_namespace("vm.swappiness"), "");
    EXPECT_TRUE(is_ipc_sysctl("kernel.sem"));
    EXPECT_FALSE(is_ipc_sysctl("kernel.pid_max"));
}
