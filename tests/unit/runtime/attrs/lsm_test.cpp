// runtime/attrs/lsm: labels need their LSM; the mount label's option.
#include "runtime/attrs/lsm.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

using namespace islet;
using namespace islet::runtime;
using islet::test::problems_text;

TEST(Lsm, LabelsNeedTheirLsm) {
    spec::Config c;
    c.process = spec::Process{};
    c.linux = spec::Linux{};
    c.process->apparmor_profile = "islet-test";
    c.process->selinux_label = "system_u:system_r:container_t:s0";
    c.linux->mount_label = "system_u:object_r:container_file_t:s0:c1,c2";
    std::vector<spec::Problem> out;
    lsm_problems(c, LsmHost{}, out);
    const std::string msg = problems_text(out);
    EXPECT_NE(msg.find("/process/apparmorProfile: apparmor profile is specified in config, but apparmor is disabled"),
              std::string::npos)
        << msg;
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
