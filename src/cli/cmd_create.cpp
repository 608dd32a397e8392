#include <cstdlib>
#include <iostream>

#include "cli/commands.hpp"
#include "runtime/container/create.hpp"
#include "spec/islet_config.hpp"

namespace islet::cli {

std::vector<Flag> create_flags() {
    return {
        {"bundle", 'b', Kind::string, "path to the root of the bundle directory, defaults to the current directory",
         "value"},
        {"console-socket", 0, Kind::string,
         "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's "
         "pseudoterminal",
         "value"},
        {"pidfd-socket", 0, Kind::string,
         "path to an AF_UNIX socket which will receive a file descriptor referencing the init process", "value"},
        {"pid-file", 0, Kind::string, "specify the file to write the process id to", "value"},
        {"no-pivot", 0, Kind::boolean,
         "do not use pivot root to jail process inside rootfs. This should be used whenever the rootfs is on top of "
         "a ramdisk"},
        {"no-new-keyring", 0, Kind::boolean,
         "do not create a new session keyring for the container. This will cause the container to inherit the "
         "calling processes session key"},
        {"preserve-fds", 0, Kind::integer,
         "Pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)", "value", "0"},
    };
}

runtime::CreateOptions create_options(const Invocation& inv) {
    runtime::CreateOptions o;
    o.root = inv.root();
    o.id = inv.args.at(0);
    o.bundle = absolute_bundle(inv.str("bundle"));
    if (inv.given("pid-file")) o.pid_file = absolute_path(inv.str("pid-file"));
    o.console_socket = inv.str("console-socket");
    o.pidfd_socket = inv.str("pidfd-socket");
    o.no_pivot = inv.flag("no-pivot");
    o.no_new_keyring = inv.flag("no-new-keyring");
    o.preserve_fds = inv.integer("preserve-fds");
    if (o.preserve_fds < 0) throw UsageError("invalid value for flag -preserve-fds: must not be negative");
    o.systemd_cgroup = inv.globals.systemd_cgroup;
    o.no_cgroups = inv.globals.no_cgroups;
    o.rootless = inv.globals.rootless_effective();
    // A config file named by ISLET_CONFIG must exist and be valid for every
    // create, not only for isolated containers, so a typo is never silently
    // ignored (delete uses what the state records instead).
    if (const char* env = std::getenv("ISLET_CONFIG"); env && *env) (void)spec::load_islet_config();
    return o;
}

Command create_command() {
    Command c;
    c.name = "create";
    c.summary = "create a container";
    c.arguments = "<container-id>";
    c.description =
        "The create command creates an instance of a container for a bundle. The bundle\n"
        "is a directory with a specification file named \"config.json\" and a root\n"
        "filesystem.";
    c.flags = create_flags();
    // go-runc may pass --detach to create: accepted, meaningless.
    c.flags.push_back({"detach", 'd', Kind::boolean, "(ignored: create always detaches)", "", "", true});
    c.min_args = c.max_args = 1;
    c.failure_prefix = "islet create failed: ";
    c.run = [](Invocation& inv) {
        runtime::create_container(create_options(inv));
        return 0;
    };
    return c;
}

}  // namespace islet::cli
