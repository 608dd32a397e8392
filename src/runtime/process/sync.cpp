#include "runtime/process/sync.hpp"

#include <sys/socket.h>

#include <cstring>
#include <memory>

#include "sys/error.hpp"
#include "sys/fdpass.hpp"
#include "sys/retry.hpp"
#include "sys/strings.hpp"

namespace islet::runtime::sync {
namespace {

struct Header {
    std::uint32_t type;
    std::uint32_t length;
};

bool known(std::uint32_t t) {
    return t >= static_cast<std::uint32_t>(Type::go) && t <= static_cast<std::uint32_t>(Type::cloned) &&
           std::string_view(type_name(static_cast<Type>(t))) != "unknown";
}

void send_raw(int sock, Type type, std::string_view payload, int fd) {
    if (payload.size() > kMaxPayload) {
        if (type != Type::error) throw sys::Error(std::string("sync: ") + type_name(type) + " payload too large");
        payload = payload.substr(0, kMaxPayload);
    }
    if (sys::has_nul(payload)) throw sys::Error(std::string("sync: ") + type_name(type) + " payload contains NUL");
    Header h{static_cast<std::uint32_t>(type), static_cast<std::uint32_t>(payload.size())};
    iovec iov[2] = {{&h, sizeof h}, {const_cast<char*>(payload.data()), payload.size()}};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = payload.empty() ? 1 : 2;
    sys::OneFdControl control;
    if (fd >= 0) sys::attach_fd(msg, control, fd);
    const ssize_t n = sys::retry_eintr([&] { return ::sendmsg(sock, &msg, MSG_NOSIGNAL); });
    if (n < 0) sys::throw_errno(std::string("sync: send ") + type_name(type));
    if (static_cast<size_t>(n) != sizeof h + payload.size())
        throw sys::Error(std::string("sync: short send of ") + type_name(type));
}

}  // namespace

const char* type_name(Type t) {
    switch (t) {
        case Type::go: return "go";
        case Type::hooks: return "hooks";
        case Type::hooks_done: return "hooks_done";
        case Type::seccomp_fd: return "seccomp_fd";
        case Type::ready: return "ready";
        case Type::ack: return "ack";
        case Type::error: return "error";
        case Type::mount_fd: return "mount_fd";
        case Type::exec_pid: return "exec_pid";
        case Type::cgroups_done: return "cgroups_done";
        case Type::cloned: return "cloned";
    }
    return "unknown";
}

void send(int sock, Type type, std::string_view payload) { send_raw(sock, type, payload, -1); }

void send_with_fd(int sock, Type type, int fd, std::string_view payload) { send_raw(sock, type, payload, fd); }

Message recv(int sock) {
    // Not zero-filled: only the n bytes received are read.
    constexpr size_t kBufSize = sizeof(Header) + kMaxPayload + 1;
    std::unique_ptr<char[]> buf(new char[kBufSize]);
    iovec iov{buf.get(), kBufSize};
    alignas(cmsghdr) char control[sys::kReceiveControlSize] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    // ECONNRESET: the peer closed with messages of ours unread (an init that
    // failed before reading cgroups_done). The kernel reports that once,
    // ahead of what the peer sent before closing; the next call returns
    // those messages (its `error`) and then EOF.
    ssize_t n;
    do {
        n = sys::retry_eintr([&] { return ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); });
    } while (n < 0 && errno == ECONNRESET);
    if (n < 0) sys::throw_errno("sync: receive");
    Message m;
    // Only one descriptor per message is ever valid; any others close here.
    if (auto fds = sys::received_fds(msg); !fds.empty()) m.fd = std::move(fds.front());
    if (n == 0) throw sys::Error("sync: the peer closed the sync socket");
    if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) throw sys::Error("sync: oversized message");
    if (static_cast<size_t>(n) < sizeof(Header)) throw sys::Error("sync: short message header");
    Header h;
    std::memcpy(&h, buf.get(), sizeof h);
    if (!known(h.type)) throw sys::Error("sync: unknown message type " + std::to_string(h.type));
    if (h.length > kMaxPayload || static_cast<size_t>(n) != sizeof h + h.length)
        throw sys::Error("sync: message length does not match its header");
    m.type = static_cast<Type>(h.type);
    m.payload.assign(buf.get() + sizeof h, h.length);
    if (sys::has_nul(m.payload)) throw sys::Error("sync: payload contains NUL");
    return m;
}

Message expect(int sock, Type type) {
    Message m = recv(sock);
    if (m.type == Type::error) throw sys::Error(m.payload);
    if (m.type != type)
        throw sys::Error(std::string("sync: expected ") + type_name(type) + ", got " + type_name(m.type));
    return m;
}

Message expect_any(int sock, std::initializer_list<Type> types) {
    Message m = recv(sock);
    if (m.type == Type::error) throw sys::Error(m.payload);
    for (Type t : types)
        if (m.type == t) return m;
    std::string want;
    for (Type t : types) want += std::string(want.empty() ? "" : " or ") + type_name(t);
    throw sys::Error("sync: expected " + want + ", got " + type_name(m.type));
}

}  // namespace islet::runtime::sync
