// Reading /proc about other processes. Host side.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace islet::sys {

struct ProcStat {
    char state = '?';              // R, S, D, Z, X, T, ...
    std::uint64_t start_time = 0;  // field 22, clock ticks since boot
    pid_t ppid = 0;
};

// /proc/<pid>/stat; nullopt when the process does not exist.
std::optional<ProcStat> read_proc_stat(pid_t pid);

// Parses the text of a /proc/<pid>/stat file (pure; unit-tested). The command
// name may contain spaces and ')' so parsing starts after the last ')'.
std::optional<ProcStat> parse_proc_stat(const std::string& text);

// True when pid is alive (not a zombie, not dead) and started at start_time:
// a reused pid is never mistaken for the container's init.
bool process_alive(pid_t pid, std::uint64_t start_time);

// True when the calling process is not in the initial user namespace (its
// uid_map is not the identity map of all 2^32 ids): rootless podman runs
// islet as uid 0 inside such a namespace. Either side.
bool in_user_namespace();

// Every process in pid's pid namespace that the caller may inspect (its
// /proc/<n>/ns/pid names the same namespace), pid's included; for
// containers without a cgroup (rootless islet here). Processes the caller
// may not inspect (another user's, or non-dumpable during their set-up) are
// left out. Throws sys::Error when pid's own namespace cannot be read.
std::vector<pid_t> pids_in_pid_namespace(pid_t pid);

}  // namespace islet::sys
