#include "cli/commands.hpp"
#include "runtime/container/lifecycle.hpp"

namespace islet::cli {

Command delete_command() {
    Command c;
    c.name = "delete";
    c.summary = "delete any resources held by the container often used with detached container";
    c.arguments = "<container-id>";
    c.flags = {{"force", 'f', Kind::boolean, "Forcibly deletes the container if it is still running (uses SIGKILL)"}};
    c.min_args = c.max_args = 1;
    c.run = [](Invocation& inv) {
        runtime::delete_container(inv.root(), inv.args[0], inv.flag("force"),
                                  {inv.globals.systemd_cgroup, inv.globals.rootless_effective()});
        return 0;
    };
    return c;
}

}  // namespace islet::cli
