// Linux security modules: the AppArmor profile and SELinux labels of the
// container's process and mounts. Host side (is the LSM active), init side
// (the exec labels).
//
// Applies: process.apparmorProfile, process.selinuxLabel, linux.mountLabel
//
// A label for an LSM that is not active is an error at create, naming the
// missing LSM (runc: "selinux label is specified in config, but selinux is
// disabled or not supported"); islet treats the AppArmor profile and the
// mount label the same way instead of dropping them silently.
//
// With the LSM active, the init writes the exec labels through the host's
// procfs handle (verified procfs, no symlinks, no mount crossing; never a
// /proc the image controls: CVE-2019-16884, CVE-2015-1334), to its own
// /proc/<pid>/task/<tid>/attr/{apparmor/,}exec. They take effect at the next
// execve, the sealed stub's, whose own execve then runs the program under the
// new label. They are written before noNewPrivileges and seccomp: AppArmor
// checks no_new_privs when the profile change is asked for (runc applies the
// profile at the same early point), and a seccomp profile need not allow these
// writes. SELinux checks no_new_privs at the execve, so under
// noNewPrivileges the policy must allow the nnp_transition either way. The
// startContainer hooks, forked by the init, inherit the pending label, as
// with runc.
// SELinux: the stub's memfd is the entrypoint of the new domain, so the
// policy must allow that entrypoint (runc disables its memfd trampoline under
// SELinux for this reason). The mount label goes to filesystems islet creates
// (not proc, sysfs, cgroup, mqueue or binds) as the `context=` option.
#pragma once

#include <string>
#include <vector>

#include "spec/model.hpp"
#include "spec/problem.hpp"

namespace islet::runtime {

struct LsmHost {
    bool apparmor = false;
    bool selinux = false;
};

// Pure: the problems of a config on a host with these LSMs (unit-tested).
void lsm_problems(const spec::Config& config, const LsmHost& host, std::vector<spec::Problem>& out);

// The fsconfig option ("context=<label>") for a filesystem islet creates, or
// "" (pure).
std::string mount_label_option(const std::string& fstype, const std::string& mount_label);

namespace host {
// AppArmor: /sys/module/apparmor/parameters/enabled is "Y". SELinux: selinuxfs
// at /sys/fs/selinux and a task context other than "kernel" (go-selinux).
LsmHost detect_lsm();
}  // namespace host

namespace init {
// Whether the process has an AppArmor profile or an SELinux label to set.
bool has_exec_labels(const spec::Process& process);

// Writes the AppArmor profile ("exec <profile>") and the SELinux label to this
// thread's attr/.../exec through host_proc_fd. No-op when neither is set.
void set_exec_labels(const spec::Process& process, int host_proc_fd);
}  // namespace init

}  // namespace islet::runtime
