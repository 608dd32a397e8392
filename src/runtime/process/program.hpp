// The container's process: cwd, environment, the program lookup, the start
// barrier and the final execve. Init side (exec's joining process reuses the
// lookup and the exec).
//
// Applies: process.args, process.env, process.cwd
#pragma once

#include <string>
#include <vector>

#include "runtime/process/init_context.hpp"

namespace islet::runtime::init {

// Before pivot_root: a missing cwd is created inside the rootfs (as runc).
void create_cwd(InitContext& ctx);

// After pivot_root: HOME from the container's /etc/passwd when the config's
// env has none (runc does the same), else "/".
void ensure_home(std::vector<std::string>& env, uid_t uid);

// Go's exec.LookPath on the container's PATH, with runc's messages:
//   exec: "x": executable file not found in $PATH
//   exec: "/x": stat /x: no such file or directory
//   exec: "/etc/passwd": permission denied
// Returns the path to execute. Runs as the container's user, so permission
// checks are the process's own.
std::string resolve_program(const std::string& arg0, const std::vector<std::string>& env);

// runc's two tries: chdir(cwd) while the process is still privileged, so a
// directory only root may search (cwd /root, mode 0700, user 42) works;
// returns false when that was refused (EACCES/EPERM: a directory only the
// container's user may enter, such as a volume squashing root), for
// enter_cwd to try again as the user. Any other error is thrown.
bool enter_cwd_privileged(const std::string& cwd);

// As the container's user: chdir(cwd) unless enter_cwd_privileged did it,
// then refuse a cwd outside the container's root ("(unreachable)":
// CVE-2024-21626).
void enter_cwd(const std::string& cwd, bool entered);

// Blocks until `start` opens the barrier, then writes "0" to it. Returns
// the write end (close-on-exec): the init writes "1" once the startContainer
// hooks passed, and the execve closes it, which is how `start` knows the
// program is running before it runs poststart hooks.
sys::UniqueFd wait_for_start(InitContext& ctx);

// Closes every fd but 0-2 and the preserved ones, restores signals, and
// executes the program through the sealed stub (or directly without one).
[[noreturn]] void exec_process(int stub_fd, int preserved_fds, const std::string& path,
                               const std::vector<std::string>& args, const std::vector<std::string>& env);

}  // namespace islet::runtime::init
