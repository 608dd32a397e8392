// `create` (and the create half of `run`). Host side.
//
// Parses and validates, records the container before the first side effect,
// prepares what can fail on the host (cgroup, fifo, console socket, exec
// stub), starts the init with one clone3, feeds it the protocol in sync.hpp,
// and returns once the init waits at the barrier. On any failure everything
// is undone: no state dir, cgroup, process or pid file is left.
#pragma once

#include <sys/types.h>

#include <string>

#include "spec/record.hpp"
#include "sys/fd.hpp"

namespace islet::runtime {

struct CreateOptions {
    std::string root;  // state root
    std::string id;
    std::string bundle;          // absolute
    std::string pid_file;        // absolute, or empty
    std::string console_socket;  // path, or empty
    std::string pidfd_socket;    // path, or empty
    bool no_pivot = false;
    bool no_new_keyring = false;
    int preserve_fds = 0;
    bool detach = true;  // false: foreground `run` (islet keeps the pty master, if any)
    bool systemd_cgroup = false;
    bool no_cgroups = false;  // --cgroup-manager disabled: stay in the caller's cgroups
    bool rootless = false;
};

struct Created {
    pid_t pid = 0;
    sys::UniqueFd pidfd;
    sys::UniqueFd pty_master;  // foreground run with a terminal and no console socket
    spec::ContainerRecord record;
};

Created create_container(const CreateOptions& opts);

// Loads bundle/config.json through the gate, parser and validator (also used
// by `run`). Returns the config text as read, for the state directory.
std::string read_config_text(const std::string& bundle);

}  // namespace islet::runtime
