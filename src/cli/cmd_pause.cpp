#include "cli/commands.hpp"
#include "runtime/container/lifecycle.hpp"

namespace islet::cli {

Command pause_command() {
    Command c;
    c.name = "pause";
    c.summary = "pause suspends all processes inside the container";
    c.arguments = "<container-id>";
    c.min_args = c.max_args = 1;
    c.run = [](Invocation& inv) {
        runtime::pause_container(inv.root(), inv.args[0]);
        return 0;
    };
    return c;
}

Command resume_command() {
    Command c;
    c.name = "resume";
    c.summary = "resumes all processes that have been previously paused";
    c.arguments = "<container-id>";
    c.min_args = c.max_args = 1;
    c.run = [](Invocation& inv) {
        runtime::resume_container(inv.root(), inv.args[0]);
        return 0;
    };
    return c;
}

}  // namespace islet::cli
