#include "sys/socket.hpp"

#include <cstring>

#include "sys/error.hpp"

namespace islet::sys {

sockaddr_un unix_address(const std::string& path, const std::string& what) {
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path) throw Error(what + " path too long: " + path);
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size());
    return addr;
}

UniqueFd connect_unix(const std::string& path, const std::string& what, int type) {
    const sockaddr_un addr = unix_address(path, what);
    UniqueFd s(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
    if (!s) throw_errno("socket");
    if (::connect(s.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) < 0)
        throw_errno("connect to the " + what, path);
    return s;
}

}  // namespace islet::sys
