// runtime/ns/userns_maps: rootless islet's subordinate ranges and how each map
// is written (directly, or through newuidmap/newgidmap).
#include "runtime/ns/userns_maps.hpp"

#include <gtest/gtest.h>

#include "sys/error.hpp"

using namespace islet;
using namespace islet::runtime::host;

TEST(SubIdRanges, ByNameOrNumberSkippingOthersAndJunk) {
    const std::string text =
        "alice:100000:65536\n"
        "bob:200000:65536\n"
        "1001:300000:1000\n"
        "alice:bad:5\n"
        "alice:400000:0\n"
        "alice:4294967295:2\n"
        "\n";
    auto r = parse_subid_ranges(text, "alice", 1001);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].start, 100000u);
    EXPECT_EQ(r[0].size, 65536u);
    EXPECT_EQ(r[1].start, 300000u);
    EXPECT_EQ(r[1].size, 1000u);
    // No passwd name: the number alone still counts; nobody's empty name never matches.
    EXPECT_EQ(parse_subid_ranges(":1:1\n1001:5:5\n", "", 1001).size(), 1u);
}

TEST(MapWriter, SingleSelfMappingIsDirectEverythingElseTheHelper) {
    const std::vector<SubIdRange> owned = {{100000, 65536}};
    EXPECT_EQ(plan_map_writer({{0, 1000, 1}}, 1000, {}, "uidMappings", "/etc/subuid"), MapWriter::direct);
    // runc's rootless spec maps root only; a second range needs newuidmap.
    EXPECT_EQ(plan_map_writer({{0, 1000, 1}, {1, 100000, 65536}}, 1000, owned, "uidMappings", "/etc/subuid"),
              MapWriter::helper);
    EXPECT_EQ(plan_map_writer({{0, 100000, 1000}}, 1000, owned, "uidMappings", "/etc/subuid"), MapWriter::helper);
    // Its own id for another container id is still a helper's job (the
    // kernel lets an unprivileged writer map it only as a single line).
    EXPECT_EQ(plan_map_writer({{5, 1000, 1}, {0, 100000, 1}}, 1000, owned, "uidMappings", "/etc/subuid"),
              MapWriter::helper);
}

TEST(MapWriter, ARangeNotOwnedIsNamedWithWhatIsOwned) {
    const std::vector<SubIdRange> owned = {{100000, 65536}};
    try {
        plan_map_writer({{0, 1000, 1}, {1, 100000, 65537}}, 1000, owned, "uidMappings", "/etc/subuid");
        FAIL() << "a range past the owned one was accepted";
    } catch (const sys::Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("linux.uidMappings: host IDs 100000-165536 are not the caller's to map"), std::string::npos)
            << m;
        EXPECT_NE(m.find("id 1000 owns 100000-165535 in /etc/subuid"), std::string::npos) << m;
    }
    try {
        plan_map_writer({{0, 0, 1}}, 1000, {}, "gidMappings", "/etc/subgid");
        FAIL() << "host gid 0 was accepted";
    } catch (const sys::Error& e) {
        EXPECT_NE(std::string(e.what()).find("id 1000 owns no range in /etc/subgid"), std::string::npos) << e.what();
    }
}

TEST(MapWriter, HelperArgsListEveryTriple) {
    auto args = map_helper_args("/usr/bin/newuidmap", 42, {{0, 1000, 1}, {1, 100000, 65536}});
    EXPECT_EQ(args, (std::vector<std::string>{"/usr/bin/newuidmap", "42", "0", "1000", "1", "1", "100000", "65536"}));
}
