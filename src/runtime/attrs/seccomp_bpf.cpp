#include "runtime/attrs/seccomp_bpf.hpp"

#include <linux/audit.h>

#include <cstring>
#include <optional>

namespace islet::runtime {

std::uint32_t native_audit_arch() {
#if defined(__x86_64__)
    return AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
    return AUDIT_ARCH_AARCH64;
#else
#error "islet: unknown architecture for seccomp"
#endif
}

namespace {

// What a load reads (A for BPF_LD, X for BPF_LDX): an immediate, a scratch
// word, the length or, for A only, a word of seccomp_data; nullopt for what
// the kernel's seccomp does not take.
std::optional<std::uint32_t> load(const sock_filter& f, const std::uint32_t* mem, const seccomp_data& d) {
    switch (BPF_MODE(f.code)) {
        case BPF_IMM: return f.k;
        case BPF_MEM: return f.k < BPF_MEMWORDS ? std::optional<std::uint32_t>(mem[f.k]) : std::nullopt;
        case BPF_LEN: return static_cast<std::uint32_t>(sizeof d);
        case BPF_ABS: {
            if (BPF_CLASS(f.code) != BPF_LD || BPF_SIZE(f.code) != BPF_W || f.k % 4 != 0 || f.k + 4 > sizeof d)
                return std::nullopt;
            std::uint32_t word = 0;
            std::memcpy(&word, reinterpret_cast<const unsigned char*>(&d) + f.k, 4);
            return word;
        }
        default: return std::nullopt;
    }
}

}  // namespace

std::uint32_t run_seccomp_bpf(const std::vector<sock_filter>& prog, const seccomp_data& d) {
    constexpr std::uint32_t kBad = SECCOMP_RET_KILL_PROCESS;
    std::uint32_t a = 0;
    std::uint32_t x = 0;
    std::uint32_t mem[BPF_MEMWORDS] = {};
    for (size_t pc = 0; pc < prog.size(); ++pc) {
        const sock_filter& f = prog[pc];
        const std::uint32_t src = BPF_SRC(f.code) == BPF_X ? x : f.k;
        switch (BPF_CLASS(f.code)) {
            case BPF_LD:
            case BPF_LDX: {
                const std::optional<std::uint32_t> value = load(f, mem, d);
                if (!value) return kBad;
                (BPF_CLASS(f.code) == BPF_LD ? a : x) = *value;
                break;
            }
            case BPF_ST:
            case BPF_STX:
                if (f.k >= BPF_MEMWORDS) return kBad;
                mem[f.k] = BPF_CLASS(f.code) == BPF_ST ? a : x;
                break;
            case BPF_ALU:
                switch (BPF_OP(f.code)) {
                    case BPF_ADD: a += src; break;
                    case BPF_SUB: a -= src; break;
                    case BPF_MUL: a *= src; break;
                    case BPF_DIV:
                        if (src == 0) return kBad;
                        a /= src;
                        break;
                    case BPF_MOD:
                        if (src == 0) return kBad;
                        a %= src;
                        break;
                    case BPF_AND: a &= src; break;
                    case BPF_OR: a |= src; break;
                    case BPF_XOR: a ^= src; break;
                    case BPF_LSH: a = src < 32 ? a << src : 0; break;
                    case BPF_RSH: a = src < 32 ? a >> src : 0; break;
                    case BPF_NEG: a = 0 - a; break;
                    default: return kBad;
                }
                break;
            case BPF_JMP: {
                if (BPF_OP(f.code) == BPF_JA) {
                    pc += f.k;
                    break;
                }
                bool taken = false;
                switch (BPF_OP(f.code)) {
                    case BPF_JEQ: taken = a == src; break;
                    case BPF_JGT: taken = a > src; break;
                    case BPF_JGE: taken = a >= src; break;
                    case BPF_JSET: taken = (a & src) != 0; break;
                    default: return kBad;
                }
                pc += taken ? f.jt : f.jf;
                break;
            }
            case BPF_RET: return BPF_RVAL(f.code) == BPF_A ? a : f.k;
            case BPF_MISC:
                if (BPF_MISCOP(f.code) == BPF_TAX)
                    x = a;
                else
                    a = x;
                break;
            default: return kBad;
        }
    }
    return kBad;
}

bool seccomp_lets_through(std::uint32_t verdict) {
    const std::uint32_t action = verdict & SECCOMP_RET_ACTION_FULL;
    return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG || action == SECCOMP_RET_USER_NOTIF;
}

}  // namespace islet::runtime
