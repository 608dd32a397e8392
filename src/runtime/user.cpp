// Applies: process.user
#include "runtime/user.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/error.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::init {

void switch_user(const spec::User& user) {
    std::vector<gid_t> groups(user.additional_gids.begin(), user.additional_gids.end());
    auto sg = sys::read_file_if_exists("/proc/self/setgroups");
    const bool denied = sg && sg->find("deny") != std::string::npos;
    if (!denied) {
        if (::setgroups(groups.size(), groups.empty() ? nullptr : groups.data()) < 0)
            sys::throw_errno("setgroups");
    } else if (!groups.empty()) {
        throw sys::Error("cannot set additional groups: setgroups is denied in this user namespace");
    }
    if (::setresgid(user.gid, user.gid, user.gid) < 0) sys::throw_errno("setgid " + std::to_string(user.gid));
    if (::setresuid(user.uid, user.uid, user.uid) < 0) sys::throw_errno("setuid " + std::to_string(user.uid));
    ::umask(user.umask ? static_cast<mode_t>(*user.umask) : 0022);
}

}  // namespace islet::runtime::init
