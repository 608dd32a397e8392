#include "runtime/container/rollback.hpp"

#include <signal.h>

#include "hooks/hooks.hpp"
#include "runtime/cgroups/cgroups.hpp"
#include "runtime/fs/mounts.hpp"
#include "runtime/isolation/id_pool.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {
namespace {

// One undo step: a failure is logged and the next step still runs.
template <typename F>
void best_effort(F&& f, bool warn = false) {
    try {
        f();
    } catch (const sys::Error& e) {
        if (warn)
            log::warning("rollback: " + e.message());
        else
            log::debug("rollback: " + e.message());
    }
}

}  // namespace

void Rollback::undo() noexcept {
    if (child > 0) {
        if (pidfd >= 0)
            (void)sys::pidfd_send_signal_raw(pidfd, SIGKILL);  // gone already: reaped below all the same
        else
            ::kill(child, SIGKILL);
        sys::reap(child);
    }
    if (!host_mounts_below.empty()) best_effort([&] { host::unmount_below(host_mounts_below); });
    if (cgroup) best_effort([&] { cgroups::destroy(*cgroup); });
    if (id_block) best_effort([&] { isolation::release_block(id_block->registry, id_block->index, id_block->token); });
    if (dir) best_effort([&] { dir->remove(); });
    if (poststop && !poststop->empty())
        best_effort(
            [&] {
                for (auto& f : hooks::run_phase_collecting(*poststop, "poststop", poststop_state)) log::warning(f);
            },
            true);
}

}  // namespace islet::runtime
