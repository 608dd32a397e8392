// Applies: mounts[].options "tmpcopyup"
#include "runtime/fs/tmpcopyup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "sys/dir.hpp"
#include "sys/error.hpp"
#include "sys/fd.hpp"
#include "sys/log.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::init {
namespace {

// Deeper trees than this are refused rather than exhausting fds or stack.
constexpr int kMaxDepth = 128;

// Extended attributes of an open file or directory. A name the tmpfs refuses
// (trusted.* without CAP_SYS_ADMIN in the host, a namespace tmpfs lacks) is
// left out with a debug line, as a copy tool would: the copy still holds
// everything the container may see.
void copy_xattrs(int from, int to, const std::string& path) {
    ssize_t n = ::flistxattr(from, nullptr, 0);
    if (n <= 0) return;  // none, or not supported by the image's filesystem
    std::vector<char> names(static_cast<std::size_t>(n));
    n = ::flistxattr(from, names.data(), names.size());
    if (n < 0) sys::throw_errno("list extended attributes of", path);
    for (const char* name = names.data(); name < names.data() + n; name += std::strlen(name) + 1) {
        ssize_t len = ::fgetxattr(from, name, nullptr, 0);
        if (len < 0) sys::throw_errno(std::string("read extended attribute ") + name + " of", path);
        std::vector<char> value(static_cast<std::size_t>(len));
        len = ::fgetxattr(from, name, value.data(), value.size());
        if (len < 0) sys::throw_errno(std::string("read extended attribute ") + name + " of", path);
        if (::fsetxattr(to, name, value.data(), static_cast<std::size_t>(len), 0) < 0) {
            if (errno != EPERM && errno != EOPNOTSUPP)
                sys::throw_errno(std::string("set extended attribute ") + name + " on", path);
            log::debug("tmpcopyup: " + path + ": extended attribute " + name + " left out: " + std::strerror(errno));
        }
    }
}

// Owner first: chown clears the set-id bits that the mode then restores.
void copy_owner_mode(int to, const struct stat& st, const std::string& path) {
    if (::fchown(to, st.st_uid, st.st_gid) < 0) sys::throw_errno("chown", path);
    if (::fchmod(to, st.st_mode & 07777) < 0) sys::throw_errno("chmod", path);
}

void copy_bytes(int from, int to, const std::string& path) {
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(from, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) sys::throw_errno("read", path);
        if (n == 0) return;
        sys::write_all(to, std::string_view(buf, static_cast<std::size_t>(n)), path);
    }
}

void copy_file(int from_dir, int to_dir, const std::string& name, const struct stat& st, const std::string& path) {
    sys::UniqueFd from = sys::open_at(from_dir, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY);
    sys::UniqueFd to = sys::open_at(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
    copy_bytes(from.get(), to.get(), path);
    copy_owner_mode(to.get(), st, path);
    copy_xattrs(from.get(), to.get(), path);
}

void copy_symlink(int from_dir, int to_dir, const std::string& name, const struct stat& st, const std::string& path) {
    std::vector<char> target(static_cast<std::size_t>(st.st_size) + 1);
    ssize_t n = ::readlinkat(from_dir, name.c_str(), target.data(), target.size());
    if (n < 0) sys::throw_errno("readlink", path);
    if (static_cast<std::size_t>(n) >= target.size())
        throw sys::Error("readlink " + path + ": the link changed while copied");
    target[static_cast<std::size_t>(n)] = '\0';
    if (::symlinkat(target.data(), to_dir, name.c_str()) < 0) sys::throw_errno("symlink", path);
    if (::fchownat(to_dir, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        sys::throw_errno("chown", path);
}

void copy_node(int to_dir, const std::string& name, const struct stat& st, const std::string& path) {
    if (::mknodat(to_dir, name.c_str(), st.st_mode & (S_IFMT | 0777), st.st_rdev) < 0) sys::throw_errno("mknod", path);
    if (::fchownat(to_dir, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        sys::throw_errno("chown", path);
    if (::fchmodat(to_dir, name.c_str(), st.st_mode & 07777, 0) < 0) sys::throw_errno("chmod", path);
}

void copy_tree(int from_dir, int to_dir, const std::string& path, int depth) {
    if (depth > kMaxDepth)
        throw sys::Error(path + ": nested deeper than " + std::to_string(kMaxDepth) + " directories");
    for (const auto& e : sys::list_dir(from_dir, path)) {
        const std::string p = path + "/" + e.name;
        struct stat st {};
        if (::fstatat(from_dir, e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) sys::throw_errno("stat", p);
        switch (st.st_mode & S_IFMT) {
            case S_IFDIR: {
                sys::UniqueFd from = sys::open_at(from_dir, e.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
                if (::mkdirat(to_dir, e.name.c_str(), 0700) < 0) sys::throw_errno("mkdir", p);
                sys::UniqueFd to = sys::open_at(to_dir, e.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
                copy_tree(from.get(), to.get(), p, depth + 1);
                copy_owner_mode(to.get(), st, p);
                copy_xattrs(from.get(), to.get(), p);
                break;
            }
            case S_IFREG: copy_file(from_dir, to_dir, e.name, st, p); break;
            case S_IFLNK: copy_symlink(from_dir, to_dir, e.name, st, p); break;
            case S_IFCHR:
            case S_IFBLK:
            case S_IFIFO: copy_node(to_dir, e.name, st, p); break;
            default: log::debug("tmpcopyup: " + p + ": a socket is not copied"); break;
        }
    }
}

}  // namespace

void copy_up(int from_dir, int to_dir, const std::string& what) {
    sys::with_context(what + " (tmpcopyup)", [&] {
        sys::UniqueFd from = sys::open_at(from_dir, ".", O_RDONLY | O_DIRECTORY);
        sys::UniqueFd to = sys::open_at(to_dir, ".", O_RDONLY | O_DIRECTORY);
        copy_tree(from.get(), to.get(), "", 0);
        // runc keeps the covered directory's mode on the tmpfs (a read-only
        // image's /tmp stays 1777).
        struct stat st = sys::fstat_fd(from.get(), what);
        if (::fchmod(to.get(), st.st_mode & 07777) < 0) sys::throw_errno("chmod", "/");
    });
}

}  // namespace islet::runtime::init
