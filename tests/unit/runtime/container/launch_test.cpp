// runtime/container/launch: the steps create and exec share, against a
// socket pair standing in for the child.
#include "runtime/container/launch.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/process/sync.hpp"
#include "sys/syscalls.hpp"
#include "test_util.hpp"

using namespace islet;
using namespace islet::runtime;
using islet::test::error_of;

TEST(Launch, TerminalFlagsFollowRunc) {
    EXPECT_NO_THROW(launch::check_terminal_flags(false, true, ""));
    EXPECT_NO_THROW(launch::check_terminal_flags(true, false, ""));
    EXPECT_NO_THROW(launch::check_terminal_flags(true, true, "/run/sock"));
    EXPECT_EQ(error_of([] { launch::check_terminal_flags(true, true, ""); }),
              "cannot allocate tty if islet will detach without setting console socket");
    EXPECT_EQ(error_of([] { launch::check_terminal_flags(false, true, "/run/sock"); }),
              "cannot use console socket if islet will not detach or allocate tty");
    EXPECT_EQ(error_of([] { launch::check_terminal_flags(true, false, "/run/sock"); }),
              "cannot use console socket if islet will not detach or allocate tty");
}

TEST(Launch, PreservedFdsMustBeOpen) {
    sys::UniqueFd a = sys::open_path("/dev/null", O_RDONLY);
    EXPECT_NO_THROW(launch::check_preserved_fds(a.get(), 1));
    EXPECT_NO_THROW(launch::check_preserved_fds(a.get(), 0));
    const int closed = a.get();
    a.reset();
    EXPECT_EQ(error_of([&] { launch::check_preserved_fds(closed, 1); }),
              "unable to stat preserved-fd 0 (of 1): fstat: bad file descriptor");
}

TEST(Launch, ConsoleChannel) {
    launch::ConsoleChannel none = launch::open_console_channel(false, false, "");
    EXPECT_FALSE(none.for_child);
    EXPECT_FALSE(none.ours);
    EXPECT_FALSE(none.receive_master());
    // A foreground terminal needs one of ours to proxy to (runc's error
    // without a controlling terminal, e.g. under ctest).
    if (int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC); tty >= 0) {
        ::close(tty);
        launch::ConsoleChannel proxy = launch::open_console_channel(true, false, "");
        EXPECT_TRUE(proxy.for_child);
        EXPECT_TRUE(proxy.ours);
    } else {
        EXPECT_EQ(error_of([] { launch::open_console_channel(true, false, ""); }).rfind("open /dev/tty: ", 0), 0u);
    }
    EXPECT_NE(error_of([] {
                  launch::open_console_channel(true, true, "/nonexistent/console.sock");
              }).find("connect to the console socket /nonexistent/console.sock"),
              std::string::npos);
}

TEST(Launch, CloneRunsTheChildAndBlockedSignalsComeBack) {
    sigset_t before, after;
    ::sigprocmask(SIG_SETMASK, nullptr, &before);
    launch::Cloned c;
    {
        launch::BlockedSignals blocked;
        c = launch::clone_into(0, -1, [] { ::_exit(7); });
    }
    ::sigprocmask(SIG_SETMASK, nullptr, &after);
    EXPECT_EQ(sigismember(&before, SIGTERM), sigismember(&after, SIGTERM));
    EXPECT_TRUE(c.pidfd);
    EXPECT_FALSE(c.into_cgroup);
    const int st = sys::reap(c.pid);
    ASSERT_TRUE(WIFEXITED(st));
    EXPECT_EQ(WEXITSTATUS(st), 7);
}

namespace {

struct Child {
    sys::UniqueFd host, child;
    Child() { std::tie(host, child) = sys::seqpacket_pair(); }
    launch::Serve serve() {
        launch::Serve s;
        s.sock = host.get();
        s.peer = "init";
        s.died = [] { return std::string("the child died"); };
        s.state = [] { return spec::StateView{}; };
        return s;
    }
};

}  // namespace

// A child of this process standing in for the one the child forks with
// CLONE_PARENT; killed and reaped when the test ends.
struct Forked {
    pid_t pid = ::fork();
    Forked() {
        if (pid == 0) {
            ::pause();
            ::_exit(0);
        }
    }
    ~Forked() {
        ::kill(pid, SIGKILL);
        sys::reap(pid);
    }
};

TEST(Launch, ServeUntilReady) {
    Child c;
    Forked f;
    int hooks = 0;
    pid_t forked = 0;
    launch::Serve s = c.serve();
    s.hooks = [&] { ++hooks; };
    s.exec_pid = [&](pid_t p) { forked = p; };
    sync::send(c.child.get(), sync::Type::hooks);
    sync::send(c.child.get(), sync::Type::exec_pid, std::to_string(f.pid));
    sync::send(c.child.get(), sync::Type::ready);
    launch::serve_until_ready(s);
    EXPECT_EQ(hooks, 1);
    EXPECT_EQ(forked, f.pid);
}

// What a process of the container that took the child's sync socket could
// send (issue 10): a pid that is not the forked one, or a second message.
TEST(Launch, ServeTakesOnlyTheForkedPidAndEachRequestOnce) {
    Child c;
    Forked f;
    launch::Serve s = c.serve();
    s.hooks = [] {};
    s.exec_pid = [](pid_t) {};
    s.state = [&] {
        spec::StateView v;
        v.pid = f.pid;  // the forking child itself
        return v;
    };
    for (const std::string& pid : {std::string("1"), std::to_string(f.pid)}) {
        sync::send(c.child.get(), sync::Type::exec_pid, pid);
        EXPECT_EQ(error_of([&] { launch::serve_until_ready(s); }),
                  "sync: the init reported pid " + pid + ", which is not the process it forked");
    }
    Forked g;
    sync::send(c.child.get(), sync::Type::exec_pid, std::to_string(g.pid));
    sync::send(c.child.get(), sync::Type::exec_pid, std::to_string(g.pid));
    EXPECT_EQ(error_of([&] { launch::serve_until_ready(s); }), "sync: unexpected message exec_pid from the init");
    sync::send(c.child.get(), sync::Type::hooks);
    sync::send(c.child.get(), sync::Type::hooks);
    EXPECT_EQ(error_of([&] { launch::serve_until_ready(s); }), "sync: unexpected message hooks from the init");
}

TEST(Launch, ServeReportsTheChildsErrorsAndSurprises) {
    Child c;
    sync::send(c.child.get(), sync::Type::error, "mount /proc: permission denied");
    EXPECT_EQ(error_of([&] { launch::serve_until_ready(c.serve()); }),
              "unable to start container process: mount /proc: permission denied");
    // exec's child may not ask for hooks.
    sync::send(c.child.get(), sync::Type::hooks);
    EXPECT_EQ(error_of([&] { launch::serve_until_ready(c.serve()); }), "sync: unexpected message hooks from the init");
    // A listener nobody asked for.
    sys::UniqueFd fd = sys::open_path("/dev/null", O_RDONLY);
    sync::send_with_fd(c.child.get(), sync::Type::seccomp_fd, fd.get());
    EXPECT_EQ(error_of([&] { launch::serve_until_ready(c.serve()); }),
              "sync: unexpected seccomp listener from the init");
    launch::Serve s = c.serve();
    s.exec_pid = [](pid_t) {};
    sync::send(c.child.get(), sync::Type::exec_pid, "x");
    EXPECT_EQ(error_of([&] { launch::serve_until_ready(s); }), "sync: bad pid from the init");
    c.child.reset();
    EXPECT_EQ(error_of([&] { launch::serve_until_ready(c.serve()); }), "the child died");
}
