// sys/sanitizer: where a clone3 child of a sanitizer build writes its reports.
#include "sys/sanitizer.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_util.hpp"

using islet::sys::sanitizer::log_path_option;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// Runs bug() in a forked child that opens its report file as islet's clone3
// children do (log_path under dir), then moves dir away: like the init after
// pivot_root, the child can no longer reach the path. Returns the reports
// found in the moved directory.
std::string report_of(const islet::test::TempDir& tmp, void (*bug)()) {
    const std::string dir = tmp / "reports", moved = tmp / "moved";
    std::filesystem::create_directory(dir);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setenv("ASAN_OPTIONS", ("log_path=" + dir + "/r").c_str(), 1);
        islet::sys::sanitizer::open_child_report();
        std::filesystem::rename(dir, moved);
        bug();
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the bug went unreported";
    std::string out;
    for (auto& f : std::filesystem::directory_iterator(moved)) {
        std::ifstream in(f.path());
        std::stringstream s;
        s << in.rdbuf();
        out += s.str();
    }
    return out;
}

void use_after_free() {
    int* volatile p = new int[4];
    delete[] p;
    volatile int x = p[1];
    (void)x;
}

void signed_overflow() {
    volatile int a = INT_MAX;
    volatile int b = a + 1;
    (void)b;
}

}  // namespace

TEST(SanitizerLogPath, FoundAmongTheRuntimesSeparators) {
    EXPECT_EQ(log_path_option("log_path=/tmp/r/asan"), "/tmp/r/asan");
    EXPECT_EQ(log_path_option("detect_leaks=1:log_path=/tmp/r/asan:halt_on_error=1"), "/tmp/r/asan");
    EXPECT_EQ(log_path_option("detect_leaks=1,log_path=/a b=2"), "/a");
    EXPECT_EQ(log_path_option("log_path=/first:log_path=/last"), "/last");
}

TEST(SanitizerLogPath, AbsentOrOnlyLookingAlike) {
    EXPECT_EQ(log_path_option(""), "");
    EXPECT_EQ(log_path_option("detect_leaks=1:halt_on_error=1"), "");
    EXPECT_EQ(log_path_option("xlog_path=/tmp/x"), "");
    EXPECT_EQ(log_path_option("log_path="), "");
}

// Both runtimes (GCC links ASAN and UBSAN separately) write a child's report
// to the file it opened, out of reach of their own path.
TEST(SanitizerChildReport, ReachesTheFileTheChildOpened) {
    if (!kSanitized) GTEST_SKIP() << "needs a sanitizer build (-DISLET_SANITIZE=ON, scripts/sanitize.sh)";
    islet::test::TempDir asan, ubsan;
    EXPECT_NE(report_of(asan, use_after_free).find("AddressSanitizer: heap-use-after-free"), std::string::npos);
    EXPECT_NE(report_of(ubsan, signed_overflow).find("runtime error: signed integer overflow"), std::string::npos);
}
