// Applies: linux.namespaces[type=network] (a new one: its loopback)
#include "runtime/ns/loopback.hpp"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cstring>

#include "sys/error.hpp"
#include "sys/fd.hpp"

namespace islet::runtime {

namespace ns {

std::vector<std::uint8_t> link_up_request(int index, std::uint32_t seq) {
    struct Request {
        nlmsghdr header;
        ifinfomsg info;
    } req{};
    req.header.nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg));
    req.header.nlmsg_type = RTM_NEWLINK;
    req.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    req.header.nlmsg_seq = seq;
    req.info.ifi_family = AF_UNSPEC;
    req.info.ifi_index = index;
    req.info.ifi_flags = IFF_UP;
    req.info.ifi_change = IFF_UP;  // change only this flag
    const auto* p = reinterpret_cast<const std::uint8_t*>(&req);
    return {p, p + req.header.nlmsg_len};
}

}  // namespace ns

namespace init {

void bring_up_loopback() {
    const std::string what = "bring up the loopback interface";
    sys::UniqueFd sock(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (!sock) sys::throw_errno(what + ": socket(NETLINK_ROUTE)");
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    const std::vector<std::uint8_t> req = ns::link_up_request(ns::kLoopbackIndex, 1);
    if (::sendto(sock.get(), req.data(), req.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
        sys::throw_errno(what + ": send");
    // The acknowledgement: an NLMSG_ERROR whose error is 0 or -errno.
    alignas(nlmsghdr) std::uint8_t buf[4096];
    ssize_t n;
    do n = ::recv(sock.get(), buf, sizeof buf, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0) sys::throw_errno(what + ": receive");
    auto len = static_cast<unsigned>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
        if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_seq != 1) continue;
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) break;
        const int err = -static_cast<const nlmsgerr*>(NLMSG_DATA(h))->error;
        if (err == 0) return;
        throw sys::Error(what + ": " + std::strerror(err), err);
    }
    throw sys::Error(what + ": no acknowledgement from the kernel");
}

}  // namespace init

}  // namespace islet::runtime
