// Applies: process.apparmorProfile, process.selinuxLabel, linux.mountLabel
#include "runtime/attrs/lsm.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/statfs.h>

#include "sys/error.hpp"
#include "sys/procfs.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

namespace islet::runtime {

void lsm_problems(const spec::Config& c, const LsmHost& h, std::vector<spec::Problem>& out) {
    if (c.process && !c.process->apparmor_profile.empty() && !h.apparmor)
        out.push_back(
            {"/process/apparmorProfile",
             "apparmor profile is specified in config, but apparmor is disabled or not supported on this host"});
    if (c.process && !c.process->selinux_label.empty() && !h.selinux)
        out.push_back({"/process/selinuxLabel",
                       "selinux label is specified in config, but selinux is disabled or not supported"});
    if (c.linux && !c.linux->mount_label.empty() && !h.selinux)
        out.push_back({"/linux/mountLabel",
                       "selinux mount label is specified in config, but selinux is disabled or not supported"});
}

std::string mount_label_option(const std::string& fstype, const std::string& label) {
    if (label.empty()) return {};
    // runc labels what it creates, except the kernel's own views (their
    // labels come from the policy) and mqueue (relabelled, not mounted with it).
    if (fstype == "proc" || fstype == "sysfs" || fstype == "cgroup" || fstype == "cgroup2" || fstype == "mqueue" ||
        fstype == "bind" || fstype.empty())
        return {};
    // fsconfig takes the value as one string: no quoting of the commas an
    // MLS range holds (mount(2) data would need "context=\"...\"").
    return "context=" + label;
}

namespace host {

LsmHost detect_lsm() {
    LsmHost h;
    if (auto v = sys::read_file_if_exists("/sys/module/apparmor/parameters/enabled"))
        h.apparmor = !v->empty() && (*v)[0] == 'Y';
    struct statfs st {};
    if (::statfs("/sys/fs/selinux", &st) == 0 && static_cast<unsigned long>(st.f_type) == SELINUX_MAGIC) {
        try {
            auto cur = sys::read_file("/proc/self/attr/current");
            std::string con(sys::trim(cur));
            if (!con.empty() && con.back() == '\0') con.pop_back();
            h.selinux = !con.empty() && con != "kernel";
        } catch (const sys::Error&) {
        }
    }
    return h;
}

}  // namespace host

namespace init {

bool has_exec_labels(const spec::Process& p) { return !p.apparmor_profile.empty() || !p.selinux_label.empty(); }

void set_exec_labels(const spec::Process& p, int host_proc_fd) {
    if (!has_exec_labels(p)) return;
    const std::string self = sys::proc_thread_self(host_proc_fd);
    if (!p.apparmor_profile.empty()) {
        // The LSM-specific file (Linux 5.8+) first: attr/exec belongs to
        // whichever LSM is the "display" one when several are stacked.
        const std::string value = "exec " + p.apparmor_profile;
        try {
            sys::write_procfs_file(host_proc_fd, self + "/attr/apparmor/exec", value);
        } catch (const sys::Error& e) {
            if (e.code() != ENOENT) throw;
            sys::write_procfs_file(host_proc_fd, self + "/attr/exec", value);
        }
    }
    if (!p.selinux_label.empty()) sys::write_procfs_file(host_proc_fd, self + "/attr/exec", p.selinux_label);
}

}  // namespace init
}  // namespace islet::runtime
