// runtime/ns/namespaces: which joins the helper that clones the init makes.
#include "runtime/ns/namespaces.hpp"

#include <gtest/gtest.h>

using namespace islet;
using namespace islet::runtime;

TEST(NamespacePlan, APidNamespaceJoinedAfterRootIsLeftToTheInit) {
    spec::Linux l;
    l.namespaces = {{"pid", "/proc/7/ns/pid"}, {"mount", ""}};
    ns::Plan p = ns::plan(l);
    EXPECT_TRUE(p.helper_joins());
    p.pid_after_root = true;  // the only join is the init's now: no helper
    EXPECT_FALSE(p.helper_joins());
    l.namespaces.push_back({"network", "/proc/7/ns/net"});
    p = ns::plan(l);
    p.pid_after_root = true;
    EXPECT_TRUE(p.helper_joins());  // the network namespace still is the helper's
    EXPECT_FALSE(ns::plan(spec::Linux{}).helper_joins());
}
