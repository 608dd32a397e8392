// runtime/attrs/capabilities: the pure capability plan.
#include "runtime/attrs/capabilities.hpp"

#include <gtest/gtest.h>
#include <linux/capability.h>

#include "spec/validate.hpp"
#include "test_util.hpp"

using islet::runtime::cap_names;
using islet::runtime::plan_capabilities;
using islet::spec::Capabilities;

TEST(CapPlan, AbsentIsAllEmpty) {
    auto p = plan_capabilities(std::nullopt, 40);
    EXPECT_EQ(p.last_cap, 40);  // the init applies with the runtime's reading
    EXPECT_EQ(p.bounding, 0u);
    EXPECT_EQ(p.effective, 0u);
    EXPECT_EQ(p.permitted, 0u);
    EXPECT_EQ(p.inheritable, 0u);
    EXPECT_EQ(p.ambient, 0u);
    EXPECT_TRUE(p.unknown.empty());
    // An object with no sets is empty too (runc: no capabilities at all).
    auto q = plan_capabilities(Capabilities{}, 40);
    EXPECT_EQ(q.bounding | q.effective | q.permitted | q.inheritable | q.ambient, 0u);
}

TEST(CapPlan, EachSetIsItsOwnMask) {
    Capabilities c;
    c.bounding = std::vector<std::string>{"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    c.effective = std::vector<std::string>{"CAP_KILL"};
    c.permitted = std::vector<std::string>{"CAP_KILL", "CAP_SYS_ADMIN"};
    c.inheritable = std::vector<std::string>{};
    c.ambient = std::vector<std::string>{"CAP_NET_RAW"};
    auto p = plan_capabilities(c, 40);
    EXPECT_EQ(p.bounding, (1ull << CAP_CHOWN) | (1ull << CAP_KILL) | (1ull << CAP_NET_BIND_SERVICE));
    EXPECT_EQ(p.effective, 1ull << CAP_KILL);
    EXPECT_EQ(p.permitted, (1ull << CAP_KILL) | (1ull << CAP_SYS_ADMIN));
    EXPECT_EQ(p.inheritable, 0u);
    EXPECT_EQ(p.ambient, 1ull << CAP_NET_RAW);
    EXPECT_TRUE(p.unknown.empty());
}

TEST(CapPlan, AboveLastCapGoesToUnknown) {
    Capabilities c;
    c.bounding = std::vector<std::string>{"CAP_CHOWN", "CAP_BPF", "CAP_CHECKPOINT_RESTORE", "CAP_PERFMON"};
    c.effective = std::vector<std::string>{"CAP_CHECKPOINT_RESTORE"};
    // A kernel whose last capability is CAP_AUDIT_READ (37).
    auto p = plan_capabilities(c, 37);
    EXPECT_EQ(p.bounding, 1ull << CAP_CHOWN);
    EXPECT_EQ(p.effective, 0u);
    EXPECT_EQ(p.unknown,
              (std::vector<std::string>{"CAP_BPF", "CAP_CHECKPOINT_RESTORE", "CAP_PERFMON", "CAP_CHECKPOINT_RESTORE"}));
    // The same names on a 40 kernel are all known.
    auto q = plan_capabilities(c, 40);
    EXPECT_TRUE(q.unknown.empty());
    EXPECT_EQ(q.bounding, (1ull << 0) | (1ull << 39) | (1ull << 40) | (1ull << 38));
}

TEST(CapPlan, NamesOutsideTheTableAreUnknown) {
    Capabilities c;
    c.permitted = std::vector<std::string>{"CAP_BOGUS", "cap_chown", "CAP_SETUID"};
    auto p = plan_capabilities(c, 40);
    EXPECT_EQ(p.permitted, 1ull << CAP_SETUID);
    EXPECT_EQ(p.unknown, (std::vector<std::string>{"CAP_BOGUS", "cap_chown"}));
}

TEST(CapPlan, CapNames) {
    EXPECT_EQ(cap_names(0), "");
    EXPECT_EQ(cap_names(1ull << CAP_CHOWN), "CAP_CHOWN");
    EXPECT_EQ(cap_names((1ull << CAP_KILL) | (1ull << CAP_CHOWN)), "CAP_CHOWN, CAP_KILL");
    EXPECT_EQ(cap_names(1ull << 40), "CAP_CHECKPOINT_RESTORE");
    EXPECT_EQ(cap_names(1ull << 41), "CAP_41");
    EXPECT_EQ(cap_names(1ull << 63), "CAP_63");
}

TEST(CapPlan, UnknownToTheKernelIsSkippedNotFatal) {
    islet::spec::Capabilities caps;
    caps.bounding = std::vector<std::string>{"CAP_CHOWN", "CAP_PERFMON", "CAP_CHECKPOINT_RESTORE"};
    caps.ambient = std::vector<std::string>{"CAP_CHOWN"};
    // A kernel whose last capability is CAP_AUDIT_READ (37).
    islet::runtime::CapPlan p = plan_capabilities(caps, 37);
    EXPECT_EQ(p.bounding, 1ull);
    EXPECT_EQ(p.ambient, 1ull);
    EXPECT_EQ(p.unknown, (std::vector<std::string>{"CAP_PERFMON", "CAP_CHECKPOINT_RESTORE"}));
    EXPECT_EQ(p.inheritable, 0ull);  // never more than asked
    EXPECT_EQ(plan_capabilities(std::nullopt, 40).bounding, 0ull);
    // A name that is no capability at all is a validation error.
    islet::spec::Process pr;
    pr.args = {"sh"};
    pr.cwd = "/";
    pr.capabilities = islet::spec::Capabilities{};
    pr.capabilities->effective = std::vector<std::string>{"CAP_BOGUS"};
    EXPECT_NE(islet::test::problems_text(islet::spec::validate_process(pr, "/process"))
                  .find("/process/capabilities/effective/0: unknown capability \"CAP_BOGUS\""),
              std::string::npos);
}
