#include "cli/commands.hpp"
#include "runtime/container/lifecycle.hpp"

namespace islet::cli {

Command start_command() {
    Command c;
    c.name = "start";
    c.summary = "executes the user defined process in a created container";
    c.arguments = "<container-id>";
    c.min_args = c.max_args = 1;
    c.run = [](Invocation& inv) {
        runtime::start_container(inv.root(), inv.args[0]);
        return 0;
    };
    return c;
}

}  // namespace islet::cli
