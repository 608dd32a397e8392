// Isolated user namespaces: the ID pool, the kernel-mode steps against a
// fake proc tree, the plan, and islet's config file.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "runtime/isolation/id_pool.hpp"
#include "runtime/isolation/isolation.hpp"
#include "runtime/isolation/kernel_mode.hpp"
#include "spec/islet_config.hpp"
#include "sys/error.hpp"

using namespace islet::runtime::isolation;
using islet::spec::IsletConfig;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/islet-iso-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

IsletConfig pool_config(const std::string& registry, std::uint64_t blocks) {
    IsletConfig c;
    c.registry = registry;
    c.pool_start = 1u << 30;
    c.block_size = 65536;
    c.pool_size = blocks * c.block_size;
    return c;
}

// A directory standing in for /proc: writes are recorded (appended to the
// file, and to an ordered log); a sidecar "<file>.errno" makes that file's
// write fail with the errno it holds.
class FakeProcTree : public ProcTree {
public:
    explicit FakeProcTree(std::string root) : root_(std::move(root)) {}
    int write(const std::string& rel, const std::string& data) override {
        const std::string path = root_ + "/" + rel;
        std::ifstream err(path + ".errno");
        int e = 0;
        if (err >> e) {
            log.push_back(rel + "!" + std::to_string(e));
            return e;
        }
        struct stat st {};
        if (::stat(path.c_str(), &st) < 0) return ENOENT;
        std::ofstream(path, std::ios::app) << data;
        log.push_back(rel + "=" + data);
        return 0;
    }
    bool exists(const std::string& rel) override {
        struct stat st {};
        return ::stat((root_ + "/" + rel).c_str(), &st) == 0;
    }
    std::vector<std::string> log;

private:
    std::string root_;
};

void touch(const std::string& path) { std::ofstream(path).flush(); }

}  // namespace

TEST(IdPool, AllocatesDisjointBlocksAndFreesThem) {
    TempDir d;
    IdPool pool(pool_config(d.path + "/reg", 4));
    std::set<std::uint32_t> starts;
    std::vector<IdBlock> got;
    for (int i = 0; i < 4; ++i) {
        IdBlock b = pool.allocate("/run/islet", "c" + std::to_string(i));
        EXPECT_EQ(b.size, 65536u);
        EXPECT_EQ((b.start - (1u << 30)) % 65536, 0u);
        EXPECT_TRUE(starts.insert(b.start).second);
        got.push_back(b);
    }
    EXPECT_EQ(pool.in_use().size(), 4u);
    pool.release(got[1].index);
    EXPECT_EQ(pool.in_use().size(), 3u);
    IdBlock again = pool.allocate("/run/islet", "c9");
    EXPECT_EQ(again.index, got[1].index);
    EXPECT_EQ(again.text(), std::to_string(again.start) + "-" + std::to_string(again.start + 65535));
}

TEST(IdPool, ExhaustionNamesThePool) {
    TempDir d;
    IdPool pool(pool_config(d.path + "/reg", 2));
    ::mkdir((d.path + "/root").c_str(), 0700);
    ::mkdir((d.path + "/root/a").c_str(), 0700);
    ::mkdir((d.path + "/root/b").c_str(), 0700);
    pool.allocate(d.path + "/root", "a");
    pool.allocate(d.path + "/root", "b");
    try {
        pool.allocate(d.path + "/root", "c");
        FAIL() << "expected exhaustion";
    } catch (const islet::sys::Error& e) {
        EXPECT_NE(std::string(e.what()).find("the ID pool is exhausted: all 2 blocks of 65536 IDs"), std::string::npos)
            << e.what();
    }
}

TEST(IdPool, ReclaimsABlockWhoseOwnerIsGone) {
    // A create SIGKILLed after allocating: its state directory never came.
    TempDir d;
    IdPool pool(pool_config(d.path + "/reg", 1));
    pool.allocate(d.path + "/root", "crashed");
    IdBlock b = pool.allocate(d.path + "/root", "next");
    EXPECT_EQ(b.index, 0u);
    EXPECT_EQ(pool.in_use().size(), 1u);
}

TEST(IdPool, ReleaseOwnedByFreesOnlyThatContainer) {
    TempDir d;
    IdPool pool(pool_config(d.path + "/reg", 4));
    pool.allocate("/r", "x");
    pool.allocate("/r", "xy");
    pool.allocate("/other", "x");
    pool.release_owned_by("/r", "x");
    EXPECT_EQ(pool.in_use().size(), 2u);
}

TEST(IdPool, ConcurrentAllocationsNeverShareABlock) {
    TempDir d;
    const std::string reg = d.path + "/reg";
    std::vector<std::uint64_t> got(16);
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i)
        threads.emplace_back([&, i] {
            // One IdPool (and so one lock fd) per thread, like separate processes.
            IdPool pool(pool_config(reg, 32));
            got[i] = pool.allocate("/r", "c" + std::to_string(i)).index;
        });
    for (auto& t : threads) t.join();
    std::set<std::uint64_t> unique(got.begin(), got.end());
    EXPECT_EQ(unique.size(), 16u);
}

TEST(KernelMode, DetectionLooksForSelfIsolatedUns) {
    TempDir d;
    FakeProcTree proc(d.path);
    EXPECT_FALSE(kernel_supports_isolation(proc));
    ::mkdir((d.path + "/self").c_str(), 0755);
    touch(d.path + "/self/isolated_uns");
    EXPECT_TRUE(kernel_supports_isolation(proc));
}

class KernelModeSteps : public ::testing::Test {
protected:
    void SetUp() override {
        ::mkdir((d.path + "/42").c_str(), 0755);
        for (auto* f : {"uid_map", "gid_map", "isolated_uns"}) touch(d.path + "/42/" + f);
    }
    void fail_with(const char* file, int err) { std::ofstream(d.path + "/42/" + file + ".errno") << err; }
    std::string error_of(const std::string& uid_map, const std::string& gid_map) {
        try {
            isolate_user_namespace(proc, 42, uid_map, gid_map);
        } catch (const islet::sys::Error& e) {
            return e.what();
        }
        return "";
    }
    TempDir d;
    FakeProcTree proc{d.path};
};

TEST_F(KernelModeSteps, MapsFirstThenTheToggle) {
    EXPECT_EQ(error_of("0 1000 1\n", "0 1000 1\n"), "");
    ASSERT_EQ(proc.log.size(), 3u);
    EXPECT_EQ(proc.log[0], "42/uid_map=0 1000 1\n");
    EXPECT_EQ(proc.log[1], "42/gid_map=0 1000 1\n");
    EXPECT_EQ(proc.log[2], "42/isolated_uns=yes");
}

TEST_F(KernelModeSteps, NoMapsOnlyTheToggle) {
    EXPECT_EQ(error_of("", ""), "");
    ASSERT_EQ(proc.log.size(), 1u);
    EXPECT_EQ(proc.log[0], "42/isolated_uns=yes");
}

TEST_F(KernelModeSteps, AFailedMapStopsBeforeTheToggle) {
    fail_with("gid_map", EINVAL);
    std::string e = error_of("0 1000 1\n", "0 1000 1\n");
    EXPECT_NE(e.find("failed to update /proc/42/gid_map: invalid argument"), std::string::npos) << e;
    ASSERT_EQ(proc.log.size(), 2u);  // uid_map written, gid_map refused, no toggle
    EXPECT_EQ(proc.log[1], "42/gid_map!" + std::to_string(EINVAL));
}

TEST_F(KernelModeSteps, EveryToggleErrorIsExplained) {
    fail_with("isolated_uns", EPERM);
    EXPECT_NE(error_of("", "").find("refused to isolate the namespace"), std::string::npos);
    std::remove((d.path + "/42/isolated_uns.errno").c_str());
    fail_with("isolated_uns", EINVAL);
    EXPECT_NE(error_of("", "").find("rejected the toggle"), std::string::npos);
    std::remove((d.path + "/42/isolated_uns.errno").c_str());
    std::remove((d.path + "/42/isolated_uns").c_str());
    EXPECT_NE(error_of("", "").find("this kernel has no /proc/42/isolated_uns"), std::string::npos);
}

TEST(IsolationPlan, AddsAUserNamespaceAndPicksTheMode) {
    islet::spec::Config c;
    c.linux = islet::spec::Linux{};
    c.annotations["run.islet.isolated-userns"] = "true";
    IsletConfig settings;
    Plan p = plan(c, settings, false, false);
    EXPECT_TRUE(p.enabled());
    EXPECT_EQ(p.mode, Mode::ranges);
    EXPECT_TRUE(p.needs_block);
    ASSERT_NE(c.linux->find_namespace("user"), nullptr);
    islet::spec::Config k = c;
    EXPECT_EQ(plan(k, settings, true, false).mode, Mode::kernel);
    EXPECT_FALSE(plan(k, settings, true, false).needs_block);
}

TEST(IsolationPlan, ExplicitMappingsWinAndJoinedNamespacesAreRefused) {
    islet::spec::Config c;
    c.linux = islet::spec::Linux{};
    c.annotations["run.islet.isolated-userns"] = "true";
    c.linux->namespaces.push_back({"user", ""});
    c.linux->uid_mappings = {{0, 5000, 10}};
    c.linux->gid_mappings = {{0, 5000, 10}};
    EXPECT_FALSE(plan(c, IsletConfig{}, false, false).needs_block);
    c.linux->namespaces[0].path = "/proc/1/ns/user";
    EXPECT_THROW(plan(c, IsletConfig{}, false, false), islet::sys::Error);
}

TEST(IsolationPlan, RefusePolicyAndRootlessAreClearErrors) {
    islet::spec::Config c;
    c.linux = islet::spec::Linux{};
    c.annotations["run.islet.isolated-userns"] = "true";
    IsletConfig refuse;
    refuse.isolation_policy = "refuse";
    try {
        islet::spec::Config x = c;
        plan(x, refuse, false, false);
        FAIL();
    } catch (const islet::sys::Error& e) {
        EXPECT_NE(std::string(e.what()).find("isolated_userns feature"), std::string::npos);
    }
    islet::spec::Config y = c;
    EXPECT_NO_THROW(plan(y, refuse, true, false));  // the kernel mode needs no pool
    islet::spec::Config z = c;
    EXPECT_THROW(plan(z, IsletConfig{}, false, true), islet::sys::Error);
    c.annotations["run.islet.isolated-userns"] = "false";
    EXPECT_FALSE(plan(c, IsletConfig{}, false, false).enabled());
}

TEST(IsletConfigFile, ParsesAndChecksEveryKey) {
    auto c = islet::spec::parse_islet_config(
        R"({"isolation": {"policy": "refuse", "pool": {"start": 65536, "size": 131072, "block": 65536}, "registry": "/x"}})",
        "islet.json");
    EXPECT_EQ(c.isolation_policy, "refuse");
    EXPECT_EQ(c.pool_start, 65536u);
    EXPECT_EQ(c.registry, "/x");
    for (const char* bad :
         {R"({"isolation": {"pool": {"size": 100000, "block": 65536}}})",
          R"({"isolation": {"pool": {"start": 4294901760, "size": 131072}}})",
          // start + size wraps around 2^64 (the check used to add them).
          R"({"isolation": {"pool": {"start": 18446744073709486080, "size": 131072}}})",
          R"({"isolation": {"pool": {"start": -1}}})", R"({"isolation": {"policy": 3}})", R"({"isolation": 1})",
          R"({"isolation": {"pool": {"block": 1}, "pool": {}}})"})
        EXPECT_THROW(islet::spec::parse_islet_config(bad, "islet.json"), islet::sys::Error) << bad;
}
