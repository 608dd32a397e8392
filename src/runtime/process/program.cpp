// Applies: process.args, process.env, process.cwd
#include "runtime/process/program.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstring>

#include "sys/error.hpp"
#include "sys/path.hpp"
#include "sys/retry.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::init {
namespace {

std::string env_value(const std::vector<std::string>& env, const std::string& name) {
    // The last definition wins, as getenv sees it after exec.
    std::string out;
    bool found = false;
    for (auto& e : env)
        if (sys::starts_with(e, name + "=")) {
            out = e.substr(name.size() + 1);
            found = true;
        }
    return found ? out : std::string();
}

// Go's findExecutable: stat, then "not a directory and some x bit".
int find_executable(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) < 0) return errno;
    if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111)) return EACCES;
    // As the process's own credentials (noexec mounts, ACLs).
    if (::faccessat(AT_FDCWD, path.c_str(), X_OK, AT_EACCESS) < 0) return errno;
    return 0;
}

std::string exec_error(const std::string& arg0, const std::string& detail) {
    return "exec: \"" + arg0 + "\": " + detail;
}

}  // namespace

void create_cwd(InitContext& ctx) {
    if (!ctx.process || ctx.process->cwd.empty()) return;
    sys::mkdir_in_root(ctx.rootfd.get(), ctx.process->cwd, sys::CreateLast::directory, 0755);
}

void ensure_home(std::vector<std::string>& env, uid_t uid) {
    for (auto& e : env)
        if (sys::starts_with(e, "HOME=")) return;
    std::string home = "/";
    // The container's /etc/passwd is container-controlled: opened without
    // blocking (a FIFO would hang the init), regular files only, bounded
    // read, no symlinks, plain parsing.
    int fd = ::open("/etc/passwd", O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd >= 0) {
        sys::UniqueFd f(fd);
        struct stat st = sys::fstat_fd(fd, "/etc/passwd");
        if (!S_ISREG(st.st_mode)) throw sys::Error("/etc/passwd in the container is not a regular file");
        if (st.st_size < (4 << 20)) {
            // The first line for the uid, as getpwuid(3) reads it.
            auto e = sys::id_file_entry(sys::read_all(fd), uid);
            if (e && e->size() >= 7 && !(*e)[5].empty()) home = (*e)[5];
        }
    }
    env.push_back("HOME=" + home);
}

std::string resolve_program(const std::string& arg0, const std::vector<std::string>& env) {
    if (arg0.find('/') != std::string::npos) {
        int err = find_executable(arg0);
        if (err == 0) return arg0;
        if (err == EACCES) throw sys::Error(exec_error(arg0, "permission denied"), err);
        throw sys::Error(exec_error(arg0, sys::describe_errno("stat", arg0, err)), err);
    }
    std::string path = env_value(env, "PATH");
    if (!path.empty()) {
        for (auto& dir : sys::split(path, ':')) {
            std::string candidate = (dir.empty() ? "." : dir) + "/" + arg0;
            if (find_executable(candidate) == 0) return candidate;
        }
    }
    throw sys::Error(exec_error(arg0, "executable file not found in $PATH"), ENOENT);
}

bool enter_cwd_privileged(const std::string& cwd) {
    if (::chdir(cwd.c_str()) == 0) return true;
    if (errno == EACCES || errno == EPERM) return false;
    sys::throw_errno("chdir to cwd", cwd);
}

void enter_cwd(const std::string& cwd, bool entered) {
    if (!entered && ::chdir(cwd.c_str()) < 0) sys::throw_errno("chdir to cwd", cwd);
    char buf[PATH_MAX];
    // getcwd fails (ENOENT) or reports "(unreachable)" when the directory is
    // outside our root, e.g. reached through a leaked fd.
    if (!::getcwd(buf, sizeof buf) || buf[0] != '/')
        throw sys::Error(
            "current working directory is outside of container mount namespace root -- possible "
            "container breakout detected");
}

sys::UniqueFd wait_for_start(InitContext& ctx) {
    // The init holds only an O_PATH fd to the fifo; it reopens it for writing
    // through the task view of its own procfs (init_context.hpp), not
    // through anything in the rootfs. open() blocks until `start` opens the
    // other end. The seccomp filter is in place: openat and write only.
    const std::string rel = "self/fd/" + std::to_string(ctx.fds.fifo.get());
    sys::UniqueFd f(sys::retry_eintr([&] { return ::openat(ctx.task_proc.get(), rel.c_str(), O_WRONLY | O_CLOEXEC); }));
    if (!f) sys::throw_errno("open exec fifo");
    ctx.task_proc.reset();
    ctx.fds.fifo.reset();
    sys::write_all(f.get(), "0", "exec fifo");
    return f;
}

void exec_process(int stub_fd, int preserved_fds, const std::string& path, const std::vector<std::string>& args,
                  const std::vector<std::string>& env) {
    std::vector<const char*> argv;
    argv.reserve(args.size() + 3);
    if (stub_fd >= 0) {
        argv.push_back("islet-exec");
        argv.push_back(path.c_str());
    }
    for (auto& a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    std::vector<const char*> envp;
    envp.reserve(env.size() + 1);
    for (auto& e : env) envp.push_back(e.c_str());
    envp.push_back(nullptr);

    // No host fd reaches the container (CVE-2024-21626): everything above the
    // preserved range is close-on-exec (the stub fd too: execveat of an ELF
    // file works with it), and the preserved ones are not.
    sys::cloexec_from(3 + preserved_fds);
    for (int fd = 3; fd < 3 + preserved_fds; ++fd) ::fcntl(fd, F_SETFD, 0);
    for (int fd = 0; fd < 3; ++fd) ::fcntl(fd, F_SETFD, 0);

    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; ++s)
        if (s != SIGKILL && s != SIGSTOP) ::sigaction(s, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);

    if (stub_fd >= 0)
        ::syscall(SYS_execveat, stub_fd, "", const_cast<char* const*>(argv.data()),
                  const_cast<char* const*>(envp.data()), AT_EMPTY_PATH);
    else
        ::execve(path.c_str(), const_cast<char* const*>(argv.data()), const_cast<char* const*>(envp.data()));
    int err = errno;
    std::string msg = "islet: exec " + path + ": " + std::strerror(err) + "\n";
    (void)!::write(STDERR_FILENO, msg.data(), msg.size());
    ::_exit(err == ENOENT ? 127 : 126);
}

}  // namespace islet::runtime::init
