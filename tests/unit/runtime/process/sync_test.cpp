// runtime/process/sync: the host <-> init protocol over a real SOCK_SEQPACKET pair.
#include "runtime/process/sync.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "sys/fdpass.hpp"
#include "sys/syscalls.hpp"
#include "test_util.hpp"

using namespace islet::runtime::sync;
using islet::sys::UniqueFd;
using islet::test::error_of;

namespace {

struct Pair {
    UniqueFd host, init;
    Pair() {
        auto [a, b] = islet::sys::seqpacket_pair();
        host = std::move(a);
        init = std::move(b);
    }
};

// Sends one raw datagram: a header {type, length} and then `body` bytes,
// whatever the header says.
void send_forged(int sock, std::uint32_t type, std::uint32_t length, const std::string& body) {
    std::string dgram(8, '\0');
    std::memcpy(dgram.data(), &type, 4);
    std::memcpy(dgram.data() + 4, &length, 4);
    dgram += body;
    ASSERT_EQ(::send(sock, dgram.data(), dgram.size(), MSG_NOSIGNAL), static_cast<ssize_t>(dgram.size()));
}

}  // namespace

TEST(Sync, RoundTrip) {
    Pair p;
    send(p.host.get(), Type::go);
    Message m = recv(p.init.get());
    EXPECT_EQ(m.type, Type::go);
    EXPECT_EQ(m.payload, "");
    EXPECT_FALSE(m.fd);

    send(p.init.get(), Type::exec_pid, "12345");
    m = expect(p.host.get(), Type::exec_pid);
    EXPECT_EQ(m.payload, "12345");

    // One datagram per message: two sends are two receives, never merged.
    send(p.init.get(), Type::hooks, "a");
    send(p.init.get(), Type::ready, "b");
    EXPECT_EQ(recv(p.host.get()).payload, "a");
    EXPECT_EQ(recv(p.host.get()).payload, "b");
}

TEST(Sync, TypeNames) {
    EXPECT_STREQ(type_name(Type::go), "go");
    EXPECT_STREQ(type_name(Type::hooks_done), "hooks_done");
    EXPECT_STREQ(type_name(Type::exec_pid), "exec_pid");
    EXPECT_STREQ(type_name(static_cast<Type>(99)), "unknown");
    EXPECT_STREQ(type_name(static_cast<Type>(9)), "unknown");  // mount_fds_done was never sent
}

TEST(Sync, ExpectRethrowsErrorsAndRefusesOtherTypes) {
    Pair p;
    send(p.init.get(), Type::error, "mount /proc: permission denied");
    EXPECT_EQ(error_of([&] { expect(p.host.get(), Type::ready); }), "mount /proc: permission denied");
    send(p.init.get(), Type::hooks);
    EXPECT_EQ(error_of([&] { expect(p.host.get(), Type::ready); }), "sync: expected ready, got hooks");
}

TEST(Sync, PayloadLimit) {
    Pair p;
    std::string max(kMaxPayload, 'x');
    send(p.host.get(), Type::hooks_done, max);
    EXPECT_EQ(recv(p.init.get()).payload.size(), kMaxPayload);
    EXPECT_EQ(error_of([&] { send(p.host.get(), Type::ready, max + "y"); }), "sync: ready payload too large");
    // An error text is cut, not refused: the init must always be able to report.
    send(p.init.get(), Type::error, max + "tail");
    Message m = recv(p.host.get());
    EXPECT_EQ(m.type, Type::error);
    EXPECT_EQ(m.payload, max);
}

TEST(Sync, NulInPayloadIsRefusedOnBothSides) {
    Pair p;
    EXPECT_EQ(error_of([&] { send(p.host.get(), Type::go, std::string("a\0b", 3)); }), "sync: go payload contains NUL");
    send_forged(p.host.get(), 1, 3, std::string("a\0b", 3));
    EXPECT_EQ(error_of([&] { recv(p.init.get()); }), "sync: payload contains NUL");
}

TEST(Sync, ForgedLengthIsRefused) {
    Pair p;
    send_forged(p.host.get(), 1, 10, "abc");  // says 10, carries 3
    EXPECT_EQ(error_of([&] { recv(p.init.get()); }), "sync: message length does not match its header");
    send_forged(p.host.get(), 1, 2, "abc");  // says 2, carries 3
    EXPECT_EQ(error_of([&] { recv(p.init.get()); }), "sync: message length does not match its header");
    send_forged(p.host.get(), 1, 0xffffffffu, "");  // absurd length
    EXPECT_EQ(error_of([&] { recv(p.init.get()); }), "sync: message length does not match its header");
    send_forged(p.host.get(), 1, kMaxPayload + 1, std::string(kMaxPayload + 1, 'x'));  // just over the limit
    EXPECT_EQ(error_of([&] { recv(p.init.get()); }), "sync: message length does not match its header");
    // The socket still works afterwards: every bad datagram was consumed whole.
    send(p.host.get(), Type::go, "ok");
    EXPECT_EQ(recv(p.init.get()).payload, "ok");
}

TEST(Sync, OversizedDatagramIsRefused) {
    Pair p;
    send_forged(p.host.get(), 1, 100000, std::string(100000, 'x'));
    EXPECT_EQ(error_of([&] { recv(p.init.get()); }), "sync: oversized message");
}

TEST(Sync, ShortHeaderIsRefused) {
    Pair p;
    ASSERT_EQ(::send(p.host.get(), "\x01\x00\x00", 3, MSG_NOSIGNAL), 3);
    EXPECT_EQ(error_of([&] { recv(p.init.get()); }), "sync: short message header");
}

TEST(Sync, UnknownTypeIsRefused) {
    Pair p;
    send_forged(p.host.get(), 0, 0, "");
    EXPECT_EQ(error_of([&] { recv(p.init.get()); }), "sync: unknown message type 0");
    // One past the last known type (cloned = 12).
    send_forged(p.host.get(), 13, 0, "");
    EXPECT_EQ(error_of([&] { recv(p.init.get()); }), "sync: unknown message type 13");
    // The retired number inside the range (mount_fds_done).
    send_forged(p.host.get(), 9, 0, "");
    EXPECT_EQ(error_of([&] { recv(p.init.get()); }), "sync: unknown message type 9");
    send_forged(p.host.get(), 0xffffffffu, 0, "");
    EXPECT_EQ(error_of([&] { recv(p.init.get()); }), "sync: unknown message type 4294967295");
}

TEST(Sync, EofIsReported) {
    Pair p;
    p.host.reset();
    EXPECT_EQ(error_of([&] { recv(p.init.get()); }), "sync: the peer closed the sync socket");
    // Sending to a gone peer is an error, not SIGPIPE.
    EXPECT_FALSE(error_of([&] { send(p.init.get(), Type::ready); }).empty());
}

// An init that fails before reading the host's last message closes with it
// unread: the kernel then reports ECONNRESET once, ahead of the init's
// `error`. The host still gets that error's text, then EOF.
TEST(Sync, ErrorOfAPeerThatLeftMessagesUnreadArrives) {
    Pair p;
    send(p.host.get(), Type::go);
    send(p.host.get(), Type::cgroups_done);
    send(p.init.get(), Type::error, "mounts: /proc: permission denied");
    p.init.reset();
    EXPECT_EQ(error_of([&] { expect(p.host.get(), Type::ready); }), "mounts: /proc: permission denied");
    EXPECT_EQ(error_of([&] { recv(p.host.get()); }), "sync: the peer closed the sync socket");
}

TEST(Sync, FdPassing) {
    Pair p;
    int pipefd[2];
    ASSERT_EQ(::pipe2(pipefd, O_CLOEXEC | O_NONBLOCK), 0);
    UniqueFd r(pipefd[0]), w(pipefd[1]);
    send_with_fd(p.init.get(), Type::seccomp_fd, r.get(), "listener");
    Message m = recv(p.host.get());
    EXPECT_EQ(m.type, Type::seccomp_fd);
    EXPECT_EQ(m.payload, "listener");
    ASSERT_TRUE(m.fd);
    EXPECT_NE(m.fd.get(), r.get());
    EXPECT_EQ(islet::test::id_of(m.fd.get()), islet::test::id_of(r.get()));
    EXPECT_TRUE(::fcntl(m.fd.get(), F_GETFD) & FD_CLOEXEC);
    ASSERT_EQ(::write(w.get(), "z", 1), 1);
    char c = 0;
    EXPECT_EQ(::read(m.fd.get(), &c, 1), 1);
    EXPECT_EQ(c, 'z');
    // Without a payload too.
    send_with_fd(p.init.get(), Type::mount_fd, w.get());
    m = recv(p.host.get());
    EXPECT_EQ(m.type, Type::mount_fd);
    EXPECT_EQ(islet::test::id_of(m.fd.get()), islet::test::id_of(w.get()));
}

TEST(Sync, ExtraDescriptorsAreClosed) {
    // A forged message with two fds: only the first is kept, the second is
    // closed (else a peer could stuff descriptors into the runtime).
    Pair p;
    int pipefd[2];
    ASSERT_EQ(::pipe2(pipefd, O_CLOEXEC | O_NONBLOCK), 0);
    UniqueFd r(pipefd[0]), w(pipefd[1]);
    std::uint32_t hdr[2] = {static_cast<std::uint32_t>(Type::mount_fd), 0};
    iovec iov{hdr, sizeof hdr};
    alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(2 * sizeof(int));
    int fds[2] = {r.get(), w.get()};
    std::memcpy(CMSG_DATA(cm), fds, sizeof fds);
    ASSERT_EQ(::sendmsg(p.init.get(), &msg, MSG_NOSIGNAL), static_cast<ssize_t>(sizeof hdr));
    Message m = recv(p.host.get());
    ASSERT_TRUE(m.fd);
    EXPECT_EQ(islet::test::id_of(m.fd.get()), islet::test::id_of(r.get()));
    // If the received copy of the write end had leaked, the read end would
    // see EAGAIN instead of EOF once our own write end is closed.
    w.reset();
    char c;
    EXPECT_EQ(::read(m.fd.get(), &c, 1), 0);
}

TEST(FdPass, RoundTripAndRefusals) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    UniqueFd a(sv[0]), b(sv[1]);
    int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(devnull, 0);
    UniqueFd dn(devnull);
    islet::sys::send_fd(a.get(), dn.get(), "console");
    auto [fd, payload] = islet::sys::recv_fd(b.get());
    EXPECT_EQ(payload, "console");
    EXPECT_EQ(islet::test::id_of(fd.get()), islet::test::id_of(dn.get()));
    EXPECT_EQ(error_of([&] { islet::sys::send_fd(a.get(), dn.get(), ""); }), "send_fd: the payload must not be empty");
    ASSERT_EQ(::send(a.get(), "x", 1, MSG_NOSIGNAL), 1);
    EXPECT_EQ(error_of([&] { islet::sys::recv_fd(b.get()); }), "recvmsg: expected exactly one file descriptor, got 0");
    a.reset();
    EXPECT_EQ(error_of([&] { islet::sys::recv_fd(b.get()); }),
              "recvmsg: the peer closed the socket before sending a descriptor");
}
