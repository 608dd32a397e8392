// The I/O scheduling class and priority of the container's process. Pure
// plan (unit-tested), init-side ioprio_set(2).
//
// Applies: process.ioPriority
//
// Classes IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE; priority 0
// (highest) to 7. RT needs CAP_SYS_ADMIN or CAP_SYS_NICE, so it is set before
// the capabilities are dropped. It survives the final execve.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "spec/model.hpp"
#include "spec/problem.hpp"

namespace islet::runtime {

// The kernel's ioprio ABI (include/uapi/linux/ioprio.h). Spelled out here
// because that header stopped compiling as C++ in linux-libc-dev 6.1.192
// (its ioprio_value() has a parameter named `class`).
namespace ioprio {
inline constexpr int class_shift = 13;
inline constexpr int class_rt = 1;
inline constexpr int class_be = 2;
inline constexpr int class_idle = 3;
inline constexpr int who_process = 1;
inline constexpr int priority_mask = (1 << class_shift) - 1;
}  // namespace ioprio

// The ioprio value ((class << 13) | priority), or nullopt with problems.
std::optional<int> plan_io_priority(const spec::IoPriority& io, const std::string& base,
                                    std::vector<spec::Problem>& out);

namespace init {
void set_io_priority(int value);
}  // namespace init

}  // namespace islet::runtime
