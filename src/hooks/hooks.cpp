#include "hooks/hooks.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

#include "sys/error.hpp"
#include "sys/syscalls.hpp"

namespace islet::hooks {
namespace {

// Output kept for the error message: enough to diagnose, bounded.
constexpr size_t kMaxOutput = 64 * 1024;

struct Pipe {
    sys::UniqueFd r, w;
};

Pipe make_pipe() {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) sys::throw_errno("pipe");
    return {sys::UniqueFd(p[0]), sys::UniqueFd(p[1])};
}

long now_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

std::string trim_output(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

}  // namespace

void run_hook(const spec::Hook& hook, const std::string& phase, size_t index, const std::string& state_json) {
    const std::string label = "error running " + phase + " hook #" + std::to_string(index);
    Pipe in = make_pipe(), out = make_pipe(), err = make_pipe();
    std::vector<std::string> args = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
    std::vector<const char*> argv, envp;
    for (auto& a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    for (auto& e : hook.env) envp.push_back(e.c_str());
    envp.push_back(nullptr);

    pid_t pid = ::fork();
    if (pid < 0) sys::throw_errno(label + ": fork");
    if (pid == 0) {
        ::dup2(in.r.get(), 0);
        ::dup2(out.w.get(), 1);
        ::dup2(err.w.get(), 2);
        sys::close_from(3);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execve(hook.path.c_str(), const_cast<char* const*>(argv.data()), const_cast<char* const*>(envp.data()));
        std::string msg = std::string("exec ") + hook.path + ": " + std::strerror(errno);
        (void)!::write(2, msg.data(), msg.size());
        ::_exit(127);
    }
    in.r.reset();
    out.w.reset();
    err.w.reset();
    sys::UniqueFd pidfd(sys::pidfd_open_raw(pid));
    // The state goes in whole; a hook that does not read it gets EPIPE
    // semantics without a SIGPIPE here.
    ::fcntl(in.w.get(), F_SETFL, O_NONBLOCK);
    std::string_view pending = state_json;
    std::string out_text, err_text;
    const long deadline = hook.timeout ? now_ms() + *hook.timeout * 1000 : -1;
    bool timed_out = false;
    for (;;) {
        pollfd fds[4] = {{pidfd.get(), POLLIN, 0}, {out.r.get(), POLLIN, 0}, {err.r.get(), POLLIN, 0},
                         {pending.empty() ? -1 : in.w.get(), POLLOUT, 0}};
        if (pending.empty()) in.w.reset();
        int wait = deadline < 0 ? -1 : static_cast<int>(std::max(0L, deadline - now_ms()));
        int n = ::poll(fds, 4, wait);
        if (n < 0 && errno != EINTR) sys::throw_errno(label + ": poll");
        if (n == 0) {
            timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        for (int i = 1; i <= 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
            char buf[4096];
            ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
            std::string& dst = i == 1 ? out_text : err_text;
            if (r > 0 && dst.size() < kMaxOutput) dst.append(buf, static_cast<size_t>(r));
            if (r == 0) (i == 1 ? out : err).r.reset();
        }
        if (fds[3].fd >= 0 && (fds[3].revents & (POLLOUT | POLLERR))) {
            // A hook that exits without reading closes the pipe: the write
            // fails with EPIPE and raises SIGPIPE, which would kill islet
            // (exit 141). Block it for the write and drop a pending one.
            sigset_t pipe_sig, old_mask;
            sigemptyset(&pipe_sig);
            sigaddset(&pipe_sig, SIGPIPE);
            ::pthread_sigmask(SIG_BLOCK, &pipe_sig, &old_mask);
            ssize_t w = ::write(in.w.get(), pending.data(), pending.size());
            const int write_err = errno;
            if (w < 0 && write_err == EPIPE) {
                const timespec zero{};
                ::sigtimedwait(&pipe_sig, nullptr, &zero);
            }
            ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
            errno = write_err;
            if (w > 0)
                pending.remove_prefix(static_cast<size_t>(w));
            else if (w < 0 && errno != EAGAIN)
                pending = {};
        }
        if (fds[0].revents & POLLIN) break;  // the hook exited
        if (pidfd.get() < 0 && !out.r && !err.r) break;
    }
    const int status = sys::reap(pid);
    // Collect what is left in the pipes (the hook may have exited with
    // output still buffered).
    for (auto* p : {&out, &err}) {
        if (!p->r) continue;
        ::fcntl(p->r.get(), F_SETFL, O_NONBLOCK);
        char buf[4096];
        ssize_t r;
        std::string& dst = p == &out ? out_text : err_text;
        while ((r = ::read(p->r.get(), buf, sizeof buf)) > 0 && dst.size() < kMaxOutput)
            dst.append(buf, static_cast<size_t>(r));
    }
    std::string why;
    if (timed_out)
        why = "timeout after " + std::to_string(*hook.timeout) + "s";
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        why = "exit status " + std::to_string(WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        why = std::string("signal: ") + ::strsignal(WTERMSIG(status));
    if (why.empty()) return;
    throw sys::Error(label + ": " + why + ", stdout: " + trim_output(out_text) + ", stderr: " + trim_output(err_text));
}

void run_phase(const std::vector<spec::Hook>& hooks, const std::string& phase, const std::string& state_json) {
    for (size_t i = 0; i < hooks.size(); ++i) run_hook(hooks[i], phase, i, state_json);
}

std::vector<std::string> run_phase_collecting(const std::vector<spec::Hook>& hooks, const std::string& phase,
                                              const std::string& state_json) {
    std::vector<std::string> failures;
    for (size_t i = 0; i < hooks.size(); ++i) {
        try {
            run_hook(hooks[i], phase, i, state_json);
        } catch (const sys::Error& e) {
            failures.push_back(e.message());
        }
    }
    return failures;
}

}  // namespace islet::hooks
