// runtime/container/rollback: what a failed create undoes, and that a
// committed one keeps everything.
#include "runtime/container/rollback.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.hpp"

using namespace islet;
using namespace islet::runtime;

TEST(Rollback, UndoesTheDirectoryAndTheChild) {
    test::TempDir t;
    StateRoot root = StateRoot::open(t.path(), true);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::pause();
        ::_exit(0);
    }
    {
        ContainerDir dir = ContainerDir::create(root, "c1");
        Rollback rb;
        rb.dir = &dir;
        rb.child = child;  // no pidfd: plain kill
    }
    EXPECT_NE(::access((t / "c1").c_str(), F_OK), 0);
    EXPECT_EQ(::waitpid(child, nullptr, WNOHANG), -1);  // killed and reaped already
    EXPECT_EQ(errno, ECHILD);
}

TEST(Rollback, CommittedKeepsEverything) {
    test::TempDir t;
    StateRoot root = StateRoot::open(t.path(), true);
    {
        ContainerDir dir = ContainerDir::create(root, "c1");
        Rollback rb;
        rb.dir = &dir;
        rb.commit();
    }
    EXPECT_EQ(::access((t / "c1").c_str(), F_OK), 0);
}
