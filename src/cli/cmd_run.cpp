#include "cli/commands.hpp"
#include "runtime/container/foreground.hpp"
#include "runtime/container/lifecycle.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"

namespace islet::cli {

Command run_command() {
    Command c;
    c.name = "run";
    c.summary = "create and run a container";
    c.arguments = "<container-id>";
    c.description =
        "The run command creates an instance of a container for a bundle, starts it and,\n"
        "unless detached, waits for it and exits with its status.";
    c.flags = create_flags();
    c.flags.push_back({"detach", 'd', Kind::boolean, "detach from the container's process"});
    c.flags.push_back({"keep", 0, Kind::boolean, "do not delete the container after it exits"});
    c.flags.push_back(
        {"no-subreaper", 0, Kind::boolean, "disable the use of the subreaper used to reap reparented processes"});
    c.min_args = c.max_args = 1;
    c.failure_prefix = "islet run failed: ";
    c.run = [](Invocation& inv) {
        runtime::CreateOptions o = create_options(inv);
        o.detach = inv.flag("detach");
        if (!o.detach) {
            if (!inv.flag("no-subreaper")) runtime::become_subreaper();
            runtime::foreground_block_signals();
        }
        runtime::Created created = runtime::create_container(o);
        try {
            runtime::start_container(o.root, o.id);
        } catch (...) {
            try {
                runtime::delete_container(o.root, o.id, true, {o.systemd_cgroup, o.rootless});
            } catch (const sys::Error& e) {
                log::debug("run: cleanup after a failed start: " + e.message());
            }
            throw;
        }
        if (o.detach) return 0;
        int code = runtime::run_foreground(created.pid, created.pidfd.get(),
                                           created.pty_master ? created.pty_master.get() : -1);
        if (!inv.flag("keep")) {
            try {
                runtime::delete_container(o.root, o.id, true, {o.systemd_cgroup, o.rootless});
            } catch (const sys::Error& e) {
                log::warning("run: delete after exit: " + e.message());
            }
        }
        return code;
    };
    return c;
}

}  // namespace islet::cli
