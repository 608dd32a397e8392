// The isolation guard: a seccomp filter of islet's own that every process of
// an isolated container runs under, on top of the config's profile
// (docs/ISOLATION.md "No host privilege"). Planned by the runtime, installed
// by the init and by exec's joining process while they are still privileged.
//
// Applies: annotations["run.islet.isolated-userns"] (the guard)
//
// Why: the rootfs (and a bind that asks for `idmap`) translates container
// uid N to on-disk uid N, so container root writes host uid 0 there. A
// setuid/setgid bit, a file capability or a device node written through such
// a mount is honoured by the host, which reaches the file through its own
// path (the container's nosuid does not bind it). The guard refuses with
// EPERM the calls that would set them:
//   chmod, fchmod, fchmodat, fchmodat2   a mode with S_ISUID or S_ISGID
//   open, openat, creat                  the same, with O_CREAT or O_TMPFILE
//   mknod, mknodat                       the same; block devices; character
//                                        devices but 0:0 (overlay whiteouts)
//   setxattr, lsetxattr, fsetxattr       a value of 20 or 24 bytes: the only
//                                        sizes the kernel takes for
//                                        security.capability (v2, v3); seccomp
//                                        cannot read the name
// and answers ENOSYS (libc and programs fall back to the calls above) for
// what would carry the same arguments out of its sight: openat2 (a struct
// how), setxattrat (a struct), io_uring_setup (io_uring's own openat,
// setxattr and friends never pass through seccomp).
//
// It is a filter of its own, not rules merged into the config's: the kernel
// runs every filter and takes the most restrictive answer, so the config's
// ALLOW or NOTIFY cannot undo a refusal, and the config's ENOSYS stub and
// defaults are untouched. Syscalls it does not name are allowed; so is an
// architecture it does not know (none other exists on the kernels it runs
// on). Arguments are read as their low 32 bits, which is all the kernel
// uses for a mode, flags, a dev_t or an xattr size that passes its checks.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <vector>

namespace islet::runtime {

// What a rule checks on a matching syscall.
enum class GuardCheck {
    setid_mode,   // arg `mode` has S_ISUID or S_ISGID
    create_mode,  // arg `flags` has O_CREAT or __O_TMPFILE and arg `mode` S_ISUID/S_ISGID
    mknod,        // setid_mode, or S_IFBLK, or S_IFCHR with arg `dev` != 0
    cap_size,     // arg `size` is 20 or 24
    enosys,       // always ENOSYS
};

struct GuardRule {
    std::uint32_t nr = 0;  // the syscall's number on this architecture (x32: with bit 30)
    GuardCheck check = GuardCheck::enosys;
    unsigned mode = 0, flags = 0, dev = 0, size = 0;  // argument indexes
};

struct GuardArch {
    std::uint32_t audit_arch = 0;  // AUDIT_ARCH_*
    bool x32 = false;              // x86_64's x32 ABI: the same audit arch, nr with bit 30
    std::vector<GuardRule> rules;
};

// Pure: the rules for the architectures of this build (x86_64, x32, i386;
// or aarch64, arm), numbers resolved with libseccomp's tables (the newest
// syscalls, which share one number on every architecture, from islet's).
std::vector<GuardArch> guard_rules();

// Pure: the classic BPF program for those rules (unit-tested with a BPF
// interpreter).
std::vector<sock_filter> guard_program(const std::vector<GuardArch>& arches);

}  // namespace islet::runtime
