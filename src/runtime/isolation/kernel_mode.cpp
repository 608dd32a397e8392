#include "runtime/isolation/kernel_mode.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/error.hpp"

namespace islet::runtime::isolation {

int FsProcTree::write(const std::string& rel, const std::string& data) {
    int fd = ::open((root_ + "/" + rel).c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    ssize_t n = ::write(fd, data.data(), data.size());
    int err = n < 0 ? errno : (static_cast<size_t>(n) == data.size() ? 0 : EIO);
    ::close(fd);
    return err;
}

bool FsProcTree::exists(const std::string& rel) {
    struct stat st {};
    return ::stat((root_ + "/" + rel).c_str(), &st) == 0;
}

bool kernel_supports_isolation(ProcTree& proc) { return proc.exists("self/isolated_uns"); }

void isolate_user_namespace(ProcTree& proc, pid_t pid, const std::string& uid_map, const std::string& gid_map) {
    const std::string base = std::to_string(pid) + "/";
    auto write_map = [&](const char* name, const std::string& map) {
        if (map.empty()) return;
        if (int err = proc.write(base + name, map))
            throw sys::Error(sys::describe_errno("failed to update", "/proc/" + base + name, err), err);
    };
    write_map("uid_map", uid_map);
    write_map("gid_map", gid_map);
    int err = proc.write(base + "isolated_uns", "yes");
    if (err == 0) return;
    const std::string file = "/proc/" + base + "isolated_uns";
    switch (err) {
        case ENOENT:
            throw sys::Error("isolated user namespaces: this kernel has no " + file +
                                 " (the isolated_userns kernel feature is missing)",
                             err);
        case EPERM:
            throw sys::Error("isolated user namespaces: the kernel refused to isolate the namespace (" + file +
                                 ": operation not permitted; islet must hold CAP_SYS_ADMIN in its parent namespace)",
                             err);
        case EINVAL:
            throw sys::Error(
                "isolated user namespaces: the kernel rejected the toggle (" + file + ": invalid argument)", err);
        default: throw sys::Error("isolated user namespaces: " + sys::describe_errno("write", file, err), err);
    }
}

}  // namespace islet::runtime::isolation
