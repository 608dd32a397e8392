// `exec`: a new process in a running (or created) container. Host side, and
// the joining process's driver.
//
// The runtime process points its pid_for_children at the container's pid
// namespace (setns on a pidfd of the init), starts the joining process with
// one clone3 (CLONE_PIDFD, straight into the container's unified cgroup), and
// moves it into the v1 hierarchies (runtime/container/launch has the steps
// create shares). The joining process (runtime/process/exec_child) enters
// every other namespace of the init with one setns(pidfd, flags), then
// finishes itself as the init does (runtime/process/finish), reports ready and
// execs the program through the sealed stub. It stays non-dumpable until that
// execve (CVE-2016-9962).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace islet::runtime {

struct ExecOptions {
    std::string root;
    std::string id;
    std::optional<std::string> process_file;  // --process: a runtime-spec process object
    // The flag form, applied to config.json's process when there is no --process.
    std::vector<std::string> args;
    std::string cwd;
    std::vector<std::string> env;
    bool tty = false;
    std::optional<std::string> user;  // "uid[:gid]", strictly numeric
    std::vector<std::string> additional_gids;
    std::vector<std::string> caps;
    bool no_new_privs = false;
    std::string apparmor;
    std::string process_label;
    std::vector<std::string> cgroups;  // --cgroup [controller:]path
    std::string console_socket;
    std::string pidfd_socket;
    std::string pid_file;  // absolute or empty
    bool detach = false;
    int preserve_fds = 0;
    bool ignore_paused = false;
};

// Returns the exit status islet should exit with: 0 when detached, the
// process's status (128+N for a signal) in the foreground. Throws sys::Error
// when the process could not be started (the CLI exits 255 then).
int exec_in_container(const ExecOptions& opts);

// Strict `--user uid[:gid]` parsing (crun CVE-2026-30892): digits only.
// Throws sys::Error for "-1", "a:b", "1:", "".
std::pair<std::uint32_t, std::optional<std::uint32_t>> parse_exec_user(const std::string& s);

}  // namespace islet::runtime
