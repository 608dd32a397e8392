// runtime/attrs/memory_policy: linux.memoryPolicy modes, nodes and flags.
#include "runtime/attrs/memory_policy.hpp"

#include <gtest/gtest.h>
#include <linux/mempolicy.h>

#include "test_util.hpp"

using namespace islet;
using namespace islet::runtime;
using islet::test::problems_text;

TEST(MemoryPolicy, ModesNodesFlags) {
    std::vector<spec::Problem> out;
    auto p = plan_memory_policy({"MPOL_BIND", "0-1", {"MPOL_F_STATIC_NODES"}}, out);
    ASSERT_TRUE(p) << problems_text(out);
    EXPECT_EQ(p->mode, MPOL_BIND | MPOL_F_STATIC_NODES);
    EXPECT_EQ(p->nodes, (std::vector<unsigned>{0, 1}));
    EXPECT_TRUE(plan_memory_policy({"MPOL_PREFERRED", "", {}}, out));  // local allocation
    EXPECT_TRUE(plan_memory_policy({"MPOL_DEFAULT", "", {}}, out));
    EXPECT_TRUE(out.empty());
    EXPECT_FALSE(plan_memory_policy({"MPOL_DEFAULT", "0", {}}, out));
    EXPECT_FALSE(plan_memory_policy({"MPOL_INTERLEAVE", "", {}}, out));
    EXPECT_FALSE(plan_memory_policy({"MPOL_BIND", "0", {"MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"}}, out));
    EXPECT_FALSE(plan_memory_policy({"MPOL_NOPE", "0", {"MPOL_F_NOPE"}}, out));
    const std::string msg = problems_text(out);
    EXPECT_NE(msg.find("MPOL_DEFAULT takes no nodes"), std::string::npos) << msg;
    EXPECT_NE(msg.find("MPOL_INTERLEAVE needs nodes"), std::string::npos);
    EXPECT_NE(msg.find("exclude each other"), std::string::npos);
    EXPECT_NE(msg.find("invalid memory policy mode \"MPOL_NOPE\""), std::string::npos);
    EXPECT_NE(msg.find("invalid memory policy flag \"MPOL_F_NOPE\""), std::string::npos);
}
