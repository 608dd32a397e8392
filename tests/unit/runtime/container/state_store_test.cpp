// runtime/container/state_store: container ids (runc's rules plus a length
// cap), and <root>/<id>/ in a temporary directory.
#include "runtime/container/state_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "test_util.hpp"

using namespace islet::runtime;
using islet::spec::ContainerRecord;
using islet::spec::Phase;
using islet::test::error_of;
using islet::test::TempDir;

namespace {

std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d)) {
            std::string n = e->d_name;
            if (n != "." && n != "..") out.push_back(n);
        }
        ::closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
}

ContainerRecord sample_record() {
    ContainerRecord r;
    r.id = "c1";
    r.phase = Phase::created;
    r.pid = 4242;
    r.start_time = 123456789;
    r.creator_pid = 77;
    r.bundle = "/b";
    r.rootfs = "/b/rootfs";
    r.created = "2024-01-02T03:04:05.000000006Z";
    r.annotations = {{"a", "1"}};
    r.cgroup.path = "/c1";
    r.cgroup.dirs = {{"unified", "/sys/fs/cgroup/unified/c1"}};
    r.namespaces = {{"pid", "/proc/4242/ns/pid"}};
    return r;
}

// Sets or unsets an environment variable for the life of the object.
class EnvVar {
public:
    EnvVar(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value)
            ::setenv(name, value, 1);
        else
            ::unsetenv(name);
    }
    ~EnvVar() {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace

TEST(StateRoot, CreatesAndOpens) {
    TempDir t;
    std::string root = t / "a/b/islet";
    StateRoot r = StateRoot::open(root, true);
    EXPECT_EQ(r.path(), root);
    EXPECT_GE(r.fd(), 0);
    EXPECT_EQ(mode_of(root) & 0777, 0700u);
    EXPECT_TRUE(r.ids().empty());
    EXPECT_TRUE(StateRoot::open_existing(root));
    EXPECT_FALSE(StateRoot::open_existing(t / "missing"));
    EXPECT_NE(error_of([&] { StateRoot::open(t / "missing", false); }).find("no such file or directory"),
              std::string::npos);
}

TEST(StateRoot, RefusesGroupOrWorldWritable) {
    TempDir t;
    std::string root = t / "root";
    ASSERT_EQ(::mkdir(root.c_str(), 0700), 0);
    for (mode_t m : {0770, 0702, 0777, 0720}) {
        ASSERT_EQ(::chmod(root.c_str(), m), 0);
        EXPECT_EQ(error_of([&] { StateRoot::open(root, false); }),
                  "state root " + root + " is writable by group or others; refusing to use it")
            << std::oct << m;
        EXPECT_FALSE(error_of([&] { StateRoot::open_existing(root); }).empty());
    }
    // Readable by others is fine (only writes let them plant state).
    ASSERT_EQ(::chmod(root.c_str(), 0755), 0);
    EXPECT_NO_THROW(StateRoot::open(root, false));
}

TEST(StateRoot, RefusesAnotherOwner) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
    TempDir t;
    std::string root = t / "root";
    ASSERT_EQ(::mkdir(root.c_str(), 0700), 0);
    ASSERT_EQ(::chown(root.c_str(), 65534, 65534), 0);
    EXPECT_EQ(error_of([&] { StateRoot::open(root, false); }),
              "state root " + root + " is owned by uid 65534, not by islet's uid 0");
}

TEST(StateRoot, IdsListsContainerDirectoriesOnly) {
    TempDir t;
    StateRoot r = StateRoot::open(t / "root", true);
    {
        ContainerDir::create(r, "b");
        ContainerDir::create(r, "a");
        ContainerDir::create(r, ".dot");  // a valid ID (runc's rules)
    }
    std::ofstream(t / "root/stray-file") << "x";
    auto ids = r.ids();
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<std::string>{".dot", "a", "b"}));
}

TEST(ContainerDir, CreateMakesTheDirectoryAndLocksIt) {
    TempDir t;
    StateRoot r = StateRoot::open(t / "root", true);
    ::umask(077);  // the mode does not depend on the umask
    ContainerDir d = ContainerDir::create(r, "c1");
    ::umask(022);
    EXPECT_EQ(d.id(), "c1");
    EXPECT_EQ(d.path(), t / "root/c1");
    EXPECT_EQ(mode_of(d.path()), 0711u);
    EXPECT_EQ(d.exec_fifo_path(), t / "root/c1/exec.fifo");
    // The flock is held: another open file description cannot take it.
    int other = ::open(d.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(other, 0);
    EXPECT_EQ(::flock(other, LOCK_EX | LOCK_NB), -1);
    EXPECT_EQ(errno, EWOULDBLOCK);
    ::close(other);
}

TEST(ContainerDir, CreateTwiceIsEexist) {
    TempDir t;
    StateRoot r = StateRoot::open(t / "root", true);
    ContainerDir first = ContainerDir::create(r, "c1");
    EXPECT_EQ(error_of([&] { ContainerDir::create(r, "c1"); }), "container with given ID already exists");
}

TEST(ContainerDir, OpenMissing) {
    TempDir t;
    StateRoot r = StateRoot::open(t / "root", true);
    EXPECT_FALSE(ContainerDir::open(r, "nope", false));
    EXPECT_FALSE(ContainerDir::open(r, "nope", true));
    // A symlink in place of the directory is not followed.
    ASSERT_EQ(::symlink("/tmp", (t / "root/link").c_str()), 0);
    EXPECT_FALSE(error_of([&] { ContainerDir::open(r, "link", false); }).empty());
}

TEST(ContainerDir, RecordRoundTrip) {
    TempDir t;
    StateRoot r = StateRoot::open(t / "root", true);
    ContainerDir d = ContainerDir::create(r, "c1");
    EXPECT_FALSE(d.read_record());  // a create that never wrote it
    ContainerRecord rec = sample_record();
    d.write_record(rec);
    EXPECT_EQ(mode_of(d.path() + "/state.json"), 0600u);
    auto back = ContainerDir::open(r, "c1", false)->read_record();
    ASSERT_TRUE(back);
    EXPECT_EQ(back->id, "c1");
    EXPECT_EQ(back->phase, Phase::created);
    EXPECT_EQ(back->pid, 4242);
    EXPECT_EQ(back->start_time, 123456789u);
    EXPECT_EQ(back->cgroup.dirs, rec.cgroup.dirs);
    EXPECT_EQ(back->namespaces, rec.namespaces);
    // Overwrite.
    rec.phase = Phase::creating;
    rec.pid = 0;
    d.write_record(rec);
    EXPECT_EQ(d.read_record()->phase, Phase::creating);
    EXPECT_EQ(d.read_record()->pid, 0);
}

TEST(ContainerDir, AtomicWriteLeavesNoTemporaryFiles) {
    TempDir t;
    StateRoot r = StateRoot::open(t / "root", true);
    ContainerDir d = ContainerDir::create(r, "c1");
    for (int i = 0; i < 20; ++i) d.write_record(sample_record());
    d.write_config("{\"ociVersion\": \"1.2.0\"}");
    EXPECT_EQ(entries(d.path()), (std::vector<std::string>{"config.json", "state.json"}));
}

TEST(ContainerDir, FailedWriteLeavesNoTemporaryFileAndKeepsTheOld) {
    TempDir t;
    StateRoot r = StateRoot::open(t / "root", true);
    ContainerDir d = ContainerDir::create(r, "c1");
    // rename(2) of a file over a non-empty directory fails.
    ASSERT_EQ(::mkdir((d.path() + "/config.json").c_str(), 0700), 0);
    std::ofstream(d.path() + "/config.json/x") << "x";
    EXPECT_FALSE(error_of([&] { d.write_config("{}"); }).empty());
    EXPECT_EQ(entries(d.path()), std::vector<std::string>{"config.json"});
    EXPECT_EQ(entries(d.path() + "/config.json"), std::vector<std::string>{"x"});
}

TEST(ContainerDir, CorruptRecordThrows) {
    TempDir t;
    StateRoot r = StateRoot::open(t / "root", true);
    ContainerDir d = ContainerDir::create(r, "c1");
    std::ofstream(d.path() + "/state.json") << "{\"id\": \"c1\"";
    EXPECT_NE(error_of([&] { d.read_record(); }).find(d.path() + "/state.json: "), std::string::npos);
    std::ofstream(d.path() + "/state.json") << "{\"id\": \"c1\"}";
    EXPECT_NE(error_of([&] { d.read_record(); }).find("not a valid container record"), std::string::npos);
}

TEST(ContainerDir, ConfigAndFifo) {
    TempDir t;
    StateRoot r = StateRoot::open(t / "root", true);
    ContainerDir d = ContainerDir::create(r, "c1");
    const std::string text = "{\n\t\"ociVersion\": \"1.2.0\"\n}\n";
    d.write_config(text);
    EXPECT_EQ(d.read_config(), text);
    EXPECT_EQ(mode_of(d.path() + "/config.json"), 0600u);
    EXPECT_FALSE(d.has_exec_fifo());
    ASSERT_EQ(::mkfifo(d.exec_fifo_path().c_str(), 0622), 0);
    EXPECT_TRUE(d.has_exec_fifo());
}

TEST(ContainerDir, RemoveTakesEverything) {
    TempDir t;
    StateRoot r = StateRoot::open(t / "root", true);
    ContainerDir d = ContainerDir::create(r, "c1");
    d.write_record(sample_record());
    d.write_config("{}");
    ASSERT_EQ(::mkfifo(d.exec_fifo_path().c_str(), 0622), 0);
    ASSERT_EQ(::mkdir((d.path() + "/notify").c_str(), 0700), 0);
    std::ofstream(d.path() + "/notify/sock") << "x";
    d.remove();
    EXPECT_TRUE(entries(t / "root").empty());
    EXPECT_NO_THROW(d.remove());  // missing is fine
    EXPECT_FALSE(ContainerDir::open(r, "c1", false));
    // The ID is free again.
    EXPECT_NO_THROW(ContainerDir::create(r, "c1"));
}

TEST(ContainerDir, LockWaiterSeesAConcurrentDelete) {
    TempDir t;
    StateRoot r = StateRoot::open(t / "root", true);
    auto holder = std::make_unique<ContainerDir>(ContainerDir::create(r, "c1"));
    std::optional<ContainerDir> seen;
    std::atomic<bool> returned = false;
    std::thread waiter([&] {
        seen = ContainerDir::open(r, "c1", true);  // blocks on the flock
        returned = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(returned);
    holder->remove();
    holder.reset();  // closes the fd: the lock goes
    waiter.join();
    EXPECT_FALSE(seen) << "a waiter must not get a directory that was deleted while it waited";
}

TEST(DefaultStateRoot, Rules) {
    if (::geteuid() == 0) {
        EnvVar xdg("XDG_RUNTIME_DIR", nullptr);
        EXPECT_EQ(default_state_root(), "/run/islet");
        // In the initial user namespace euid 0 ignores XDG_RUNTIME_DIR.
        std::ifstream map("/proc/self/uid_map");
        std::string a, b, c;
        map >> a >> b >> c;
        if (a == "0" && b == "0" && c == "4294967295") {
            EnvVar xdg2("XDG_RUNTIME_DIR", "/run/user/0");
            EXPECT_EQ(default_state_root(), "/run/islet");
        }
    } else {
        {
            EnvVar xdg("XDG_RUNTIME_DIR", "/run/user/1000");
            EXPECT_EQ(default_state_root(), "/run/user/1000/islet");
        }
        EnvVar xdg("XDG_RUNTIME_DIR", "");
        EXPECT_EQ(default_state_root(), "/run/user/" + std::to_string(::geteuid()) + "/islet");
    }
}

TEST(ContainerId, Accepted) {
    for (const char* id : {"a", "abc", "A-Z_0.9+x", "c1", "my.container", "-leading-dash", "_", "+", "...", ".hidden",
                           "..a", "a..b", "a.", "0123456789"}) {
        EXPECT_NO_THROW(validate_container_id(id)) << id;
    }
}

TEST(ContainerId, RejectedCharset) {
    for (const char* id : {"a b", "a/b", "../x", "a\\b", "a:b", "a,b", "a;b", "a@b", "a*b", "é", "a\tb", "a$b"}) {
        EXPECT_EQ(error_of([&] { validate_container_id(id); }), "invalid container ID format") << id;
    }
    EXPECT_EQ(error_of([] { validate_container_id("a\nb"); }), "invalid container ID format");
    EXPECT_EQ(error_of([] { validate_container_id("abc\n"); }), "invalid container ID format");
    EXPECT_EQ(error_of([] { validate_container_id(std::string("a\0b", 3)); }), "invalid container ID format");
}

TEST(ContainerId, DotAndDotDot) {
    EXPECT_EQ(error_of([] { validate_container_id("."); }), "invalid container ID format");
    EXPECT_EQ(error_of([] { validate_container_id(".."); }), "invalid container ID format");
}

TEST(ContainerId, Empty) {
    EXPECT_EQ(error_of([] { validate_container_id(""); }), "container id cannot be empty");
}

TEST(ContainerId, LengthCapIsNameMax) {
    EXPECT_NO_THROW(validate_container_id(std::string(255, 'a')));
    EXPECT_EQ(error_of([] { validate_container_id(std::string(256, 'a')); }), "invalid container ID format");
    EXPECT_EQ(error_of([] { validate_container_id(std::string(4096, 'b')); }), "invalid container ID format");
}
