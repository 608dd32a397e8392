#include "sys/environ.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

using namespace islet;

// In a child (the scrub is for good): named variables stay, the rest read as
// gone and their bytes are zero.
TEST(ScrubEnviron, KeepsOnlyTheNamedVariables) {
    ASSERT_EQ(::setenv("ISLET_SCRUB_KEEP", "kept", 1), 0);
    ASSERT_EQ(::setenv("ISLET_SCRUB_GONE", "secret", 1), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        char* gone = std::getenv("ISLET_SCRUB_GONE") - std::strlen("ISLET_SCRUB_GONE=");
        sys::scrub_environ({"ISLET_SCRUB_KEEP"});
        const char* kept = std::getenv("ISLET_SCRUB_KEEP");
        const bool ok = kept && std::strcmp(kept, "kept") == 0 && !std::getenv("ISLET_SCRUB_GONE") &&
                        !std::getenv("PATH") && gone[0] == '\0' && gone[std::strlen("ISLET_SCRUB_GONE=") + 5] == '\0';
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ::unsetenv("ISLET_SCRUB_KEEP");
    ::unsetenv("ISLET_SCRUB_GONE");
}
