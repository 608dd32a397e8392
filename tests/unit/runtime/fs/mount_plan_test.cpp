// runtime/fs/mount_plan: each mount's options, kind and destination decided
// once, and the idmap table.
#include "runtime/fs/mount_plan.hpp"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include "test_util.hpp"

using namespace islet;
using namespace islet::runtime;
using islet::spec::MountKind;
using islet::test::error_of;

namespace {

spec::Mount mount(const std::string& dest, const std::string& type, std::vector<std::string> options,
                  const std::string& source = "/src") {
    spec::Mount m;
    m.destination = dest;
    m.type = type;
    m.source = source;
    m.options = std::move(options);
    return m;
}

std::vector<spec::IdMapping> maps(std::uint32_t host) { return {{0, host, 65536}}; }

spec::Linux with_userns(std::uint32_t host) {
    spec::Linux l;
    l.namespaces = {{"user", ""}, {"mount", ""}};
    l.uid_mappings = maps(host);
    l.gid_mappings = maps(host);
    return l;
}

}  // namespace

TEST(MountPlan, OneDefinitionOfBind) {
    // type "bind", or the bind/rbind option, whatever the type (runc: MS_BIND
    // makes the type meaningless).
    EXPECT_EQ(plan_mount(mount("/a", "bind", {})).kind, MountKind::bind);
    EXPECT_EQ(plan_mount(mount("/a", "", {"rbind"})).kind, MountKind::bind);
    EXPECT_EQ(plan_mount(mount("/a", "none", {"ro", "bind"})).kind, MountKind::bind);
    EXPECT_EQ(plan_mount(mount("/a", "cgroup", {"bind"})).kind, MountKind::bind);
    EXPECT_EQ(plan_mount(mount("/sys/fs/cgroup", "cgroup", {"ro"})).kind, MountKind::cgroup);
    EXPECT_EQ(plan_mount(mount("/proc", "proc", {"nosuid"})).kind, MountKind::filesystem);
    EXPECT_TRUE(plan_mount(mount("/a", "", {"rbind"})).options.recursive);
}

TEST(MountPlan, DestinationsAreCleanedAndTakenFromRoot) {
    EXPECT_EQ(plan_mount(mount("/a//b/../c/", "tmpfs", {})).destination, "/a/c");
    EXPECT_EQ(plan_mount(mount("dev", "bind", {})).destination, "/dev");  // relative: from "/"
    EXPECT_EQ(plan_mount(mount("/../../etc", "tmpfs", {})).destination, "/etc");
    // The configured text stays for messages.
    EXPECT_EQ(plan_mount(mount("dev", "bind", {})).mount.destination, "dev");
    EXPECT_EQ(plan_mount(mount("/x", "tmpfs", {}, "tmpfs")).describe(), "mount tmpfs to /x (type tmpfs)");
    EXPECT_EQ(plan_mount(mount("/x", "", {"bind"}, "/s")).describe(), "mount /s to /x");
}

TEST(MountPlan, WholePlanQueries) {
    spec::Config c;
    c.mounts = {mount("/proc", "proc", {}), mount("/dev/", "", {"rbind"}), mount("/sys/fs/cgroup", "cgroup", {})};
    MountPlan p = plan_mounts(c);
    ASSERT_EQ(p.mounts.size(), 3u);
    EXPECT_TRUE(p.binds_dev());
    EXPECT_TRUE(p.has(MountKind::cgroup));
    EXPECT_FALSE(p.wants_idmaps());
    c.mounts = {mount("/dev", "tmpfs", {}), mount("/dev/shm", "", {"bind"})};
    p = plan_mounts(c);
    EXPECT_FALSE(p.binds_dev());  // /dev itself is no bind here
    EXPECT_FALSE(p.has(MountKind::cgroup));
    EXPECT_FALSE(p.dev_read_only_later());
    c.mounts = {mount("/dev/", "tmpfs", {"ro", "nosuid"}), mount("/dev/pts", "devpts", {"ro"})};
    EXPECT_TRUE(plan_mounts(c).dev_read_only_later());
    c.mounts = {mount("/dev", "tmpfs", {}), mount("/dev/pts", "devpts", {"ro"})};
    EXPECT_FALSE(plan_mounts(c).dev_read_only_later());  // only /dev itself
}

TEST(IdmapChoice, NotIsolated) {
    const spec::Linux l = with_userns(100000);
    // A plain bind: no idmapping.
    IdmapChoice c = choose_idmap(plan_mount(mount("/a", "", {"bind"})), l, false);
    EXPECT_EQ(c.with, IdmapWith::none);
    // idmap/ridmap alone: the container's namespace; ridmap is recursive.
    c = choose_idmap(plan_mount(mount("/a", "", {"bind", "idmap"})), l, false);
    EXPECT_EQ(c.with, IdmapWith::container);
    EXPECT_FALSE(c.recursive);
    EXPECT_FALSE(c.nosuid);
    c = choose_idmap(plan_mount(mount("/a", "", {"rbind", "ridmap"})), l, false);
    EXPECT_EQ(c.with, IdmapWith::container);
    EXPECT_TRUE(c.recursive);
    // The container's own mappings: its namespace, no helper.
    PlannedMount same = plan_mount(mount("/a", "", {"bind"}));
    same.mount.uid_mappings = maps(100000);
    same.mount.gid_mappings = maps(100000);
    EXPECT_EQ(choose_idmap(same, l, false).with, IdmapWith::container);
    // Mappings of its own: a helper namespace.
    PlannedMount other = plan_mount(mount("/a", "", {"bind"}));
    other.mount.uid_mappings = maps(200000);
    other.mount.gid_mappings = maps(100000);
    EXPECT_EQ(choose_idmap(other, l, false).with, IdmapWith::helper);
    // Without a user namespace, mappings of its own still work (a helper);
    // the container's are not there to take.
    spec::Linux no_userns;
    EXPECT_EQ(choose_idmap(other, no_userns, false).with, IdmapWith::helper);
    EXPECT_EQ(error_of([&] {
                  choose_idmap(plan_mount(mount("/a", "", {"bind", "idmap"}, "/s")), no_userns, false);
              }),
              "idmap mount /s to /a: idmap without uidMappings/gidMappings needs a user namespace to take them from");
    // Not a bind: never idmapped here (validation refuses idmap on those).
    EXPECT_EQ(choose_idmap(plan_mount(mount("/t", "tmpfs", {"idmap"})), l, false).with, IdmapWith::none);
}

TEST(IdmapChoice, Isolated) {
    const spec::Linux l = with_userns(100000);
    // A bind without mappings of its own is not idmapped (its writes land as
    // block IDs on disk); nosuid unless "suid", recursive with rbind.
    IdmapChoice c = choose_idmap(plan_mount(mount("/a", "", {"rbind"})), l, true);
    EXPECT_EQ(c.with, IdmapWith::none);
    EXPECT_TRUE(c.nosuid);
    EXPECT_TRUE(c.recursive);
    c = choose_idmap(plan_mount(mount("/a", "", {"bind", "suid"})), l, true);
    EXPECT_EQ(c.with, IdmapWith::none);
    EXPECT_FALSE(c.nosuid);
    EXPECT_FALSE(c.recursive);
    // Asked for explicitly: the container's namespace (0-to-0), still nosuid.
    c = choose_idmap(plan_mount(mount("/a", "", {"bind", "idmap"})), l, true);
    EXPECT_EQ(c.with, IdmapWith::container);
    EXPECT_TRUE(c.nosuid);
    c = choose_idmap(plan_mount(mount("/p", "proc", {})), l, true);
    EXPECT_EQ(c.with, IdmapWith::none);
    EXPECT_FALSE(c.nosuid);
}

TEST(IdmapChoice, WholePlan) {
    spec::Config c;
    c.mounts = {mount("/a", "", {"bind"}), mount("/b", "", {"bind", "idmap"})};
    MountPlan p = plan_mounts(c);
    choose_idmaps(p, with_userns(1000), false);
    EXPECT_EQ(p.mounts[0].idmap.with, IdmapWith::none);
    EXPECT_EQ(p.mounts[1].idmap.with, IdmapWith::container);
    EXPECT_TRUE(p.wants_idmaps());
}
