// sys/procfs: writes reach procfs only through a verified handle, with no
// symlink and no mount crossing (SECURITY.md §0 principle 3). No root needed.
#include "sys/procfs.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>

#include "sys/error.hpp"
#include "sys/syscalls.hpp"

using namespace islet;

TEST(SecurityProcfs, OpensBelowAVerifiedHandle) {
    sys::UniqueFd proc = sys::open_path("/proc", O_PATH | O_DIRECTORY);
    sys::UniqueFd f = sys::open_procfs_file(proc.get(), "sys/kernel/ostype", O_RDONLY);
    EXPECT_EQ(sys::read_all(f.get()), "Linux\n");
}

TEST(SecurityProcfs, RefusesSymlinksAndDotDot) {
    sys::UniqueFd proc = sys::open_path("/proc", O_PATH | O_DIRECTORY);
    try {
        sys::open_procfs_file(proc.get(), "self/status", O_RDONLY);  // "self" is a symlink
        FAIL() << "followed a symlink";
    } catch (const sys::Error& e) {
        EXPECT_EQ(e.code(), ELOOP) << e.what();
    }
    EXPECT_THROW(sys::open_procfs_file(proc.get(), "sys/../../etc/passwd", O_RDONLY), sys::Error);
}

TEST(SecurityProcfs, RefusesAHandleThatIsNotProcfs) {
    sys::UniqueFd tmp = sys::open_path("/tmp", O_PATH | O_DIRECTORY);
    try {
        sys::open_procfs_file(tmp.get(), "x", O_RDONLY);
        FAIL() << "accepted /tmp";
    } catch (const sys::Error& e) {
        EXPECT_NE(std::string(e.what()).find("is not procfs"), std::string::npos) << e.what();
    }
}

TEST(SecurityProcfs, ThreadSelfHasTheKernelsShape) {
    sys::UniqueFd proc = sys::open_path("/proc", O_PATH | O_DIRECTORY);
    const std::string ts = sys::proc_thread_self(proc.get());
    EXPECT_EQ(ts, std::to_string(::getpid()) + "/task/" + std::to_string(::gettid()));
}
