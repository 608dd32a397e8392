// Seccomp: the config's profile compiled to a BPF program in the runtime
// process, installed by the init. The only place that uses libseccomp.
//
// Applies: linux.seccomp
//
// Host side (before anything is made): the profile is checked and compiled
// with libseccomp, exported as classic BPF (seccomp_export_bpf into a memfd)
// and kept as a std::vector<sock_filter>. The init gets it as a copy of the
// runtime's memory (clone3 without CLONE_VM), so libseccomp never runs in the
// container and a bad profile fails create before the state directory exists.
//
// Init side: one seccomp(2) call. Without noNewPrivileges the filter must go
// in while the init still holds CAP_SYS_ADMIN (the kernel's rule for filters
// without no_new_privs), so it is installed before the user switch and the
// capability drop; with noNewPrivileges it goes in as late as possible, right
// before `ready`. Either way the init still runs these syscalls under the
// filter, which a profile must allow (as runc's must): setgroups, setresgid,
// setresuid, prctl, capset, capget (without NNP); chdir, getcwd, newfstatat,
// faccessat2 (args[0] lookup); sendmsg, recvmsg, close (sync with the runtime);
// clone3, or clone with CLONE_PARENT where clone3 gets ENOSYS or EPERM,
// setsid, and with a terminal ioctl TIOCSCTTY (exec's process and a pod
// member's init are forked into the container's pid namespace after the
// filter: pid_fork.hpp);
// openat, write (the exec fifo, through the host's /proc); the startContainer
// hooks (clone, execve, wait4, ...); close_range, fcntl, rt_sigaction,
// rt_sigprocmask; execveat (the sealed stub), then the stub's execve.
//
// Differences from runc, on purpose:
// * The -ENOSYS stub (runc's patchbpf) covers the native architecture even
//   when `architectures` is empty: a syscall numbered above every syscall the
//   profile names returns ENOSYS instead of the default action, unless that
//   action allows (ALLOW, LOG, TRACE) or is already ERRNO(ENOSYS).
// * With defaultAction SCMP_ACT_ERRNO, syscalls that libc and common programs
//   probe and fall back from on ENOSYS (clone3, openat2, faccessat2,
//   fchmodat2) return ENOSYS when the profile does not name them at all, even
//   if a newer syscall named in the profile keeps them under the stub's cut.
// * SCMP_ACT_NOTIFY is refused for write (as runc) and for sendmsg, which the
//   init uses to hand the listener over: a notification nobody can answer yet
//   would hang create.
// * runc adds SECCOMP_FILTER_FLAG_SPEC_ALLOW when `flags` is absent; islet
//   sets only the flags the config lists (the model cannot tell absent from
//   empty, and a mitigation is not dropped silently).
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <string>
#include <vector>

#include "spec/model.hpp"
#include "spec/problem.hpp"
#include "sys/fd.hpp"

namespace islet::runtime {

// One rule after translation: a resolved syscall with its action and
// conditions (libseccomp's rule shape). Pure data, unit-tested.
struct SeccompArgRule {
    unsigned index = 0;
    int op = 0;                  // libseccomp's scmp_compare value
    std::uint64_t a = 0, b = 0;  // datum_a, datum_b (mask and value for MASKED_EQ)
};
struct SeccompRule {
    std::string name;
    int nr = 0;                        // the native syscall number, or a libseccomp pseudo number (< 0)
    std::uint32_t action = 0;          // libseccomp's SCMP_ACT_* value (with the errno in the low bits)
    std::vector<SeccompArgRule> args;  // AND-ed; runc splits same-index conditions into separate rules
};

// The checked profile: what libseccomp is asked to build. Pure data.
struct SeccompPlan {
    std::uint32_t default_action = 0;
    std::vector<std::uint32_t> arch_tokens;  // SCMP_ARCH_* values (libseccomp's = AUDIT_ARCH_*)
    std::vector<SeccompRule> rules;
    std::vector<std::string> ignored;  // syscall names this libseccomp/arch does not know
    unsigned filter_flags = 0;         // SECCOMP_FILTER_FLAG_* for seccomp(2)
    bool notify = false;               // some rule uses SCMP_ACT_NOTIFY
    bool notify_fork = false;          // ... for clone or clone3
};

// Translates and checks a profile (pure, but for libseccomp's name tables).
// Problems carry runc's messages ("string X is not a valid action for
// seccomp", "string X is not a valid arch for seccomp", ...) and JSON pointers.
SeccompPlan plan_seccomp(const spec::Seccomp& profile, std::vector<spec::Problem>& problems);

// True when the profile means "no seccomp" (no default action, no syscalls):
// runc installs nothing then.
bool seccomp_disabled(const spec::Seccomp& profile);

// What the init installs: a copy of plain memory, nothing to parse.
struct SeccompProgram {
    std::vector<sock_filter> filter;
    unsigned flags = 0;     // seccomp(2) flags, NEW_LISTENER included when notify
    bool listener = false;  // the init sends the listener fd (sync seccomp_fd) before `ready`
    // clone or clone3 notifies: a process forking under the filter
    // (pid_fork.hpp) needs its agent to have the listener first.
    bool fork_notified = false;
    // What the filter answers (seccomp_bpf.hpp) for a fork into a pid
    // namespace (pid_fork.hpp), a new session and taking a terminal
    // (console.hpp new_session): whether a process can finish before it is
    // forked (security.hpp finishes_before_fork).
    bool can_fork = true;
    bool can_start_session = true;  // setsid
    bool can_take_terminal = true;  // ioctl(0, TIOCSCTTY)
};

// The -ENOSYS stub placed before libseccomp's program: for each architecture
// (AUDIT_ARCH_* value) a syscall number above `max_nr` returns ERRNO(ENOSYS);
// anything else falls through to the filter that follows. Pure (unit-tested
// with a BPF interpreter).
struct EnosysSection {
    std::uint32_t audit_arch = 0;
    std::uint32_t max_nr = 0;
};
std::vector<sock_filter> enosys_stub(const std::vector<EnosysSection>& sections);

// Names for `islet features` (sorted, runc's spelling).
std::vector<std::string> seccomp_known_actions();
std::vector<std::string> seccomp_known_operators();
std::vector<std::string> seccomp_known_archs();
std::vector<std::string> seccomp_known_flags();
// Known flags this kernel accepts (probed with an invalid filter pointer:
// EFAULT means the flag passed the kernel's check).
std::vector<std::string> seccomp_supported_flags();
// "2.5.4" (for --version).
std::string libseccomp_version();

namespace host {
// Checks and compiles the profile. Throws sys::Error ("config.json: <pointer>:
// <message>; ...") before anything is made.
SeccompProgram compile_seccomp(const spec::Seccomp& profile);

// SCMP_ACT_NOTIFY: connects to listenerPath and sends runc's
// containerProcessState JSON with the listener fd (SCM_RIGHTS).
void send_seccomp_listener(const std::string& listener_path, const std::string& state_json, int listener_fd);
}  // namespace host

namespace init {
// Installs the filter in this (single-threaded) process. Returns the listener
// fd when the program has one, else an invalid fd.
sys::UniqueFd install_seccomp(const SeccompProgram& program);
}  // namespace init

}  // namespace islet::runtime
