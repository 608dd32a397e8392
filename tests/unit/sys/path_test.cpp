// sys/path: resolving and creating paths inside a root, with openat2 and with
// the component walk, in a temporary tree.
#include "sys/path.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "sys/syscalls.hpp"
#include "test_util.hpp"

using namespace islet::sys;
using islet::test::errno_of;
using islet::test::id_of;
using islet::test::TempDir;

namespace {

using Id = std::pair<dev_t, ino_t>;

// tmp/
//   outside/secret           a file the resolvers must never reach
//   root/                    the container's rootfs
//     a/b/c/
//     a/b/up -> ../../file   relative link going up inside the root
//     file
//     abs_link -> /a/b       absolute: taken from the root
//     rel_link -> a/b
//     up_link -> ../../../.. climbs: stops at the root
//     escape -> ../outside   would be tmp/outside on the host
//     abs_escape -> /../../outside/secret
//     dangling -> /made/here
//     dangling_file -> /new.txt
//     loop1 -> loop2, loop2 -> loop1, self -> self
class PathTest : public ::testing::Test {
protected:
    void SetUp() override {
        root = tmp / "root";
        ASSERT_EQ(::mkdir((tmp / "outside").c_str(), 0755), 0);
        std::ofstream(tmp / "outside/secret") << "secret";
        ASSERT_EQ(::mkdir(root.c_str(), 0755), 0);
        for (auto d : {"a", "a/b", "a/b/c"}) ASSERT_EQ(::mkdir((root + "/" + d).c_str(), 0755), 0);
        std::ofstream(root + "/file") << "inside";
        link("../../file", "a/b/up");
        link("/a/b", "abs_link");
        link("a/b", "rel_link");
        link("../../../..", "up_link");
        link("../outside", "escape");
        link("/../../outside/secret", "abs_escape");
        link("/made/here", "dangling");
        link("/new.txt", "dangling_file");
        link("loop2", "loop1");
        link("loop1", "loop2");
        link("self", "self");
        rootfd = open_path(root, O_PATH | O_DIRECTORY);
    }

    void link(const std::string& target, const std::string& name) {
        ASSERT_EQ(::symlink(target.c_str(), (root + "/" + name).c_str()), 0) << name;
    }

    Id in_root(const std::string& rel) { return id_of(rel.empty() ? root : root + "/" + rel); }

    // Both resolvers: openat2 (open_in_root) and the fallback walk.
    Id open2(const std::string& path) { return id_of(open_in_root(rootfd.get(), path, O_PATH).get()); }
    Id walk(const std::string& path) {
        return id_of(walk_in_root(rootfd.get(), path, false, CreateLast::directory, 0).get());
    }
    int open2_errno(const std::string& path) {
        return errno_of([&] { open_in_root(rootfd.get(), path, O_PATH); });
    }
    int walk_errno(const std::string& path) {
        return errno_of([&] { walk_in_root(rootfd.get(), path, false, CreateLast::directory, 0); });
    }

    TempDir tmp;
    std::string root;
    UniqueFd rootfd;
};

}  // namespace

TEST_F(PathTest, PlainPaths) {
    for (auto p : {"a/b/c", "/a/b/c", "a//b/./c/", "./a/b/c"}) {
        EXPECT_EQ(open2(p), in_root("a/b/c")) << p;
        EXPECT_EQ(walk(p), in_root("a/b/c")) << p;
    }
    EXPECT_EQ(open2(""), in_root(""));
    EXPECT_EQ(walk(""), in_root(""));
    EXPECT_EQ(walk("/"), in_root(""));
    EXPECT_EQ(walk("file"), in_root("file"));
}

TEST_F(PathTest, SymlinksResolveInsideTheRoot) {
    struct {
        const char* path;
        const char* want;
    } cases[] = {
        {"abs_link", "a/b"},     {"abs_link/c", "a/b/c"},
        {"rel_link/c", "a/b/c"}, {"a/b/up", "file"},
        {"up_link", ""},         {"up_link/a", "a"},
        {"rel_link/..", "a"},    {"abs_link/../..", ""},
        {"rel_link/up", "file"}, {"abs_link/c/../../b", "a/b"},
    };
    for (auto& c : cases) {
        EXPECT_EQ(open2(c.path), in_root(c.want)) << c.path;
        EXPECT_EQ(walk(c.path), in_root(c.want)) << c.path;
    }
}

TEST_F(PathTest, DotDotCannotLeave) {
    for (auto p : {"..", "../..", "/../../..", "a/../../..", "a/b/c/../../../../../.."}) {
        EXPECT_EQ(open2(p), in_root("")) << p;
        EXPECT_EQ(walk(p), in_root("")) << p;
    }
    EXPECT_EQ(open2("../../a"), in_root("a"));
    EXPECT_EQ(walk("../../a"), in_root("a"));
    // The host's tmp/outside is out of reach: these resolve to root/outside, which does not exist.
    for (auto p : {"../outside/secret", "escape/secret", "abs_escape", "up_link/outside/secret"}) {
        EXPECT_EQ(open2_errno(p), ENOENT) << p;
        EXPECT_EQ(walk_errno(p), ENOENT) << p;
        EXPECT_FALSE(open_in_root_if_exists(rootfd.get(), p, O_RDONLY)) << p;
    }
}

TEST_F(PathTest, Errors) {
    EXPECT_EQ(open2_errno("loop1"), ELOOP);
    EXPECT_EQ(walk_errno("loop1"), ELOOP);
    EXPECT_EQ(walk_errno("self/x"), ELOOP);
    EXPECT_EQ(open2_errno("file/x"), ENOTDIR);
    EXPECT_EQ(walk_errno("file/x"), ENOTDIR);
    EXPECT_EQ(open2_errno("nope"), ENOENT);
    EXPECT_EQ(walk_errno("a/nope/c"), ENOENT);
    EXPECT_EQ(walk_errno("dangling"), ENOENT);
    EXPECT_FALSE(open_in_root_if_exists(rootfd.get(), "nope", O_RDONLY));
}

TEST_F(PathTest, OpenInRootHonoursFlags) {
    UniqueFd f = open_in_root(rootfd.get(), "a/b/up", O_RDONLY);
    char buf[16] = {};
    EXPECT_EQ(::read(f.get(), buf, sizeof buf), 6);
    EXPECT_STREQ(buf, "inside");
    EXPECT_EQ(errno_of([&] { open_in_root(rootfd.get(), "a", O_RDONLY | O_NOFOLLOW | O_WRONLY); }), EISDIR);
}

TEST_F(PathTest, MkdirInRootCreatesMissingDirectories) {
    UniqueFd fd = mkdir_in_root(rootfd.get(), "x/y/z", CreateLast::directory);
    struct stat st {};
    ASSERT_EQ(::stat((root + "/x/y/z").c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(id_of(fd.get()), in_root("x/y/z"));
    // Again: the fast path returns the same directory.
    EXPECT_EQ(id_of(mkdir_in_root(rootfd.get(), "/x/y/z", CreateLast::directory).get()), in_root("x/y/z"));
    // Through links and "..": still inside the root. (Made before the
    // expected value is read: EXPECT_EQ's arguments have no order.)
    Id made = id_of(mkdir_in_root(rootfd.get(), "abs_link/new", CreateLast::directory).get());
    EXPECT_EQ(made, in_root("a/b/new"));
    made = id_of(mkdir_in_root(rootfd.get(), "../../escape_dir", CreateLast::directory).get());
    EXPECT_EQ(made, in_root("escape_dir"));
    EXPECT_NE(::access((tmp / "escape_dir").c_str(), F_OK), 0);
    // Not through a file.
    EXPECT_EQ(errno_of([&] { mkdir_in_root(rootfd.get(), "file/x", CreateLast::directory); }), ENOTDIR);
}

TEST_F(PathTest, MkdirInRootCreatesFiles) {
    UniqueFd fd = mkdir_in_root(rootfd.get(), "d1/d2/f", CreateLast::file, 0755);
    struct stat st {};
    ASSERT_EQ(::lstat((root + "/d1/d2/f").c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
    EXPECT_EQ(st.st_size, 0);
    EXPECT_EQ(id_of(fd.get()), in_root("d1/d2/f"));
}

TEST_F(PathTest, DanglingSymlinksAreCreatedInsideTheRoot) {
    // CVE-2024-45310: the target of a dangling link is made in the rootfs, never on the host.
    Id made = id_of(mkdir_in_root(rootfd.get(), "dangling/sub", CreateLast::directory).get());
    EXPECT_EQ(made, in_root("made/here/sub"));
    EXPECT_NE(::access("/made/here", F_OK), 0);
    made = id_of(mkdir_in_root(rootfd.get(), "dangling_file", CreateLast::file).get());
    EXPECT_EQ(made, in_root("new.txt"));
    struct stat st {};
    ASSERT_EQ(::lstat((root + "/new.txt").c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
    EXPECT_NE(::access("/new.txt", F_OK), 0);
    // The walk alone does the same.
    link("/walked/target", "dangling2");
    made = id_of(walk_in_root(rootfd.get(), "dangling2", true, CreateLast::directory, 0755).get());
    EXPECT_EQ(made, in_root("walked/target"));
    EXPECT_EQ(errno_of([&] { mkdir_in_root(rootfd.get(), "loop1/x", CreateLast::directory); }), ELOOP);
}

// The libpathrs race (SECURITY.md §5 P2 #43): a thread keeps exchanging a
// directory with a symlink to "/" while ".."-heavy paths are resolved. Every
// result must be an object inside the root, or an error. The two sit at
// different depths (root/d/sub and root/s), so a resolver that counted its
// depth and followed the kernel's ".." would climb out of the root.
TEST_F(PathTest, RenameExchangeRaceNeverEscapes) {
    ASSERT_EQ(::mkdir((root + "/d").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((root + "/d/sub").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((root + "/d/sub/deeper").c_str(), 0755), 0);
    link("/", "s");
    // Every directory inside the root (renames keep inode identities).
    std::set<Id> inside = {in_root(""),  in_root("a"),     in_root("a/b"),         in_root("a/b/c"),
                           in_root("d"), in_root("d/sub"), in_root("d/sub/deeper")};
    const Id host_root = id_of(std::string("/")), tmp_dir = id_of(tmp.path());
    ASSERT_EQ(inside.count(host_root), 0u);
    ASSERT_EQ(inside.count(tmp_dir), 0u);

    std::atomic<bool> stop = false;
    std::atomic<long> swaps = 0;
    std::thread swapper([&] {
        while (!stop) {
            if (::renameat2(rootfd.get(), "d/sub", rootfd.get(), "s", RENAME_EXCHANGE) == 0) ++swaps;
        }
    });

    const char* paths[] = {
        "d/sub/deeper/../../../..", "s/deeper/../../..",       "d/sub/../../..",
        "s/../s/deeper/..",         "d/sub/deeper/../../../s", "s/deeper/../../d/sub/deeper/../..",
    };
    long ok = 0, errors = 0, escapes = 0, iterations = 0;
    std::string first_escape;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    for (int i = 0; i < 3000 && std::chrono::steady_clock::now() < deadline; ++i, ++iterations) {
        for (const char* p : paths) {
            for (int resolver = 0; resolver < 2; ++resolver) {
                UniqueFd fd;
                try {
                    fd = resolver == 0 ? open_in_root(rootfd.get(), p, O_PATH)
                                       : walk_in_root(rootfd.get(), p, false, CreateLast::directory, 0);
                } catch (const Error&) {
                    ++errors;
                    continue;
                }
                if (inside.count(id_of(fd.get()))) {
                    ++ok;
                } else {
                    if (!escapes++) first_escape = std::string(resolver ? "walk " : "openat2 ") + p;
                }
            }
        }
    }
    stop = true;
    swapper.join();
    EXPECT_EQ(escapes, 0) << "first escape: " << first_escape;
    EXPECT_GT(swaps, 100) << "the race did not run";
    EXPECT_GT(ok, 0);
    EXPECT_GT(iterations, 100);
    ::testing::Test::RecordProperty("swaps", static_cast<int>(swaps));
    ::testing::Test::RecordProperty("resolutions_ok", static_cast<int>(ok));
    ::testing::Test::RecordProperty("resolutions_failed", static_cast<int>(errors));
}

// The same race while creating: nothing may appear outside the root.
TEST_F(PathTest, RenameExchangeRaceNeverCreatesOutside) {
    ASSERT_EQ(::mkdir((root + "/d").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((root + "/d/sub").c_str(), 0755), 0);
    link("/", "s");
    const std::string name = "islet-unit-race-" + std::to_string(::getpid());
    std::atomic<bool> stop = false;
    std::thread swapper([&] {
        while (!stop) ::renameat2(rootfd.get(), "d/sub", rootfd.get(), "s", RENAME_EXCHANGE);
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    for (int i = 0; i < 2000 && std::chrono::steady_clock::now() < deadline; ++i) {
        try {
            mkdir_in_root(rootfd.get(), (i % 2 ? "d/sub/../../../" : "s/../../") + name + "/" + std::to_string(i % 8),
                          CreateLast::directory);
        } catch (const Error&) {
        }
    }
    stop = true;
    swapper.join();
    EXPECT_NE(::access(("/" + name).c_str(), F_OK), 0) << "created on the host's /";
    EXPECT_NE(::access((tmp / name).c_str(), F_OK), 0) << "created next to the root";
    EXPECT_EQ(::access((root + "/" + name).c_str(), F_OK), 0);
}
