// runtime/ns/time_offsets: the timens_offsets text, and the namespace plan's
// choice of who makes a time namespace with offsets (runtime/ns/namespaces).
#include "runtime/ns/namespaces.hpp"

#include <gtest/gtest.h>

#include "runtime/ns/time_offsets.hpp"
#include "test_util.hpp"

using namespace islet;
using namespace islet::runtime;
using islet::test::problems_text;

TEST(TimeOffsets, FileTextAndPlan) {
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
