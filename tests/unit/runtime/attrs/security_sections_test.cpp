// Pure planners of the security sections (no root): each config value to the
// kernel value islet would apply, and runc's messages for bad values.
#include <gtest/gtest.h>
#include <linux/mempolicy.h>
#include <sys/personality.h>

#include "runtime/attrs/capabilities.hpp"
#include "runtime/attrs/cpu_affinity.hpp"
#include "runtime/attrs/io_priority.hpp"
#include "runtime/attrs/lsm.hpp"
#include "runtime/attrs/memory_policy.hpp"
#include "runtime/ns/namespaces.hpp"
#include "runtime/attrs/personality.hpp"
#include "runtime/attrs/scheduler.hpp"
#include "runtime/ns/sysctl.hpp"
#include "runtime/ns/time_offsets.hpp"
#include "spec/names.hpp"
#include "spec/validate.hpp"

using namespace islet;
using namespace islet::runtime;

namespace {

std::string texts(const std::vector<spec::Problem>& ps) {
    std::string all;
    for (auto& p : ps) all += p.text() + "\n";
    return all;
}

spec::Config base_config() {
    spec::Config c;
    c.oci_version = "1.2.0";
    c.root = spec::Root{"rootfs", false};
    c.process = spec::Process{};
    c.process->args = {"sh"};
    c.process->cwd = "/";
    c.linux = spec::Linux{};
    return c;
}

}  // namespace

TEST(SecurityPersonality, DomainsAndFlags) {
    std::vector<spec::Problem> out;
    spec::Personality p{"LINUX32", {}};
    EXPECT_EQ(plan_personality(p, out), PER_LINUX32);
    p = {"LINUX", {"ADDR_NO_RANDOMIZE"}};
    EXPECT_EQ(plan_personality(p, out), static_cast<unsigned long>(PER_LINUX) | static_cast<unsigned long>(ADDR_NO_RANDOMIZE));
    EXPECT_TRUE(out.empty());
    p = {"WINDOWS", {"NOPE"}};
    EXPECT_FALSE(plan_personality(p, out));
    const std::string msg = texts(out);
    EXPECT_NE(msg.find("/linux/personality/domain: personality domain \"WINDOWS\" is not LINUX or LINUX32"),
              std::string::npos);
    EXPECT_NE(msg.find("/linux/personality/flags/0: unknown personality flag \"NOPE\""), std::string::npos);
}

TEST(SecurityScheduler, RuncRules) {
    std::vector<spec::Problem> out;
    spec::Scheduler s;
    s.policy = "SCHED_BATCH";
    s.nice = 5;
    s.flags = {"SCHED_FLAG_RESET_ON_FORK"};
    auto a = plan_scheduler(s, "/process/scheduler", out);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->sched_policy, 3u);
    EXPECT_EQ(a->sched_nice, 5);
    EXPECT_EQ(a->sched_flags, 1u);
    EXPECT_EQ(a->size, 56u);

    s = {};
    s.policy = "SCHED_OTHER";
    s.nice = 20;
    s.priority = 3;
    s.runtime = 1;
    EXPECT_FALSE(plan_scheduler(s, "/process/scheduler", out));
    const std::string msg = texts(out);
    EXPECT_NE(msg.find("invalid scheduler.nice: 20"), std::string::npos) << msg;
    EXPECT_NE(msg.find("scheduler.priority can only be specified for SchedFIFO or SchedRR policy"), std::string::npos);
    EXPECT_NE(msg.find("scheduler runtime/deadline/period can only be specified for SchedDeadline policy"),
              std::string::npos);
    out.clear();
    s = {};
    EXPECT_FALSE(plan_scheduler(s, "/process/scheduler", out));
    EXPECT_NE(texts(out).find("scheduler policy is required"), std::string::npos);
    out.clear();
    s.policy = "SCHED_DEADLINE";
    s.runtime = 10000000;
    s.deadline = 30000000;
    s.period = 30000000;
    a = plan_scheduler(s, "/process/scheduler", out);
    ASSERT_TRUE(a) << texts(out);
    EXPECT_EQ(a->sched_policy, 6u);
    EXPECT_EQ(a->sched_deadline, 30000000u);
}

TEST(SecurityIoPriority, ClassesAndRange) {
    std::vector<spec::Problem> out;
    EXPECT_EQ(plan_io_priority({"IOPRIO_CLASS_IDLE", 7}, "/p", out), (3 << 13) | 7);
    EXPECT_EQ(plan_io_priority({"IOPRIO_CLASS_BE", 0}, "/p", out), 2 << 13);  // the kernel ABI: class << 13 | level
    EXPECT_TRUE(out.empty());
    EXPECT_FALSE(plan_io_priority({"IOPRIO_CLASS_NONE", 8}, "/p", out));
    EXPECT_NE(texts(out).find("/p/class: unknown I/O priority class"), std::string::npos);
    EXPECT_NE(texts(out).find("/p/priority: invalid ioPriority.priority 8"), std::string::npos);
}

TEST(SecurityCpuList, ParsesRangesAndRejectsNonsense) {
    EXPECT_EQ(parse_id_list("0-3,7", 1023), (std::vector<unsigned>{0, 1, 2, 3, 7}));
    EXPECT_EQ(parse_id_list("", 1023), std::vector<unsigned>{});
    EXPECT_FALSE(parse_id_list("3-1", 1023));
    EXPECT_FALSE(parse_id_list("1,,2", 1023));
    EXPECT_FALSE(parse_id_list("a", 1023));
    EXPECT_FALSE(parse_id_list("1024", 1023));
    std::vector<spec::Problem> out;
    cpu_affinity_problems({"0-1", "x"}, "/process/execCPUAffinity", out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].pointer, "/process/execCPUAffinity/final");
}

TEST(SecurityMemoryPolicy, ModesNodesFlags) {
    std::vector<spec::Problem> out;
    auto p = plan_memory_policy({"MPOL_BIND", "0-1", {"MPOL_F_STATIC_NODES"}}, out);
    ASSERT_TRUE(p) << texts(out);
    EXPECT_EQ(p->mode, MPOL_BIND | MPOL_F_STATIC_NODES);
    EXPECT_EQ(p->nodes, (std::vector<unsigned>{0, 1}));
    EXPECT_TRUE(plan_memory_policy({"MPOL_PREFERRED", "", {}}, out));  // local allocation
    EXPECT_TRUE(plan_memory_policy({"MPOL_DEFAULT", "", {}}, out));
    EXPECT_TRUE(out.empty());
    EXPECT_FALSE(plan_memory_policy({"MPOL_DEFAULT", "0", {}}, out));
    EXPECT_FALSE(plan_memory_policy({"MPOL_INTERLEAVE", "", {}}, out));
    EXPECT_FALSE(plan_memory_policy({"MPOL_BIND", "0", {"MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"}}, out));
    EXPECT_FALSE(plan_memory_policy({"MPOL_NOPE", "0", {"MPOL_F_NOPE"}}, out));
    const std::string msg = texts(out);
    EXPECT_NE(msg.find("MPOL_DEFAULT takes no nodes"), std::string::npos) << msg;
    EXPECT_NE(msg.find("MPOL_INTERLEAVE needs nodes"), std::string::npos);
    EXPECT_NE(msg.find("exclude each other"), std::string::npos);
    EXPECT_NE(msg.find("invalid memory policy mode \"MPOL_NOPE\""), std::string::npos);
    EXPECT_NE(msg.find("invalid memory policy flag \"MPOL_F_NOPE\""), std::string::npos);
}

TEST(SecuritySysctl, KeysBecomeProcPaths) {
    EXPECT_EQ(spec::sysctl_dotted("net/ipv4/conf/eno2.100/rp_filter"), "net.ipv4.conf.eno2/100.rp_filter");
    EXPECT_EQ(spec::sysctl_dotted("net.ipv4.ip_forward"), "net.ipv4.ip_forward");
    EXPECT_EQ(sysctl_proc_path("net.ipv4.ip_forward"), "sys/net/ipv4/ip_forward");
    EXPECT_EQ(sysctl_proc_path("net/ipv4/conf/eno2.100/rp_filter"), "sys/net/ipv4/conf/eno2.100/rp_filter");
    EXPECT_EQ(sysctl_proc_path("net.ipv4.conf.eno2/100.rp_filter"), "sys/net/ipv4/conf/eno2.100/rp_filter");
    EXPECT_EQ(sysctl_proc_path("net..x"), "");
    EXPECT_EQ(sysctl_proc_path("net.//.x"), "");  // ".." in the dotted form
}

TEST(SecuritySysctl, ValidationFollowsRunc) {
    spec::Config c = base_config();
    c.linux->sysctl = {{"net.ipv4.ip_forward", "1"}, {"kernel.shmmax", "1"}, {"kernel.hostname", "x"},
                       {"kernel.domainname", "y"}, {"kernel.ns_last_pid", "1"}, {"vm.swappiness", "1"}};
    std::string msg = texts(spec::validate_config(c));
    EXPECT_NE(msg.find("sysctl \"net.ipv4.ip_forward\" is not allowed in the host's network namespace"), std::string::npos) << msg;
    EXPECT_NE(msg.find("sysctl \"kernel.shmmax\" is not allowed in the host's ipc namespace"), std::string::npos);
    EXPECT_NE(msg.find("sysctl \"vm.swappiness\" is not in a separate kernel namespace"), std::string::npos);
    EXPECT_NE(msg.find("sysctl \"kernel.ns_last_pid\" is not allowed in the host's pid namespace"), std::string::npos);
    c.linux->namespaces = {{"network", ""}, {"ipc", ""}, {"uts", ""}, {"pid", ""}};
    c.linux->sysctl.erase("vm.swappiness");
    msg = texts(spec::validate_config(c));
    EXPECT_NE(msg.find("sysctl \"kernel.hostname\" is not allowed as it conflicts with the OCI \"hostname\" field"),
              std::string::npos) << msg;
    EXPECT_EQ(msg.find("ip_forward"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("domainname"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("shmmax"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("ns_last_pid"), std::string::npos) << msg;
}

TEST(SecurityLsm, LabelsNeedTheirLsm) {
    spec::Config c = base_config();
    c.process->apparmor_profile = "islet-test";
    c.process->selinux_label = "system_u:system_r:container_t:s0";
    c.linux->mount_label = "system_u:object_r:container_file_t:s0:c1,c2";
    std::vector<spec::Problem> out;
    lsm_problems(c, LsmHost{}, out);
    const std::string msg = texts(out);
    EXPECT_NE(msg.find("/process/apparmorProfile: apparmor profile is specified in config, but apparmor is disabled"),
              std::string::npos) << msg;
    EXPECT_NE(msg.find("/process/selinuxLabel: selinux label is specified in config, but selinux is disabled"),
              std::string::npos);
    EXPECT_NE(msg.find("/linux/mountLabel: selinux mount label is specified in config"), std::string::npos);
    out.clear();
    lsm_problems(c, LsmHost{true, true}, out);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(mount_label_option("tmpfs", c.linux->mount_label), "context=" + c.linux->mount_label);
    EXPECT_EQ(mount_label_option("proc", c.linux->mount_label), "");
    EXPECT_EQ(mount_label_option("tmpfs", ""), "");
}

TEST(SecurityTimeOffsets, FileTextAndPlan) {
    std::map<std::string, spec::TimeOffset> offs = {{"monotonic", {86400, 0}}, {"boottime", {-5, 500}}};
    EXPECT_EQ(timens_offsets_text(offs), "boottime -5 500\nmonotonic 86400 0\n");
    spec::Linux l;
    l.namespaces = {{"time", ""}, {"pid", ""}};
    EXPECT_FALSE(ns::plan(l).time_with_offsets);
    EXPECT_TRUE(ns::plan(l).clone_flags & 0x80);  // CLONE_NEWTIME straight from clone3
    l.time_offsets = offs;
    ns::Plan p = ns::plan(l);
    EXPECT_TRUE(p.time_with_offsets);
    EXPECT_FALSE(p.clone_flags & 0x80);  // the runtime makes it (offsets before anyone enters)
    l.namespaces.push_back({"user", "/proc/1/ns/user"});
    p = ns::plan(l);
    EXPECT_FALSE(p.unshare_after_user & 0x80);
}

TEST(SecurityCapabilities, UnknownToTheKernelIsSkippedNotFatal) {
    spec::Capabilities caps;
    caps.bounding = std::vector<std::string>{"CAP_CHOWN", "CAP_PERFMON", "CAP_CHECKPOINT_RESTORE"};
    caps.ambient = std::vector<std::string>{"CAP_CHOWN"};
    // A kernel whose last capability is CAP_AUDIT_READ (37).
    CapPlan p = plan_capabilities(caps, 37);
    EXPECT_EQ(p.bounding, 1ull);
    EXPECT_EQ(p.ambient, 1ull);
    EXPECT_EQ(p.unknown, (std::vector<std::string>{"CAP_PERFMON", "CAP_CHECKPOINT_RESTORE"}));
    EXPECT_EQ(p.inheritable, 0ull);  // never more than asked
    EXPECT_EQ(plan_capabilities(std::nullopt, 40).bounding, 0ull);
    // A name that is no capability at all is a validation error.
    spec::Process pr;
    pr.args = {"sh"};
    pr.cwd = "/";
    pr.capabilities = spec::Capabilities{};
    pr.capabilities->effective = std::vector<std::string>{"CAP_BOGUS"};
    EXPECT_NE(texts(spec::validate_process(pr, "/process")).find("/process/capabilities/effective/0: unknown capability \"CAP_BOGUS\""),
              std::string::npos);
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
