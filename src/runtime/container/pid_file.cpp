#include "runtime/container/pid_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "sys/error.hpp"
#include "sys/scope_exit.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {

void write_pid_file(const std::string& path, pid_t pid) {
    auto slash = path.find_last_of('/');
    std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    std::string tmp = dir + "/." + name;
    ::unlink(tmp.c_str());  // a leftover from a crashed earlier attempt
    sys::UniqueFd f = sys::open_path(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
    sys::ScopeExit remove_tmp([&] { ::unlink(tmp.c_str()); });
    sys::write_all(f.get(), std::to_string(pid), tmp);
    if (::rename(tmp.c_str(), path.c_str()) < 0) sys::throw_errno("rename", path);
    remove_tmp.dismiss();
}

}  // namespace islet::runtime
