#include "sys/path.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <vector>

#include "sys/error.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::sys {
namespace {

constexpr std::uint64_t kInRoot = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
constexpr int kMaxSymlinks = 40;
// openat2 returns EAGAIN when a rename raced the lookup; runc saw a few percent
// of lookups fail that way under a rename storm, so retry a bounded number of times.
constexpr int kEagainRetries = 128;

std::deque<std::string> components(const std::string& path) {
    std::deque<std::string> out;
    for (auto& c : split(path, '/'))
        if (!c.empty() && c != ".") out.push_back(c);
    return out;
}

std::string readlink_fd(int fd) {
    char buf[4096];
    ssize_t n = ::readlinkat(fd, "", buf, sizeof buf);
    if (n < 0) throw_errno("readlink", fd_target(fd));
    return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

UniqueFd walk_in_root(int rootfd, const std::string& path, bool create, CreateLast last, mode_t mode) {
    std::vector<UniqueFd> stack;  // stack[i]: the directory after i components
    stack.push_back(open_at(rootfd, ".", O_PATH | O_DIRECTORY));
    std::deque<std::string> todo = components(path);
    int links = 0;
    UniqueFd result = open_at(rootfd, ".", O_PATH | O_DIRECTORY);
    while (!todo.empty()) {
        std::string c = todo.front();
        todo.pop_front();
        if (c == "..") {
            // Lexical parent of a directory we hold an fd to: never above the root.
            if (stack.size() > 1) stack.pop_back();
            result = open_at(stack.back().get(), ".", O_PATH | O_DIRECTORY);
            continue;
        }
        const int cur = stack.back().get();
        const bool is_last = todo.empty();
        int fd = ::openat(cur, c.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT && create) {
            if (is_last && last == CreateLast::file) {
                int f = ::openat(cur, c.c_str(), O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644 & mode);
                if (f < 0 && errno != EEXIST) throw_errno("create", c);
                if (f >= 0) ::close(f);
            } else if (::mkdirat(cur, c.c_str(), mode) < 0 && errno != EEXIST) {
                throw_errno("mkdir", c);
            }
            todo.push_front(c);  // look again: whatever is there now gets checked
            continue;
        }
        if (fd < 0) throw_errno("open", c);
        UniqueFd owned(fd);
        struct stat st = fstat_fd(fd, c);
        if (S_ISLNK(st.st_mode)) {
            if (++links > kMaxSymlinks) throw_errno_code(ELOOP, "resolve", path);
            std::string target = readlink_fd(fd);
            if (target.empty()) throw_errno_code(ENOENT, "resolve", path);
            auto more = components(target);
            todo.insert(todo.begin(), more.begin(), more.end());
            if (target.front() == '/') stack.resize(1);  // absolute: from the root
            if (todo.empty()) result = open_at(stack.back().get(), ".", O_PATH | O_DIRECTORY);
            continue;
        }
        if (!is_last && !S_ISDIR(st.st_mode)) throw_errno_code(ENOTDIR, "resolve", path);
        if (S_ISDIR(st.st_mode)) {
            stack.push_back(open_at(fd, ".", O_PATH | O_DIRECTORY));
        }
        result = std::move(owned);
    }
    return result;
}

UniqueFd open_in_root(int rootfd, const std::string& path, int flags, mode_t mode) {
    for (int i = 0; i < kEagainRetries; ++i) {
        int r = openat2_raw(rootfd, path.empty() ? "." : path, static_cast<std::uint64_t>(flags), mode, kInRoot);
        if (r >= 0) return UniqueFd(r);
        if (r == -EAGAIN) continue;
        if (r == -ENOSYS || r == -EPERM /* seccomp in a nested sandbox */) break;
        throw_errno_code(-r, "open", path);
    }
    // Fallback: walk, then reopen through the fd (never through the path).
    UniqueFd fd = walk_in_root(rootfd, path, false, CreateLast::directory, 0);
    if (flags & O_PATH) return fd;
    return open_path(fd_path(fd.get()), flags & ~O_CREAT, mode);
}

UniqueFd open_in_root_if_exists(int rootfd, const std::string& path, int flags) {
    try {
        return open_in_root(rootfd, path, flags);
    } catch (const Error& e) {
        if (e.code() == ENOENT) return UniqueFd();
        throw;
    }
}

UniqueFd mkdir_in_root(int rootfd, const std::string& path, CreateLast last, mode_t mode) {
    // Fast path: it exists already and is of the wanted kind.
    int r = -EAGAIN;
    for (int i = 0; i < kEagainRetries && r == -EAGAIN; ++i)
        r = openat2_raw(rootfd, path.empty() ? "." : path, O_PATH, 0, kInRoot);
    if (r >= 0) return UniqueFd(r);
    if (r != -ENOENT && r != -ENOSYS && r != -EPERM && r != -EAGAIN) throw_errno_code(-r, "open", path);
    return walk_in_root(rootfd, path, true, last, mode);
}

}  // namespace islet::sys
