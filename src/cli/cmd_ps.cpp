// `ps`: the container's processes (RUNC-CONTRACT.md §2.9). Parsing stops at
// the id: what follows goes to the host's ps.
#include <iostream>

#include "cli/commands.hpp"
#include "runtime/container/resource_ops.hpp"
#include "sys/error.hpp"

namespace islet::cli {

Command ps_command() {
    Command c;
    c.name = "ps";
    c.summary = "ps displays the processes running inside a container";
    c.arguments = "<container-id> [ps options]";
    c.flags = {{"format", 'f', Kind::string, "select one of: table or json", "value", "table"}};
    c.min_args = 1;
    c.max_args = -1;
    c.stop_at_first_arg = true;
    c.run = [](Invocation& inv) {
        const std::string format = inv.str("format");
        if (format != "table" && format != "json") throw sys::Error("invalid format option");
        auto pids = runtime::container_pids(inv.root(), inv.args[0]);
        if (format == "json") {
            // Go's json.Encoder of an []int: "null" when empty, one line.
            if (pids.empty()) {
                std::cout << "null\n";
                return 0;
            }
            std::string line = "[";
            for (size_t i = 0; i < pids.size(); ++i) line += (i ? "," : "") + std::to_string(pids[i]);
            std::cout << line << "]\n";
            return 0;
        }
        std::vector<std::string> args(inv.args.begin() + 1, inv.args.end());
        std::cout << runtime::ps_table(pids, args) << std::flush;
        return 0;
    };
    return c;
}

}  // namespace islet::cli
