#include "sys/fdpass.hpp"

#include <cstring>

#include "sys/error.hpp"
#include "sys/retry.hpp"

namespace islet::sys {

void attach_fd(msghdr& msg, OneFdControl& control, int fd) {
    std::memset(control.data, 0, sizeof control.data);
    msg.msg_control = control.data;
    msg.msg_controllen = sizeof control.data;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
}

std::vector<UniqueFd> received_fds(msghdr& msg) {
    std::vector<UniqueFd> out;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        const size_t nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < nfds; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            out.emplace_back(fd);
        }
    }
    return out;
}

void send_fd(int sock, int fd, std::string_view payload) {
    if (payload.empty()) throw Error("send_fd: the payload must not be empty");
    iovec iov{const_cast<char*>(payload.data()), payload.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    OneFdControl control;
    attach_fd(msg, control, fd);
    if (retry_eintr([&] { return ::sendmsg(sock, &msg, MSG_NOSIGNAL); }) < 0)
        throw_errno("sendmsg", "(file descriptor)");
}

std::pair<UniqueFd, std::string> recv_fd(int sock) {
    char buf[4096];
    iovec iov{buf, sizeof buf};
    alignas(cmsghdr) char control[kReceiveControlSize] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = retry_eintr([&] { return ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); });
    if (n < 0) throw_errno("recvmsg", "(file descriptor)");
    std::vector<UniqueFd> fds = received_fds(msg);
    if (n == 0 && fds.empty()) throw Error("recvmsg: the peer closed the socket before sending a descriptor");
    if (fds.size() != 1)
        throw Error("recvmsg: expected exactly one file descriptor, got " + std::to_string(fds.size()));
    return {std::move(fds.front()), std::string(buf, static_cast<size_t>(n))};
}

}  // namespace islet::sys
