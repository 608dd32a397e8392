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

// openat2 in the root, EAGAIN retried: an fd or -errno (-EAGAIN when every
// retry raced; -ENOSYS or -EPERM when openat2 is unavailable).
int openat2_in_root(int rootfd, const std::string& path, int flags, mode_t mode) {
    int r = -EAGAIN;
    for (int i = 0; i < kEagainRetries && r == -EAGAIN; ++i)
        r = openat2_raw(rootfd, path.empty() ? "." : path, static_cast<std::uint64_t>(flags), mode, kInRoot);
    return r;
}

// The answers after which the component walk decides instead.
bool walk_instead(int r) { return r == -EAGAIN || r == -ENOSYS || r == -EPERM /* seccomp in a nested sandbox */; }

// Without openat2: walk, then reopen through the fd (never through the path).
UniqueFd walk_and_open(int rootfd, const std::string& path, int flags, mode_t mode) {
    UniqueFd fd = walk_in_root(rootfd, path, false, CreateLast::directory, 0);
    if (flags & O_PATH) return fd;
    return open_path(fd_path(fd.get()), flags & ~O_CREAT, mode);
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
    int r = openat2_in_root(rootfd, path, flags, mode);
    if (r >= 0) return UniqueFd(r);
    if (!walk_instead(r)) throw_errno_code(-r, "open", path);
    return walk_and_open(rootfd, path, flags, mode);
}

UniqueFd open_in_root_if_exists(int rootfd, const std::string& path, int flags) {
    // A missing path is an answer here, not an error: no exception for it
    // (masked paths the kernel lacks are the common case, and a throw costs
    // tens of microseconds of unwinding).
    int r = openat2_in_root(rootfd, path, flags, 0);
    if (r >= 0) return UniqueFd(r);
    if (r == -ENOENT) return UniqueFd();
    if (!walk_instead(r)) throw_errno_code(-r, "open", path);
    try {
        return walk_and_open(rootfd, path, flags, 0);
    } catch (const Error& e) {
        if (e.code() == ENOENT) return UniqueFd();
        throw;
    }
}

namespace {

// The usual miss: only the last component is absent (/dev/pts on a fresh /dev
// tmpfs). Makes it in its parent, itself resolved in the root, then resolves
// the whole path in the root again, so whatever is there now is what the
// caller gets (as after the walk's own creation). An invalid fd leaves it to
// the walk: the parent is missing too, or the path raced away.
UniqueFd make_last_in_root(int rootfd, const std::string& path, CreateLast last, mode_t mode) {
    std::deque<std::string> parts = components(path);
    if (parts.empty() || parts.back() == "..") return UniqueFd();
    const std::string name = parts.back();
    parts.pop_back();
    std::string parent = "/";
    for (auto& p : parts) parent += p + "/";
    int p = openat2_in_root(rootfd, parent, O_PATH | O_DIRECTORY, 0);
    if (p < 0) return UniqueFd();
    UniqueFd dir(p);
    if (last == CreateLast::file) {
        int f = ::openat(p, name.c_str(), O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644 & mode);
        if (f < 0 && errno != EEXIST) throw_errno("create", name);
        if (f >= 0) ::close(f);
    } else if (::mkdirat(p, name.c_str(), mode) < 0 && errno != EEXIST) {
        throw_errno("mkdir", name);
    }
    int r = openat2_in_root(rootfd, path, O_PATH, 0);
    return r >= 0 ? UniqueFd(r) : UniqueFd();
}

}  // namespace

UniqueFd mkdir_in_root(int rootfd, const std::string& path, CreateLast last, mode_t mode) {
    // Fast path: it exists already and is of the wanted kind.
    int r = openat2_in_root(rootfd, path, O_PATH, 0);
    if (r >= 0) return UniqueFd(r);
    if (r != -ENOENT && !walk_instead(r)) throw_errno_code(-r, "open", path);
    if (r == -ENOENT)
        if (UniqueFd made = make_last_in_root(rootfd, path, last, mode)) return made;
    return walk_in_root(rootfd, path, true, last, mode);
}

}  // namespace islet::sys
