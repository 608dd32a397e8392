// Passing descriptors over AF_UNIX sockets (SCM_RIGHTS). Both sides.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "sys/fd.hpp"

namespace islet::sys {

// Sends exactly one fd in one sendmsg with a non-empty payload: one
// SOL_SOCKET/SCM_RIGHTS message, cmsg_len == CMSG_LEN(sizeof(int)), control
// space CMSG_SPACE(sizeof(int)). go-runc and conmon accept nothing else
// (RUNC-CONTRACT.md §3.7). MSG_NOSIGNAL: a gone peer is an error, not SIGPIPE.
void send_fd(int sock, int fd, std::string_view payload);

// Receives one message carrying exactly one fd. Throws on EOF, on a message
// without a descriptor, or with more than one.
std::pair<UniqueFd, std::string> recv_fd(int sock);

}  // namespace islet::sys
