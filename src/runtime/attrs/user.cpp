// Applies: process.user
#include "runtime/attrs/user.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/error.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::init {

void switch_user(const spec::User& user) {
    std::vector<gid_t> groups(user.additional_gids.begin(), user.additional_gids.end());
    // Always try: /proc here may be the image's directory, so its
    // self/setgroups cannot decide whether islet's own supplementary groups
    // are cleared. The caller holds CAP_SETGID in its user namespace, so
    // EPERM means setgroups is denied there (a rootless user namespace),
    // where nothing can change the groups anyway.
    if (::setgroups(groups.size(), groups.empty() ? nullptr : groups.data()) < 0) {
        if (errno != EPERM || !groups.empty()) {
            if (errno == EPERM)
                throw sys::Error("cannot set additional groups: setgroups is denied in this user namespace", EPERM);
            sys::throw_errno("setgroups");
        }
    }
    if (::setresgid(user.gid, user.gid, user.gid) < 0) sys::throw_errno("setgid " + std::to_string(user.gid));
    if (::setresuid(user.uid, user.uid, user.uid) < 0) sys::throw_errno("setuid " + std::to_string(user.uid));
    ::umask(user.umask ? static_cast<mode_t>(*user.umask) : 0022);
}

}  // namespace islet::runtime::init
