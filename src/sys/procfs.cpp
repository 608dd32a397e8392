#include "sys/procfs.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "sys/error.hpp"
#include "sys/fs_context.hpp"
#include "sys/retry.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::sys {
namespace {

bool is_procfs(int fd) {
    struct statfs st {};
    return ::fstatfs(fd, &st) == 0 && st.f_type == PROC_SUPER_MAGIC;
}

[[noreturn]] void not_procfs(const std::string& rel) {
    throw Error("/proc/" + rel + " is not procfs (another mount covers it)", EXDEV);
}

std::optional<std::uint64_t> mount_id(int fd) {
    struct statx sx {};
    if (::statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID)) return std::nullopt;
    return sx.stx_mnt_id;
}

// Without openat2: one component at a time, never following a symlink, and
// staying on proc_fd's mount (same mount id).
UniqueFd walk(int proc_fd, const std::string& rel, int flags) {
    auto want = mount_id(proc_fd);
    if (!want)
        throw Error("cannot verify /proc/" + rel + ": neither openat2 nor statx mount ids are available", ENOSYS);
    const auto parts = split(rel, '/');
    UniqueFd cur;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (parts[i].empty() || parts[i] == "." || parts[i] == "..")
            throw Error("/proc/" + rel + ": invalid path component", EINVAL);
        const bool last = i + 1 == parts.size();
        const int dir = cur ? cur.get() : proc_fd;
        int fd = ::openat(dir, parts[i].c_str(), (last ? flags : O_PATH | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) throw_errno("open", "/proc/" + rel);
        cur.reset(fd);
        if (mount_id(cur.get()) != want) not_procfs(rel);
    }
    return cur;
}

}  // namespace

void require_procfs(int fd, const std::string& what) {
    if (!is_procfs(fd)) throw Error(what + " is not procfs", EXDEV);
}

UniqueFd open_procfs_file(int proc_fd, const std::string& rel, int flags) {
    require_procfs(proc_fd, "/proc");
    const std::uint64_t resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
    int fd;
    do {
        fd = openat2_raw(proc_fd, rel, static_cast<std::uint64_t>(flags), 0, resolve);
    } while (fd == -EAGAIN || fd == -EINTR);
    UniqueFd out;
    if (fd == -ENOSYS)
        out = walk(proc_fd, rel, flags);
    else if (fd == -EXDEV)
        not_procfs(rel);
    else if (fd < 0)
        throw_errno_code(-fd, "open", "/proc/" + rel);
    else
        out.reset(fd);
    if (!is_procfs(out.get())) not_procfs(rel);
    return out;
}

void write_procfs_file(int proc_fd, const std::string& rel, std::string_view data) {
    UniqueFd f = open_procfs_file(proc_fd, rel, O_WRONLY);
    const ssize_t n = retry_eintr([&] { return ::write(f.get(), data.data(), data.size()); });
    if (n < 0) throw_errno("write", "/proc/" + rel);
    if (static_cast<size_t>(n) != data.size()) throw Error("short write to /proc/" + rel, EIO);
}

std::string proc_thread_self(int proc_fd) {
    require_procfs(proc_fd, "/proc");
    char buf[64];
    ssize_t n = ::readlinkat(proc_fd, "thread-self", buf, sizeof buf - 1);
    if (n < 0) throw_errno("readlink", "/proc/thread-self");
    std::string link(buf, static_cast<size_t>(n));
    const auto parts = split(link, '/');
    if (parts.size() != 3 || parts[1] != "task" || !parse_uint(parts[0]) || !parse_uint(parts[2]))
        throw Error("/proc/thread-self points to \"" + link + "\", not <pid>/task/<tid>");
    return link;
}

UniqueFd new_procfs(bool tasks_only, int pidns_fd) {
    try {
        FsContext fs("proc", tasks_only ? "procfs (subset=pid)" : "procfs");
        if (tasks_only) fs.set_string("subset", "pid");
        if (pidns_fd >= 0) fs.set_fd("pidns", pidns_fd, "set its pid namespace");
        fs.create();
        return fs.mount(MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    } catch (const Error&) {
        return {};
    }
}

UniqueFd own_task_procfs() {
    if (UniqueFd fresh = new_procfs(true)) return fresh;
    UniqueFd mounted = open_path("/proc", O_PATH | O_DIRECTORY);
    require_procfs(mounted.get(), "/proc");
    return mounted;
}

bool procfs_takes_pidns() {
    static const bool takes = [] {
        try {
            UniqueFd own = open_path("/proc/self/ns/pid", O_RDONLY);
            FsContext fs("proc", "procfs (pidns probe)");
            fs.set_fd("pidns", own.get(), "set its pid namespace");
            return true;
        } catch (const Error&) {
            return false;  // EINVAL: an unknown option before Linux 6.18
        }
    }();
    return takes;
}

}  // namespace islet::sys
