// Undoing a half-made container. Host side (create).
//
// SECURITY.md §3: a failed create leaves the environment as if it had never
// been attempted. create records each thing it makes here as it makes it;
// unless commit() is called, the scope guard undoes them, best effort and in
// reverse: the init (killed and reaped), mounts made in the runtime's mount
// namespace, the cgroups, the ID block, the state directory. Once the init
// existed, a failed create is the lifecycle's "stop the container and
// continue at step 12" (runtime.md; runc's destroy does the same), so the
// poststop hooks run last and can undo what prestart-era hooks set up.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/container/state_store.hpp"
#include "spec/islet_config.hpp"
#include "spec/model.hpp"
#include "spec/record.hpp"
#include "sys/scope_exit.hpp"

namespace islet::runtime {

class Rollback {
public:
    Rollback() = default;
    Rollback(const Rollback&) = delete;
    Rollback& operator=(const Rollback&) = delete;

    const ContainerDir* dir = nullptr;
    std::optional<spec::CgroupRecord> cgroup;     // made by create
    pid_t child = 0;                              // our child (the init, or the intermediate process)
    int pidfd = -1;                               // borrowed from create
    std::optional<spec::IdBlockRecord> id_block;  // claimed host ID block (freed by its token)
    std::string host_mounts_below;                // no mount namespace: mounts made in ours, below the rootfs
    const std::vector<spec::Hook>* poststop = nullptr;
    std::string poststop_state;

    // create succeeded: nothing is undone.
    void commit() { guard_.dismiss(); }

private:
    void undo() noexcept;
    sys::ScopeExit<std::function<void()>> guard_{[this] { undo(); }};
};

}  // namespace islet::runtime
