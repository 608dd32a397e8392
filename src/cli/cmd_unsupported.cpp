// checkpoint and restore (CRIU) are not implemented: every use fails with
// one clear error, before any flag parsing. `-h`/`--help` alone prints the
// help and exits 0, as for every other command. podman and CRI-O take that
// exit 0 to mean checkpointing may work; their `checkpoint` then gets this
// error. `restore --lsm-mount-context` (podman's probe for pod restore,
// RUNC-CONTRACT.md §2.11) still fails without "flag needs an argument".
#include <iostream>

#include "cli/commands.hpp"
#include "sys/error.hpp"

namespace islet::cli {
namespace {

Command unsupported(const char* name, const char* summary) {
    Command c;
    c.name = name;
    c.summary = summary;
    c.arguments = "<container-id>";
    c.min_args = 0;
    c.max_args = -1;
    c.stop_at_first_arg = true;
    c.no_parse = true;
    c.description = "   islet has no CRIU support: this command always fails.";
    std::string n = name;
    c.run = [n, help = command_help(c)](Invocation& inv) -> int {
        if (inv.args.size() == 1 && (inv.args[0] == "-h" || inv.args[0] == "--help" || inv.args[0] == "-help")) {
            std::cout << help;
            return 0;
        }
        throw sys::Error(n + " is not supported by islet (no CRIU support)");
    };
    return c;
}

}  // namespace

Command checkpoint_command() { return unsupported("checkpoint", "checkpoint a running container (not supported)"); }
Command restore_command() {
    return unsupported("restore", "restore a container from a previous checkpoint (not supported)");
}

}  // namespace islet::cli
