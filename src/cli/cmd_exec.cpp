#include "cli/commands.hpp"
#include "runtime/container/exec.hpp"
#include "sys/error.hpp"

namespace islet::cli {

Command exec_command() {
    Command c;
    c.name = "exec";
    c.summary = "execute new process inside the container";
    c.arguments = "<container-id> <command> [command options]  || -p process.json <container-id>";
    c.flags = {
        {"console-socket", 0, Kind::string,
         "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's "
         "pseudoterminal",
         "value"},
        {"pidfd-socket", 0, Kind::string,
         "path to an AF_UNIX socket which will receive a file descriptor referencing the exec process", "value"},
        {"cwd", 0, Kind::string, "current working directory in the container", "value"},
        {"env", 'e', Kind::strings, "set environment variables", "value"},
        {"tty", 't', Kind::boolean, "allocate a pseudo-TTY"},
        {"user", 'u', Kind::string, "UID (format: <uid>[:<gid>])", "value"},
        {"additional-gids", 'g', Kind::strings, "additional gids", "value"},
        {"process", 'p', Kind::string, "path to the process.json", "value"},
        {"detach", 'd', Kind::boolean, "detach from the container's process"},
        {"pid-file", 0, Kind::string, "specify the file to write the process id to", "value"},
        {"process-label", 0, Kind::string, "set the asm process label for the process commonly used with selinux",
         "value"},
        {"apparmor", 0, Kind::string, "set the apparmor profile for the process", "value"},
        {"no-new-privs", 0, Kind::boolean, "set the no new privileges value for the process"},
        {"cap", 'c', Kind::strings, "add a capability to the bounding set for the process", "value"},
        {"preserve-fds", 0, Kind::integer, "Pass N additional file descriptors to the container (stdio + N in total)",
         "value", "0"},
        {"cgroup", 0, Kind::strings,
         "run the process in an (existing) sub-cgroup(s). Format is [<controller>:]<cgroup>.", "value"},
        {"ignore-paused", 0, Kind::boolean, "allow exec in a paused container"},
    };
    c.min_args = 1;
    c.max_args = -1;
    c.stop_at_first_arg = true;
    c.failure_prefix = "exec failed: ";
    c.failure_exit = 255;
    c.run = [](Invocation& inv) {
        runtime::ExecOptions o;
        o.root = inv.root();
        o.id = inv.args[0];
        if (inv.given("process")) {
            o.process_file = absolute_path(inv.str("process"));
        } else if (inv.args.size() < 2) {
            throw UsageError("islet: \"exec\" requires a minimum of 2 argument(s)", UsageError::Why::arguments);
        }
        o.args.assign(inv.args.begin() + 1, inv.args.end());
        o.cwd = inv.str("cwd");
        o.env = inv.strings("env");
        o.tty = inv.flag("tty");
        if (inv.given("user")) {
            // Strictly uid[:gid]: a usage error, exit 1 (crun CVE-2026-30892).
            try {
                runtime::parse_exec_user(inv.str("user"));
            } catch (const sys::Error& e) {
                throw UsageError(e.message());
            }
            o.user = inv.str("user");
        }
        o.additional_gids = inv.strings("additional-gids");
        o.caps = inv.strings("cap");
        o.no_new_privs = inv.flag("no-new-privs");
        o.apparmor = inv.str("apparmor");
        o.process_label = inv.str("process-label");
        o.cgroups = inv.strings("cgroup");
        o.console_socket = inv.str("console-socket");
        o.pidfd_socket = inv.str("pidfd-socket");
        if (inv.given("pid-file")) o.pid_file = absolute_path(inv.str("pid-file"));
        o.detach = inv.flag("detach");
        o.preserve_fds = inv.integer("preserve-fds");
        o.ignore_paused = inv.flag("ignore-paused");
        if (o.preserve_fds < 0) throw UsageError("invalid value for flag -preserve-fds: must not be negative");
        return runtime::exec_in_container(o);
    };
    return c;
}

}  // namespace islet::cli
