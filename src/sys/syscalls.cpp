#include "sys/syscalls.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "sys/dir.hpp"
#include "sys/error.hpp"
#include "sys/retry.hpp"
#include "sys/sanitizer.hpp"
#include "sys/strings.hpp"

namespace islet::sys {

UniqueFd open_at(int dirfd, const std::string& path, int flags, mode_t mode) {
    const int fd = retry_eintr([&] { return ::openat(dirfd, path.c_str(), flags | O_CLOEXEC, mode); });
    if (fd < 0) throw_errno("open", path);
    return UniqueFd(fd);
}

UniqueFd open_at_if_exists(int dirfd, const std::string& path, int flags, mode_t mode) {
    const int fd = retry_eintr([&] { return ::openat(dirfd, path.c_str(), flags | O_CLOEXEC, mode); });
    if (fd < 0) {
        if (errno == ENOENT) return UniqueFd();
        throw_errno("open", path);
    }
    return UniqueFd(fd);
}

int openat2_raw(int dirfd, const std::string& path, std::uint64_t flags, std::uint64_t mode, std::uint64_t resolve) {
    open_how how{};
    how.flags = flags | O_CLOEXEC;
    how.mode = mode;
    how.resolve = resolve;
    long r = ::syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof how);
    return r < 0 ? -errno : static_cast<int>(r);
}

std::string read_all(int fd) {
    std::string out;
    char buf[8192];
    for (;;) {
        const ssize_t n = retry_eintr([&] { return ::read(fd, buf, sizeof buf); });
        if (n < 0) throw_errno("read", fd_target(fd));
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

void write_all(int fd, std::string_view data, const std::string& what) {
    while (!data.empty()) {
        const ssize_t n = retry_eintr([&] { return ::write(fd, data.data(), data.size()); });
        if (n < 0) throw_errno("write", what);
        data.remove_prefix(static_cast<size_t>(n));
    }
}

std::string read_file(const std::string& path) {
    UniqueFd fd = open_path(path, O_RDONLY);
    return read_all(fd.get());
}

std::optional<std::string> read_file_if_exists(const std::string& path) {
    UniqueFd fd = open_at_if_exists(AT_FDCWD, path, O_RDONLY);
    if (!fd) return std::nullopt;
    return read_all(fd.get());
}

void write_file(const std::string& path, std::string_view data, int flags) {
    UniqueFd fd = open_path(path, flags);
    write_all(fd.get(), data, path);
}

bool mkdir_all(const std::string& path, mode_t mode) {
    if (path.empty()) return false;
    if (::mkdir(path.c_str(), mode) == 0) return true;
    if (errno == EEXIST) return false;
    if (errno != ENOENT) throw_errno("mkdir", path);
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos || slash == 0) throw_errno("mkdir", path);
    mkdir_all(path.substr(0, slash), mode);
    if (::mkdir(path.c_str(), mode) == 0) return true;
    if (errno == EEXIST) return false;
    throw_errno("mkdir", path);
}

struct stat fstat_fd(int fd, const std::string& what) {
    struct stat st {};
    if (::fstat(fd, &st) < 0) throw_errno("stat", what);
    return st;
}

UniqueFd pidfd_open(pid_t pid) {
    int fd = pidfd_open_raw(pid);
    if (fd < 0) throw_errno_code(-fd, "pidfd_open", std::to_string(pid));
    return UniqueFd(fd);
}

int pidfd_open_raw(pid_t pid) {
    long r = ::syscall(SYS_pidfd_open, pid, 0);
    return r < 0 ? -errno : static_cast<int>(r);
}

int pidfd_send_signal_raw(int pidfd, int sig) {
    long r = ::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0);
    return r < 0 ? -errno : 0;
}

int reap(pid_t pid) {
    int status = 0;
    if (retry_eintr([&] { return ::waitpid(pid, &status, 0); }) < 0) return -1;
    return status;
}

UniqueFd open_tree(int dirfd, const std::string& path, unsigned flags) {
    long r = ::syscall(SYS_open_tree, dirfd, path.c_str(), flags | OPEN_TREE_CLOEXEC);
    if (r < 0) throw_errno("open_tree", path.empty() ? fd_target(dirfd) : path);
    return UniqueFd(static_cast<int>(r));
}

void move_mount(int from_dfd, const std::string& from_path, int to_dfd, const std::string& to_path, unsigned flags,
                const std::string& what) {
    if (::syscall(SYS_move_mount, from_dfd, from_path.c_str(), to_dfd, to_path.c_str(), flags) < 0)
        throw_errno("move_mount", what);
}

void mount_setattr(int dirfd, const std::string& path, unsigned flags, const mount_attr& attr,
                   const std::string& what) {
    mount_attr a = attr;
    if (::syscall(SYS_mount_setattr, dirfd, path.c_str(), flags, &a, sizeof a) < 0) throw_errno("mount_setattr", what);
}

UniqueFd fsopen(const std::string& fstype) {
    long r = ::syscall(SYS_fsopen, fstype.c_str(), FSOPEN_CLOEXEC);
    if (r < 0) throw_errno("fsopen", fstype);
    return UniqueFd(static_cast<int>(r));
}

int fsconfig_raw(int fsfd, unsigned cmd, const char* key, const void* value, int aux) {
    long r = ::syscall(SYS_fsconfig, fsfd, cmd, key, value, aux);
    return r < 0 ? -errno : 0;
}

UniqueFd fsmount(int fsfd, unsigned attr_flags, const std::string& what) {
    long r = ::syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, attr_flags);
    if (r < 0) throw_errno("fsmount", what);
    return UniqueFd(static_cast<int>(r));
}

std::string fs_context_log(int fsfd) {
    std::string out;
    char buf[512];
    for (int i = 0; i < 8; ++i) {
        ssize_t n = ::read(fsfd, buf, sizeof buf - 1);
        if (n <= 0) break;
        std::string line(buf, static_cast<size_t>(n));
        if (line.size() > 2 && line[1] == ' ') line = line.substr(2);
        out += (out.empty() ? "" : "; ") + std::string(trim(line));
    }
    return out;
}

namespace {
// The fds open in this process, from /proc/self/fd (fallback for close_range).
// The listing's own descriptor is among them and closed again by the time the
// caller acts on the list: closing it then fails with EBADF, which is harmless.
std::vector<int> open_fds(int first_fd) {
    std::vector<int> fds;
    UniqueFd dir = open_path("/proc/self/fd", O_RDONLY | O_DIRECTORY);
    for (auto& e : list_dir(dir.get(), "/proc/self/fd")) {
        auto n = parse_int(e.name);
        if (n && *n >= first_fd && *n != dir.get()) fds.push_back(static_cast<int>(*n));
    }
    return fds;
}
}  // namespace

void cloexec_from(int first_fd) {
    if (::syscall(SYS_close_range, first_fd, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
    for (int fd : open_fds(first_fd)) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

void close_from(int first_fd) {
    if (::syscall(SYS_close_range, first_fd, ~0U, 0) == 0) return;
    for (int fd : open_fds(first_fd)) ::close(fd);
}

void close_all_except(int first_fd, std::vector<int> keep) {
    const std::vector<int>& reports = sanitizer::child_report_fds();
    keep.insert(keep.end(), reports.begin(), reports.end());
    std::sort(keep.begin(), keep.end());
    int next = first_fd;
    for (int fd : keep) {
        if (fd < next) continue;
        if (fd > next && ::syscall(SYS_close_range, next, fd - 1, 0) < 0)
            for (int f : open_fds(next))
                if (f < fd) ::close(f);
        next = fd + 1;
    }
    close_from(next);
}

std::pair<UniqueFd, UniqueFd> seqpacket_pair() {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) throw_errno("socketpair");
    return {UniqueFd(sv[0]), UniqueFd(sv[1])};
}

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

std::string fd_target(int fd) {
    char buf[4096];
    ssize_t n = ::readlink(fd_path(fd).c_str(), buf, sizeof buf - 1);
    if (n < 0) return "fd " + std::to_string(fd);
    return std::string(buf, static_cast<size_t>(n));
}

}  // namespace islet::sys
