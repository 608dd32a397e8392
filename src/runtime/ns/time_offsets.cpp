// Applies: linux.timeOffsets
#include "runtime/ns/time_offsets.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "sys/error.hpp"
#include "sys/log.hpp"
#include "sys/procfs.hpp"
#include "sys/scope_exit.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {

std::string timens_offsets_text(const std::map<std::string, spec::TimeOffset>& offsets) {
    std::string out;
    for (const auto& [clock, off] : offsets)
        out += clock + " " + std::to_string(off.secs) + " " + std::to_string(off.nanosecs) + "\n";
    return out;
}

namespace host {

TimeNamespaceForChildren::TimeNamespaceForChildren(const std::map<std::string, spec::TimeOffset>& offsets) {
    sys::UniqueFd own = sys::open_path("/proc/self/ns/time", O_RDONLY);
    sys::UniqueFd proc = sys::open_path("/proc", O_PATH | O_DIRECTORY);
    const std::string pid = sys::split(sys::proc_thread_self(proc.get()), '/').front();
    if (::unshare(CLONE_NEWTIME) < 0) sys::throw_errno("unshare the time namespace");
    own_ = std::move(own);
    sys::ScopeExit undo([&] { restore(); });
    // One clock per write: the kernel takes the file line by line.
    for (const auto& line : sys::split(timens_offsets_text(offsets), '\n'))
        if (!line.empty()) sys::write_procfs_file(proc.get(), pid + "/timens_offsets", line);
    undo.dismiss();
}

TimeNamespaceForChildren::~TimeNamespaceForChildren() { restore(); }

void TimeNamespaceForChildren::restore() {
    if (!own_) return;
    // A runtime left with a foreign time_for_children would put the next
    // process it starts (a hook) into the container's time namespace.
    if (::setns(own_.get(), CLONE_NEWTIME) < 0) {
        log::report_error(sys::describe_errno("restore the runtime's time namespace", "", errno));
        ::_exit(1);
    }
    own_.reset();
}

}  // namespace host
}  // namespace islet::runtime
