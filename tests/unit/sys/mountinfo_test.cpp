// sys/mountinfo: the one mountinfo parser (cgroups, the idmapped overlay and
// the no-mount-namespace cleanup read it).
#include "sys/mountinfo.hpp"

#include <gtest/gtest.h>

using namespace islet::sys;

TEST(Mountinfo, FieldsAroundTheSeparator) {
    auto m = parse_mountinfo(
        "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue\n"
        "41 31 0:38 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw\n");
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0].id, 36u);
    EXPECT_EQ(m[0].parent, 35u);
    EXPECT_EQ(m[0].root, "/mnt1");
    EXPECT_EQ(m[0].mount_point, "/mnt2");
    EXPECT_EQ(m[0].options, "rw,noatime");
    EXPECT_EQ(m[0].fstype, "ext3");
    EXPECT_EQ(m[0].source, "/dev/root");
    EXPECT_EQ(m[0].super_options, "rw,errors=continue");
    EXPECT_EQ(m[1].mount_point, "/sys/fs/cgroup/unified");
    EXPECT_EQ(m[1].fstype, "cgroup2");
}

TEST(Mountinfo, EscapesAreUndoneInPaths) {
    auto m = parse_mountinfo("50 1 0:5 /a\\040b /x\\011y\\134z rw - tmpfs my\\040src rw,lowerdir=/l\\040x\n");
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].root, "/a b");
    EXPECT_EQ(m[0].mount_point, "/x\ty\\z");
    EXPECT_EQ(m[0].source, "my src");
    // Super options stay as shown: each filesystem escapes them its own way.
    EXPECT_EQ(m[0].super_options, "rw,lowerdir=/l\\040x");
}

TEST(Mountinfo, MalformedLinesAreSkipped) {
    auto m = parse_mountinfo(
        "garbage line\n"
        "1 2 3\n"
        "- cgroup\n"
        "x 1 0:1 / /a rw - tmpfs t rw\n"      // not a number
        "7 1 0:1 / /a rw shared:1 - tmpfs\n"  // too little after the separator
        "8 1 0:1 / /b rw - tmpfs t\n"         // no super options: still a mount
        "\n");
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].id, 8u);
    EXPECT_EQ(m[0].super_options, "");
}

TEST(Mountinfo, Unescape) {
    EXPECT_EQ(unescape_mountinfo("a\\040b"), "a b");
    EXPECT_EQ(unescape_mountinfo("\\134"), "\\");
    EXPECT_EQ(unescape_mountinfo("end\\04"), "end\\04");  // too short to be an escape
    EXPECT_EQ(unescape_mountinfo("\\9999"), "\\9999");    // not octal
    EXPECT_EQ(octal_escape_at("x\\101", 1), 'A');
    EXPECT_FALSE(octal_escape_at("x\\101", 0));
}

TEST(Mountinfo, ReadsThisProcess) {
    auto m = read_mountinfo();
    ASSERT_FALSE(m.empty());
    bool root = false;
    for (auto& e : m) root = root || e.mount_point == "/";
    EXPECT_TRUE(root);
}
