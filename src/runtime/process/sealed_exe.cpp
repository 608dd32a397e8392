#include "runtime/process/sealed_exe.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "runtime/process/exec_stub.hpp"
#include "sys/error.hpp"
#include "sys/fs_context.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::host {
namespace {

// Set for the sealed process only, so that a failed seal errors out rather
// than re-executing forever. It never skips the check: a caller setting it
// gets an error from an unsealed islet, not an unsealed container.
constexpr const char* kMarker = "_ISLET_SEALED_EXE";

constexpr unsigned kWriteSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

// Whether the mount holding fd is in this mount namespace's table: a
// detached fsmount is in none.
bool mount_listed(int fd) {
    struct statx stx {};
    if (::statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0) sys::throw_errno("statx", "/proc/self/exe");
    if (!(stx.stx_mask & STATX_MNT_ID)) return true;  // unknown: assume the worst
    const std::string id = std::to_string(stx.stx_mnt_id);
    for (const auto& line : sys::split(sys::read_file("/proc/self/mountinfo"), '\n'))
        if (line.compare(0, id.size() + 1, id + " ") == 0) return true;
    return false;
}

ExeFacts probe_exe(int fd) {
    ExeFacts f;
    struct statfs sfs {};
    if (::fstatfs(fd, &sfs) < 0) sys::throw_errno("statfs", "/proc/self/exe");
    f.overlay = static_cast<unsigned long>(sfs.f_type) == OVERLAYFS_SUPER_MAGIC;
    f.read_only = (sfs.f_flags & ST_RDONLY) != 0;
    const int seals = ::fcntl(fd, F_GET_SEALS);
    if (seals >= 0) {
        f.memfd = true;
        f.seals = static_cast<unsigned>(seals);
    }
    if (f.overlay && f.read_only) f.mount_listed = mount_listed(fd);
    return f;
}

// The binary through a private overlayfs whose layers are its directory and
// an empty detached tmpfs: with no upper layer the overlay is read-only for
// good, and being detached nobody can reach or remount it. An invalid fd when
// the kernel or our privileges refuse it (no overlayfs, rootless).
sys::UniqueFd sealed_overlay_exe() {
    char buf[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return {};
    const std::string path(buf, static_cast<size_t>(n));
    // A replaced or deleted binary has no directory to show it: copy it.
    if (path[0] != '/' || path.find(" (deleted)") != std::string::npos) return {};
    const auto slash = path.rfind('/');
    const std::string dir = slash == 0 ? "/" : path.substr(0, slash);
    try {
        sys::FsContext empty("tmpfs", "the empty layer of the sealed islet");
        empty.create();
        sys::UniqueFd empty_mnt = empty.mount(MOUNT_ATTR_RDONLY);
        sys::FsContext ovl("overlay", "the sealed islet");
        ovl.set_string("lowerdir", overlay_lowerdirs(dir, sys::fd_path(empty_mnt.get())));
        try {
            ovl.set_string("xino", "off");  // only to spare dmesg a warning
        } catch (const sys::Error&) {
        }
        ovl.create();
        sys::UniqueFd mnt = ovl.mount(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
        return sys::open_at(mnt.get(), path.substr(slash + 1), O_PATH | O_NOFOLLOW);
    } catch (const sys::Error&) {
        return {};
    }
}

// The fallback: a memfd copy, sealed against writes, resizes and new seals.
sys::UniqueFd sealed_memfd_copy(int self) {
    struct stat st = sys::fstat_fd(self, "/proc/self/exe");
    sys::UniqueFd copy = executable_memfd("islet");
    off_t off = 0;
    while (off < st.st_size) {
        ssize_t n = ::sendfile(copy.get(), self, &off, static_cast<size_t>(st.st_size - off));
        if (n <= 0) sys::throw_errno("copy islet into a sealed memfd");
    }
    seal_executable(copy.get(), "sealed islet");
    return copy;
}

[[noreturn]] void execute(int exe) {
    // The same command line, from the kernel's copy of it.
    std::vector<std::string> args = sys::split(sys::read_file("/proc/self/cmdline"), '\0');
    if (!args.empty() && args.back().empty()) args.pop_back();
    std::vector<const char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    const std::string marker = std::string(kMarker) + "=1";
    std::vector<const char*> envp;
    for (char** e = environ; *e; ++e) envp.push_back(*e);
    envp.push_back(marker.c_str());
    envp.push_back(nullptr);
    ::syscall(SYS_execveat, exe, "", const_cast<char* const*>(argv.data()), const_cast<char* const*>(envp.data()),
              AT_EMPTY_PATH);
    sys::throw_errno("execute the sealed copy of islet");
}

}  // namespace

bool exe_is_sealed(const ExeFacts& f) {
    if (f.overlay && f.read_only && !f.mount_listed) return true;
    return f.memfd && (f.seals & kWriteSeals) == kWriteSeals;
}

std::string overlay_lowerdirs(const std::string& bin_dir, const std::string& empty_dir) {
    auto escape = [](const std::string& s) {
        std::string out;
        for (char c : s) {
            if (c == ':' || c == '\\') out += '\\';
            out += c;
        }
        return out;
    };
    // The binary's directory on top, so that nothing below can shadow it.
    return escape(bin_dir) + ":" + escape(empty_dir);
}

void reexec_sealed() {
    const bool marked = std::getenv(kMarker) != nullptr;
    ::unsetenv(kMarker);  // not for hooks, nor for an islet they start
    sys::UniqueFd self = sys::open_path("/proc/self/exe", O_RDONLY);
    if (exe_is_sealed(probe_exe(self.get()))) return;
    if (marked) throw sys::Error("islet re-executed itself from a sealed executable but runs unsealed");
    sys::UniqueFd exe = sealed_overlay_exe();
    if (!exe) exe = sealed_memfd_copy(self.get());
    execute(exe.get());
}

}  // namespace islet::runtime::host
