// The one protocol between the runtime process and the container's init
// (and `exec`'s joining process). Both sides.
//
// Messages travel over an AF_UNIX SOCK_SEQPACKET pair made before clone3: one
// datagram per message, so a message is never split or merged. Each datagram
// is an 8-byte header {u32 type, u32 length} and `length` payload bytes. Both
// sides check that the datagram size equals 8 + length, that length is within
// kMaxPayload and that string payloads hold no NUL (CVE-2021-43784 class).
//
//   host -> init   mount_fd    optional, before go; payload "rootfs" + SCM_RIGHTS: a
//                              rebuilt rootfs tree that replaces the inherited clone
//                              (an isolated container's overlay, idmapped_overlay.hpp)
//   host -> init   go          maps written (+ the rootfs mount point fd): start setting up
//   host -> init   cgroups_done  the init is in every cgroup (sent after go: the
//                              v1 joins overlap the init's mounts; the init waits
//                              for it before its cgroup namespace, hooks and ready)
//   init -> host   hooks       mounts done: run prestart + createRuntime hooks
//   host -> init   hooks_done  hooks ran; continue (pivot_root next)
//   init -> host   seccomp_fd  + SCM_RIGHTS: the notify listener, for listenerPath
//   init -> host   ready       setup done, args[0] resolved; payload: none
//   host -> init   ack         state saved: close this socket and wait at the barrier
//   init -> host   error       setup failed; payload: the message. The init exits.
//   init -> host   exec_pid    a joined user namespace with a new pid namespace: the
//                              intermediate process reports the real init's pid
//                              (payload: decimal) and exits; the real init goes on,
//                              and sends nothing before this (pid_fork.hpp)
//
// Joined namespaces are entered by a throwaway helper process that clones the
// init with CLONE_PARENT (launch::clone_from_helper); it reports on a pair of
// its own:
//
//   helper -> host cloned      + SCM_RIGHTS: the init's pidfd; payload "<pid> <0|1>"
//                              (1: born in the unified cgroup). Or `error`.
//
// exec's joining process speaks the same protocol: go, seccomp_fd, ready, ack,
// error, and exec_pid for the final process it forks into the container's pid
// namespace (always before that process's ready).
//
// EOF on the socket before `ack` means the runtime died: the init exits, so
// no half-made container outlives a crashed create (RUNC-CONTRACT.md §3.5).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "sys/fd.hpp"

namespace islet::runtime::sync {

enum class Type : std::uint32_t {
    go = 1,
    hooks = 2,
    hooks_done = 3,
    seccomp_fd = 4,
    ready = 5,
    ack = 6,
    error = 7,
    mount_fd = 8,
    // 9 was mount_fds_done, never sent; the number stays unused.
    exec_pid = 10,
    cgroups_done = 11,
    cloned = 12,
};

inline constexpr std::uint32_t kMaxPayload = 64 * 1024;

struct Message {
    Type type{};
    std::string payload;
    sys::UniqueFd fd;  // when the message carried one (seccomp_fd, mount_fd)
};

const char* type_name(Type t);

// Sends one message (payload truncated to kMaxPayload for error texts;
// rejected with NULs). Throws sys::Error on failure (the peer gone included).
void send(int sock, Type type, std::string_view payload = {});
void send_with_fd(int sock, Type type, int fd, std::string_view payload = {});

// Receives one message. Throws sys::Error on EOF ("the peer closed the sync
// socket"), on a malformed datagram, or on an unknown type.
Message recv(int sock);

// Receives one message and checks its type; an `error` message is rethrown
// as sys::Error with its text.
Message expect(int sock, Type type);
// The same for a message that may be any of `types`.
Message expect_any(int sock, std::initializer_list<Type> types);

}  // namespace islet::runtime::sync
