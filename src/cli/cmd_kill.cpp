#include "cli/commands.hpp"
#include "runtime/container/lifecycle.hpp"
#include "sys/error.hpp"
#include "sys/signals.hpp"

namespace islet::cli {

Command kill_command() {
    Command c;
    c.name = "kill";
    c.summary = "kill sends the specified signal (default: SIGTERM) to the container's init process";
    c.arguments = "<container-id> [signal]";
    c.flags = {{"all", 'a', Kind::boolean, "send the specified signal to all processes inside the container"}};
    c.min_args = 1;
    c.max_args = 2;
    c.run = [](Invocation& inv) {
        std::string name = inv.args.size() > 1 ? inv.args[1] : "SIGTERM";
        auto sig = sys::parse_signal(name);
        if (!sig) throw sys::Error("unknown signal \"" + name + "\"");
        runtime::kill_container(inv.root(), inv.args[0], *sig, inv.flag("all"));
        return 0;
    };
    return c;
}

}  // namespace islet::cli
