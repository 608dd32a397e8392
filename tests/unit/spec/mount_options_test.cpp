// spec/mount_options: option strings -> MS_* flags, propagation,
// recursive mount attributes and filesystem data.
#include "spec/mount_options.hpp"

#include <gtest/gtest.h>
#include <linux/mount.h>
#include <sys/mount.h>

#include <algorithm>

using islet::spec::describe_ms_flags;
using islet::spec::known_mount_options;
using islet::spec::ms_to_mount_attr;
using islet::spec::parse_mount_options;

namespace {
constexpr unsigned long kNoSymfollow = 256;  // MS_NOSYMFOLLOW (glibc 2.36 may lack it)
}

TEST(MountOptions, FlagsAndData) {
    auto m = parse_mount_options({"nosuid", "nodev", "ro", "mode=755", "size=65536k"}, "tmpfs");
    EXPECT_EQ(m.flags, static_cast<unsigned long>(MS_NOSUID | MS_NODEV | MS_RDONLY));
    EXPECT_EQ(m.clear, 0ul);
    EXPECT_EQ(m.data, (std::vector<std::string>{"mode=755", "size=65536k"}));
    EXPECT_EQ(m.data_string(), "mode=755,size=65536k");
    EXPECT_FALSE(m.bind);
    EXPECT_TRUE(m.propagation.empty());
    EXPECT_EQ(m.rec_attr_set, 0u);
}

TEST(MountOptions, LastOfOppositesWins) {
    auto ro_rw = parse_mount_options({"ro", "rw"}, "tmpfs");
    EXPECT_EQ(ro_rw.flags & MS_RDONLY, 0ul);
    EXPECT_EQ(ro_rw.clear & MS_RDONLY, static_cast<unsigned long>(MS_RDONLY));
    auto rw_ro = parse_mount_options({"rw", "ro"}, "tmpfs");
    EXPECT_EQ(rw_ro.flags & MS_RDONLY, static_cast<unsigned long>(MS_RDONLY));
    EXPECT_EQ(rw_ro.clear & MS_RDONLY, 0ul);
    auto m = parse_mount_options({"nosuid", "suid", "exec", "noexec", "dev"}, "tmpfs");
    EXPECT_EQ(m.flags, static_cast<unsigned long>(MS_NOEXEC));
    EXPECT_EQ(m.clear, static_cast<unsigned long>(MS_NOSUID | MS_NODEV));
}

TEST(MountOptions, ClearingFlags) {
    auto m = parse_mount_options({"atime", "diratime", "norelatime", "nostrictatime", "symfollow", "loud"}, "x");
    EXPECT_EQ(m.flags, 0ul);
    EXPECT_EQ(m.clear, static_cast<unsigned long>(MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME |
                                                  kNoSymfollow | MS_SILENT));
}

TEST(MountOptions, MoreFlags) {
    auto m = parse_mount_options({"noatime", "nodiratime", "sync", "dirsync", "mand", "lazytime", "iversion",
                                  "nosymfollow", "strictatime", "relatime", "silent", "acl", "remount", "defaults"},
                                 "x");
    EXPECT_EQ(m.flags, static_cast<unsigned long>(MS_NOATIME | MS_NODIRATIME | MS_SYNCHRONOUS | MS_DIRSYNC |
                                                  MS_MANDLOCK | MS_LAZYTIME | MS_I_VERSION | kNoSymfollow |
                                                  MS_STRICTATIME | MS_RELATIME | MS_SILENT | MS_POSIXACL | MS_REMOUNT));
    EXPECT_TRUE(m.data.empty());  // "defaults" is no data
}

TEST(MountOptions, PropagationInOrder) {
    auto m = parse_mount_options(
        {"rprivate", "shared", "rslave", "unbindable", "runbindable", "slave", "private", "rshared"}, "bind");
    EXPECT_EQ(m.propagation,
              (std::vector<unsigned long>{MS_PRIVATE | MS_REC, MS_SHARED, MS_SLAVE | MS_REC, MS_UNBINDABLE,
                                          MS_UNBINDABLE | MS_REC, MS_SLAVE, MS_PRIVATE, MS_SHARED | MS_REC}));
    // Propagation never leaks into the mount flags.
    EXPECT_EQ(m.flags & (MS_PRIVATE | MS_SHARED | MS_SLAVE | MS_UNBINDABLE), 0ul);
}

TEST(MountOptions, BindAndRbind) {
    auto type_bind = parse_mount_options({}, "bind");
    EXPECT_TRUE(type_bind.bind);
    EXPECT_FALSE(type_bind.recursive);
    EXPECT_EQ(type_bind.flags, static_cast<unsigned long>(MS_BIND));

    auto opt_bind = parse_mount_options({"bind", "ro"}, "none");
    EXPECT_TRUE(opt_bind.bind);
    EXPECT_FALSE(opt_bind.recursive);
    EXPECT_EQ(opt_bind.flags, static_cast<unsigned long>(MS_BIND | MS_RDONLY));

    auto rbind = parse_mount_options({"rbind"}, "none");
    EXPECT_TRUE(rbind.bind);
    EXPECT_TRUE(rbind.recursive);
    EXPECT_EQ(rbind.flags, static_cast<unsigned long>(MS_BIND | MS_REC));

    // "bind" after "rbind" does not make it non-recursive.
    auto both = parse_mount_options({"rbind", "bind"}, "none");
    EXPECT_TRUE(both.recursive);
    EXPECT_EQ(both.flags & MS_REC, static_cast<unsigned long>(MS_REC));

    EXPECT_FALSE(parse_mount_options({"ro"}, "tmpfs").bind);
}

TEST(MountOptions, IsletExtensions) {
    auto idmap = parse_mount_options({"idmap"}, "bind");
    EXPECT_TRUE(idmap.idmap);
    EXPECT_FALSE(idmap.ridmap);
    auto ridmap = parse_mount_options({"ridmap"}, "bind");
    EXPECT_TRUE(ridmap.idmap);
    EXPECT_TRUE(ridmap.ridmap);
    auto tmp = parse_mount_options({"tmpcopyup", "mode=1777"}, "tmpfs");
    EXPECT_TRUE(tmp.tmpcopyup);
    EXPECT_EQ(tmp.data, std::vector<std::string>{"mode=1777"});  // never handed to the filesystem
    EXPECT_TRUE(parse_mount_options({"idmap", "ridmap", "tmpcopyup"}, "bind").data.empty());
}

TEST(MountOptions, RecursiveAttributes) {
    auto m = parse_mount_options({"rro", "rnosuid", "rnodev", "rnoexec", "rnodiratime", "rnosymfollow"}, "bind");
    EXPECT_EQ(m.rec_attr_set,
              static_cast<std::uint64_t>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                                         MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW));
    EXPECT_EQ(m.rec_attr_clr, 0u);
    EXPECT_EQ(m.flags, static_cast<unsigned long>(MS_BIND));  // recursive attributes are no MS_* flags

    auto undo = parse_mount_options({"rro", "rrw", "rsuid", "rdev", "rexec", "rdiratime", "rsymfollow"}, "bind");
    EXPECT_EQ(undo.rec_attr_set, 0u);
    EXPECT_EQ(undo.rec_attr_clr,
              static_cast<std::uint64_t>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                                         MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW));
    auto redo = parse_mount_options({"rrw", "rro"}, "bind");
    EXPECT_EQ(redo.rec_attr_set, static_cast<std::uint64_t>(MOUNT_ATTR_RDONLY));
    EXPECT_EQ(redo.rec_attr_clr, 0u);
}

// The access-time attributes are one field, not bits (MOUNT_ATTR_RELATIME is
// 0): mount_setattr(2) wants the whole MOUNT_ATTR__ATIME in attr_clr and at
// most one mode in attr_set, or it fails with EINVAL.
TEST(MountOptions, RecursiveAtimeIsOneField) {
    auto noatime = parse_mount_options({"rnoatime"}, "bind");
    EXPECT_EQ(noatime.rec_attr_set & MOUNT_ATTR__ATIME, static_cast<std::uint64_t>(MOUNT_ATTR_NOATIME));
    EXPECT_EQ(noatime.rec_attr_clr & MOUNT_ATTR__ATIME, static_cast<std::uint64_t>(MOUNT_ATTR__ATIME));

    // The last one wins; two modes at once would be EINVAL.
    auto last = parse_mount_options({"rnoatime", "rstrictatime"}, "bind");
    EXPECT_EQ(last.rec_attr_set & MOUNT_ATTR__ATIME, static_cast<std::uint64_t>(MOUNT_ATTR_STRICTATIME));
    EXPECT_EQ(last.rec_attr_clr & MOUNT_ATTR__ATIME, static_cast<std::uint64_t>(MOUNT_ATTR__ATIME));

    // rrelatime (value 0) must still change the field, or it silently does nothing.
    auto relatime = parse_mount_options({"rnoatime", "rrelatime"}, "bind");
    EXPECT_EQ(relatime.rec_attr_set & MOUNT_ATTR__ATIME, 0u);
    EXPECT_EQ(relatime.rec_attr_clr & MOUNT_ATTR__ATIME, static_cast<std::uint64_t>(MOUNT_ATTR__ATIME));
    auto relatime_alone = parse_mount_options({"rrelatime"}, "bind");
    EXPECT_EQ(relatime_alone.rec_attr_clr & MOUNT_ATTR__ATIME, static_cast<std::uint64_t>(MOUNT_ATTR__ATIME));

    // Clearing a mode goes back to the kernel's default (relatime): the whole
    // field in attr_clr, no partial clear.
    auto atime = parse_mount_options({"ratime"}, "bind");
    EXPECT_EQ(atime.rec_attr_set & MOUNT_ATTR__ATIME, 0u);
    EXPECT_EQ(atime.rec_attr_clr & MOUNT_ATTR__ATIME, static_cast<std::uint64_t>(MOUNT_ATTR__ATIME));

    // Other attributes next to the atime field are untouched.
    auto mixed = parse_mount_options({"rro", "rnoatime", "rnodiratime"}, "bind");
    EXPECT_EQ(mixed.rec_attr_set,
              static_cast<std::uint64_t>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOATIME | MOUNT_ATTR_NODIRATIME));
}

TEST(MountOptions, UnknownOptionsAreData) {
    auto m = parse_mount_options({"uid=5", "nosuid", "context=\"x\"", "weird"}, "tmpfs");
    EXPECT_EQ(m.data, (std::vector<std::string>{"uid=5", "context=\"x\"", "weird"}));
    EXPECT_EQ(m.flags, static_cast<unsigned long>(MS_NOSUID));
    EXPECT_EQ(parse_mount_options({}, "tmpfs").data_string(), "");
}

TEST(MountOptions, KnownOptionsListed) {
    auto known = known_mount_options();
    EXPECT_TRUE(std::is_sorted(known.begin(), known.end()));
    EXPECT_EQ(std::adjacent_find(known.begin(), known.end()), known.end());
    for (const char* o : {"ro", "rw", "bind", "rbind", "rprivate", "rro", "ratime", "idmap", "ridmap", "tmpcopyup",
                          "nosymfollow", "rnosymfollow"})
        EXPECT_TRUE(std::binary_search(known.begin(), known.end(), std::string(o))) << o;
    // Every listed option is understood (never filesystem data).
    for (auto& o : known) EXPECT_TRUE(parse_mount_options({o}, "x").data.empty()) << o;
}

TEST(MountOptions, DescribeFlags) {
    EXPECT_EQ(describe_ms_flags(0), "none");
    EXPECT_EQ(describe_ms_flags(MS_NOSUID | MS_NODEV | MS_RDONLY), "ro,nosuid,nodev");
    EXPECT_EQ(describe_ms_flags(MS_BIND | MS_REC), "bind,rec");
    EXPECT_EQ(describe_ms_flags(MS_PRIVATE | MS_REC), "rec,private");
    EXPECT_EQ(describe_ms_flags(kNoSymfollow | MS_STRICTATIME), "nosymfollow,strictatime");
}

TEST(MountOptions, MsToMountAttr) {
    EXPECT_EQ(ms_to_mount_attr(0), 0u);
    EXPECT_EQ(ms_to_mount_attr(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NODIRATIME | kNoSymfollow),
              static_cast<std::uint64_t>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                                         MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW));
    // Flags the new API has no attribute for are dropped.
    EXPECT_EQ(ms_to_mount_attr(MS_BIND | MS_REC | MS_SYNCHRONOUS), 0u);
}

TEST(MountOptions, MsToMountAttrAtimeIsExclusive) {
    EXPECT_EQ(ms_to_mount_attr(MS_NOATIME), static_cast<std::uint64_t>(MOUNT_ATTR_NOATIME));
    EXPECT_EQ(ms_to_mount_attr(MS_STRICTATIME), static_cast<std::uint64_t>(MOUNT_ATTR_STRICTATIME));
    EXPECT_EQ(ms_to_mount_attr(MS_RELATIME), static_cast<std::uint64_t>(MOUNT_ATTR_RELATIME));
    // At most one mode ever comes out: noatime beats strictatime beats relatime.
    EXPECT_EQ(ms_to_mount_attr(MS_NOATIME | MS_STRICTATIME | MS_RELATIME) & MOUNT_ATTR__ATIME,
              static_cast<std::uint64_t>(MOUNT_ATTR_NOATIME));
    EXPECT_EQ(ms_to_mount_attr(MS_STRICTATIME | MS_RELATIME) & MOUNT_ATTR__ATIME,
              static_cast<std::uint64_t>(MOUNT_ATTR_STRICTATIME));
    EXPECT_EQ(ms_to_mount_attr(MS_RDONLY | MS_NOATIME),
              static_cast<std::uint64_t>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOATIME));
}
