// libFuzzer target: the sync protocol's decoder (runtime/process/sync.hpp),
// which the runtime runs on datagrams from a process inside the container
// (CVE-2021-43784 class). Input: one byte saying how many descriptors ride
// along (0-3, SCM_RIGHTS), then the datagram, sent over a real
// SOCK_SEQPACKET pair and read with sync::recv as islet reads it.
// Properties: refusals are sys::Error; an accepted message has a known type
// and a payload within kMaxPayload without NUL; no descriptor leaks, on
// success or refusal.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime/process/sync.hpp"
#include "sys/error.hpp"

using namespace islet;

namespace {

[[noreturn]] void finding(const char* what) {
    std::fprintf(stderr, "sync decoder: %s\n", what);
    std::abort();
}

// The lowest free descriptor number: it rises if a descriptor leaked.
int lowest_free_fd() {
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) finding("cannot open /dev/null");
    ::close(fd);
    return fd;
}

struct Pair {
    int sender = -1, receiver = -1, passed = -1;
    Pair() {
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) finding("socketpair");
        sender = sv[0];
        receiver = sv[1];
        passed = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        // Room for the largest datagram libFuzzer hands in (-max_len).
        const int size = 1 << 20;
        ::setsockopt(sender, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Pair pair;
    if (size == 0) return 0;
    const unsigned nfds = data[0] % 4;
    iovec iov{const_cast<std::uint8_t*>(data + 1), size - 1};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 3)] = {};
    if (nfds) {
        msg.msg_control = control;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
        for (unsigned i = 0; i < nfds; ++i) std::memcpy(CMSG_DATA(c) + i * sizeof(int), &pair.passed, sizeof(int));
    }
    if (::sendmsg(pair.sender, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) return 0;  // too large for the socket
    const int before = lowest_free_fd();
    try {
        const runtime::sync::Message m = runtime::sync::recv(pair.receiver);
        if (m.payload.size() > runtime::sync::kMaxPayload) finding("payload over kMaxPayload accepted");
        if (m.payload.find('\0') != std::string::npos) finding("payload with NUL accepted");
        if (std::strcmp(runtime::sync::type_name(m.type), "unknown") == 0) finding("unknown type accepted");
    } catch (const sys::Error&) {
    }
    if (lowest_free_fd() != before) finding("a passed descriptor leaked");
    return 0;
}
