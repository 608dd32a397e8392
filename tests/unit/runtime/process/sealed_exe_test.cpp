// runtime/process/sealed_exe: which executables count as sealed, the overlay layers.
#include "runtime/process/sealed_exe.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>

namespace islet::runtime::host {
namespace {

constexpr unsigned kAll = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

TEST(SealedExe, ADetachedReadOnlyOverlayIsSealed) {
    EXPECT_TRUE(exe_is_sealed({.overlay = true, .read_only = true, .mount_listed = false}));
}

TEST(SealedExe, AnOverlayInTheMountTableIsNot) {
    // islet installed on a container's overlay root (docker-in-docker): its
    // upper layer can be written, read-only mount or not.
    EXPECT_FALSE(exe_is_sealed({.overlay = true, .read_only = true, .mount_listed = true}));
    EXPECT_FALSE(exe_is_sealed({.overlay = true, .read_only = false, .mount_listed = false}));
}

TEST(SealedExe, AnOrdinaryFileIsNot) {
    EXPECT_FALSE(exe_is_sealed({}));
    EXPECT_FALSE(exe_is_sealed({.read_only = true, .mount_listed = false}));
}

TEST(SealedExe, AMemfdNeedsEveryWriteSeal) {
    EXPECT_TRUE(exe_is_sealed({.memfd = true, .seals = kAll}));
    EXPECT_TRUE(exe_is_sealed({.memfd = true, .seals = kAll | 0x20}));
    // A tmpfs file answers F_GET_SEALS with F_SEAL_SEAL alone.
    EXPECT_FALSE(exe_is_sealed({.memfd = true, .seals = F_SEAL_SEAL}));
    EXPECT_FALSE(exe_is_sealed({.memfd = true, .seals = kAll & ~unsigned{F_SEAL_WRITE}}));
    EXPECT_FALSE(exe_is_sealed({.memfd = true, .seals = kAll & ~unsigned{F_SEAL_SEAL}}));
    EXPECT_FALSE(exe_is_sealed({.memfd = false, .seals = kAll}));
}

TEST(SealedExe, LowerdirsPutTheBinaryOnTopAndEscape) {
    EXPECT_EQ(overlay_lowerdirs("/usr/sbin", "/proc/self/fd/5"), "/usr/sbin:/proc/self/fd/5");
    EXPECT_EQ(overlay_lowerdirs("/opt/a:b\\c", "/e"), "/opt/a\\:b\\\\c:/e");
}

}  // namespace
}  // namespace islet::runtime::host
