// sd_notify pass-through (NOTIFY_SOCKET, RUNC-CONTRACT.md §3.10). Host side.
//
// Only for callers that set NOTIFY_SOCKET (systemd Type=notify units); the
// target engines strip it, and nothing happens without it. create binds
// <state>/notify read-only at /run/notify and points the process's
// NOTIFY_SOCKET there; start binds <state>/notify/notify.sock, releases the
// barrier, waits for a datagram starting "READY=" (or the init's death) and
// forwards it to the caller's socket with MAINPID=<init pid> and the
// BARRIER=1 handshake, as runc does.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "spec/model.hpp"
#include "sys/fd.hpp"

namespace islet::runtime::notify {

inline constexpr const char* kContainerSocket = "/run/notify/notify.sock";

// The caller's NOTIFY_SOCKET, or empty.
std::string host_socket();

// create: makes <state_dir>/notify, adds the env entry and returns the mount
// that shows it at /run/notify (read-only).
spec::Mount prepare(const std::string& state_dir, std::vector<std::string>& env);

// start: binds the container-side socket when create prepared it (invalid
// fd otherwise).
sys::UniqueFd bind(const std::string& state_dir);

// start, after the barrier: waits for READY= and forwards it.
void forward(int sock, int init_pidfd, pid_t init_pid, const std::string& host_socket);

}  // namespace islet::runtime::notify
