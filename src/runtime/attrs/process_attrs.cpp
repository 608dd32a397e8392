// Applies: process.oomScoreAdj, process.noNewPrivileges
#include "runtime/attrs/process_attrs.hpp"

#include <fcntl.h>
#include <sys/prctl.h>

#include "sys/error.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::init {

void set_oom_score_adj(const spec::Process& process, int host_proc_fd) {
    if (!process.oom_score_adj) return;
    sys::UniqueFd f = sys::open_at(host_proc_fd, "self/oom_score_adj", O_WRONLY);
    sys::write_all(f.get(), std::to_string(*process.oom_score_adj), "/proc/self/oom_score_adj");
}

void set_no_new_privileges(const spec::Process& process) {
    if (process.no_new_privileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        sys::throw_errno("prctl(PR_SET_NO_NEW_PRIVS)");
}

}  // namespace islet::runtime::init
