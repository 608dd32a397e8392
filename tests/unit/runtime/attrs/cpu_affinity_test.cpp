// runtime/attrs/cpu_affinity: CPU lists of process.execCPUAffinity.
#include "runtime/attrs/cpu_affinity.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

using namespace islet;
using namespace islet::runtime;
using islet::test::problems_text;

TEST(CpuAffinity, ParsesRangesAndRejectsNonsense) {
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
