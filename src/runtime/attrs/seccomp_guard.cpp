// Applies: annotations["run.islet.isolated-userns"] (the guard)
#include "runtime/attrs/seccomp_guard.hpp"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/stat.h>

namespace islet::runtime {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the guard reads an argument's low word at its offset");

constexpr std::uint32_t kX32Bit = 0x40000000u;    // __X32_SYSCALL_BIT
constexpr std::uint32_t kTmpfileBit = 020000000;  // __O_TMPFILE (O_TMPFILE without O_DIRECTORY)
constexpr std::uint32_t kSetid = S_ISUID | S_ISGID;
// Sizes of a v2 and a v3 security.capability value (XATTR_CAPS_SZ_2, _3).
constexpr std::uint32_t kCapSizeV2 = 20, kCapSizeV3 = 24;

constexpr std::uint32_t kAllow = SECCOMP_RET_ALLOW;
constexpr std::uint32_t kEperm = SECCOMP_RET_ERRNO | EPERM;
constexpr std::uint32_t kEnosys = SECCOMP_RET_ERRNO | ENOSYS;

struct Entry {
    const char* name;
    GuardCheck check;
    unsigned mode, flags, dev, size;
    int fallback;  // the number on every architecture, when libseccomp does not know the name
};

// Argument indexes as the kernel's SYSCALL_DEFINEs have them.
const Entry kEntries[] = {
    {"chmod", GuardCheck::setid_mode, 1, 0, 0, 0, -1},       {"fchmod", GuardCheck::setid_mode, 1, 0, 0, 0, -1},
    {"fchmodat", GuardCheck::setid_mode, 2, 0, 0, 0, -1},    {"fchmodat2", GuardCheck::setid_mode, 2, 0, 0, 0, 452},
    {"creat", GuardCheck::setid_mode, 1, 0, 0, 0, -1},       {"open", GuardCheck::create_mode, 2, 1, 0, 0, -1},
    {"openat", GuardCheck::create_mode, 3, 2, 0, 0, -1},     {"mknod", GuardCheck::mknod, 1, 0, 2, 0, -1},
    {"mknodat", GuardCheck::mknod, 2, 0, 3, 0, -1},          {"setxattr", GuardCheck::cap_size, 0, 0, 0, 3, -1},
    {"lsetxattr", GuardCheck::cap_size, 0, 0, 0, 3, -1},     {"fsetxattr", GuardCheck::cap_size, 0, 0, 0, 3, -1},
    {"setxattrat", GuardCheck::enosys, 0, 0, 0, 0, 463},     {"openat2", GuardCheck::enosys, 0, 0, 0, 0, 437},
    {"io_uring_setup", GuardCheck::enosys, 0, 0, 0, 0, 425},
};

GuardArch arch_rules(std::uint32_t token, std::uint32_t audit_arch, bool x32) {
    GuardArch a;
    a.audit_arch = audit_arch;
    a.x32 = x32;
    for (const Entry& e : kEntries) {
        int nr = seccomp_syscall_resolve_name_arch(token, e.name);
        if (nr == __NR_SCMP_ERROR && e.fallback >= 0) nr = e.fallback | (x32 ? static_cast<int>(kX32Bit) : 0);
        if (nr < 0) continue;  // not a syscall of this architecture (aarch64 has no chmod)
        a.rules.push_back({static_cast<std::uint32_t>(nr), e.check, e.mode, e.flags, e.dev, e.size});
    }
    return a;
}

sock_filter stmt(unsigned short code, std::uint32_t k) { return BPF_STMT(code, k); }
sock_filter jump(unsigned short code, std::uint32_t k, unsigned char jt, unsigned char jf) {
    return BPF_JUMP(code, k, jt, jf);
}
sock_filter load_arg(unsigned index) {
    return stmt(BPF_LD | BPF_W | BPF_ABS,
                static_cast<std::uint32_t>(offsetof(seccomp_data, args) + std::size_t{8} * index));
}

// A rule's block: entered with the syscall matched, leaves by a return.
std::vector<sock_filter> block(const GuardRule& r) {
    switch (r.check) {
        case GuardCheck::setid_mode:
            return {load_arg(r.mode), jump(BPF_JMP | BPF_JSET | BPF_K, kSetid, 0, 1), stmt(BPF_RET | BPF_K, kEperm),
                    stmt(BPF_RET | BPF_K, kAllow)};
        case GuardCheck::create_mode:
            return {load_arg(r.flags),
                    jump(BPF_JMP | BPF_JSET | BPF_K, O_CREAT | kTmpfileBit, 0, 3),
                    load_arg(r.mode),
                    jump(BPF_JMP | BPF_JSET | BPF_K, kSetid, 0, 1),
                    stmt(BPF_RET | BPF_K, kEperm),
                    stmt(BPF_RET | BPF_K, kAllow)};
        case GuardCheck::mknod:
            return {load_arg(r.mode),
                    jump(BPF_JMP | BPF_JSET | BPF_K, kSetid, 5, 0),
                    stmt(BPF_ALU | BPF_AND | BPF_K, S_IFMT),
                    jump(BPF_JMP | BPF_JEQ | BPF_K, S_IFBLK, 3, 0),
                    jump(BPF_JMP | BPF_JEQ | BPF_K, S_IFCHR, 0, 3),
                    load_arg(r.dev),
                    jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),  // 0:0, an overlay whiteout
                    stmt(BPF_RET | BPF_K, kEperm),
                    stmt(BPF_RET | BPF_K, kAllow)};
        case GuardCheck::cap_size:
            return {load_arg(r.size), jump(BPF_JMP | BPF_JEQ | BPF_K, kCapSizeV2, 1, 0),
                    jump(BPF_JMP | BPF_JEQ | BPF_K, kCapSizeV3, 0, 1), stmt(BPF_RET | BPF_K, kEperm),
                    stmt(BPF_RET | BPF_K, kAllow)};
        case GuardCheck::enosys: return {stmt(BPF_RET | BPF_K, kEnosys)};
    }
    return {stmt(BPF_RET | BPF_K, kAllow)};
}

// One architecture's rules: entered with A = nr; ends with ALLOW.
std::vector<sock_filter> body(const GuardArch& a) {
    std::vector<sock_filter> out;
    for (const auto& r : a.rules) {
        auto b = block(r);
        out.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, r.nr, 0, static_cast<unsigned char>(b.size())));
        out.insert(out.end(), b.begin(), b.end());
    }
    out.push_back(stmt(BPF_RET | BPF_K, kAllow));
    return out;
}

}  // namespace

std::vector<GuardArch> guard_rules() {
#if defined(__x86_64__)
    return {arch_rules(SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64, false), arch_rules(SCMP_ARCH_X32, AUDIT_ARCH_X86_64, true),
            arch_rules(SCMP_ARCH_X86, AUDIT_ARCH_I386, false)};
#elif defined(__aarch64__)
    return {arch_rules(SCMP_ARCH_AARCH64, AUDIT_ARCH_AARCH64, false), arch_rules(SCMP_ARCH_ARM, AUDIT_ARCH_ARM, false)};
#else
#error "the isolation guard knows x86_64 and aarch64"
#endif
}

std::vector<sock_filter> guard_program(const std::vector<GuardArch>& arches) {
    // Layout: load arch; per audit arch "jeq arch / ja its section"; ALLOW;
    // then the sections. A section loads nr; x86_64's sends bit-30 numbers
    // (x32) to the x32 body after its own. `ja` takes 32-bit offsets, so
    // section sizes are not bound by the 8-bit conditional jumps.
    struct Section {
        std::uint32_t audit_arch;
        std::vector<sock_filter> code;
    };
    std::vector<Section> sections;
    for (const auto& a : arches) {
        if (a.x32) continue;
        Section s{a.audit_arch, {stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr))}};
        const GuardArch* x32 = nullptr;
        for (const auto& b : arches)
            if (b.x32 && b.audit_arch == a.audit_arch) x32 = &b;
        auto native = body(a);
        if (x32) {
            s.code.push_back(jump(BPF_JMP | BPF_JSET | BPF_K, kX32Bit, 0, 1));
            s.code.push_back(stmt(BPF_JMP | BPF_JA, static_cast<std::uint32_t>(native.size())));
        }
        s.code.insert(s.code.end(), native.begin(), native.end());
        if (x32) {
            auto other = body(*x32);
            s.code.insert(s.code.end(), other.begin(), other.end());
        }
        sections.push_back(std::move(s));
    }
    std::vector<sock_filter> out{stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch))};
    const std::size_t dispatch_end = 1 + 2 * sections.size() + 1;  // past the ALLOW
    std::size_t start = dispatch_end;
    for (const auto& s : sections) {
        out.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, s.audit_arch, 0, 1));
        out.push_back(stmt(BPF_JMP | BPF_JA, static_cast<std::uint32_t>(start - out.size() - 1)));
        start += s.code.size();
    }
    out.push_back(stmt(BPF_RET | BPF_K, kAllow));
    for (const auto& s : sections) out.insert(out.end(), s.code.begin(), s.code.end());
    return out;
}

}  // namespace islet::runtime
