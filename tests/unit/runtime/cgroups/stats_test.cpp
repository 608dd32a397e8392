// runtime/cgroups/stats: read_stats over a cgroup v2 directory of plain files.
#include "runtime/cgroups/stats.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>

#include "runtime/cgroups/cgroups.hpp"
#include "test_util.hpp"

using namespace islet;
using namespace islet::runtime::cgroups;

// The sanitizer lane found read_u64 parsing a view of a destroyed temporary
// (stack-use-after-scope under `islet events`); under ASAN this test fails
// on that code.
TEST(CgroupsStats, ReadsTheV2Files) {
    test::TempDir tmp;
    const Host host = parse_host("30 23 0:26 / " + tmp.path() + " rw - cgroup2 cgroup2 rw\n", "cpu memory pids");
    const std::string dir = tmp / "ctr";
    std::filesystem::create_directory(dir);
    for (const auto& [file, text] : std::initializer_list<std::pair<const char*, const char*>>{
             {"cpu.stat", "usage_usec 1000\nuser_usec 600\nsystem_usec 400\nnr_periods 3\nnr_throttled 1\n"},
             {"memory.current", "4096\n"},
             {"memory.max", "max\n"},
             {"memory.peak", "8192\n"},
             {"memory.swap.current", "0\n"},
             {"memory.swap.max", "max\n"},
             {"pids.current", "3\n"},
             {"pids.max", "12\n"},
         })
        std::ofstream(dir + "/" + file) << text;
    spec::CgroupRecord cg;
    cg.dirs = {{"unified", dir}};
    const spec::Stats s = read_stats(host, cg);
    EXPECT_EQ(s.cpu_total, 1000000u);
    EXPECT_EQ(s.cpu_user, 600000u);
    EXPECT_EQ(s.throttled_periods, 1u);
    EXPECT_EQ(s.memory_usage.usage, 4096u);
    EXPECT_EQ(s.memory_usage.limit, std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(s.memory_usage.max, 8192u);
    EXPECT_EQ(s.pids_current, 3u);
    EXPECT_EQ(s.pids_limit, 12u);
}
