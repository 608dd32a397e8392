// Applies: linux.devices
#include "runtime/fs/devices.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>

#include "runtime/fs/mounts.hpp"
#include "sys/error.hpp"
#include "sys/path.hpp"
#include "sys/scope_exit.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::init {
namespace {

struct Node {
    std::string path;  // inside the container, absolute
    mode_t type;       // S_IFCHR, S_IFBLK, S_IFIFO
    unsigned major, minor;
    mode_t mode;
    uid_t uid;
    gid_t gid;
};

const Node kDefaults[] = {
    {"/dev/null", S_IFCHR, 1, 3, 0666, 0, 0},   {"/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0},
    {"/dev/full", S_IFCHR, 1, 7, 0666, 0, 0},   {"/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0},
    {"/dev/random", S_IFCHR, 1, 8, 0666, 0, 0}, {"/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0},
};

void create_node(const InitContext& ctx, const Node& n) {
    const std::string what = "device " + n.path;
    std::string parent = n.path.substr(0, n.path.find_last_of('/'));
    std::string name = n.path.substr(n.path.find_last_of('/') + 1);
    sys::UniqueFd dir = sys::with_context(what, [&] {
        return sys::mkdir_in_root(ctx.rootfd.get(), parent.empty() ? "/" : parent, sys::CreateLast::directory);
    });
    // Whatever the image has there (a symlink aimed at a host file, a node
    // with other numbers) is replaced, never written through.
    struct stat st {};
    if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISDIR(st.st_mode)) throw sys::Error(what + ": a directory is in the way");
        if (::unlinkat(dir.get(), name.c_str(), 0) < 0) sys::throw_errno("remove", n.path);
    }
    if (!ctx.bind_devices) {
        if (::mknodat(dir.get(), name.c_str(), n.type | (n.mode & 07777), makedev(n.major, n.minor)) < 0)
            sys::throw_errno("mknod", n.path);
        if (::fchmodat(dir.get(), name.c_str(), n.mode & 07777, 0) < 0) sys::throw_errno("chmod", n.path);
        if (::fchownat(dir.get(), name.c_str(), n.uid, n.gid, AT_SYMLINK_NOFOLLOW) < 0)
            sys::throw_errno("chown", n.path);
        return;
    }
    // In a user namespace (the container's or islet's own): an empty file,
    // and the host's node bound onto it.
    if (n.type == S_IFIFO) {
        if (::mkfifoat(dir.get(), name.c_str(), n.mode & 0777) < 0) sys::throw_errno("mkfifo", n.path);
        return;
    }
    int f = ::openat(dir.get(), name.c_str(), O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0);
    if (f < 0) sys::throw_errno("create", n.path);
    ::close(f);
    sys::UniqueFd target = sys::open_at(dir.get(), name, O_PATH | O_NOFOLLOW);
    // The host's own node, at the same path (runc's rule), checked to have
    // the expected type and numbers.
    const std::string& src = n.path;
    sys::UniqueFd tree = sys::with_context(what, [&] { return sys::open_tree(AT_FDCWD, src, OPEN_TREE_CLONE); });
    struct stat sst = sys::fstat_fd(tree.get(), src);
    if ((sst.st_mode & S_IFMT) != n.type || major(sst.st_rdev) != n.major || minor(sst.st_rdev) != n.minor)
        throw sys::Error(what + ": the host's " + src + " is not the expected device");
    attach(tree.get(), target.get(), what);
}

void create_symlinks(const InitContext& ctx) {
    sys::UniqueFd dev = sys::mkdir_in_root(ctx.rootfd.get(), "/dev", sys::CreateLast::directory);
    const std::pair<const char*, const char*> links[] = {
        {"/proc/self/fd", "fd"},
        {"/proc/self/fd/0", "stdin"},
        {"/proc/self/fd/1", "stdout"},
        {"/proc/self/fd/2", "stderr"},
    };
    for (auto& [target, name] : links)
        if (::symlinkat(target, dev.get(), name) < 0 && errno != EEXIST)
            sys::throw_errno("symlink", std::string("/dev/") + name);
    if (::access("/proc/kcore", F_OK) == 0)
        if (::symlinkat("/proc/kcore", dev.get(), "core") < 0 && errno != EEXIST)
            sys::throw_errno("symlink", "/dev/core");
    // /dev/ptmx -> pts/ptmx: the container's own devpts instance, never the host's.
    struct stat st {};
    if (::fstatat(dev.get(), "ptmx", &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISDIR(st.st_mode)) throw sys::Error("/dev/ptmx: a directory is in the way");
        if (::unlinkat(dev.get(), "ptmx", 0) < 0) sys::throw_errno("remove", "/dev/ptmx");
    }
    if (::symlinkat("pts/ptmx", dev.get(), "ptmx") < 0) sys::throw_errno("symlink", "/dev/ptmx");
}

}  // namespace

void setup_dev(InitContext& ctx) {
    const spec::Config& c = *ctx.config;
    // Node modes are exact, whatever the umask.
    const mode_t old = ::umask(0);
    sys::ScopeExit restore_umask([old] { ::umask(old); });
    if (!ctx.mounts->binds_dev()) {
        // A default the config lists too is made once, as the config says
        // (runc's rule): a second node over a bound one would be EBUSY.
        for (const auto& n : kDefaults)
            if (std::none_of(c.linux->devices.begin(), c.linux->devices.end(),
                             [&](const spec::Device& d) { return sys::clean_path(d.path) == n.path; }))
                create_node(ctx, n);
        create_symlinks(ctx);
    }
    for (const auto& d : c.linux->devices) {
        Node n;
        n.path = sys::clean_path(d.path);
        n.type = d.type == "b" ? S_IFBLK : d.type == "p" ? S_IFIFO : S_IFCHR;
        n.major = static_cast<unsigned>(d.major);
        n.minor = static_cast<unsigned>(d.minor);
        n.mode = d.file_mode ? static_cast<mode_t>(*d.file_mode) : 0666;
        n.uid = d.uid ? *d.uid : 0;
        n.gid = d.gid ? *d.gid : 0;
        create_node(ctx, n);
    }
}

}  // namespace islet::runtime::init
