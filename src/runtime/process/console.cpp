// Applies: process.terminal, process.consoleSize
#include "runtime/process/console.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/fs/mounts.hpp"
#include "sys/error.hpp"
#include "sys/fdpass.hpp"
#include "sys/path.hpp"
#include "sys/syscalls.hpp"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

namespace islet::runtime::init {

void setup_console(int console_fd, const spec::Process& process, bool bind_console) {
    sys::UniqueFd root = sys::open_path("/", O_PATH | O_DIRECTORY);
    sys::UniqueFd master = sys::open_in_root(root.get(), "/dev/pts/ptmx", O_RDWR | O_NOCTTY);
    struct statfs sfs {};
    struct stat st = sys::fstat_fd(master.get(), "/dev/pts/ptmx");
    if (::fstatfs(master.get(), &sfs) < 0 || sfs.f_type != DEVPTS_SUPER_MAGIC || !S_ISCHR(st.st_mode) ||
        major(st.st_rdev) != 5 || minor(st.st_rdev) != 2)
        throw sys::Error("console: /dev/pts/ptmx is not the container's devpts ptmx (mount devpts at /dev/pts)");
    int unlock = 0;
    if (::ioctl(master.get(), TIOCSPTLCK, &unlock) < 0) sys::throw_errno("unlock pty");
    int peer_fd = ::ioctl(master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (peer_fd < 0) sys::throw_errno("open the pty peer (TIOCGPTPEER)");
    sys::UniqueFd peer(peer_fd);
    if (process.console_size) {
        winsize ws{};
        ws.ws_row = static_cast<unsigned short>(process.console_size->height);
        ws.ws_col = static_cast<unsigned short>(process.console_size->width);
        if (::ioctl(master.get(), TIOCSWINSZ, &ws) < 0) sys::throw_errno("set the console size");
    }
    // The user's, so it can use its terminal; the group stays what devpts
    // gave it (the mount's gid= option, tty in runc's and podman's specs),
    // as runc's fixStdioPermissions leaves it.
    if (::fchown(peer.get(), process.user.uid, static_cast<gid_t>(-1)) < 0) sys::throw_errno("chown the console");
    if (bind_console) {
        sys::UniqueFd dev = sys::mkdir_in_root(root.get(), "/dev", sys::CreateLast::directory);
        struct stat cst {};
        if (::fstatat(dev.get(), "console", &cst, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(cst.st_mode) &&
            !S_ISCHR(cst.st_mode))
            ::unlinkat(dev.get(), "console", S_ISDIR(cst.st_mode) ? AT_REMOVEDIR : 0);
        int f = ::openat(dev.get(), "console", O_CREAT | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0600);
        if (f < 0 && errno != EEXIST) sys::throw_errno("create", "/dev/console");
        if (f >= 0) ::close(f);
        sys::UniqueFd target = sys::open_at(dev.get(), "console", O_PATH | O_NOFOLLOW);
        sys::UniqueFd tree = sys::open_tree(peer.get(), "", OPEN_TREE_CLONE | AT_EMPTY_PATH);
        attach(tree.get(), target.get(), "bind the pty over /dev/console");
    }
    sys::send_fd(console_fd, master.get(), "/dev/pts/ptmx");
    master.reset();
    for (int fd = 0; fd < 3; ++fd)
        if (::dup3(peer.get(), fd, 0) < 0) sys::throw_errno("dup the pty to stdio");
}

void new_session(bool terminal) {
    if (::setsid() < 0) sys::throw_errno("setsid");
    if (terminal && ::ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0) sys::throw_errno("make the pty the controlling terminal");
}

}  // namespace islet::runtime::init
