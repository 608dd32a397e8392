#include <iostream>

#include "cli/commands.hpp"
#include "runtime/container/lifecycle.hpp"

namespace islet::cli {

Command state_command() {
    Command c;
    c.name = "state";
    c.summary = "output the state of a container";
    c.arguments = "<container-id>";
    c.min_args = c.max_args = 1;
    c.run = [](Invocation& inv) {
        // runc prints it without a trailing newline; go-runc reads stdout
        // and stderr together, so nothing else may be printed.
        std::cout << spec::state_document(runtime::container_state(inv.root(), inv.args[0])) << std::flush;
        return 0;
    };
    return c;
}

}  // namespace islet::cli
