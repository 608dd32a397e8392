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
constexpr size_t kMaxOutput = size_t{64} * 1024;

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

// A running hook: its pid (and a pidfd, when the kernel gives one), the write
// end of its stdin and the read ends of its stdout and stderr.
struct Spawned {
    pid_t pid = 0;
    sys::UniqueFd pidfd;
    sys::UniqueFd in, out, err;
};

// What the hook wrote and how it ended.
struct Outcome {
    std::string out, err;
    bool timed_out = false;
    int status = 0;
};

// fork + execve with the hook's args and only its env, stdio on pipes.
Spawned spawn(const spec::Hook& hook, const std::string& label) {
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
    Spawned s;
    s.pid = pid;
    // A failed pidfd_open leaves a negative number: poll skips it, and the
    // loop ends on the pipes' EOF instead.
    s.pidfd.reset(sys::pidfd_open_raw(pid));
    s.in = std::move(in.w);
    s.out = std::move(out.r);
    s.err = std::move(err.r);
    return s;
}

// Writes what the pipe takes of `pending`. A hook that exits without reading
// closes the pipe: the write fails with EPIPE and raises SIGPIPE, which would
// kill islet (exit 141), so SIGPIPE is blocked for the write and a pending
// one dropped; the rest of the state is then dropped too.
void feed_stdin(int fd, std::string_view& pending) {
    sigset_t pipe_sig, old_mask;
    sigemptyset(&pipe_sig);
    sigaddset(&pipe_sig, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_sig, &old_mask);
    const ssize_t w = ::write(fd, pending.data(), pending.size());
    const int write_err = errno;
    if (w < 0 && write_err == EPIPE) {
        const timespec zero{};
        ::sigtimedwait(&pipe_sig, nullptr, &zero);
    }
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    if (w > 0)
        pending.remove_prefix(static_cast<size_t>(w));
    else if (w < 0 && write_err != EAGAIN)
        pending = {};
}

// Reads what is there into dst (bounded); false on EOF.
bool drain(int fd, std::string& dst) {
    char buf[4096];
    const ssize_t r = ::read(fd, buf, sizeof buf);
    if (r > 0 && dst.size() < kMaxOutput) dst.append(buf, static_cast<size_t>(r));
    return r != 0;
}

// Feeds the state to the hook's stdin and collects its output until it exits
// (or its timeout passes: then it is killed), then reaps it.
Outcome pump(Spawned& s, const spec::Hook& hook, const std::string& state_json, const std::string& label) {
    Outcome o;
    ::fcntl(s.in.get(), F_SETFL, O_NONBLOCK);  // the state goes in whole, or as far as the hook reads
    std::string_view pending = state_json;
    const long deadline = hook.timeout ? now_ms() + *hook.timeout * 1000 : -1;
    for (;;) {
        if (pending.empty()) s.in.reset();
        pollfd fds[4] = {
            {s.pidfd.get(), POLLIN, 0}, {s.out.get(), POLLIN, 0}, {s.err.get(), POLLIN, 0}, {s.in.get(), POLLOUT, 0}};
        const int wait = deadline < 0 ? -1 : static_cast<int>(std::max(0L, deadline - now_ms()));
        const int n = ::poll(fds, 4, wait);
        if (n < 0 && errno != EINTR) sys::throw_errno(label + ": poll");
        if (n == 0) {
            o.timed_out = true;
            ::kill(s.pid, SIGKILL);
            break;
        }
        if (fds[1].fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP)) && !drain(s.out.get(), o.out)) s.out.reset();
        if (fds[2].fd >= 0 && (fds[2].revents & (POLLIN | POLLHUP)) && !drain(s.err.get(), o.err)) s.err.reset();
        if (fds[3].fd >= 0 && (fds[3].revents & (POLLOUT | POLLERR))) feed_stdin(s.in.get(), pending);
        if (fds[0].revents & POLLIN) break;  // the hook exited
        if (!s.pidfd && !s.out && !s.err) break;
    }
    o.status = sys::reap(s.pid);
    // What is left in the pipes (the hook may have exited with output still
    // buffered).
    for (auto [fd, dst] : {std::pair{&s.out, &o.out}, std::pair{&s.err, &o.err}}) {
        if (!*fd) continue;
        ::fcntl(fd->get(), F_SETFL, O_NONBLOCK);
        char buf[4096];
        ssize_t r;
        while ((r = ::read(fd->get(), buf, sizeof buf)) > 0 && dst->size() < kMaxOutput)
            dst->append(buf, static_cast<size_t>(r));
    }
    return o;
}

// Why a hook failed ("exit status 3", "signal: Killed", "timeout after 2s"),
// or empty when it succeeded.
std::string describe(const Outcome& o, const spec::Hook& hook) {
    if (o.timed_out) return "timeout after " + std::to_string(*hook.timeout) + "s";
    if (WIFEXITED(o.status) && WEXITSTATUS(o.status) != 0)
        return "exit status " + std::to_string(WEXITSTATUS(o.status));
    if (WIFSIGNALED(o.status)) return std::string("signal: ") + ::strsignal(WTERMSIG(o.status));
    return {};
}

}  // namespace

void run_hook(const spec::Hook& hook, const std::string& phase, size_t index, const std::string& state_json) {
    const std::string label = "error running " + phase + " hook #" + std::to_string(index);
    Spawned s = spawn(hook, label);
    const Outcome o = pump(s, hook, state_json, label);
    const std::string why = describe(o, hook);
    if (why.empty()) return;
    // runc's words ("error running hook: exit status 3, stdout: ..., stderr:
    // ..."), after islet's label that names the phase.
    throw sys::Error(label + ": error running hook: " + why + ", stdout: " + trim_output(o.out) +
                     ", stderr: " + trim_output(o.err));
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
