// runtime/attrs/io_priority: the ioprio value of process.ioPriority.
#include "runtime/attrs/io_priority.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

using namespace islet;
using namespace islet::runtime;
using islet::test::problems_text;

TEST(IoPriority, ClassesAndRange) {
    std::vector<spec::Problem> out;
    EXPECT_EQ(plan_io_priority({"IOPRIO_CLASS_IDLE", 7}, "/p", out), (3 << 13) | 7);
    EXPECT_EQ(plan_io_priority({"IOPRIO_CLASS_BE", 0}, "/p", out), 2 << 13);  // the kernel ABI: class << 13 | level
    EXPECT_TRUE(out.empty());
    EXPECT_FALSE(plan_io_priority({"IOPRIO_CLASS_NONE", 8}, "/p", out));
    EXPECT_NE(problems_text(out).find("/p/class: unknown I/O priority class"), std::string::npos);
    EXPECT_NE(problems_text(out).find("/p/priority: invalid ioPriority.priority 8"), std::string::npos);
}
