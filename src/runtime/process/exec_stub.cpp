#include "runtime/process/exec_stub.hpp"

#include <fcntl.h>
#include <linux/memfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec_stub_blob.h"
#include "sys/error.hpp"
#include "sys/syscalls.hpp"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

namespace islet::runtime::host {

sys::UniqueFd executable_memfd(const char* name) {
    long fd = ::syscall(SYS_memfd_create, name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
    if (fd < 0 && errno == EINVAL) fd = ::syscall(SYS_memfd_create, name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) sys::throw_errno("memfd_create", name);
    return sys::UniqueFd(static_cast<int>(fd));
}

void seal_executable(int fd, const std::string& what) {
    if (::fchmod(fd, 0555) < 0) sys::throw_errno("chmod", what);
    const int seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
    if (::fcntl(fd, F_ADD_SEALS, seals | F_SEAL_EXEC) < 0 && ::fcntl(fd, F_ADD_SEALS, seals) < 0)
        sys::throw_errno("seal", what);
}

sys::UniqueFd make_exec_stub() {
    sys::UniqueFd m = executable_memfd("islet-exec");
    sys::write_all(m.get(), {reinterpret_cast<const char*>(blob::exec_stub), blob::exec_stub_size}, "islet-exec memfd");
    seal_executable(m.get(), "islet-exec memfd");
    return m;
}

}  // namespace islet::runtime::host
