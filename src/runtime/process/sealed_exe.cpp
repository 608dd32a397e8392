#include "runtime/process/sealed_exe.hpp"

#include <fcntl.h>
#include <linux/memfd.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "sys/error.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::host {
namespace {

constexpr const char* kMarker = "_ISLET_SEALED_EXE=1";

bool has_cap(const std::optional<std::vector<std::string>>& set, const char* cap) {
    return set && std::find(set->begin(), set->end(), cap) != set->end();
}

}  // namespace

bool needs_sealed_exe(const spec::Config& config, const spec::Process* process) {
    if (config.linux && config.linux->find_namespace("user")) return false;
    if (!process || !process->capabilities) return false;
    const auto& c = *process->capabilities;
    // The bounding set caps what a setuid or file-capability binary can gain.
    return has_cap(c.bounding, "CAP_SYS_PTRACE") || has_cap(c.effective, "CAP_SYS_PTRACE") ||
           has_cap(c.permitted, "CAP_SYS_PTRACE");
}

void reexec_sealed(const spec::Config& config, const spec::Process* process) {
    if (!needs_sealed_exe(config, process)) return;
    for (char** e = environ; *e; ++e)
        if (std::string(*e) == kMarker) return;  // already the sealed copy
    sys::UniqueFd self = sys::open_path("/proc/self/exe", O_RDONLY);
    struct stat st = sys::fstat_fd(self.get(), "/proc/self/exe");
    long fd = ::syscall(SYS_memfd_create, "islet", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) sys::throw_errno("memfd_create", "islet");
    sys::UniqueFd copy(static_cast<int>(fd));
    off_t off = 0;
    while (off < st.st_size) {
        ssize_t n = ::sendfile(copy.get(), self.get(), &off, static_cast<size_t>(st.st_size - off));
        if (n <= 0) sys::throw_errno("copy islet into a sealed memfd");
    }
    if (::fchmod(copy.get(), 0555) < 0) sys::throw_errno("chmod", "sealed islet");
    if (::fcntl(copy.get(), F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
        sys::throw_errno("seal", "sealed islet");
    // The same command line, from the kernel's copy of it.
    std::string cmdline = sys::read_file("/proc/self/cmdline");
    std::vector<std::string> args = sys::split(cmdline, '\0');
    if (!args.empty() && args.back().empty()) args.pop_back();
    std::vector<const char*> argv;
    for (auto& a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    std::vector<const char*> envp;
    for (char** e = environ; *e; ++e) envp.push_back(*e);
    envp.push_back(kMarker);
    envp.push_back(nullptr);
    ::syscall(SYS_execveat, copy.get(), "", const_cast<char* const*>(argv.data()),
              const_cast<char* const*>(envp.data()), AT_EMPTY_PATH);
    sys::throw_errno("execute the sealed copy of islet");
}

}  // namespace islet::runtime::host
