// runtime/fs/rootfs: which mounts --no-pivot takes away before its chroot.
#include "runtime/fs/rootfs.hpp"

#include <gtest/gtest.h>

namespace islet::runtime::init {
namespace {

sys::MountInfo mount(const std::string& point, const std::string& fstype, const std::string& root = "/") {
    sys::MountInfo m;
    m.mount_point = point;
    m.fstype = fstype;
    m.root = root;
    return m;
}

TEST(RevealingMounts, EveryFullProcAndSysfsOutsideTheRootfs) {
    const std::vector<sys::MountInfo> mounts = {
        mount("/", "ext4"),
        mount("/proc", "proc"),
        mount("/sys", "sysfs"),
        mount("/sys/fs/cgroup", "tmpfs"),
        mount("/run/other/proc", "proc"),
        mount("/srv/bundle/rootfs", "ext4"),
        mount("/srv/bundle/rootfs/proc", "proc"),
        mount("/srv/bundle/rootfs/sys", "sysfs"),
    };
    EXPECT_EQ(revealing_mounts(mounts, "/srv/bundle/rootfs"),
              (std::vector<std::string>{"/proc", "/sys", "/run/other/proc"}));
}

TEST(RevealingMounts, PartialMountsAndLookalikePrefixesAreNotSkippedWrongly) {
    const std::vector<sys::MountInfo> mounts = {
        // A bind of a subdirectory of procfs reveals nothing by itself.
        mount("/mnt/sys-kernel", "proc", "/sys/kernel"),
        // "/srv/bundle/rootfs2" is not inside "/srv/bundle/rootfs".
        mount("/srv/bundle/rootfs2/proc", "proc"),
        mount("/srv/bundle/rootfs", "sysfs"),
    };
    EXPECT_EQ(revealing_mounts(mounts, "/srv/bundle/rootfs"), (std::vector<std::string>{"/srv/bundle/rootfs2/proc"}));
}

}  // namespace
}  // namespace islet::runtime::init
