#include "runtime/container/foreground.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "sys/error.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {
namespace {

struct RawTerminal {
    int fd = -1;
    termios saved{};
    explicit RawTerminal(int f) {
        if (!::isatty(f) || ::tcgetattr(f, &saved) < 0) return;
        termios raw = saved;
        ::cfmakeraw(&raw);
        if (::tcsetattr(f, TCSANOW, &raw) == 0) fd = f;
    }
    ~RawTerminal() {
        if (fd >= 0) ::tcsetattr(fd, TCSANOW, &saved);
    }
};

void copy_winsize(int from, int to) {
    winsize ws{};
    if (::ioctl(from, TIOCGWINSZ, &ws) == 0) ::ioctl(to, TIOCSWINSZ, &ws);
}

// Moves what is readable from `from` to `to`; false on EOF or error.
bool pump(int from, int to) {
    char buf[16384];
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n <= 0) return n < 0 && (errno == EAGAIN || errno == EINTR);
    std::string_view rest(buf, static_cast<size_t>(n));
    while (!rest.empty()) {
        ssize_t w = ::write(to, rest.data(), rest.size());
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                pollfd p{to, POLLOUT, 0};
                ::poll(&p, 1, 100);
                continue;
            }
            return false;
        }
        rest.remove_prefix(static_cast<size_t>(w));
    }
    return true;
}

int exit_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

}  // namespace

void foreground_block_signals() {
    sigset_t all;
    sigfillset(&all);
    ::sigprocmask(SIG_BLOCK, &all, nullptr);
}

int run_foreground(pid_t pid, int pidfd, int pty_master) {
    sigset_t all;
    sigfillset(&all);
    int sfd = ::signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0) sys::throw_errno("signalfd");
    sys::UniqueFd sig(sfd);
    RawTerminal raw(pty_master >= 0 ? STDIN_FILENO : -1);
    bool stdin_open = pty_master >= 0;
    if (pty_master >= 0) {
        ::fcntl(pty_master, F_SETFL, ::fcntl(pty_master, F_GETFL) | O_NONBLOCK);
        if (::isatty(STDIN_FILENO)) copy_winsize(STDIN_FILENO, pty_master);
    }
    int status = -1;
    // Reaps every child; true once the container's process has exited.
    auto reap = [&] {
        for (;;) {
            int st;
            pid_t p = ::waitpid(-1, &st, WNOHANG);
            if (p <= 0) break;
            if (p == pid) status = st;
        }
        return status != -1;
    };
    while (!reap()) {
        pollfd fds[4] = {{sig.get(), POLLIN, 0},
                         {pidfd, POLLIN, 0},
                         {stdin_open ? STDIN_FILENO : -1, POLLIN, 0},
                         {pty_master, POLLIN, 0}};
        int n = ::poll(fds, 4, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            sys::throw_errno("poll");
        }
        if (fds[0].revents & POLLIN) {
            signalfd_siginfo si;
            while (::read(sig.get(), &si, sizeof si) == sizeof si) {
                int s = static_cast<int>(si.ssi_signo);
                if (s == SIGCHLD || s == SIGURG) continue;
                if (s == SIGWINCH) {
                    if (pty_master >= 0 && ::isatty(STDIN_FILENO)) copy_winsize(STDIN_FILENO, pty_master);
                    continue;
                }
                (void)sys::pidfd_send_signal_raw(pidfd, s);  // gone: the loop reaps it next
            }
        }
        if (fds[2].fd >= 0 && (fds[2].revents & (POLLIN | POLLHUP)))
            if (!pump(STDIN_FILENO, pty_master)) stdin_open = false;
        if (fds[3].fd >= 0 && (fds[3].revents & (POLLIN | POLLHUP))) pump(pty_master, STDOUT_FILENO);
    }
    // Drain what the container wrote before it exited.
    if (pty_master >= 0)
        while (pump(pty_master, STDOUT_FILENO)) {
            pollfd p{pty_master, POLLIN, 0};
            if (::poll(&p, 1, 0) <= 0) break;
        }
    return exit_code(status);
}

void become_subreaper() {
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) sys::throw_errno("prctl(PR_SET_CHILD_SUBREAPER)");
}

}  // namespace islet::runtime
