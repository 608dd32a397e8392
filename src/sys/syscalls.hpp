// Thin syscall wrappers. Runs on both sides.
//
// Each wrapper either returns an owned result or throws sys::Error naming the
// operation, the path and errno. Wrappers for syscalls glibc 2.36 lacks (or
// declares in headers that clash with <linux/mount.h>) call syscall(2) directly.
#pragma once

#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sys/fd.hpp"

namespace islet::sys {

// open(2)/openat(2); O_CLOEXEC is always added.
UniqueFd open_at(int dirfd, const std::string& path, int flags, mode_t mode = 0);
inline UniqueFd open_path(const std::string& path, int flags, mode_t mode = 0) {
    return open_at(AT_FDCWD, path, flags, mode);
}
// As open_at, but returns an invalid fd instead of throwing on ENOENT.
UniqueFd open_at_if_exists(int dirfd, const std::string& path, int flags, mode_t mode = 0);

// openat2(2). Returns the fd or -errno (callers decide which errors matter).
[[nodiscard]] int openat2_raw(int dirfd, const std::string& path, std::uint64_t flags, std::uint64_t mode,
                              std::uint64_t resolve);

// Whole-file helpers on an fd (EINTR-safe; short writes retried).
std::string read_all(int fd);
void write_all(int fd, std::string_view data, const std::string& what);
// Host-side helpers for trusted paths.
std::string read_file(const std::string& path);
std::optional<std::string> read_file_if_exists(const std::string& path);
void write_file(const std::string& path, std::string_view data, int flags = O_WRONLY | O_TRUNC);

// mkdir -p for trusted host paths; returns true when the last component was made.
bool mkdir_all(const std::string& path, mode_t mode);

struct stat fstat_fd(int fd, const std::string& what);

// pidfd_open(2) / pidfd_send_signal(2).
UniqueFd pidfd_open(pid_t pid);                               // throws (ESRCH included)
[[nodiscard]] int pidfd_open_raw(pid_t pid);                  // -errno on failure
[[nodiscard]] int pidfd_send_signal_raw(int pidfd, int sig);  // -errno on failure

// waitpid(pid) until it returns (EINTR retried): the wait status, or -1 with
// errno when pid is not a child of ours.
int reap(pid_t pid);

// The new mount API (Linux 5.2+; mount_setattr 5.12+).
UniqueFd open_tree(int dirfd, const std::string& path, unsigned flags);
void move_mount(int from_dfd, const std::string& from_path, int to_dfd, const std::string& to_path, unsigned flags,
                const std::string& what);
void mount_setattr(int dirfd, const std::string& path, unsigned flags, const mount_attr& attr, const std::string& what);
UniqueFd fsopen(const std::string& fstype);
[[nodiscard]] int fsconfig_raw(int fsfd, unsigned cmd, const char* key, const void* value, int aux);  // -errno
UniqueFd fsmount(int fsfd, unsigned attr_flags, const std::string& what);
// The kernel's fs_context log, lines joined by "; ": "tmpfs: Bad value for 'mode'".
std::string fs_context_log(int fsfd);

// close_range(2) with CLOSE_RANGE_CLOEXEC support; falls back to a /proc walk.
void cloexec_from(int first_fd);
void close_from(int first_fd);
// Closes every fd >= first_fd except those in keep.
void close_all_except(int first_fd, std::vector<int> keep);

// A pair of connected AF_UNIX SOCK_SEQPACKET sockets (close-on-exec).
std::pair<UniqueFd, UniqueFd> seqpacket_pair();

// "/proc/self/fd/N" for an fd; the classic way to name an fd to mount(2).
std::string fd_path(int fd);

// readlink(2) of /proc/self/fd/N: where the fd points (for messages and checks).
std::string fd_target(int fd);

}  // namespace islet::sys
