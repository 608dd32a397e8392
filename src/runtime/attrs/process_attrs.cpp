// Applies: process.oomScoreAdj, process.noNewPrivileges
#include "runtime/attrs/process_attrs.hpp"

#include <fcntl.h>
#include <sys/prctl.h>

#include "sys/error.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::host {

void set_oom_score_adj(pid_t pid, const spec::Process& container_process) {
    if (!container_process.oom_score_adj) return;
    const std::string path = "/proc/" + std::to_string(pid) + "/oom_score_adj";
    sys::with_context("oom score", [&] {
        sys::UniqueFd f = sys::open_path(path, O_WRONLY);
        sys::write_all(f.get(), std::to_string(*container_process.oom_score_adj), path);
    });
}

}  // namespace islet::runtime::host

namespace islet::runtime::init {

void set_no_new_privileges(const spec::Process& process) {
    if (process.no_new_privileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        sys::throw_errno("prctl(PR_SET_NO_NEW_PRIVS)");
}

}  // namespace islet::runtime::init
