#include "runtime/container/notify.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "sys/error.hpp"
#include "sys/fdpass.hpp"
#include "sys/log.hpp"
#include "sys/retry.hpp"
#include "sys/socket.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::notify {
namespace {

void send_to(int sock, const std::string& msg) {
    if (::send(sock, msg.data(), msg.size(), MSG_NOSIGNAL) < 0) sys::throw_errno("notify: send", msg);
}

// sd_notify_barrier: send the write end of a pipe with BARRIER=1 and wait
// (at most 30 s, systemd's own bound) for the manager to close it.
constexpr int kBarrierTimeoutMs = 30000;

void barrier(int sock) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) sys::throw_errno("pipe");
    sys::UniqueFd r(p[0]), w(p[1]);
    sys::send_fd(sock, w.get(), "BARRIER=1");
    w.reset();
    pollfd pf{r.get(), POLLIN, 0};
    if (sys::retry_eintr([&] { return ::poll(&pf, 1, kBarrierTimeoutMs); }) == 0)
        log::warning("Timeout after waiting 30s for barrier. Ignored.");
}

}  // namespace

std::string host_socket() {
    const char* s = std::getenv("NOTIFY_SOCKET");
    return s ? s : "";
}

spec::Mount prepare(const std::string& state_dir, std::vector<std::string>& env) {
    const std::string dir = state_dir + "/notify";
    if (::mkdir(dir.c_str(), 0755) < 0 && errno != EEXIST) sys::throw_errno("mkdir", dir);
    spec::Mount m;
    m.destination = "/run/notify";
    m.type = "bind";
    m.source = dir;
    m.options = {"bind", "nosuid", "noexec", "nodev", "ro"};
    env.push_back(std::string("NOTIFY_SOCKET=") + kContainerSocket);
    return m;
}

sys::UniqueFd bind(const std::string& state_dir) {
    const std::string dir = state_dir + "/notify";
    struct stat st {};
    if (::stat(dir.c_str(), &st) < 0) return {};
    const std::string path = dir + "/notify.sock";
    ::unlink(path.c_str());
    sys::UniqueFd s(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!s) sys::throw_errno("socket");
    const sockaddr_un a = sys::unix_address(path, "notify socket");
    if (::bind(s.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) < 0) sys::throw_errno("bind", path);
    if (::chmod(path.c_str(), 0777) < 0) sys::throw_errno("chmod", path);
    return s;
}

void forward(int sock, int init_pidfd, pid_t init_pid, const std::string& host) {
    for (;;) {
        pollfd fds[2] = {{sock, POLLIN, 0}, {init_pidfd, POLLIN, 0}};
        if (sys::retry_eintr([&] { return ::poll(fds, 2, -1); }) < 0) sys::throw_errno("poll the notify socket");
        if (fds[1].revents & POLLIN) return;  // the container died first: nothing to forward
        if (!(fds[0].revents & POLLIN)) continue;
        char buf[4096];
        ssize_t r = ::recv(sock, buf, sizeof buf, 0);
        if (r <= 0) continue;
        std::string msg(buf, static_cast<size_t>(r));
        if (!sys::starts_with(msg, "READY=")) continue;
        std::string ready = msg.substr(0, msg.find('\n'));
        sys::UniqueFd client = sys::connect_unix(host, "NOTIFY_SOCKET", SOCK_DGRAM);
        send_to(client.get(), ready + "\n");
        send_to(client.get(), "MAINPID=" + std::to_string(init_pid) + "\n");
        barrier(client.get());
        return;
    }
}

}  // namespace islet::runtime::notify
