// The seccomp translation and the compiled program, without root: the BPF
// that the init would install is run through a small classic-BPF interpreter
// with the seccomp_data the kernel would give it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstring>

#include "runtime/attrs/seccomp.hpp"
#include "runtime/attrs/seccomp_bpf.hpp"
#include "runtime/attrs/seccomp_guard.hpp"
#include "sys/error.hpp"

using namespace islet;
using namespace islet::runtime;

namespace {

const std::uint32_t kArch = native_audit_arch();
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_futex_waitv
#define __NR_futex_waitv 449
#endif

std::uint32_t verdict(const SeccompProgram& p, long nr, std::uint64_t arg0 = 0, std::uint32_t arch = kArch) {
    seccomp_data d{};
    d.nr = static_cast<int>(nr);
    d.arch = arch;
    d.args[0] = arg0;
    return run_seccomp_bpf(p.filter, d);
}

constexpr std::uint32_t errno_ret(int e) { return SECCOMP_RET_ERRNO | static_cast<std::uint32_t>(e); }

spec::SeccompSyscall rule(std::vector<std::string> names, std::string action, std::optional<std::uint32_t> e = {}) {
    spec::SeccompSyscall s;
    s.names = std::move(names);
    s.action = std::move(action);
    s.errno_ret = e;
    return s;
}

std::string problems_of(const spec::Seccomp& p) {
    std::vector<spec::Problem> out;
    plan_seccomp(p, out);
    std::string all;
    for (auto& x : out) all += x.text() + "\n";
    return all;
}

}  // namespace

TEST(SeccompPlan, InvalidActionArchOperatorAreRuncErrors) {
    spec::Seccomp p;
    p.default_action = "SCMP_ACT_BOGUS";
    p.architectures = {"SCMP_ARCH_BOGUS", "SCMP_ARCH_X86_64"};
    p.syscalls = {rule({"getpid"}, "SCMP_ACT_NOPE")};
    spec::SeccompArg a;
    a.op = "SCMP_CMP_BOGUS";
    p.syscalls[0].args = {a};
    const std::string msg = problems_of(p);
    EXPECT_NE(msg.find("/linux/seccomp/defaultAction: string SCMP_ACT_BOGUS is not a valid action for seccomp"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("/linux/seccomp/architectures/0: string SCMP_ARCH_BOGUS is not a valid arch for seccomp"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("string SCMP_ACT_NOPE is not a valid action for seccomp"), std::string::npos) << msg;
    EXPECT_NE(msg.find("string SCMP_CMP_BOGUS is not a valid operator for seccomp"), std::string::npos) << msg;
}

TEST(SeccompPlan, ErrnoOnlyWhereTheActionTakesOne) {
    spec::Seccomp p;
    p.default_action = "SCMP_ACT_ALLOW";
    p.syscalls = {rule({"getpid"}, "SCMP_ACT_KILL", 1), rule({"getppid"}, "SCMP_ACT_ERRNO", 5000)};
    const std::string msg = problems_of(p);
    EXPECT_NE(msg.find("/linux/seccomp/syscalls/0/errnoRet: SCMP_ACT_KILL takes no errno"), std::string::npos) << msg;
    EXPECT_NE(msg.find("/linux/seccomp/syscalls/1/errnoRet: 5000 is out of range"), std::string::npos) << msg;
}

TEST(SeccompPlan, NotifyRules) {
    spec::Seccomp p;
    p.default_action = "SCMP_ACT_NOTIFY";
    EXPECT_NE(problems_of(p).find("SCMP_ACT_NOTIFY cannot be used as default action"), std::string::npos);
    p.default_action = "SCMP_ACT_ALLOW";
    p.syscalls = {rule({"write"}, "SCMP_ACT_NOTIFY"), rule({"sendmsg"}, "SCMP_ACT_NOTIFY")};
    std::string msg = problems_of(p);
    EXPECT_NE(msg.find("cannot be used for the write syscall"), std::string::npos) << msg;
    EXPECT_NE(msg.find("cannot be used for the sendmsg syscall"), std::string::npos) << msg;
    EXPECT_NE(msg.find("SCMP_ACT_NOTIFY needs a listenerPath"), std::string::npos) << msg;
    p.syscalls = {rule({"mkdirat"}, "SCMP_ACT_NOTIFY")};
    p.listener_path = "/run/agent.sock";
    std::vector<spec::Problem> out;
    SeccompPlan plan = plan_seccomp(p, out);
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(plan.notify);
    EXPECT_TRUE(plan.filter_flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
}

TEST(SeccompPlan, FlagsAndUnknownNames) {
    spec::Seccomp p;
    p.default_action = "SCMP_ACT_ALLOW";
    p.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
    p.syscalls = {rule({"no_such_syscall_xyz", "getpid"}, "SCMP_ACT_ERRNO")};
    std::vector<spec::Problem> out;
    SeccompPlan plan = plan_seccomp(p, out);
    EXPECT_TRUE(out.empty());
    // WAIT_KILLABLE_RECV means nothing without a listener (and the kernel refuses it then).
    EXPECT_EQ(plan.filter_flags, static_cast<unsigned>(SECCOMP_FILTER_FLAG_LOG));
    ASSERT_EQ(plan.ignored.size(), 1u);
    EXPECT_EQ(plan.ignored[0], "no_such_syscall_xyz");
    ASSERT_EQ(plan.rules.size(), 1u);
    EXPECT_EQ(plan.rules[0].nr, __NR_getpid);
    p.flags = {"SECCOMP_FILTER_FLAG_BOGUS"};
    EXPECT_NE(problems_of(p).find("seccomp flag SECCOMP_FILTER_FLAG_BOGUS is not known to islet"), std::string::npos);
}

TEST(SeccompPlan, DisabledWithoutDefaultOrSyscalls) {
    spec::Seccomp p;
    EXPECT_TRUE(seccomp_disabled(p));
    p.default_action = "SCMP_ACT_ALLOW";
    EXPECT_FALSE(seccomp_disabled(p));
}

TEST(SeccompProgram, ErrnoRulesAndDefaults) {
    spec::Seccomp p;
    p.default_action = "SCMP_ACT_ALLOW";
    p.syscalls = {rule({"mkdirat"}, "SCMP_ACT_ERRNO", ENOSPC), rule({"getppid"}, "SCMP_ACT_ERRNO"),
                  rule({"getpid"}, "SCMP_ACT_ALLOW")};
    SeccompProgram prog = host::compile_seccomp(p);
    EXPECT_EQ(verdict(prog, __NR_mkdirat), errno_ret(ENOSPC));
    EXPECT_EQ(verdict(prog, __NR_getppid), errno_ret(EPERM));  // errnoRet defaults to EPERM
    EXPECT_EQ(verdict(prog, __NR_getpid), SECCOMP_RET_ALLOW);
    EXPECT_EQ(verdict(prog, 1000), SECCOMP_RET_ALLOW);  // allow default: no ENOSYS stub
    EXPECT_FALSE(prog.listener);
}

TEST(SeccompProgram, KillActions) {
    spec::Seccomp p;
    p.default_action = "SCMP_ACT_ALLOW";
    p.syscalls = {rule({"getppid"}, "SCMP_ACT_KILL"), rule({"mkdirat"}, "SCMP_ACT_KILL_PROCESS"),
                  rule({"getpid"}, "SCMP_ACT_TRAP")};
    SeccompProgram prog = host::compile_seccomp(p);
    EXPECT_EQ(verdict(prog, __NR_getppid), SECCOMP_RET_KILL_THREAD);
    EXPECT_EQ(verdict(prog, __NR_mkdirat), SECCOMP_RET_KILL_PROCESS);
    EXPECT_EQ(verdict(prog, __NR_getpid), SECCOMP_RET_TRAP);
}

TEST(SeccompProgram, ArgumentConditions) {
    spec::Seccomp p;
    p.default_action = "SCMP_ACT_ALLOW";
    spec::SeccompSyscall s = rule({"personality"}, "SCMP_ACT_ERRNO", EACCES);
    spec::SeccompArg eq;
    eq.index = 0;
    eq.op = "SCMP_CMP_EQ";
    eq.value = 8;
    s.args = {eq};
    spec::SeccompSyscall m = rule({"umask"}, "SCMP_ACT_ERRNO", EDOM);
    spec::SeccompArg masked;
    masked.index = 0;
    masked.op = "SCMP_CMP_MASKED_EQ";
    masked.value = 0700;      // mask
    masked.value_two = 0500;  // value after masking
    m.args = {masked};
    p.syscalls = {s, m};
    SeccompProgram prog = host::compile_seccomp(p);
    EXPECT_EQ(verdict(prog, __NR_personality, 8), errno_ret(EACCES));
    EXPECT_EQ(verdict(prog, __NR_personality, 0), SECCOMP_RET_ALLOW);
    EXPECT_EQ(verdict(prog, __NR_umask, 0511), errno_ret(EDOM));
    EXPECT_EQ(verdict(prog, __NR_umask, 0711), SECCOMP_RET_ALLOW);
}

TEST(SeccompProgram, EveryOperatorOnSixtyFourBitValues) {
    struct Case {
        const char* op;
        std::uint64_t value;
        std::uint64_t hit, miss;
    };
    const std::uint64_t big = 0x100000005ull;  // needs both 32-bit halves
    const Case cases[] = {
        {"SCMP_CMP_EQ", big, big, 5},       {"SCMP_CMP_NE", big, 5, big},       {"SCMP_CMP_LT", big, big - 1, big},
        {"SCMP_CMP_LE", big, big, big + 1}, {"SCMP_CMP_GT", big, big + 1, big}, {"SCMP_CMP_GE", big, big, big - 1},
    };
    for (const auto& c : cases) {
        spec::Seccomp p;
        p.default_action = "SCMP_ACT_ALLOW";
        spec::SeccompSyscall s = rule({"personality"}, "SCMP_ACT_ERRNO", EXDEV);
        spec::SeccompArg a;
        a.op = c.op;
        a.value = c.value;
        s.args = {a};
        p.syscalls = {s};
        SeccompProgram prog = host::compile_seccomp(p);
        EXPECT_EQ(verdict(prog, __NR_personality, c.hit), errno_ret(EXDEV)) << c.op;
        EXPECT_EQ(verdict(prog, __NR_personality, c.miss), SECCOMP_RET_ALLOW) << c.op;
    }
}

TEST(SeccompProgram, TwoConditionsOnOneArgumentAreAlternatives) {
    spec::Seccomp p;
    p.default_action = "SCMP_ACT_ALLOW";
    spec::SeccompSyscall s = rule({"personality"}, "SCMP_ACT_ERRNO");
    spec::SeccompArg a, b;
    a.op = b.op = "SCMP_CMP_EQ";
    a.value = 1;
    b.value = 2;
    s.args = {a, b};
    p.syscalls = {s};
    SeccompProgram prog = host::compile_seccomp(p);
    EXPECT_EQ(verdict(prog, __NR_personality, 1), errno_ret(EPERM));
    EXPECT_EQ(verdict(prog, __NR_personality, 2), errno_ret(EPERM));
    EXPECT_EQ(verdict(prog, __NR_personality, 3), SECCOMP_RET_ALLOW);
}

TEST(SeccompProgram, NewerSyscallsGetEnosysUnderAnErrnoDefault) {
    spec::Seccomp p;
    p.default_action = "SCMP_ACT_ERRNO";
    p.syscalls = {rule({"getpid", "mkdirat"}, "SCMP_ACT_ALLOW")};
    SeccompProgram prog = host::compile_seccomp(p);
    EXPECT_EQ(verdict(prog, __NR_getpid), SECCOMP_RET_ALLOW);
    EXPECT_EQ(verdict(prog, __NR_getppid), errno_ret(EPERM));       // older than the profile: the default
    EXPECT_EQ(verdict(prog, __NR_futex_waitv), errno_ret(ENOSYS));  // newer than the profile
    EXPECT_EQ(verdict(prog, 1000), errno_ret(ENOSYS));
    EXPECT_EQ(verdict(prog, __NR_clone3), errno_ret(ENOSYS));
#if defined(__x86_64__)
    // x32 numbers (bit 30) are not "newer": they are left to the filter.
    EXPECT_NE(verdict(prog, 0x40000000 | __NR_getpid), errno_ret(ENOSYS));
#endif
}

TEST(SeccompProgram, FallbackSyscallsKeepEnosysBelowTheCut) {
    spec::Seccomp p;
    p.default_action = "SCMP_ACT_ERRNO";
    // futex_waitv (449) is newer than clone3 (435): the stub alone would give
    // clone3 EPERM, and glibc's pthread_create would not fall back to clone.
    p.syscalls = {rule({"getpid", "futex_waitv"}, "SCMP_ACT_ALLOW")};
    SeccompProgram prog = host::compile_seccomp(p);
    EXPECT_EQ(verdict(prog, __NR_clone3), errno_ret(ENOSYS));
    EXPECT_EQ(verdict(prog, __NR_getppid), errno_ret(EPERM));
    // Named in the profile: the profile decides.
    p.syscalls.push_back(rule({"clone3"}, "SCMP_ACT_ERRNO", EPERM));
    p.default_action = "SCMP_ACT_ERRNO";
    p.default_errno_ret = EACCES;
    prog = host::compile_seccomp(p);
    EXPECT_EQ(verdict(prog, __NR_clone3), errno_ret(EPERM));
    EXPECT_EQ(verdict(prog, __NR_getppid), errno_ret(EACCES));
}

TEST(SeccompProgram, NoStubWhenTheDefaultIsAlreadyEnosysOrAllowing) {
    spec::Seccomp p;
    p.default_action = "SCMP_ACT_LOG";
    p.syscalls = {rule({"getpid"}, "SCMP_ACT_ERRNO")};
    EXPECT_EQ(verdict(host::compile_seccomp(p), 1000), SECCOMP_RET_LOG);
    p.default_action = "SCMP_ACT_KILL_PROCESS";
    p.syscalls = {rule({"getpid", "mkdirat"}, "SCMP_ACT_ALLOW")};
    SeccompProgram kill = host::compile_seccomp(p);
    EXPECT_EQ(verdict(kill, 1000), errno_ret(ENOSYS));
    EXPECT_EQ(verdict(kill, __NR_getppid), SECCOMP_RET_KILL_PROCESS);
}

TEST(SeccompProgram, CompileErrorsBeforeAnything) {
    spec::Seccomp p;
    p.default_action = "SCMP_ACT_ALLOW";
    p.architectures = {"SCMP_ARCH_NOPE"};
    try {
        host::compile_seccomp(p);
        FAIL() << "no error";
    } catch (const sys::Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "config.json: /linux/seccomp/architectures/0: string SCMP_ARCH_NOPE is not a valid arch for seccomp");
    }
}

TEST(SeccompStub, LayoutJumpsLandInsideTheProgram) {
    auto stub = enosys_stub({{AUDIT_ARCH_X86_64, 300}, {AUDIT_ARCH_I386, 200}});
    // ld arch; 2 x jeq; ja; x86_64 section (4); i386 section (3); ret ENOSYS.
    ASSERT_EQ(stub.size(), 1u + 2 + 1 + 4 + 3 + 1);
    std::vector<sock_filter> prog = stub;
    prog.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));  // "the filter"
    SeccompProgram p;
    p.filter = prog;
    EXPECT_EQ(verdict(p, 300, 0, AUDIT_ARCH_X86_64), SECCOMP_RET_ALLOW);
    EXPECT_EQ(verdict(p, 301, 0, AUDIT_ARCH_X86_64), errno_ret(ENOSYS));
    EXPECT_EQ(verdict(p, 0x40000000 | 400, 0, AUDIT_ARCH_X86_64), SECCOMP_RET_ALLOW);
    EXPECT_EQ(verdict(p, 201, 0, AUDIT_ARCH_I386), errno_ret(ENOSYS));
    EXPECT_EQ(verdict(p, 199, 0, AUDIT_ARCH_I386), SECCOMP_RET_ALLOW);
    EXPECT_EQ(verdict(p, 5000, 0, AUDIT_ARCH_AARCH64), SECCOMP_RET_ALLOW);  // no section: the filter decides
    EXPECT_TRUE(enosys_stub({}).empty());
}

TEST(SeccompFeatures, ListsAreRuncs) {
    auto actions = seccomp_known_actions();
    EXPECT_EQ(actions.size(), 9u);
    EXPECT_TRUE(std::is_sorted(actions.begin(), actions.end()));
    auto ops = seccomp_known_operators();
    EXPECT_EQ(ops.size(), 7u);
    EXPECT_TRUE(std::is_sorted(ops.begin(), ops.end()));
    auto archs = seccomp_known_archs();
    EXPECT_NE(std::find(archs.begin(), archs.end(), "SCMP_ARCH_X86_64"), archs.end());
    auto flags = seccomp_known_flags();
    EXPECT_NE(std::find(flags.begin(), flags.end(), "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"), flags.end());
}

// The isolation guard (seccomp_guard.hpp): what it refuses and what it lets
// through, per architecture, through the same interpreter.
#if defined(__x86_64__)
namespace {

std::uint32_t guard(std::uint32_t arch, std::uint32_t nr, std::vector<std::uint64_t> args) {
    static const std::vector<sock_filter> prog = guard_program(guard_rules());
    seccomp_data d{};
    d.arch = arch;
    d.nr = static_cast<int>(nr);
    for (size_t i = 0; i < args.size(); ++i) d.args[i] = args[i];
    return run_seccomp_bpf(prog, d);
}

constexpr std::uint32_t kAllow = SECCOMP_RET_ALLOW;
const std::uint32_t kEperm = errno_ret(EPERM), kEnosys = errno_ret(ENOSYS);

}  // namespace

TEST(SeccompGuard, RefusesSetidModes) {
    const std::uint32_t x = AUDIT_ARCH_X86_64;
    EXPECT_EQ(guard(x, __NR_chmod, {0, 04755}), kEperm);
    EXPECT_EQ(guard(x, __NR_chmod, {0, 02755}), kEperm);
    EXPECT_EQ(guard(x, __NR_chmod, {0, 0755}), kAllow);
    EXPECT_EQ(guard(x, __NR_chmod, {0, 01777}), kAllow);  // sticky grants nothing
    EXPECT_EQ(guard(x, __NR_fchmod, {3, 06755}), kEperm);
    EXPECT_EQ(guard(x, __NR_fchmodat, {3, 0, 04000}), kEperm);
    EXPECT_EQ(guard(x, __NR_fchmodat, {3, 0, 0644}), kAllow);
    EXPECT_EQ(guard(x, 452 /* fchmodat2 */, {3, 0, 04755, 0}), kEperm);
    EXPECT_EQ(guard(x, __NR_creat, {0, 04755}), kEperm);
    EXPECT_EQ(guard(x, __NR_creat, {0, 0644}), kAllow);
    // High bits the kernel ignores cannot hide a bit it uses, nor make one.
    EXPECT_EQ(guard(x, __NR_chmod, {0, 0xffffffff00000000ull | 04755}), kEperm);
    EXPECT_EQ(guard(x, __NR_chmod, {0, 0xffffffff00000000ull | 0755}), kAllow);
}

TEST(SeccompGuard, OpenModeCountsOnlyWhenCreating) {
    const std::uint32_t x = AUDIT_ARCH_X86_64;
    EXPECT_EQ(guard(x, __NR_openat, {3, 0, O_CREAT | O_WRONLY, 04755}), kEperm);
    EXPECT_EQ(guard(x, __NR_openat, {3, 0, O_TMPFILE | O_WRONLY, 02755}), kEperm);
    EXPECT_EQ(guard(x, __NR_openat, {3, 0, O_CREAT | O_WRONLY, 0644}), kAllow);
    EXPECT_EQ(guard(x, __NR_openat, {3, 0, O_RDONLY, 04755}), kAllow);  // mode unused
    EXPECT_EQ(guard(x, __NR_open, {0, O_CREAT | O_EXCL, 06755}), kEperm);
    EXPECT_EQ(guard(x, __NR_open, {0, O_RDWR, 06755}), kAllow);
}

TEST(SeccompGuard, DeviceNodesButWhiteouts) {
    const std::uint32_t x = AUDIT_ARCH_X86_64;
    EXPECT_EQ(guard(x, __NR_mknodat, {3, 0, S_IFCHR | 0666, makedev(1, 3)}), kEperm);
    EXPECT_EQ(guard(x, __NR_mknodat, {3, 0, S_IFBLK | 0600, makedev(8, 0)}), kEperm);
    EXPECT_EQ(guard(x, __NR_mknodat, {3, 0, S_IFCHR | 0, 0}), kAllow);  // overlay whiteout
    EXPECT_EQ(guard(x, __NR_mknodat, {3, 0, S_IFIFO | 0644, 0}), kAllow);
    EXPECT_EQ(guard(x, __NR_mknodat, {3, 0, S_IFREG | 04755, 0}), kEperm);
    EXPECT_EQ(guard(x, __NR_mknod, {0, S_IFCHR | 0666, makedev(1, 3)}), kEperm);
    EXPECT_EQ(guard(x, __NR_mknod, {0, S_IFSOCK | 0666, 0}), kAllow);
}

TEST(SeccompGuard, CapabilitySizedXattrsAndBypasses) {
    const std::uint32_t x = AUDIT_ARCH_X86_64;
    for (long nr : {__NR_setxattr, __NR_lsetxattr, __NR_fsetxattr}) {
        EXPECT_EQ(guard(x, nr, {0, 0, 0, 20, 0}), kEperm) << nr;
        EXPECT_EQ(guard(x, nr, {0, 0, 0, 24, 0}), kEperm) << nr;
        EXPECT_EQ(guard(x, nr, {0, 0, 0, 28, 0}), kAllow) << nr;  // the smallest ACL
        EXPECT_EQ(guard(x, nr, {0, 0, 0, 5, 0}), kAllow) << nr;
    }
    EXPECT_EQ(guard(x, 437 /* openat2 */, {}), kEnosys);
    EXPECT_EQ(guard(x, 425 /* io_uring_setup */, {}), kEnosys);
    EXPECT_EQ(guard(x, 463 /* setxattrat */, {}), kEnosys);
    EXPECT_EQ(guard(x, __NR_removexattr, {}), kAllow);
    EXPECT_EQ(guard(x, __NR_write, {1, 0, 04755}), kAllow);
}

TEST(SeccompGuard, OtherAbisOfTheSameKernel) {
    // i386 (int 0x80): its own numbers (chmod 15, openat 295, mknodat 297, setxattr 226).
    EXPECT_EQ(guard(AUDIT_ARCH_I386, 15, {0, 04755}), kEperm);
    EXPECT_EQ(guard(AUDIT_ARCH_I386, 15, {0, 0755}), kAllow);
    EXPECT_EQ(guard(AUDIT_ARCH_I386, 295, {3, 0, O_CREAT, 02755}), kEperm);
    EXPECT_EQ(guard(AUDIT_ARCH_I386, 297, {3, 0, S_IFBLK, 0}), kEperm);
    EXPECT_EQ(guard(AUDIT_ARCH_I386, 226, {0, 0, 0, 20}), kEperm);
    EXPECT_EQ(guard(AUDIT_ARCH_I386, 90, {0, 04755}), kAllow);  // i386's 90 is mmap
    // x32: x86_64's numbers with bit 30.
    EXPECT_EQ(guard(AUDIT_ARCH_X86_64, 0x40000000u | __NR_chmod, {0, 04755}), kEperm);
    EXPECT_EQ(guard(AUDIT_ARCH_X86_64, 0x40000000u | 452, {3, 0, 04755}), kEperm);
    EXPECT_EQ(guard(AUDIT_ARCH_X86_64, 0x40000000u | 463, {}), kEnosys);
    EXPECT_EQ(guard(AUDIT_ARCH_X86_64, 0x40000000u | __NR_getpid, {}), kAllow);
}
#endif

// Whether a process can fork under the filter as pid_fork.cpp does (clone3,
// or clone with CLONE_PARENT after ENOSYS or EPERM) and take a terminal
// (setsid, then ioctl TIOCSCTTY): if not, it is forked before it finishes.
TEST(SeccompProgram, TellsWhetherAProcessCanForkAndTakeATerminalUnderIt) {
    spec::Seccomp p;
    p.default_action = "SCMP_ACT_ALLOW";
    p.syscalls = {rule({"getppid"}, "SCMP_ACT_ERRNO")};
    SeccompProgram prog = host::compile_seccomp(p);
    EXPECT_TRUE(prog.can_fork);
    EXPECT_TRUE(prog.can_start_session);
    EXPECT_TRUE(prog.can_take_terminal);
    // podman's and docker's defaults: clone3 ENOSYS, clone without namespace flags.
    spec::SeccompSyscall clone = rule({"clone"}, "SCMP_ACT_ALLOW");
    spec::SeccompArg no_ns;
    no_ns.index = 0;
    no_ns.op = "SCMP_CMP_MASKED_EQ";
    no_ns.value = 0x7E020000;
    no_ns.value_two = 0;
    clone.args = {no_ns};
    p.default_action = "SCMP_ACT_ERRNO";
    p.syscalls = {rule({"clone3"}, "SCMP_ACT_ERRNO", ENOSYS), clone, rule({"setsid", "ioctl"}, "SCMP_ACT_ALLOW")};
    prog = host::compile_seccomp(p);
    EXPECT_TRUE(prog.can_fork);
    EXPECT_TRUE(prog.can_take_terminal);
    // clone3 refused with an errno libc does not fall back on.
    p.syscalls[0] = rule({"clone3"}, "SCMP_ACT_ERRNO", EACCES);
    EXPECT_FALSE(host::compile_seccomp(p).can_fork);
    // A deny-by-default list without clone (clone3 gets the stub's ENOSYS).
    p.syscalls = {rule({"read", "write", "execve"}, "SCMP_ACT_ALLOW")};
    prog = host::compile_seccomp(p);
    EXPECT_FALSE(prog.can_fork);
    EXPECT_FALSE(prog.can_start_session);
    EXPECT_FALSE(prog.can_take_terminal);
    // clone only without CLONE_PARENT: not ours.
    clone.args[0].op = "SCMP_CMP_MASKED_EQ";
    clone.args[0].value = CLONE_PARENT;
    clone.args[0].value_two = 0;
    p.syscalls = {clone, rule({"setsid"}, "SCMP_ACT_ALLOW")};
    prog = host::compile_seccomp(p);
    EXPECT_FALSE(prog.can_fork);
    EXPECT_TRUE(prog.can_start_session);
    EXPECT_FALSE(prog.can_take_terminal);  // no ioctl
    // A notified clone3 is the agent's to decide: through.
    p.default_action = "SCMP_ACT_ALLOW";
    p.listener_path = "/run/agent.sock";
    p.syscalls = {rule({"clone3", "clone"}, "SCMP_ACT_NOTIFY"), rule({"ioctl"}, "SCMP_ACT_ERRNO")};
    prog = host::compile_seccomp(p);
    EXPECT_TRUE(prog.can_fork);
    EXPECT_TRUE(prog.fork_notified);
    EXPECT_TRUE(prog.can_start_session);
    EXPECT_FALSE(prog.can_take_terminal);
}
