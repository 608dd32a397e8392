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
#include "spec/record.hpp"
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

BlockOwner owner(const std::string& root, const std::string& id, const std::string& token = "") {
    return BlockOwner{token.empty() ? id + "-token" : token, root, id, 1};
}

// A container's state as create leaves it: <root>/<id>/state.json naming
// the token.
void live(const std::string& root, const std::string& id, const std::string& token) {
    ::mkdir(root.c_str(), 0700);
    ::mkdir((root + "/" + id).c_str(), 0700);
    islet::spec::ContainerRecord r;
    r.id = id;
    r.id_block = islet::spec::IdBlockRecord{"/reg", token, std::nullopt};
    std::ofstream(root + "/" + id + "/state.json") << islet::spec::record_to_json(r);
}

TEST(IdPool, OwnerFileRoundTripsAndATornOneIsNobodys) {
    BlockOwner o{"t0k", "/run/islet", "c1", 42};
    auto back = parse_owner(format_owner(o));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->token, "t0k");
    EXPECT_EQ(back->root, "/run/islet");
    EXPECT_EQ(back->id, "c1");
    EXPECT_EQ(back->pid, 42);
    EXPECT_FALSE(parse_owner(""));
    EXPECT_FALSE(parse_owner("token=t0k\nroot=/run/islet\n"));  // killed mid-write
    // islet 0.1's file: no token.
    back = parse_owner("root=/r\nid=x\npid=3\n");
    ASSERT_TRUE(back);
    EXPECT_EQ(back->token, "");
    EXPECT_EQ(new_owner_token().size(), 32u);
    EXPECT_NE(new_owner_token(), new_owner_token());
}

TEST(IdPool, AllocatesDisjointBlocksAndReleasesOnlyWithTheToken) {
    TempDir d;
    const std::string reg = d.path + "/reg";
    IdPool pool(pool_config(reg, 4));
    std::set<std::uint32_t> starts;
    std::vector<IdBlock> got;
    for (int i = 0; i < 4; ++i) {
        IdBlock b = pool.allocate(owner("/run/islet", "c" + std::to_string(i)));
        EXPECT_EQ(b.size, 65536u);
        EXPECT_EQ((b.start - (1u << 30)) % 65536, 0u);
        EXPECT_TRUE(starts.insert(b.start).second);
        got.push_back(b);
    }
    EXPECT_EQ(pool.list().size(), 4u);
    // Another token: nothing happens (the block went to someone else).
    release_block(reg, got[1].index, "c2-token");
    EXPECT_EQ(pool.list().size(), 4u);
    release_block(reg, got[1].index, "c1-token");
    EXPECT_EQ(pool.list().size(), 3u);
    // Idempotent: a second release of the same claim is fine.
    release_block(reg, got[1].index, "c1-token");
    IdBlock again = pool.allocate(owner("/run/islet", "c9"));
    EXPECT_EQ(again.index, got[1].index);
    EXPECT_EQ(again.text(), std::to_string(again.start) + "-" + std::to_string(again.start + 65535));
    // The old claim on that index cannot free the new owner's block.
    release_block(reg, got[1].index, "c1-token");
    EXPECT_EQ(pool.list().size(), 4u);
    // Without an index: wherever the token is.
    release_block(reg, std::nullopt, "c9-token");
    EXPECT_EQ(pool.list().size(), 3u);
    // A registry that was never made: nothing to free.
    release_block(d.path + "/none", 0, "x");
}

TEST(IdPool, ExhaustionNamesThePool) {
    TempDir d;
    IdPool pool(pool_config(d.path + "/reg", 2));
    const std::string root = d.path + "/root";
    live(root, "a", "ta");
    live(root, "b", "tb");
    pool.allocate(owner(root, "a", "ta"));
    pool.allocate(owner(root, "b", "tb"));
    try {
        pool.allocate(owner(root, "c"));
        FAIL() << "expected exhaustion";
    } catch (const islet::sys::Error& e) {
        EXPECT_NE(std::string(e.what()).find("the ID pool is exhausted: all 2 blocks of 65536 IDs"), std::string::npos)
            << e.what();
    }
}

TEST(IdPool, ReclaimsABlockWhoseOwnerIsGoneOrReplaced) {
    TempDir d;
    const std::string root = d.path + "/root";
    IdPool pool(pool_config(d.path + "/reg", 1));
    // A create SIGKILLed after allocating, its state directory gone since.
    pool.allocate(owner(root, "crashed"));
    live(root, "next", "tn");
    IdBlock b = pool.allocate(owner(root, "next", "tn"));
    EXPECT_EQ(b.index, 0u);
    // The same id created again: the record names another token.
    live(root, "next", "newer");
    b = pool.allocate(owner(root, "next", "newer"));
    EXPECT_EQ(b.index, 0u);
    ASSERT_EQ(pool.list().size(), 1u);
    EXPECT_TRUE(pool.list()[0].alive);
}

TEST(IdPool, GcFreesWhatNoLiveRecordNames) {
    TempDir d;
    const std::string root = d.path + "/root", reg = d.path + "/reg";
    IdPool pool(pool_config(reg, 8));
    live(root, "alive", "ta");
    pool.allocate(owner(root, "alive", "ta"));
    pool.allocate(owner(root, "gone", "tg"));  // no state directory
    live(root, "replaced", "new");
    pool.allocate(owner(root, "replaced", "old"));  // the record names another token
    ::mkdir((root + "/norecord").c_str(), 0700);
    pool.allocate(owner(root, "norecord", "tn"));         // a create before its first record holds nothing
    pool.allocate(BlockOwner{"", root, "legacy", 1});     // islet 0.1, directory gone
    std::ofstream(reg + "/block-7") << "token=x\nroot=";  // torn
    std::ofstream(reg + "/block-6") << "root=" + root + "\nid=alive\n";  // islet 0.1, directory present
    auto freed = pool.gc();
    std::set<std::string> ids;
    for (auto& a : freed) ids.insert(a.owner ? a.owner->id : "(torn)");
    EXPECT_EQ(ids, (std::set<std::string>{"gone", "replaced", "norecord", "legacy", "(torn)"})) << freed.size();
    auto left = pool.list();
    ASSERT_EQ(left.size(), 2u);
    for (auto& a : left) EXPECT_TRUE(a.alive);
    EXPECT_TRUE(pool.gc().empty());
}

TEST(IdPool, APodsBlockHasOneHolderPerMemberAndGoesWithTheLast) {
    TempDir d;
    const std::string root = d.path + "/root", reg = d.path + "/reg";
    IdPool pool(pool_config(reg, 4));
    live(root, "sb", "tsb");
    live(root, "m1", "tm1");
    live(root, "m2", "tm2");
    IdBlock b = pool.allocate(owner(root, "sb", "tsb"));
    join_block(reg, b.index, "tsb", owner(root, "m1", "tm1"));
    join_block(reg, b.index, "tm1", owner(root, "m2", "tm2"));
    // Joining through a token the block does not carry is refused.
    EXPECT_THROW(join_block(reg, b.index, "nobody", owner(root, "m3", "tm3")), islet::sys::Error);
    auto all = pool.list();
    ASSERT_EQ(all.size(), 1u);
    ASSERT_EQ(all[0].holders.size(), 3u);
    EXPECT_EQ(all[0].owner->id, "sb");
    EXPECT_EQ(all[0].holders[2].id, "m2");
    EXPECT_EQ(all[0].holder_alive, (std::vector<bool>{true, true, true}));
    // The sandbox goes first: the block stays with its members.
    release_block(reg, b.index, "tsb");
    release_block(reg, b.index, "tsb");  // idempotent
    ASSERT_EQ(pool.list().size(), 1u);
    EXPECT_EQ(pool.list()[0].holders.size(), 2u);
    // A member whose record is gone is dropped by gc; the block stays for m1.
    std::system(("rm -rf '" + root + "/m2'").c_str());
    EXPECT_TRUE(pool.gc().empty());
    ASSERT_EQ(pool.list()[0].holders.size(), 1u);
    EXPECT_EQ(pool.list()[0].holders[0].id, "m1");
    release_block(reg, std::nullopt, "tm1");
    EXPECT_TRUE(pool.list().empty());
    // Several holders in one text, a torn last one dropped.
    auto h = parse_holders(format_holders({owner(root, "a", "ta"), owner(root, "b", "tb")}) + "token=tc\nroot=");
    ASSERT_EQ(h.size(), 2u);
    EXPECT_EQ(h[1].token, "tb");
    EXPECT_EQ(parse_owner(format_holders({owner(root, "a", "ta"), owner(root, "b", "tb")}))->id, "a");
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
            got[i] = pool.allocate(owner("/r", "c" + std::to_string(i))).index;
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

TEST(IsolationPlan, APodsMemberJoinsItsUserNamespaceAndIsIsolated) {
    PodMember pod{"sb", "/proc/42/ns/user", "ranges", {{0, 1342177280, 65536}}, {{0, 1342177280, 65536}}};
    islet::spec::Config c;
    c.linux = islet::spec::Linux{};
    c.linux->namespaces = {{"pid", "/proc/42/ns/pid"}, {"mount", ""}, {"user", ""}};
    Plan p = plan_member(c, pod);
    EXPECT_TRUE(p.pod_member);
    EXPECT_EQ(p.mode, Mode::ranges);
    EXPECT_FALSE(p.needs_block);
    EXPECT_FALSE(p.engine_maps);
    EXPECT_EQ(c.annotations["run.islet.isolated-userns"], "true");
    ASSERT_NE(c.linux->find_namespace("user"), nullptr);
    EXPECT_EQ(c.linux->find_namespace("user")->path, "/proc/42/ns/user");
    EXPECT_EQ(std::count_if(c.linux->namespaces.begin(), c.linux->namespaces.end(),
                            [](const auto& n) { return n.type == "user"; }),
              1);
    ASSERT_EQ(c.linux->uid_mappings.size(), 1u);
    EXPECT_EQ(c.linux->uid_mappings[0].host_id, 1342177280u);
    // The pod's own mappings are fine; other ones, and "false", are refused naming both.
    islet::spec::Config same = c;
    EXPECT_NO_THROW(plan_member(same, pod));
    islet::spec::Config other = c;
    other.linux->uid_mappings = {{0, 300000, 65536}};
    EXPECT_THROW(plan_member(other, pod), islet::sys::Error);
    islet::spec::Config no = c;
    no.annotations["run.islet.isolated-userns"] = "false";
    try {
        plan_member(no, pod);
        FAIL() << "expected a refusal";
    } catch (const islet::sys::Error& e) {
        EXPECT_NE(std::string(e.what()).find("isolated container sb and sets the annotation"), std::string::npos);
    }
    EXPECT_EQ(parse_id_map("         0 1342177280      65536\n      65536 1 2\n").size(), 2u);
    EXPECT_EQ(parse_id_map("         0 1342177280      65536\n")[0].size, 65536u);
}

TEST(IsolationPlan, ExplicitMappingsWinAndJoinedNamespacesAreRefused) {
    islet::spec::Config c;
    c.linux = islet::spec::Linux{};
    c.annotations["run.islet.isolated-userns"] = "true";
    c.linux->namespaces.push_back({"user", ""});
    c.linux->uid_mappings = {{0, 5000, 10}};
    c.linux->gid_mappings = {{0, 5000, 10}};
    Plan p = plan(c, IsletConfig{}, false, false);
    EXPECT_FALSE(p.needs_block);
    EXPECT_TRUE(p.engine_maps);
    c.linux->namespaces[0].path = "/proc/1/ns/user";
    EXPECT_THROW(plan(c, IsletConfig{}, false, false), islet::sys::Error);
}

TEST(IsolationPlan, EngineMappingsThatBreakThePromiseAreRefusedNamingBoth) {
    islet::spec::Config c;
    c.linux = islet::spec::Linux{};
    c.annotations["run.islet.isolated-userns"] = "true";
    c.linux->uid_mappings = {{0, 100000, 65536}};
    c.linux->gid_mappings = {{0, 0, 1}, {1, 100000, 65535}};
    IsletConfig settings;
    settings.source = "/etc/islet/islet.json";
    std::string msg;
    try {
        plan(c, settings, false, false);
    } catch (const islet::sys::Error& e) {
        msg = e.what();
    }
    EXPECT_NE(msg.find("the annotation run.islet.isolated-userns and the config's own linux.gidMappings (host IDs 0-0"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("include host ID 0"), std::string::npos) << msg;
    c.linux->gid_mappings = {{0, static_cast<std::uint32_t>(settings.pool_start + 65536), 65536}};
    msg.clear();
    try {
        plan(c, settings, false, false);
    } catch (const islet::sys::Error& e) {
        msg = e.what();
    }
    EXPECT_NE(msg.find("overlap islet's ID pool 1073741824-1140850687 (set in /etc/islet/islet.json)"),
              std::string::npos)
        << msg;
    // Below the pool and without host 0: the engine's mapping is used.
    c.linux->gid_mappings = c.linux->uid_mappings;
    EXPECT_TRUE(plan(c, settings, false, false).engine_maps);
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
    for (const char* bad : {R"({"isolation": {"pool": {"size": 100000, "block": 65536}}})",
                            R"({"isolation": {"pool": {"start": 4294901760, "size": 131072}}})",
                            // start + size wraps around 2^64 (the check used to add them).
                            R"({"isolation": {"pool": {"start": 18446744073709486080, "size": 131072}}})",
                            R"({"isolation": {"pool": {"start": -1}}})", R"({"isolation": {"policy": 3}})",
                            R"({"isolation": 1})", R"({"isolation": {"pool": {"block": 1}, "pool": {}}})"})
        EXPECT_THROW(islet::spec::parse_islet_config(bad, "islet.json"), islet::sys::Error) << bad;
}

TEST(RootlessIsolation, TheCallersLargestRangesBecomeThePool) {
    IsletConfig base;
    base.block_size = 65536;
    using islet::runtime::host::SubIdRange;
    IsletConfig s = rootless_pool(base, {{100000, 65536}, {700000, 196608}}, {{800000, 150000}}, 1000, "/x/reg");
    EXPECT_EQ(s.pool_start, 700000u);
    EXPECT_EQ(s.gid_pool_start, 800000u);
    EXPECT_EQ(s.pool_size, 131072u);  // min(196608, 150000) in whole blocks
    EXPECT_EQ(s.registry, "/x/reg");
    IdPool pool(s);
    EXPECT_EQ(pool.blocks(), 2u);
    try {
        rootless_pool(base, {{100000, 1000}}, {}, 1000, "/x/reg");
        FAIL() << "a pool without a block was accepted";
    } catch (const islet::sys::Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("uid 1000's largest ranges hold 1000 IDs in /etc/subuid and 0 in /etc/subgid"),
                  std::string::npos)
            << m;
    }
}

TEST(RootlessIsolation, TheSelfMappingMakesWayForTheBlockOthersAreRefused) {
    islet::spec::Config c;
    c.linux = islet::spec::Linux{};
    c.annotations["run.islet.isolated-userns"] = "true";
    c.linux->namespaces.push_back({"user", ""});
    c.linux->uid_mappings = {{0, 1000, 1}};
    c.linux->gid_mappings = {{0, 1000, 1}};
    Plan p = plan(c, IsletConfig{}, true, true, Caller{1000, 1000});
    EXPECT_EQ(p.mode, Mode::ranges);  // never the kernel mode: its toggle is root's
    EXPECT_TRUE(p.needs_block);
    EXPECT_TRUE(c.linux->uid_mappings.empty());
    IdBlock b;
    b.start = 700000;
    b.gid_start = 800000;
    b.size = 65536;
    apply_block(c, b);
    EXPECT_EQ(c.linux->gid_mappings[0].host_id, 800000u);
    c.linux->uid_mappings = {{0, 1000, 1}, {1, 700000, 10}};
    EXPECT_THROW(plan(c, IsletConfig{}, false, true, Caller{1000, 1000}), islet::sys::Error);
}
