// Passing descriptors over AF_UNIX sockets (SCM_RIGHTS). Both sides.
#pragma once

#include <sys/socket.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sys/fd.hpp"

namespace islet::sys {

// Control space for one SCM_RIGHTS message carrying one descriptor.
struct OneFdControl {
    alignas(cmsghdr) char data[CMSG_SPACE(sizeof(int))];
};
// Control space a receiver offers: room for a few descriptors, so a peer that
// sends more than one is seen (and its extras closed) rather than truncated.
inline constexpr std::size_t kReceiveControlSize = CMSG_SPACE(sizeof(int) * 4);

// Points msg's control at `control` and puts fd in it as the one SCM_RIGHTS
// message.
void attach_fd(msghdr& msg, OneFdControl& control, int fd);
// Every descriptor the SCM_RIGHTS messages of a received msg carry, owned
// (those the caller does not keep close with the vector).
std::vector<UniqueFd> received_fds(msghdr& msg);

// Sends exactly one fd in one sendmsg with a non-empty payload: one
// SOL_SOCKET/SCM_RIGHTS message, cmsg_len == CMSG_LEN(sizeof(int)), control
// space CMSG_SPACE(sizeof(int)). go-runc and conmon accept nothing else
// (RUNC-CONTRACT.md §3.7). MSG_NOSIGNAL: a gone peer is an error, not SIGPIPE.
void send_fd(int sock, int fd, std::string_view payload);

// Receives one message carrying exactly one fd. Throws on EOF, on a message
// without a descriptor, or with more than one.
std::pair<UniqueFd, std::string> recv_fd(int sock);

}  // namespace islet::sys
