// Applies: process.ioPriority
#include "runtime/io_priority.hpp"

#include <linux/ioprio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys/error.hpp"

namespace islet::runtime {

std::optional<int> plan_io_priority(const spec::IoPriority& io, const std::string& base,
                                    std::vector<spec::Problem>& out) {
    int cls = -1;
    if (io.io_class == "IOPRIO_CLASS_RT") cls = IOPRIO_CLASS_RT;
    if (io.io_class == "IOPRIO_CLASS_BE") cls = IOPRIO_CLASS_BE;
    if (io.io_class == "IOPRIO_CLASS_IDLE") cls = IOPRIO_CLASS_IDLE;
    const size_t before = out.size();
    if (cls < 0) out.push_back({base + "/class", "unknown I/O priority class \"" + io.io_class + "\""});
    if (io.priority < 0 || io.priority > 7)
        out.push_back({base + "/priority", "invalid ioPriority.priority " + std::to_string(io.priority) + " (0 to 7)"});
    if (out.size() != before) return std::nullopt;
    return (cls << IOPRIO_CLASS_SHIFT) | io.priority;
}

namespace init {

void set_io_priority(int ioprio) {
    if (::syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, ioprio) < 0)
        sys::throw_errno("ioprio_set (class " + std::to_string(ioprio >> IOPRIO_CLASS_SHIFT) + ", priority " +
                         std::to_string(ioprio & 7) + ")");
}

}  // namespace init
}  // namespace islet::runtime
