// runtime/attrs/rlimits: the names resolved once, on the host.
#include "runtime/attrs/rlimits.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

using namespace islet;
using islet::runtime::plan_rlimits;

TEST(Rlimits, NamesBecomeResourceNumbers) {
    auto p = plan_rlimits({{"RLIMIT_NOFILE", 1024, 4096}, {"RLIMIT_CORE", 0, 0}});
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].resource, RLIMIT_NOFILE);
    EXPECT_EQ(p[0].soft, 1024u);
    EXPECT_EQ(p[0].hard, 4096u);
    EXPECT_EQ(p[0].name, "RLIMIT_NOFILE");
    EXPECT_EQ(p[1].resource, RLIMIT_CORE);
    EXPECT_TRUE(plan_rlimits({}).empty());
}
