/* notify_listener SOCKET LOG: a stand-in for systemd's notification socket.
 * Binds a datagram socket, logs every message, and answers BARRIER=1 by
 * closing the pipe it carries. Exits after the barrier or after 20 s. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strncpy(a.sun_path, argv[1], sizeof a.sun_path - 1);
    unlink(argv[1]);
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("bind");
        return 1;
    }
    FILE *log = fopen(argv[2], "w");
    setvbuf(log, NULL, _IONBF, 0);
    for (;;) {
        struct pollfd p = {s, POLLIN, 0};
        if (poll(&p, 1, 20000) <= 0) return 1;
        char buf[4096];
        char control[CMSG_SPACE(sizeof(int))];
        struct iovec iov = {buf, sizeof buf - 1};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
        ssize_t n = recvmsg(s, &m, 0);
        if (n < 0) return 1;
        buf[n] = 0;
        fprintf(log, "%s%s", buf, n && buf[n - 1] == '\n' ? "" : "\n");
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        if (c && c->cmsg_type == SCM_RIGHTS) {
            int fd;
            memcpy(&fd, CMSG_DATA(c), sizeof fd);
            close(fd);
        }
        if (strncmp(buf, "BARRIER=1", 9) == 0) return 0;
    }
}
