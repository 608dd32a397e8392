// The sealed exec stub (see src/runtime/stub/exec_stub.c). Host side makes
// it; the init and exec's joining process execute it.
#pragma once

#include <string>

#include "sys/fd.hpp"

namespace islet::runtime::host {

// A close-on-exec, sealable memfd that may be executed (MFD_EXEC, which
// vm.memfd_noexec=1 requires, where the kernel has it).
sys::UniqueFd executable_memfd(const char* name);

// Mode 0555, then F_SEAL_SEAL|SHRINK|GROW|WRITE (plus F_SEAL_EXEC where the
// kernel has it): nobody can write, resize or re-seal it any more.
void seal_executable(int fd, const std::string& what);

// A memfd holding the stub, sealed against every write, resize and further
// sealing (F_SEAL_SEAL|SHRINK|GROW|WRITE, plus F_SEAL_EXEC where the kernel
// has it), close-on-exec. Made in the runtime process before clone3, so its
// pages are not charged to the container's memory cgroup.
sys::UniqueFd make_exec_stub();

}  // namespace islet::runtime::host
