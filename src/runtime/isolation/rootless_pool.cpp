// Applies: annotations["run.islet.isolated-userns"] for rootless islet: the
// caller's /etc/subuid and /etc/subgid ranges as the ID pool (docs/ISOLATION.md
// "Rootless"). Host side, thin: the decision is rootless_pool (isolation.cpp).
#include <unistd.h>

#include <cstdlib>

#include "runtime/isolation/isolation.hpp"

namespace islet::runtime::isolation::host {

spec::IsletConfig rootless_pool_settings(const spec::IsletConfig& base) {
    const std::uint32_t uid = ::geteuid();
    const char* xdg = std::getenv("XDG_RUNTIME_DIR");
    // Per user, beside the state root: every --root of this user shares it,
    // so two of the user's containers never get the same block.
    const std::string dir = xdg && *xdg ? xdg : "/run/user/" + std::to_string(uid);
    return rootless_pool(base, runtime::host::own_subid_ranges("/etc/subuid", uid),
                         runtime::host::own_subid_ranges("/etc/subgid", ::getegid()), uid, dir + "/islet-idblocks");
}

}  // namespace islet::runtime::isolation::host
