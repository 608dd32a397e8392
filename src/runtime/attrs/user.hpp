// The process's user. Init side.
//
// Applies: process.user
#pragma once

#include "spec/model.hpp"

namespace islet::runtime::init {

// setgroups(additionalGids) (skipped when the user namespace denies
// setgroups and there are none), setresgid, setresuid, and the umask (0022
// when unset, as runc). Capabilities survive through PR_SET_KEEPCAPS, which
// the caller sets around this.
void switch_user(const spec::User& user);

}  // namespace islet::runtime::init
