// The sealed exec stub (see src/runtime/stub/exec_stub.c). Host side makes
// it; the init and exec's joining process execute it.
#pragma once

#include "sys/fd.hpp"

namespace islet::runtime::host {

// A memfd holding the stub, sealed against every write, resize and further
// sealing (F_SEAL_SEAL|SHRINK|GROW|WRITE, plus F_SEAL_EXEC where the kernel
// has it), close-on-exec. Made in the runtime process before clone3, so its
// pages are not charged to the container's memory cgroup.
sys::UniqueFd make_exec_stub();

}  // namespace islet::runtime::host
