// checkpoint and restore (CRIU) are not implemented. podman and CRI-O decide
// that checkpointing works iff `checkpoint --help` exits 0, and that pod
// restore works iff `restore --lsm-mount-context` complains about a missing
// argument (RUNC-CONTRACT.md §2.11), so both fail before any flag parsing.
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
    std::string n = name;
    c.run = [n](Invocation&) -> int { throw sys::Error(n + " is not supported by islet (no CRIU support)"); };
    return c;
}

}  // namespace

Command checkpoint_command() { return unsupported("checkpoint", "checkpoint a running container (not supported)"); }
Command restore_command() { return unsupported("restore", "restore a container from a previous checkpoint (not supported)"); }

}  // namespace islet::cli
