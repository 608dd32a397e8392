// Finishing the process: the steps the container's init and exec's joining
// process both take, in one order, once their namespaces, mounts and console
// are set up and before they report `ready`. Init side (both children).
//
// Applies: process.rlimits, process.user, process.capabilities, process.cwd,
// process.noNewPrivileges, process.args (the lookup), and through
// security.hpp the personality, scheduler, I/O priority, memory policy, LSM
// labels and seccomp.
//
// The order is a security property (runc's finalizeNamespace, shared by its
// standard and setns inits):
//   rlimits, HOME                       (still root: may raise hard limits)
//   personality, scheduler, I/O priority, memory policy, LSM exec labels
//                                       (privileged and unfiltered)
//   seccomp, without noNewPrivileges    (the kernel wants CAP_SYS_ADMIN then)
//   bounding set, user, capabilities    (one switch: set_identity)
//   cwd, no_new_privs                   (as the container's user)
//   program lookup                      (with the process's own permissions)
//   seccomp, with noNewPrivileges       (as late as possible; a notify
//                                        listener reaches its agent before ready)
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "runtime/attrs/security.hpp"
#include "spec/model.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"

namespace islet::runtime::init {

// A named step of a child's driver: any sys::Error it throws gains the name.
template <typename F>
void step(const char* name, F&& f) {
    // runc's init logs its steps with --debug too. Only into a --log file:
    // this process's stderr may be the container's terminal by now.
    if (log::sink_fd() >= 0) log::debug(std::string("container setup: ") + name);
    sys::with_context(name, std::forward<F>(f));
}

// Zeroes the environment the runtime was started with (sys::scrub_environ)
// in the init or exec's joiner, first thing: a container process with
// CAP_SYS_PTRACE could read it through /proc/<pid>/environ or memory once the
// child is seen. Kept: what test and sanitizer builds read later
// (ISLET_TEST_PAUSE_AT, the sanitizers' options).
void forget_caller_environment();

// Takes the steps above. env gains HOME when it has none; a notify listener
// goes to the runtime over sync_fd; host_proc_fd is the host's /proc (LSM
// labels). Returns args[0] resolved on the container's PATH.
std::string finish_process(const spec::Process& process, const SecurityPlan& security, std::vector<std::string>& env,
                           int host_proc_fd, int sync_fd);

}  // namespace islet::runtime::init
