/*
 * seccomp_listener: a minimal seccomp agent for the SCMP_ACT_NOTIFY tests
 * (runc's tests/cmd/seccompagent, reduced).
 *
 *   seccomp_listener SOCKET OUTDIR continue|errno:N
 *   seccomp_listener --nr mkdir   (prints the syscall's number here, for
 *                                  the tests to compare: no cpp needed)
 *
 * Listens on the unix socket SOCKET, creates OUTDIR/ready, accepts one
 * connection, receives the containerProcessState JSON with the listener fd
 * (SCM_RIGHTS) and writes the JSON to OUTDIR/state.json. Then answers every
 * notification (appending "nr=<syscall number>" to OUTDIR/notifications)
 * with SECCOMP_USER_NOTIF_FLAG_CONTINUE or the errno, until the filter has no
 * process left or 30 s passed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void write_file(const char *dir, const char *name, const char *data, size_t len, int append) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
    if (fd < 0) die(path);
    if (write(fd, data, len) != (ssize_t)len) die("write");
    close(fd);
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--nr") == 0 && strcmp(argv[2], "mkdir") == 0) {
        printf("%d\n", SYS_mkdir);
        return 0;
    }
    if (argc != 4) {
        fprintf(stderr, "usage: seccomp_listener SOCKET OUTDIR continue|errno:N | --nr mkdir\n");
        return 2;
    }
    const char *dir = argv[2];
    int err = 0;
    if (strncmp(argv[3], "errno:", 6) == 0) err = atoi(argv[3] + 6);

    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    unlink(argv[1]);
    if (bind(s, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
    if (listen(s, 1) < 0) die("listen");
    write_file(dir, "ready", "", 0, 0);
    struct pollfd pa = {.fd = s, .events = POLLIN};
    if (poll(&pa, 1, 30000) != 1) die("no connection within 30 s");
    int c = accept(s, NULL, NULL);
    if (c < 0) die("accept");

    static char buf[65536];
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {buf, sizeof buf - 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    ssize_t n = recvmsg(c, &msg, 0);
    if (n < 0) die("recvmsg");
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    if (!cm || cm->cmsg_type != SCM_RIGHTS) die("no file descriptor");
    int listener;
    memcpy(&listener, CMSG_DATA(cm), sizeof listener);
    write_file(dir, "state.json", buf, (size_t)n, 0);

    time_t end = time(NULL) + 30;
    while (time(NULL) < end) {
        struct pollfd p = {.fd = listener, .events = POLLIN};
        if (poll(&p, 1, 1000) <= 0) continue;
        if (p.revents & POLLHUP) break; /* no process left under the filter */
        struct seccomp_notif req;
        struct seccomp_notif_resp resp;
        memset(&req, 0, sizeof req);
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
            if (errno == EINTR || errno == ENOENT) continue;
            die("SECCOMP_IOCTL_NOTIF_RECV");
        }
        char line[64];
        int len = snprintf(line, sizeof line, "nr=%d\n", req.data.nr);
        write_file(dir, "notifications", line, (size_t)len, 1);
        memset(&resp, 0, sizeof resp);
        resp.id = req.id;
        if (err) {
            resp.error = -err;
        } else {
            resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        }
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT) die("SECCOMP_IOCTL_NOTIF_SEND");
    }
    return 0;
}
