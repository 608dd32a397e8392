// runtime/attrs/personality: the personality plan and runc's messages.
#include "runtime/attrs/personality.hpp"

#include <gtest/gtest.h>
#include <sys/personality.h>

#include "test_util.hpp"

using namespace islet;
using namespace islet::runtime;
using islet::test::problems_text;

TEST(Personality, DomainsAndFlags) {
    std::vector<spec::Problem> out;
    spec::Personality p{"LINUX32", {}};
    EXPECT_EQ(plan_personality(p, out), PER_LINUX32);
    p = {"LINUX", {"ADDR_NO_RANDOMIZE"}};
    EXPECT_EQ(plan_personality(p, out),
              static_cast<unsigned long>(PER_LINUX) | static_cast<unsigned long>(ADDR_NO_RANDOMIZE));
    EXPECT_TRUE(out.empty());
    p = {"WINDOWS", {"NOPE"}};
    EXPECT_FALSE(plan_personality(p, out));
    const std::string msg = problems_text(out);
    EXPECT_NE(msg.find("/linux/personality/domain: personality domain \"WINDOWS\" is not LINUX or LINUX32"),
              std::string::npos);
    EXPECT_NE(msg.find("/linux/personality/flags/0: unknown personality flag \"NOPE\""), std::string::npos);
}
