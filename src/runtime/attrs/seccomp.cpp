// Applies: linux.seccomp
#include "runtime/attrs/seccomp.hpp"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <set>

#include "runtime/attrs/seccomp_bpf.hpp"
#include "sys/error.hpp"
#include "sys/fdpass.hpp"
#include "sys/log.hpp"
#include "sys/socket.hpp"
#include "sys/syscalls.hpp"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

namespace islet::runtime {
namespace {

using Problems = std::vector<spec::Problem>;

constexpr const char* kFlagTsync = "SECCOMP_FILTER_FLAG_TSYNC";
constexpr const char* kFlagLog = "SECCOMP_FILTER_FLAG_LOG";
constexpr const char* kFlagSpecAllow = "SECCOMP_FILTER_FLAG_SPEC_ALLOW";
constexpr const char* kFlagWaitKillable = "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV";

// The kernel's limit on a classic BPF program (BPF_MAXINSNS).
constexpr std::size_t kMaxInstructions = 4096;

// runtime-spec action names; KILL is KILL_THREAD (as runc and libseccomp).
const std::vector<std::pair<const char*, std::uint32_t>>& action_table() {
    static const std::vector<std::pair<const char*, std::uint32_t>> t = {
        {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
        {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
        {"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD},
        {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
        {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
        {"SCMP_ACT_LOG", SCMP_ACT_LOG},
        {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
        {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
        {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    };
    return t;
}

const std::vector<std::pair<const char*, int>>& operator_table() {
    static const std::vector<std::pair<const char*, int>> t = {
        {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_LE", SCMP_CMP_LE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
        {"SCMP_CMP_NE", SCMP_CMP_NE},
    };
    return t;
}

// runtime-spec arch name -> libseccomp's name for it.
const std::vector<std::pair<const char*, const char*>>& arch_table() {
    static const std::vector<std::pair<const char*, const char*>> t = {
        {"SCMP_ARCH_AARCH64", "aarch64"},
        {"SCMP_ARCH_ARM", "arm"},
        {"SCMP_ARCH_LOONGARCH64", "loongarch64"},
        {"SCMP_ARCH_M68K", "m68k"},
        {"SCMP_ARCH_MIPS", "mips"},
        {"SCMP_ARCH_MIPS64", "mips64"},
        {"SCMP_ARCH_MIPS64N32", "mips64n32"},
        {"SCMP_ARCH_MIPSEL", "mipsel"},
        {"SCMP_ARCH_MIPSEL64", "mipsel64"},
        {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32"},
        {"SCMP_ARCH_PARISC", "parisc"},
        {"SCMP_ARCH_PARISC64", "parisc64"},
        {"SCMP_ARCH_PPC", "ppc"},
        {"SCMP_ARCH_PPC64", "ppc64"},
        {"SCMP_ARCH_PPC64LE", "ppc64le"},
        {"SCMP_ARCH_RISCV64", "riscv64"},
        {"SCMP_ARCH_S390", "s390"},
        {"SCMP_ARCH_S390X", "s390x"},
        {"SCMP_ARCH_SH", "sh"},
        {"SCMP_ARCH_SHEB", "sheb"},
        {"SCMP_ARCH_X32", "x32"},
        {"SCMP_ARCH_X86", "x86"},
        {"SCMP_ARCH_X86_64", "x86_64"},
    };
    return t;
}

const std::vector<std::pair<const char*, unsigned long>>& flag_table() {
    // TSYNC synchronises the filter across threads; the init is
    // single-threaded, so it is accepted and has nothing to do (as runc).
    static const std::vector<std::pair<const char*, unsigned long>> t = {
        {kFlagTsync, 0},
        {kFlagSpecAllow, SECCOMP_FILTER_FLAG_SPEC_ALLOW},
        {kFlagLog, SECCOMP_FILTER_FLAG_LOG},
        {kFlagWaitKillable, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
    };
    return t;
}

// Syscalls that libc or common programs try first and leave on ENOSYS
// (glibc's clone3 in pthread_create/posix_spawn, faccessat2, fchmodat2;
// openat2 users such as systemd and container tools).
const char* const kEnosysFallbacks[] = {"clone3", "openat2", "faccessat2", "fchmodat2"};

// Actions under which an unknown, newer syscall must keep its behaviour
// rather than get ENOSYS (runc's isAllowAction: a tracer handles ENOSYS itself).
bool allows(std::uint32_t action) {
    const std::uint32_t base = action & SECCOMP_RET_ACTION_FULL;
    return action == SCMP_ACT_ALLOW || action == SCMP_ACT_LOG || base == SCMP_ACT_TRACE(0);
}

// Returns the libseccomp action for a name, or sets `bad`.
std::optional<std::uint32_t> action_value(const std::string& name, const std::optional<std::uint32_t>& errno_ret,
                                          const std::string& ptr, const std::string& errno_key, Problems& out) {
    auto it = std::find_if(action_table().begin(), action_table().end(), [&](auto& e) { return name == e.first; });
    if (it == action_table().end()) {
        out.push_back({ptr, "string " + name + " is not a valid action for seccomp"});
        return std::nullopt;
    }
    std::uint32_t v = it->second;
    const bool is_errno = v == SCMP_ACT_ERRNO(0), is_trace = v == SCMP_ACT_TRACE(0);
    if (errno_ret && !is_errno && !is_trace) {
        out.push_back({errno_key, name + " takes no errno (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)"});
        return std::nullopt;
    }
    if (is_errno || is_trace) {
        const std::uint32_t e = errno_ret.value_or(EPERM);
        // ERRNO's data is an errno (the kernel caps it at 4095); TRACE's is a
        // 16-bit message for the tracer.
        if (e > (is_errno ? 4095u : 0xffffu)) {
            out.push_back({errno_key, std::to_string(e) + " is out of range for " + name});
            return std::nullopt;
        }
        v |= e;
    }
    return v;
}

void plan_rules(const spec::Seccomp& p, SeccompPlan& plan, Problems& out) {
    for (size_t i = 0; i < p.syscalls.size(); ++i) {
        const auto& s = p.syscalls[i];
        const std::string ptr = "/linux/seccomp/syscalls/" + std::to_string(i);
        auto action = action_value(s.action, s.errno_ret, ptr + "/action", ptr + "/errnoRet", out);
        std::vector<SeccompArgRule> args;
        std::set<unsigned> seen;
        bool same_index = false;
        for (size_t k = 0; k < s.args.size(); ++k) {
            const auto& a = s.args[k];
            const std::string aptr = ptr + "/args/" + std::to_string(k);
            auto op = std::find_if(operator_table().begin(), operator_table().end(),
                                   [&](auto& e) { return a.op == e.first; });
            if (op == operator_table().end()) {
                out.push_back({aptr + "/op", "string " + a.op + " is not a valid operator for seccomp"});
                continue;
            }
            if (a.index > 5) {
                out.push_back({aptr + "/index", "syscalls take at most 6 arguments (index 0 to 5)"});
                continue;
            }
            same_index |= !seen.insert(a.index).second;
            // libseccomp: MASKED_EQ compares (arg & datum_a) == datum_b.
            args.push_back({a.index, op->second, a.value, a.value_two});
        }
        if (!action) continue;
        if (*action == SCMP_ACT_NOTIFY) plan.notify = true;
        for (size_t n = 0; n < s.names.size(); ++n) {
            const std::string& name = s.names[n];
            if (name.empty()) {
                out.push_back({ptr + "/names/" + std::to_string(n), "empty string is not a valid syscall"});
                continue;
            }
            if (*action == SCMP_ACT_NOTIFY && (name == "write" || name == "sendmsg")) {
                out.push_back({ptr + "/action", "SCMP_ACT_NOTIFY cannot be used for the " + name + " syscall"});
                continue;
            }
            if (*action == SCMP_ACT_NOTIFY && (name == "clone" || name == "clone3")) plan.notify_fork = true;
            // Same action as the default: redundant, and libseccomp refuses it.
            if (*action == plan.default_action) continue;
            const int nr = seccomp_syscall_resolve_name(name.c_str());
            if (nr == __NR_SCMP_ERROR) {
                // Portability across kernels and libseccomp versions (runc).
                plan.ignored.push_back(name);
                continue;
            }
            if (!same_index) {
                plan.rules.push_back({name, nr, *action, args});
            } else {
                // Two conditions on one argument cannot be AND-ed by libseccomp:
                // each becomes its own rule (OR), as runc does.
                for (const auto& a : args) plan.rules.push_back({name, nr, *action, {a}});
            }
        }
    }
}

}  // namespace

bool seccomp_disabled(const spec::Seccomp& p) { return p.default_action.empty() && p.syscalls.empty(); }

SeccompPlan plan_seccomp(const spec::Seccomp& p, Problems& out) {
    SeccompPlan plan;
    const size_t before = out.size();
    auto def = action_value(p.default_action, p.default_errno_ret, "/linux/seccomp/defaultAction",
                            "/linux/seccomp/defaultErrnoRet", out);
    if (def && *def == SCMP_ACT_NOTIFY)
        out.push_back({"/linux/seccomp/defaultAction", "SCMP_ACT_NOTIFY cannot be used as default action"});
    if (def) plan.default_action = *def;
    for (size_t i = 0; i < p.architectures.size(); ++i) {
        const std::string& a = p.architectures[i];
        auto it = std::find_if(arch_table().begin(), arch_table().end(), [&](auto& e) { return a == e.first; });
        const std::string ptr = "/linux/seccomp/architectures/" + std::to_string(i);
        if (it == arch_table().end()) {
            out.push_back({ptr, "string " + a + " is not a valid arch for seccomp"});
            continue;
        }
        const std::uint32_t token = seccomp_arch_resolve_name(it->second);
        if (token == 0) {
            out.push_back({ptr, "arch " + a + " is not supported by libseccomp " + libseccomp_version()});
            continue;
        }
        if (std::find(plan.arch_tokens.begin(), plan.arch_tokens.end(), token) == plan.arch_tokens.end())
            plan.arch_tokens.push_back(token);
    }
    for (size_t i = 0; i < p.flags.size(); ++i) {
        auto it =
            std::find_if(flag_table().begin(), flag_table().end(), [&](auto& e) { return p.flags[i] == e.first; });
        if (it == flag_table().end())
            out.push_back(
                {"/linux/seccomp/flags/" + std::to_string(i), "seccomp flag " + p.flags[i] + " is not known to islet"});
        else
            plan.filter_flags |= static_cast<unsigned>(it->second);
    }
    plan_rules(p, plan, out);
    if (plan.notify) {
        plan.filter_flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        if (p.listener_path.empty())
            out.push_back({"/linux/seccomp/listenerPath", "SCMP_ACT_NOTIFY needs a listenerPath"});
    } else if (plan.filter_flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) {
        // It only changes how a listener waits; without one the kernel
        // refuses it, and dropping it changes nothing.
        log::debug("seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV without SCMP_ACT_NOTIFY: ignored");
        plan.filter_flags &= ~static_cast<unsigned>(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
    }
    if (out.size() != before) return plan;

    // ENOSYS for the fallback syscalls a profile that denies by errno does
    // not mention (see the header).
    const std::uint32_t d = plan.default_action;
    if ((d & SECCOMP_RET_ACTION_FULL) == SCMP_ACT_ERRNO(0) && d != SCMP_ACT_ERRNO(ENOSYS)) {
        std::set<std::string> named;
        for (const auto& s : p.syscalls) named.insert(s.names.begin(), s.names.end());
        for (const char* name : kEnosysFallbacks) {
            if (named.count(name)) continue;
            const int nr = seccomp_syscall_resolve_name(name);
            if (nr != __NR_SCMP_ERROR) plan.rules.push_back({name, nr, SCMP_ACT_ERRNO(ENOSYS), {}});
        }
    }
    return plan;
}

std::vector<sock_filter> enosys_stub(const std::vector<EnosysSection>& sections) {
    std::vector<sock_filter> out;
    if (sections.empty()) return out;
    // Layout: load arch; one jeq per section; ja filter; the sections; the
    // ENOSYS return. Every jump is forward and short (a few instructions per
    // section), so 8-bit offsets suffice; `ja` carries 32 bits.
    auto size_of = [](const EnosysSection& s) { return s.audit_arch == AUDIT_ARCH_X86_64 ? 4u : 3u; };
    const std::uint32_t n = static_cast<std::uint32_t>(sections.size());
    std::uint32_t total = 1 + n + 1;
    for (auto& s : sections) total += size_of(s);
    const std::uint32_t enosys = total;  // index of the ENOSYS return
    total += 1;                          // the filter starts at `total`
    out.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
    std::uint32_t sec_start = 1 + n + 1;
    std::vector<std::uint32_t> starts;
    for (auto& s : sections) {
        starts.push_back(sec_start);
        sec_start += size_of(s);
    }
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint32_t pc = static_cast<std::uint32_t>(out.size());
        out.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sections[i].audit_arch,
                               static_cast<unsigned char>(starts[i] - pc - 1), 0));
    }
    out.push_back(BPF_STMT(BPF_JMP | BPF_JA, total - static_cast<std::uint32_t>(out.size()) - 1));
    for (auto& s : sections) {
        out.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
        if (s.audit_arch == AUDIT_ARCH_X86_64) {
            // x32 syscalls (bit 30 set) share the arch value: leave them to the filter.
            out.push_back(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x40000000u, 1, 0));
        }
        std::uint32_t pc = static_cast<std::uint32_t>(out.size());
        out.push_back(BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, s.max_nr, static_cast<unsigned char>(enosys - pc - 1), 0));
        pc = static_cast<std::uint32_t>(out.size());
        out.push_back(BPF_STMT(BPF_JMP | BPF_JA, total - pc - 1));
    }
    out.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS));
    return out;
}

std::vector<std::string> seccomp_known_actions() {
    std::vector<std::string> v;
    for (auto& [n, _] : action_table()) v.push_back(n);
    return v;
}

std::vector<std::string> seccomp_known_operators() {
    std::vector<std::string> v;
    for (auto& [n, _] : operator_table()) v.push_back(n);
    return v;
}

std::vector<std::string> seccomp_known_archs() {
    std::vector<std::string> v;
    for (auto& [oci, name] : arch_table())
        if (seccomp_arch_resolve_name(name) != 0) v.push_back(oci);
    return v;
}

std::vector<std::string> seccomp_known_flags() {
    std::vector<std::string> v;
    for (auto& [n, _] : flag_table()) v.push_back(n);
    return v;
}

std::vector<std::string> seccomp_supported_flags() {
    std::vector<std::string> v;
    for (auto& [n, bits] : flag_table()) {
        unsigned long probe = bits ? bits : SECCOMP_FILTER_FLAG_TSYNC;
        if (probe == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) probe |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        // A NULL program: EFAULT once the flags passed the kernel's checks,
        // EINVAL when the kernel does not know them.
        if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, probe, nullptr) < 0 && errno == EFAULT) v.push_back(n);
    }
    return v;
}

std::string libseccomp_version() {
    const scmp_version* ver = seccomp_version();
    return std::to_string(ver->major) + "." + std::to_string(ver->minor) + "." + std::to_string(ver->micro);
}

namespace host {
namespace {

struct CtxDeleter {
    void operator()(void* c) const { seccomp_release(c); }
};

std::vector<EnosysSection> stub_sections(const spec::Seccomp& p, const SeccompPlan& plan) {
    std::vector<EnosysSection> out;
    if (allows(plan.default_action) || plan.default_action == SCMP_ACT_ERRNO(ENOSYS)) return out;
    std::vector<std::uint32_t> tokens = {seccomp_arch_native()};
    for (auto t : plan.arch_tokens)
        if (std::find(tokens.begin(), tokens.end(), t) == tokens.end()) tokens.push_back(t);
    for (auto token : tokens) {
        // Only architectures whose token is their AUDIT_ARCH value; x32's is
        // synthetic (its calls are x86_64 calls with bit 30 set).
        if (token != AUDIT_ARCH_X86_64 && token != AUDIT_ARCH_I386 && token != AUDIT_ARCH_AARCH64 &&
            token != AUDIT_ARCH_ARM)
            continue;
        int max = -1;
        for (const auto& s : p.syscalls)
            for (const auto& name : s.names)
                max = std::max(max, seccomp_syscall_resolve_name_arch(token, name.c_str()));
        if (max > 0) out.push_back({token, static_cast<std::uint32_t>(max)});
    }
    return out;
}

std::vector<sock_filter> export_program(void* ctx) {
    sys::UniqueFd mem(::memfd_create("islet-seccomp", MFD_CLOEXEC));
    if (!mem) sys::throw_errno("memfd_create", "islet-seccomp");
    if (int rc = seccomp_export_bpf(ctx, mem.get()); rc < 0) sys::throw_errno_code(-rc, "seccomp_export_bpf");
    if (::lseek(mem.get(), 0, SEEK_SET) < 0) sys::throw_errno("lseek", "islet-seccomp");
    const std::string bytes = sys::read_all(mem.get());
    if (bytes.empty() || bytes.size() % sizeof(sock_filter) != 0)
        throw sys::Error("seccomp: libseccomp exported a malformed program (" + std::to_string(bytes.size()) +
                         " bytes)");
    std::vector<sock_filter> prog(bytes.size() / sizeof(sock_filter));
    std::memcpy(prog.data(), bytes.data(), bytes.size());
    return prog;
}

// The filter's answer for the native syscall nr with these arguments.
std::uint32_t answer(const std::vector<sock_filter>& filter, long nr, std::uint64_t arg0 = 0, std::uint64_t arg1 = 0) {
    seccomp_data d{};
    d.nr = static_cast<int>(nr);
    d.arch = native_audit_arch();
    d.args[0] = arg0;
    d.args[1] = arg1;
    return run_seccomp_bpf(filter, d);
}

// pid_fork.cpp's fork under the filter: clone3, or clone(CLONE_PARENT) when
// clone3 gets ENOSYS or EPERM.
bool lets_fork(const std::vector<sock_filter>& filter) {
    const std::uint32_t clone3 = answer(filter, SYS_clone3);
    if (seccomp_lets_through(clone3)) return true;
    if (clone3 != (SECCOMP_RET_ERRNO | ENOSYS) && clone3 != (SECCOMP_RET_ERRNO | EPERM)) return false;
    return seccomp_lets_through(answer(filter, SYS_clone, CLONE_PARENT));
}

// console.cpp's new_session under the filter: setsid, and for a terminal
// ioctl(0, TIOCSCTTY).
bool lets_start_session(const std::vector<sock_filter>& filter) {
    return seccomp_lets_through(answer(filter, SYS_setsid));
}
bool lets_take_terminal(const std::vector<sock_filter>& filter) {
    return seccomp_lets_through(answer(filter, SYS_ioctl, STDIN_FILENO, TIOCSCTTY));
}

}  // namespace

SeccompProgram compile_seccomp(const spec::Seccomp& p) {
    std::vector<spec::Problem> problems;
    SeccompPlan plan = plan_seccomp(p, problems);
    spec::throw_problems("config.json", problems);
    for (const auto& name : plan.ignored) log::debug("unknown seccomp syscall \"" + name + "\" ignored");
    const unsigned wanted = plan.filter_flags & ~static_cast<unsigned>(SECCOMP_FILTER_FLAG_NEW_LISTENER);
    if (wanted) {
        const auto supported = seccomp_supported_flags();
        for (auto& [name, bits] : flag_table())
            if ((wanted & bits) && std::find(supported.begin(), supported.end(), name) == supported.end())
                throw sys::Error(std::string("seccomp flag ") + name + " is not supported by this kernel");
    }

    std::unique_ptr<void, CtxDeleter> ctx(seccomp_init(plan.default_action));
    if (!ctx) throw sys::Error("seccomp: cannot create a filter with the default action " + p.default_action);
    // islet sets no_new_privs itself (process.noNewPrivileges), never as a
    // side effect of the filter.
    seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0);
    for (auto token : plan.arch_tokens) {
        int rc = seccomp_arch_add(ctx.get(), token);
        if (rc < 0 && rc != -EEXIST) sys::throw_errno_code(-rc, "seccomp: add architecture");
    }
    // A binary tree instead of a linear list for long profiles (libseccomp
    // 2.5 misbehaves with it on an empty rule set; runc uses the same cut).
    if (plan.rules.size() > 32) seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);
    for (const auto& r : plan.rules) {
        std::vector<scmp_arg_cmp> cmps;
        for (const auto& a : r.args) cmps.push_back({a.index, static_cast<scmp_compare>(a.op), a.a, a.b});
        int rc = seccomp_rule_add_array(ctx.get(), r.action, r.nr, static_cast<unsigned>(cmps.size()), cmps.data());
        if (rc < 0)
            throw sys::Error("error adding seccomp filter rule for syscall " + r.name + ": " + std::strerror(-rc), -rc);
    }

    SeccompProgram out;
    out.filter = enosys_stub(stub_sections(p, plan));
    const auto body = export_program(ctx.get());
    out.filter.insert(out.filter.end(), body.begin(), body.end());
    if (out.filter.size() > kMaxInstructions)
        throw sys::Error("seccomp: the profile compiles to " + std::to_string(out.filter.size()) +
                         " BPF instructions, more than the kernel's limit of " + std::to_string(kMaxInstructions));
    out.flags = plan.filter_flags;
    out.listener = plan.notify;
    out.fork_notified = plan.notify_fork;
    out.can_fork = lets_fork(out.filter);
    out.can_start_session = lets_start_session(out.filter);
    out.can_take_terminal = lets_take_terminal(out.filter);
    return out;
}

void send_seccomp_listener(const std::string& path, const std::string& state_json, int listener_fd) {
    sys::UniqueFd s = sys::connect_unix(path, "seccomp listener");
    // One message, the state and the descriptor together (runc's SendRawFd).
    sys::send_fd(s.get(), listener_fd, state_json);
}

}  // namespace host

namespace init {

sys::UniqueFd install_seccomp(const SeccompProgram& program) {
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(program.filter.size());
    prog.filter = const_cast<sock_filter*>(program.filter.data());
    long rc = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, program.flags, &prog);
    if (rc < 0) {
        if (errno == EACCES) sys::throw_errno("seccomp(SECCOMP_SET_MODE_FILTER) without no_new_privs or CAP_SYS_ADMIN");
        sys::throw_errno("seccomp(SECCOMP_SET_MODE_FILTER)");
    }
    if (program.listener) return sys::UniqueFd(static_cast<int>(rc));
    return {};
}

}  // namespace init
}  // namespace islet::runtime
