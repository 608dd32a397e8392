// runtime/attrs/scheduler: sched_setattr values from process.scheduler, runc's rules.
#include "runtime/attrs/scheduler.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

using namespace islet;
using namespace islet::runtime;
using islet::test::problems_text;

TEST(Scheduler, RuncRules) {
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
    const std::string msg = problems_text(out);
    EXPECT_NE(msg.find("invalid scheduler.nice: 20"), std::string::npos) << msg;
    EXPECT_NE(msg.find("scheduler.priority can only be specified for SchedFIFO or SchedRR policy"), std::string::npos);
    EXPECT_NE(msg.find("scheduler runtime/deadline/period can only be specified for SchedDeadline policy"),
              std::string::npos);
    out.clear();
    s = {};
    EXPECT_FALSE(plan_scheduler(s, "/process/scheduler", out));
    EXPECT_NE(problems_text(out).find("scheduler policy is required"), std::string::npos);
    out.clear();
    s.policy = "SCHED_DEADLINE";
    s.runtime = 10000000;
    s.deadline = 30000000;
    s.period = 30000000;
    a = plan_scheduler(s, "/process/scheduler", out);
    ASSERT_TRUE(a) << problems_text(out);
    EXPECT_EQ(a->sched_policy, 6u);
    EXPECT_EQ(a->sched_deadline, 30000000u);
}
