// Classic BPF as the kernel runs a seccomp filter. The runtime asks its own
// compiled program what it will answer before a process depends on it
// (SeccompProgram::can_fork), and the unit tests check programs with it.
// Pure.
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstdint>
#include <vector>

namespace islet::runtime {

// The AUDIT_ARCH_* value of the architecture islet runs as.
std::uint32_t native_audit_arch();

// The program's answer (a SECCOMP_RET_* value) for `data`. An instruction the
// kernel's seccomp does not take, a load outside seccomp_data or a program
// that ends without a return answers SECCOMP_RET_KILL_PROCESS.
std::uint32_t run_seccomp_bpf(const std::vector<sock_filter>& program, const seccomp_data& data);

// The answer lets the call run: ALLOW, LOG, or USER_NOTIF (the agent decides).
bool seccomp_lets_through(std::uint32_t verdict);

}  // namespace islet::runtime
