#include "sys/dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "sys/error.hpp"
#include "sys/fd.hpp"
#include "sys/syscalls.hpp"

namespace islet::sys {
namespace {

constexpr int kMaxDepth = 32;

// Reads and closes a DIR stream over fd (which it owns from here on).
std::vector<DirEntry> read_entries(int fd, const std::string& what) {
    DIR* d = ::fdopendir(fd);
    if (!d) {
        const int err = errno;
        ::close(fd);
        throw_errno_code(err, "opendir", what);
    }
    std::vector<DirEntry> out;
    while (dirent* e = ::readdir(d))
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
            out.push_back({e->d_name, e->d_type});
    ::closedir(d);
    return out;
}

void remove_tree_at(int dirfd, const std::string& name, int depth) {
    if (::unlinkat(dirfd, name.c_str(), 0) == 0 || errno == ENOENT) return;
    if (errno != EISDIR && errno != EPERM) throw_errno("remove", name);
    if (depth > kMaxDepth) throw Error("remove " + name + ": nested too deep");
    {
        UniqueFd dir = open_at(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        for (auto& e : list_dir(dir.get(), name)) remove_tree_at(dir.get(), e.name, depth + 1);
    }
    if (::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT) throw_errno("remove", name);
}

}  // namespace

std::vector<DirEntry> list_dir(int dirfd, const std::string& what) {
    const int fd = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw_errno("open", what);
    return read_entries(fd, what);
}

std::optional<std::vector<DirEntry>> try_list_dir(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    try {
        return read_entries(fd, path);
    } catch (const Error&) {
        return std::nullopt;
    }
}

void remove_tree(int dirfd, const std::string& name) { remove_tree_at(dirfd, name, 0); }

}  // namespace islet::sys
