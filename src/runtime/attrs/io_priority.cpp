// Applies: process.ioPriority
#include "runtime/attrs/io_priority.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include "sys/error.hpp"

namespace islet::runtime {

std::optional<int> plan_io_priority(const spec::IoPriority& io, const std::string& base,
                                    std::vector<spec::Problem>& out) {
    int cls = -1;
    if (io.io_class == "IOPRIO_CLASS_RT") cls = ioprio::class_rt;
    if (io.io_class == "IOPRIO_CLASS_BE") cls = ioprio::class_be;
    if (io.io_class == "IOPRIO_CLASS_IDLE") cls = ioprio::class_idle;
    const size_t before = out.size();
    if (cls < 0) out.push_back({base + "/class", "unknown I/O priority class \"" + io.io_class + "\""});
    if (io.priority < 0 || io.priority > 7)
        out.push_back({base + "/priority", "invalid ioPriority.priority " + std::to_string(io.priority) + " (0 to 7)"});
    if (out.size() != before) return std::nullopt;
    return (cls << ioprio::class_shift) | io.priority;
}

namespace init {

void set_io_priority(int value) {
    if (::syscall(SYS_ioprio_set, ioprio::who_process, 0, value) < 0)
        sys::throw_errno("ioprio_set (class " + std::to_string(value >> ioprio::class_shift) + ", priority " +
                         std::to_string(value & ioprio::priority_mask) + ")");
}

}  // namespace init
}  // namespace islet::runtime
