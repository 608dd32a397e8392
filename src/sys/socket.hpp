// AF_UNIX sockets by path. Runs on the host side.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <string>

#include "sys/fd.hpp"

namespace islet::sys {

// The address of the AF_UNIX socket at path; "<what> path too long: <path>"
// when it does not fit.
sockaddr_un unix_address(const std::string& path, const std::string& what);

// A socket of `type` (SOCK_STREAM, SOCK_DGRAM; close-on-exec) connected to
// the AF_UNIX socket at path. `what` names it in errors: "<what> path too
// long: <path>", "connect to the <what> <path>: <strerror>".
UniqueFd connect_unix(const std::string& path, const std::string& what, int type = SOCK_STREAM);

}  // namespace islet::sys
