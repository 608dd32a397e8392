// sys/dir, sys/scope_exit, sys/retry: small helpers every layer shares.
#include "sys/dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "sys/error.hpp"
#include "sys/retry.hpp"
#include "sys/scope_exit.hpp"
#include "sys/syscalls.hpp"
#include "test_util.hpp"

using namespace islet;

namespace {

std::vector<std::string> names(const std::vector<sys::DirEntry>& entries) {
    std::vector<std::string> out;
    for (auto& e : entries) out.push_back(e.name);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST(ListDir, EntriesWithoutDotsAndTheirTypes) {
    test::TempDir t;
    std::ofstream(t / "file") << "x";
    ASSERT_EQ(::mkdir((t / ".hidden").c_str(), 0700), 0);
    ASSERT_EQ(::symlink("file", (t / "link").c_str()), 0);
    sys::UniqueFd dir = sys::open_path(t.path(), O_RDONLY | O_DIRECTORY);
    auto entries = sys::list_dir(dir.get(), t.path());
    EXPECT_EQ(names(entries), (std::vector<std::string>{".hidden", "file", "link"}));
    for (auto& e : entries) {
        if (e.name == ".hidden") {
            EXPECT_TRUE(e.type == DT_DIR || e.type == DT_UNKNOWN);
        }
    }
    // The caller's descriptor is untouched: a second listing sees the same.
    EXPECT_EQ(names(sys::list_dir(dir.get(), t.path())).size(), 3u);
}

TEST(ListDir, TryListDirOfWhatIsNotThere) {
    test::TempDir t;
    EXPECT_FALSE(sys::try_list_dir(t / "missing"));
    std::ofstream(t / "file") << "x";
    EXPECT_FALSE(sys::try_list_dir(t / "file"));
    ASSERT_TRUE(sys::try_list_dir(t.path()));
    EXPECT_EQ(sys::try_list_dir(t.path())->size(), 1u);
}

TEST(RemoveTree, NestedAndNeverThroughSymlinks) {
    test::TempDir t, outside;
    std::ofstream(outside / "keep") << "x";
    ASSERT_EQ(::mkdir((t / "a").c_str(), 0700), 0);
    ASSERT_EQ(::mkdir((t / "a/b").c_str(), 0700), 0);
    std::ofstream(t / "a/b/f") << "x";
    ASSERT_EQ(::symlink(outside.path().c_str(), (t / "a/out").c_str()), 0);
    sys::UniqueFd dir = sys::open_path(t.path(), O_RDONLY | O_DIRECTORY);
    sys::remove_tree(dir.get(), "a");
    EXPECT_NE(::access((t / "a").c_str(), F_OK), 0);
    EXPECT_EQ(::access((outside / "keep").c_str(), F_OK), 0);  // the link went, not its target
    EXPECT_NO_THROW(sys::remove_tree(dir.get(), "a"));         // missing is fine
    std::ofstream(t / "plain") << "x";
    sys::remove_tree(dir.get(), "plain");
    EXPECT_NE(::access((t / "plain").c_str(), F_OK), 0);
}

TEST(ScopeExit, RunsUnlessDismissed) {
    int runs = 0;
    {
        sys::ScopeExit g([&] { ++runs; });
    }
    EXPECT_EQ(runs, 1);
    {
        sys::ScopeExit g([&] { ++runs; });
        g.dismiss();
    }
    EXPECT_EQ(runs, 1);
    try {
        sys::ScopeExit g([&] { ++runs; });
        throw sys::Error("x");
    } catch (const sys::Error&) {
    }
    EXPECT_EQ(runs, 2);
}

TEST(RetryEintr, RetriesOnlyEintr) {
    int calls = 0;
    auto r = sys::retry_eintr([&] {
        errno = ++calls < 3 ? EINTR : 0;
        return calls < 3 ? -1 : 7;
    });
    EXPECT_EQ(r, 7);
    EXPECT_EQ(calls, 3);
    calls = 0;
    r = sys::retry_eintr([&] {
        ++calls;
        errno = EAGAIN;
        return -1;
    });
    EXPECT_EQ(r, -1);
    EXPECT_EQ(calls, 1);
}

TEST(Reap, ReturnsTheStatus) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) ::_exit(3);
    int st = sys::reap(pid);
    ASSERT_TRUE(WIFEXITED(st));
    EXPECT_EQ(WEXITSTATUS(st), 3);
    EXPECT_EQ(sys::reap(pid), -1);  // not our child any more
}
